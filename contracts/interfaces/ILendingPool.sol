// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice How a token is priced: a Chainlink-compatible feed, its heartbeat and the bounds beyond which
/// its answer is refused (a feed clamped at a floor or a ceiling is no price).
struct FeedConfig {
    address feed;
    uint32 heartbeat;
    int128 minAnswer;
    int128 maxAnswer;
}

/// @notice How the pool prices a token, as built by the Configurator from a FeedConfig: decimals are read
/// once, at listing.
struct PriceSource {
    address feed;
    uint8 feedDecimals;
    uint8 tokenDecimals;
    uint32 heartbeat;
    int128 minAnswer;
    int128 maxAnswer;
}

/// @notice Risk parameters of one collateral (WAD fractions; supplyCap in collateral units).
struct CollateralParams {
    uint64 maxLtv;
    uint64 liquidationThreshold;
    uint64 liquidationBonus;
    uint128 supplyCap;
}

/// @notice Kinked interest rate model; rates per second in WAD, kink a WAD utilization.
struct RateModel {
    uint64 baseRate;
    uint64 slope1;
    uint64 slope2;
    uint64 kink;
}

/// @notice Pool-wide risk parameters. Fractions in WAD; values in quote currency with 18 decimals;
/// borrowCap in loan-asset units.
struct RiskParams {
    uint64 closeFactor;
    uint64 fullCloseHealthFactor;
    uint64 reserveFactor;
    uint128 borrowCap;
    uint128 minBorrowValue;
    uint128 smallDebtValue;
    uint128 dustValue;
}

/// @notice One borrower as the lens sees it, at fresh prices and with interest accrued to now.
struct PositionView {
    address borrower;
    uint256 debt;
    uint256 debtValue;
    uint256 collateralValue;
    uint256 liquidationValue;
    uint256 healthFactor;
}

/// @title ILendingPool
/// @notice Borrowing, liquidation and the bad-debt waterfall of Shortfall. The pool holds the loan
/// asset and all collateral; LPs enter through the LPToken (ERC-4626); the ReserveFund holds LP
/// shares that absorb losses before the LPs do.
interface ILendingPool {
    /* EVENTS */

    /// @notice Interest accrued: `interest` added to total borrows, of which `reserveInterest` was minted
    /// to the ReserveFund as `reserveShares` LP shares.
    event AccrueInterest(uint256 ratePerSecond, uint256 interest, uint256 reserveInterest, uint256 reserveShares);
    /// @notice `amount` of `token` was supplied as collateral for `onBehalf`.
    event SupplyCollateral(address indexed caller, address indexed onBehalf, address indexed token, uint256 amount);
    /// @notice `amount` of `token` collateral of `borrower` was sent to `receiver`.
    event WithdrawCollateral(
        address indexed borrower, address indexed receiver, address indexed token, uint256 amount
    );
    /// @notice `borrower` borrowed `assets`, owing `shares` more debt shares.
    event Borrow(address indexed borrower, address indexed receiver, uint256 assets, uint256 shares);
    /// @notice `caller` repaid `assets` (`shares` debt shares) of `onBehalf`'s debt.
    event Repay(address indexed caller, address indexed onBehalf, uint256 assets, uint256 shares);
    /// @notice `liquidator` repaid `repaid` of `borrower`'s debt and seized `seized` of `collateral`;
    /// `badDebt` was written off and socialized in the same transaction.
    event Liquidate(
        address indexed borrower,
        address indexed liquidator,
        address indexed collateral,
        uint256 repaid,
        uint256 seized,
        uint256 badDebt
    );
    /// @notice The whole debt of `borrower` was written off by `caller`. The remaining collateral, worth
    /// `collateralValueAssets` in loan asset, went to the ReserveFund, which paid for it by burning
    /// `reserveSharesPaid`; or to the caller as a bounty when it was dust (`bounty` true).
    event RealizeBadDebt(
        address indexed borrower,
        address indexed caller,
        uint256 debtWrittenOff,
        uint256 collateralValueAssets,
        uint256 reserveSharesPaid,
        bool bounty
    );
    /// @notice A loss was socialized: the reserve covered `coveredByReserve`, the LPs `lpLoss`;
    /// loss == coveredByReserve + lpLoss. Share price = convertToAssets(10 ** decimals()).
    event BadDebtSocialized(
        address indexed borrower,
        uint256 loss,
        uint256 coveredByReserve,
        uint256 lpLoss,
        uint256 reserveSharesBurned,
        uint256 sharePriceBefore,
        uint256 sharePriceAfter
    );

    /* ERRORS */

    /// @notice An amount of zero was given.
    error ZeroAmount();
    /// @notice The zero address was given for `what`.
    error ZeroAddress(bytes32 what);
    /// @notice `token` is not a listed collateral.
    error UnknownCollateral(address token);
    /// @notice `borrower` already has MAX_COLLATERALS collaterals enabled.
    error TooManyCollaterals(address borrower);
    /// @notice The supply cap `cap` of `token` would be exceeded.
    error SupplyCapExceeded(address token, uint256 cap);
    /// @notice The borrow cap `cap` would be exceeded.
    error BorrowCapExceeded(uint256 cap);
    /// @notice Only `available` of the loan asset is in the pool; `requested` was asked for.
    error InsufficientCash(uint256 available, uint256 requested);
    /// @notice `borrower`'s collateral allows debt worth `maxDebtValue`; `debtValue` would be owed.
    error InsufficientCollateral(address borrower, uint256 maxDebtValue, uint256 debtValue);
    /// @notice `borrower` has only `balance` of `token` as collateral; `requested` was asked for.
    error InsufficientCollateralBalance(address borrower, address token, uint256 balance, uint256 requested);
    /// @notice A debt worth `debtValue` is below the minimum `minBorrowValue`.
    error BorrowTooSmall(uint256 debtValue, uint256 minBorrowValue);
    /// @notice `feed` answered `answer`, which is zero or negative.
    error InvalidPrice(address feed, int256 answer);
    /// @notice `feed` was last updated at `updatedAt`, more than its heartbeat ago.
    error StalePrice(address feed, uint256 updatedAt);
    /// @notice `feed` answered `answer`, at or beyond its bounds [minAnswer, maxAnswer].
    error PriceOutOfBounds(address feed, int256 answer, int256 minAnswer, int256 maxAnswer);
    /// @notice `borrower` is healthy (`healthFactor` >= 1e18) and cannot be liquidated.
    error HealthyPosition(address borrower, uint256 healthFactor);
    /// @notice `borrower` has no debt.
    error NoDebt(address borrower);
    /// @notice `seized` is less than the liquidator's `minSeized`.
    error SlippageExceeded(uint256 seized, uint256 minSeized);
    /// @notice The liquidation would leave debt worth `debtValue`, below `minBorrowValue`, with collateral.
    error DustLeft(uint256 debtValue, uint256 minBorrowValue);
    /// @notice `borrower`'s collateral (`collateralValue`) still covers its debt (`debtValue`).
    error NotInsolvent(address borrower, uint256 collateralValue, uint256 debtValue);
    /// @notice The reserve holds `reserveAssets`, less than the `needed` collateral value; liquidate instead.
    error ReserveInsufficient(uint256 reserveAssets, uint256 needed);
    /// @notice `caller` may not call this function.
    error Unauthorized(address caller);
    /// @notice The LPToken, ReserveFund or Configurator given at construction is not wired to this pool.
    error WiringMismatch();
    /// @notice The pool is paused.
    error EnforcedPause();

    /* LENDERS (called by the LPToken) */

    /// @notice Accrues interest up to now; the reserve's cut is added to `pendingReserveShares`.
    /// @return totalAssets cash + total borrows after accrual.
    /// @return totalShares LP shares after accrual, the reserve's pending shares included.
    function accrueInterest() external returns (uint256 totalAssets, uint256 totalShares);

    /// @notice Records `assets` the LPToken has just sent to the pool. Only the LPToken.
    function creditCash(uint256 assets) external;

    /// @notice Sends `assets` of cash to `receiver`. Only the LPToken, for withdrawals.
    function payOut(address receiver, uint256 assets) external;

    /// @notice Reserve shares accrued from the reserve factor and not yet minted as LPToken shares. They are
    /// LP shares in every respect: `LPToken.totalSupply()` and `LPToken.balanceOf(reserveFund)` include them.
    /// @dev Kept in a slot every accrual writes anyway, so an accrual makes no call to the LPToken to mint.
    function pendingReserveShares() external view returns (uint128);

    /// @notice Hands the pending reserve shares to the LPToken, which mints them to the ReserveFund (with
    /// their Transfer event) before any transfer out of the reserve. Only the LPToken.
    /// @return shares The pending reserve shares, now zero here.
    function takePendingReserveShares() external returns (uint256 shares);

    /* BORROWERS */

    /// @notice Supplies `amount` of collateral `token` for `onBehalf`; enables it for that borrower.
    /// @dev Paused while the pool is paused. At most MAX_COLLATERALS collaterals per borrower.
    function supplyCollateral(address token, uint256 amount, address onBehalf) external;

    /// @notice Withdraws `amount` (type(uint256).max: all) of the caller's collateral `token` to `receiver`.
    /// @dev With debt, the position must stay within max LTV at fresh prices. Never paused.
    function withdrawCollateral(address token, uint256 amount, address receiver) external returns (uint256);

    /// @notice Borrows `assets` of the loan asset against the caller's collateral, sent to `receiver`.
    /// @dev Debt shares round up (the borrower owes the rounding). Paused while the pool is paused.
    function borrow(uint256 assets, address receiver) external returns (uint256 shares);

    /// @notice Repays `assets` (type(uint256).max: the whole debt) of `onBehalf`'s debt.
    /// @dev Reads no price, so a full repay always succeeds; never paused.
    function repay(uint256 assets, address onBehalf) external returns (uint256 repaid, uint256 shares);

    /* LIQUIDATION AND BAD DEBT */

    /// @notice Liquidates `borrower`, whose health factor is below 1: repays up to `maxRepay` of its debt
    /// (type(uint256).max: as much as the close factor allows) and seizes `collateral` worth the repaid
    /// value times (1 + bonus), sent to `receiver`. Debt left with collateral worth at most dustValue is
    /// written off and socialized in the same transaction.
    /// @return repaid Loan asset paid by the caller.
    /// @return seized Collateral sent to `receiver`.
    /// @return badDebt Debt written off and socialized.
    function liquidate(address borrower, address collateral, uint256 maxRepay, uint256 minSeized, address receiver)
        external
        returns (uint256 repaid, uint256 seized, uint256 badDebt);

    /// @notice Writes off the whole debt of an insolvent `borrower` (collateral worth less than its debt at
    /// fresh prices). The ReserveFund takes the collateral and pays its value V out of the reserve; the rest,
    /// D - V, is socialized. Reverts if the reserve is worth less than V, unless V <= dustValue, when the
    /// collateral goes to the caller as a bounty and the whole debt is socialized. Permissionless.
    /// @return loss The loss socialized.
    function realizeBadDebt(address borrower) external returns (uint256 loss);

    /* VIEWS */

    /// @notice cash + total borrows, with interest accrued up to now.
    function totalAssets() external view returns (uint256);

    /// @notice Total assets and LP shares as they will be after an accrual now (previews use these).
    function expectedTotals() external view returns (uint256 totalAssets, uint256 totalShares);

    /// @notice Debt of `borrower` with interest accrued up to now, rounded up.
    function debtOf(address borrower) external view returns (uint256);

    /// @notice Collateral `token` supplied by `borrower`.
    function collateralOf(address borrower, address token) external view returns (uint256);

    /// @notice Collaterals enabled by `borrower`.
    function collateralsOf(address borrower) external view returns (address[] memory);

    /// @notice Health factor of `borrower` (WAD): sum(collateral value * LT) / debt value; max if no debt.
    function healthFactor(address borrower) external view returns (uint256);

    /// @notice The debt of `borrower` not covered by its collateral at fresh prices, in loan asset (0 if
    /// solvent): what `realizeBadDebt` would write off beyond the collateral's value.
    function pendingShortfall(address borrower) external view returns (uint256);

    /// @notice Debt, values and health factor of many borrowers in one call (for keepers and tools).
    function positionsOf(address[] calldata borrowers) external view returns (PositionView[] memory);

    /// @notice Value of `amount` of collateral `token` in loan asset at fresh prices, rounded up.
    function collateralToAssetsUp(address token, uint256 amount) external view returns (uint256);

    /// @notice Whether deposit, mint, borrow and supplyCollateral are paused.
    function paused() external view returns (bool);

    /// @notice The kinked rate model in force.
    function rateModel() external view returns (RateModel memory);

    /// @notice The pool-wide risk parameters in force.
    function riskParams() external view returns (RiskParams memory);

    /// @notice Current utilization (WAD): borrows / (cash + borrows).
    function utilization() external view returns (uint256);

    /// @notice Current borrow rate per second (WAD) from the kinked model.
    function borrowRatePerSecond() external view returns (uint256);

    /// @notice The Configurator, the only contract that can change this pool's parameters.
    function configurator() external view returns (address);

    /// @notice How `token` is priced (the loan asset or a listed collateral).
    function priceSources(address token)
        external
        view
        returns (
            address feed,
            uint8 feedDecimals,
            uint8 tokenDecimals,
            uint32 heartbeat,
            int128 minAnswer,
            int128 maxAnswer
        );

    /// @notice Risk parameters of collateral `token`, its total supplied and whether it is listed.
    function collaterals(address token) external view returns (CollateralParams memory, uint256, bool);

    /* CONFIGURATION: narrow writers, only the Configurator (which holds every bound check) */

    /// @notice Stores how `token` is priced. Only the Configurator.
    function writePriceSource(address token, PriceSource calldata source) external;

    /// @notice Lists `token` (if new) and stores its risk parameters; its total supplied is kept. Only the
    /// Configurator.
    function writeCollateral(address token, CollateralParams calldata params) external;

    /// @notice Accrues interest at the old rate, then stores the rate model. Only the Configurator.
    function writeRateModel(RateModel calldata model) external;

    /// @notice Accrues interest at the old reserve factor, then stores the risk parameters. Only the
    /// Configurator.
    function writeRiskParams(RiskParams calldata params) external;

    /// @notice Sets the pause flag. Only the Configurator.
    function writePaused(bool paused) external;
}
