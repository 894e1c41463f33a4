// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {
    ILendingPool,
    FeedConfig,
    PriceSource,
    CollateralParams,
    RateModel,
    RiskParams,
    PositionView
} from "./interfaces/ILendingPool.sol";
import {ILPToken} from "./interfaces/ILPToken.sol";
import {IReserveFund} from "./interfaces/IReserveFund.sol";
import {IConfigurator} from "./interfaces/IConfigurator.sol";
import {IAggregatorV3} from "./interfaces/IAggregatorV3.sol";
import {ConstantsLib} from "./libraries/ConstantsLib.sol";
import {MathLib} from "./libraries/MathLib.sol";
import {SharesMathLib} from "./libraries/SharesMathLib.sol";
import {LossMathLib} from "./libraries/LossMathLib.sol";
import {TransferLib} from "./libraries/TransferLib.sol";

/// @title LendingPool
/// @notice Borrowing against listed collaterals, liquidation, and the bad-debt waterfall: a loss is
/// absorbed by burning the ReserveFund's LP shares first, then by lowering the price of every LP share.
/// Governance lives in the Configurator, which alone may call the narrow `write*` functions.
/// Immutable: no proxy, no delegatecall, no selfdestruct.
contract LendingPool is ILendingPool, ReentrancyGuardTransient {
    using MathLib for uint256;
    using SharesMathLib for uint256;
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev A listed collateral, packed in two slots: the risk parameters read on every valuation, then the
    /// cap and the total supplied, written on every supply, withdrawal and seizure.
    struct Collateral {
        uint64 maxLtv;
        uint64 liquidationThreshold;
        uint64 liquidationBonus;
        bool listed;
        uint128 supplyCap;
        uint128 totalSupplied;
    }

    /// @dev A price read once per call: the answer and 10 ** (tokenDecimals + feedDecimals).
    struct Price {
        uint256 answer;
        uint256 scale;
    }

    /// @dev The rate model and the reserve factor in one slot: one SLOAD an accrual.
    struct InterestConfig {
        uint40 baseRate;
        uint40 slope1;
        uint40 slope2;
        uint64 kink;
        uint64 reserveFactor;
    }

    /// @dev Liquidation parameters in the slots they are read together.
    struct RiskConfig {
        uint64 closeFactor;
        uint64 fullCloseHealthFactor;
        uint128 smallDebtValue;
        uint128 dustValue;
        uint128 minBorrowValue;
        uint128 borrowCap;
    }

    /// @dev A borrower: debt shares and the (at most MAX_COLLATERALS) enabled collaterals.
    struct Position {
        uint128 borrowShares;
        uint8 collateralCount;
        address[4] collaterals; // ConstantsLib.MAX_COLLATERALS
    }

    /// @notice The loan asset.
    IERC20 public immutable asset;
    /// @notice The LP share token (ERC-4626).
    ILPToken public immutable lpToken;
    /// @notice The ReserveFund, holder of the reserve's LP shares.
    address public immutable reserveFund;
    /// @inheritdoc ILendingPool
    address public immutable configurator;
    /// @dev 10 ** lpToken.decimals(): one whole share, for the share price.
    uint256 internal immutable SHARE_UNIT;

    /// @notice Loan asset held for lenders (internal accounting: donations are not counted).
    uint128 public cash;
    /// @notice Total debt in loan asset, interest included up to `lastUpdate`.
    uint128 public totalBorrowAssets;
    /// @inheritdoc ILendingPool
    /// @dev In the slot every accrual writes (with `lastUpdate`): the reserve's cut costs no external call.
    uint128 public pendingReserveShares;
    /// @notice Time of the last accrual.
    uint64 public lastUpdate;
    /// @inheritdoc ILendingPool
    bool public paused;
    /// @notice Total debt shares.
    uint128 public totalBorrowShares;

    InterestConfig internal _rates;
    RiskConfig internal _risk;

    /// @inheritdoc ILendingPool
    mapping(address token => PriceSource) public priceSources;
    mapping(address token => Collateral) internal _collaterals;
    mapping(address borrower => Position) internal _positions;
    /// @inheritdoc ILendingPool
    mapping(address borrower => mapping(address token => uint256)) public collateralOf;

    /// @param asset_ The loan asset.
    /// @param lpToken_ The LPToken, deployed for this pool.
    /// @param reserveFund_ The ReserveFund, deployed for this pool.
    /// @param configurator_ The Configurator, deployed for this pool; it checks the initial parameters and
    /// emits their ParameterSet events.
    /// @param loanFeed How the loan asset is priced.
    /// @param model The interest rate model.
    /// @param risk The pool-wide risk parameters.
    constructor(
        address asset_,
        address lpToken_,
        address reserveFund_,
        address configurator_,
        FeedConfig memory loanFeed,
        RateModel memory model,
        RiskParams memory risk
    ) {
        if (asset_ == address(0)) revert ZeroAddress("asset");
        ILPToken lp = ILPToken(lpToken_);
        IConfigurator config = IConfigurator(configurator_);
        if (
            lp.pool() != address(this) || lp.reserveFund() != reserveFund_ || lp.asset() != asset_
                || IReserveFund(reserveFund_).pool() != address(this) || IReserveFund(reserveFund_).lpToken() != lpToken_
                || config.pool() != address(this) || config.asset() != asset_
        ) revert WiringMismatch();
        asset = IERC20(asset_);
        lpToken = lp;
        reserveFund = reserveFund_;
        configurator = configurator_;
        SHARE_UNIT = 10 ** lp.decimals();
        lastUpdate = uint64(block.timestamp);
        priceSources[asset_] = config.initialize(loanFeed, model, risk);
        _storeRateModel(model);
        _storeRiskParams(risk);
    }

    modifier whenNotPaused() {
        if (paused) revert EnforcedPause();
        _;
    }

    modifier onlyLPToken() {
        if (msg.sender != address(lpToken)) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyConfigurator() {
        if (msg.sender != configurator) revert Unauthorized(msg.sender);
        _;
    }

    /* LENDERS */

    /// @inheritdoc ILendingPool
    function accrueInterest() external returns (uint256 totalAssets_, uint256 totalShares) {
        _accrue();
        return (uint256(cash) + totalBorrowAssets, _totalShares());
    }

    /// @inheritdoc ILendingPool
    function creditCash(uint256 assets) external onlyLPToken {
        cash = (cash + assets).toUint128();
    }

    /// @inheritdoc ILendingPool
    function payOut(address receiver, uint256 assets) external onlyLPToken {
        uint256 available = cash;
        if (assets > available) revert InsufficientCash(available, assets);
        cash = uint128(available - assets);
        asset.safeTransfer(receiver, assets);
    }

    /// @inheritdoc ILendingPool
    function takePendingReserveShares() external onlyLPToken returns (uint256 shares) {
        shares = pendingReserveShares;
        if (shares > 0) pendingReserveShares = 0;
    }

    /* BORROWERS */

    /// @inheritdoc ILendingPool
    function supplyCollateral(address token, uint256 amount, address onBehalf) external nonReentrant whenNotPaused {
        if (amount == 0) revert ZeroAmount();
        if (onBehalf == address(0)) revert ZeroAddress("onBehalf");
        Collateral storage collateral = _collaterals[token];
        if (!collateral.listed) revert UnknownCollateral(token);
        uint256 supplied = collateral.totalSupplied + amount;
        if (supplied > collateral.supplyCap) revert SupplyCapExceeded(token, collateral.supplyCap);

        uint256 balance = collateralOf[onBehalf][token];
        if (balance == 0) _enableCollateral(onBehalf, token);
        collateralOf[onBehalf][token] = balance + amount;
        collateral.totalSupplied = uint128(supplied);

        TransferLib.pullExact(IERC20(token), msg.sender, address(this), amount);
        emit SupplyCollateral(msg.sender, onBehalf, token, amount);
    }

    /// @inheritdoc ILendingPool
    function withdrawCollateral(address token, uint256 amount, address receiver)
        external
        nonReentrant
        returns (uint256)
    {
        if (amount == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress("receiver");
        uint256 balance = collateralOf[msg.sender][token];
        if (amount == type(uint256).max) amount = balance;
        if (amount > balance || balance == 0) revert InsufficientCollateralBalance(msg.sender, token, balance, amount);

        _accrue();
        collateralOf[msg.sender][token] = balance - amount;
        _collaterals[token].totalSupplied -= uint128(amount);
        if (balance == amount) _disableCollateral(_positions[msg.sender], token);

        uint256 shares = _positions[msg.sender].borrowShares;
        if (shares > 0) {
            uint256 debtValue = _valueUp(shares.toAssetsUp(totalBorrowAssets, totalBorrowShares), _price(address(asset)));
            (,, uint256 maxDebtValue,) = _collateralValues(msg.sender, address(0));
            if (debtValue > maxDebtValue) revert InsufficientCollateral(msg.sender, maxDebtValue, debtValue);
        }

        IERC20(token).safeTransfer(receiver, amount);
        emit WithdrawCollateral(msg.sender, receiver, token, amount);
        return amount;
    }

    /// @inheritdoc ILendingPool
    function borrow(uint256 assets, address receiver) external nonReentrant whenNotPaused returns (uint256 shares) {
        if (assets == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress("receiver");
        _accrue();
        uint256 available = cash;
        if (assets > available) revert InsufficientCash(available, assets);
        uint256 borrows = totalBorrowAssets;
        uint256 borrowShares_ = totalBorrowShares;
        if (borrows + assets > _risk.borrowCap) revert BorrowCapExceeded(_risk.borrowCap);

        shares = assets.toSharesUp(borrows, borrowShares_);
        Position storage position = _positions[msg.sender];
        uint256 positionShares = position.borrowShares + shares;
        borrows += assets;
        borrowShares_ += shares;
        position.borrowShares = positionShares.toUint128();
        totalBorrowShares = borrowShares_.toUint128();
        totalBorrowAssets = borrows.toUint128();
        cash = uint128(available - assets);

        uint256 debtValue = _valueUp(positionShares.toAssetsUp(borrows, borrowShares_), _price(address(asset)));
        if (debtValue < _risk.minBorrowValue) revert BorrowTooSmall(debtValue, _risk.minBorrowValue);
        (,, uint256 maxDebtValue,) = _collateralValues(msg.sender, address(0));
        if (debtValue > maxDebtValue) revert InsufficientCollateral(msg.sender, maxDebtValue, debtValue);

        asset.safeTransfer(receiver, assets);
        emit Borrow(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ILendingPool
    function repay(uint256 assets, address onBehalf) external nonReentrant returns (uint256 repaid, uint256 shares) {
        if (assets == 0) revert ZeroAmount();
        _accrue();
        Position storage position = _positions[onBehalf];
        uint256 positionShares = position.borrowShares;
        if (positionShares == 0) revert NoDebt(onBehalf);
        uint256 borrows = totalBorrowAssets;
        uint256 borrowShares_ = totalBorrowShares;
        uint256 debt = positionShares.toAssetsUp(borrows, borrowShares_).min(borrows);

        // A partial repay burns shares rounded down: the borrower, not the LPs, pays the rounding.
        (repaid, shares) = assets >= debt ? (debt, positionShares) : (assets, assets.toSharesDown(borrows, borrowShares_));
        if (shares == 0) revert ZeroAmount();
        position.borrowShares = uint128(positionShares - shares);
        totalBorrowShares = uint128(borrowShares_ - shares);
        totalBorrowAssets = uint128(borrows - repaid);
        cash = (cash + repaid).toUint128();

        TransferLib.pullExact(asset, msg.sender, address(this), repaid);
        emit Repay(msg.sender, onBehalf, repaid, shares);
    }

    /* LIQUIDATION */

    /// @inheritdoc ILendingPool
    function liquidate(address borrower, address collateral, uint256 maxRepay, uint256 minSeized, address receiver)
        external
        nonReentrant
        returns (uint256 repaid, uint256 seized, uint256 badDebt)
    {
        if (maxRepay == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress("receiver");
        LiquidationState memory s;
        s.balance = collateralOf[borrower][collateral];
        if (s.balance == 0) revert InsufficientCollateralBalance(borrower, collateral, 0, 1);
        _accrue();
        Position storage position = _positions[borrower];
        s.positionShares = position.borrowShares;
        if (s.positionShares == 0) revert NoDebt(borrower);

        s.borrows = totalBorrowAssets;
        s.borrowShares = totalBorrowShares;
        s.debt = s.positionShares.toAssetsUp(s.borrows, s.borrowShares).min(s.borrows);
        s.loanPrice = _price(address(asset));
        s.debtValue = _valueUp(s.debt, s.loanPrice);
        uint256 health = _health(s, borrower, collateral);
        if (health >= ConstantsLib.WAD) revert HealthyPosition(borrower, health);

        // Close factor: 100% below the full-close health factor or under the small-debt value.
        RiskConfig storage risk = _risk;
        repaid = (health < risk.fullCloseHealthFactor || s.debtValue < risk.smallDebtValue)
            ? s.debt
            : s.debt.wMulDown(risk.closeFactor);
        repaid = repaid.min(maxRepay);
        if (repaid == 0) revert ZeroAmount();

        (repaid, seized) = _seize(s, collateral, repaid);
        if (seized < minSeized) revert SlippageExceeded(seized, minSeized);

        badDebt = _applyLiquidation(s, position, borrower, collateral, repaid, seized);

        // Interactions.
        TransferLib.pullExact(asset, msg.sender, address(this), repaid);
        if (seized > 0) IERC20(collateral).safeTransfer(receiver, seized);
        emit Liquidate(borrower, msg.sender, collateral, repaid, seized, badDebt);
    }

    /// @dev Locals of `liquidate`, kept in memory to stay within the stack.
    struct LiquidationState {
        uint256 balance;
        uint256 positionShares;
        uint256 borrows;
        uint256 borrowShares;
        uint256 debt;
        uint256 debtValue;
        uint256 collateralValue;
        uint256 balanceValue;
        Price loanPrice;
        Price collateralPrice;
    }

    /// @dev Reads the collateral value into `s` and returns the health factor.
    function _health(LiquidationState memory s, address borrower, address collateral) internal view returns (uint256) {
        uint256 liquidationValue;
        (s.collateralValue, liquidationValue,, s.collateralPrice) = _collateralValues(borrower, collateral);
        return liquidationValue.wDivDown(s.debtValue);
    }

    /// @dev The effects of a liquidation on the position, the collateral and the market.
    function _applyLiquidation(
        LiquidationState memory s,
        Position storage position,
        address borrower,
        address collateral,
        uint256 repaid,
        uint256 seized
    ) internal returns (uint256 badDebt) {
        // A partial repay burns debt shares rounded down: the liquidator, not the LPs, pays the rounding.
        uint256 repaidShares = repaid == s.debt ? s.positionShares : repaid.toSharesDown(s.borrows, s.borrowShares);
        s.positionShares -= repaidShares;
        s.borrowShares -= repaidShares;
        s.borrows -= repaid;
        s.balance -= seized;
        position.borrowShares = uint128(s.positionShares);
        collateralOf[borrower][collateral] = s.balance;
        _collaterals[collateral].totalSupplied -= uint128(seized);
        if (s.balance == 0) _disableCollateral(position, collateral);
        cash = (cash + repaid).toUint128();
        if (s.positionShares > 0) badDebt = _settleRemainder(s, position, borrower);
        totalBorrowAssets = uint128(s.borrows);
        totalBorrowShares = uint128(s.borrowShares);
    }

    /// @dev Seized = repaid * (1 + bonus) at oracle prices, rounded down. When the collateral cannot cover
    /// it, all of it is seized and the liquidator pays its value / (1 + bonus), rounded up.
    function _seize(LiquidationState memory s, address collateral, uint256 repaid)
        internal
        view
        returns (uint256, uint256 seized)
    {
        uint256 bonusFactor = ConstantsLib.WAD + _collaterals[collateral].liquidationBonus;
        s.balanceValue = _valueDown(s.balance, s.collateralPrice);
        seized = _amountDown(_valueDown(repaid, s.loanPrice).wMulDown(bonusFactor), s.collateralPrice);
        if (seized < s.balance) return (repaid, seized);
        return (_amountUp(s.balanceValue.wDivUp(bonusFactor), s.loanPrice).min(repaid), s.balance);
    }

    /// @dev After a liquidation that left debt: collateral worth at most dustValue means the debt is bad
    /// debt, socialized now; otherwise the position must keep at least minBorrowValue of debt, unless the
    /// seized collateral is gone.
    function _settleRemainder(LiquidationState memory s, Position storage position, address borrower)
        internal
        returns (uint256 badDebt)
    {
        uint256 remainingValue = s.collateralValue - s.balanceValue + _valueDown(s.balance, s.collateralPrice);
        RiskConfig storage risk = _risk;
        if (remainingValue <= risk.dustValue) {
            badDebt = s.positionShares.toAssetsUp(s.borrows, s.borrowShares).min(s.borrows);
            position.borrowShares = 0;
            s.borrowShares -= s.positionShares;
            _socializeLoss(borrower, badDebt, uint256(cash) + s.borrows, _totalShares());
            s.borrows -= badDebt;
        } else if (s.balance > 0) {
            uint256 debtValue = _valueUp(s.positionShares.toAssetsUp(s.borrows, s.borrowShares), s.loanPrice);
            if (debtValue < risk.minBorrowValue) revert DustLeft(debtValue, risk.minBorrowValue);
        }
    }

    /// @inheritdoc ILendingPool
    function realizeBadDebt(address borrower) external nonReentrant returns (uint256 loss) {
        _accrue();
        Position storage position = _positions[borrower];
        uint256 positionShares = position.borrowShares;
        if (positionShares == 0) revert NoDebt(borrower);
        uint256 borrows = totalBorrowAssets;
        uint256 debt = positionShares.toAssetsUp(borrows, totalBorrowShares).min(borrows);
        Price memory loanPrice = _price(address(asset));
        uint256 debtValue = _valueUp(debt, loanPrice);
        (uint256 collateralValue,,,) = _collateralValues(borrower, address(0));
        if (collateralValue >= debtValue) revert NotInsolvent(borrower, collateralValue, debtValue);

        // The whole debt is written off.
        position.borrowShares = 0;
        totalBorrowShares -= uint128(positionShares);
        uint256 totalAssets_ = uint256(cash) + borrows;
        uint256 totalShares = _totalShares();
        totalBorrowAssets = uint128(borrows - debt);

        // The collateral is bought by the ReserveFund at its oracle value V (rounded up, paid by the
        // reserve), or given to the caller as a bounty when it is dust.
        bool bounty = collateralValue <= _risk.dustValue;
        uint256 value = bounty ? 0 : _amountUp(collateralValue, loanPrice).min(debt);
        uint256 paidShares = 0;
        if (!bounty) {
            uint256 reserveShares = _reserveShares();
            uint256 reserveAssets = reserveShares.toAssetsDown(totalAssets_, totalShares);
            if (reserveAssets < value) revert ReserveInsufficient(reserveAssets, value);
            paidShares = value.toSharesUp(totalAssets_, totalShares);
            _burnReserveShares(paidShares);
            totalAssets_ -= value;
            totalShares -= paidShares;
        }
        loss = debt - value;
        if (loss > 0) _socializeLoss(borrower, loss, totalAssets_, totalShares);

        _releaseCollaterals(position, borrower, bounty ? msg.sender : reserveFund);
        emit RealizeBadDebt(borrower, msg.sender, debt, value, paidShares, bounty);
    }

    /* BAD DEBT SOCIALIZATION */

    /// @dev The loss waterfall, the one place where a loss is absorbed. The caller has already removed
    /// `loss` from total borrows and passes the totals from before. Burns b = min(reserve shares,
    /// toSharesUp(loss)) from the ReserveFund; what the reserve could not cover lowers the price of every
    /// share. O(1): no loop over LPs or borrowers.
    function _socializeLoss(address borrower, uint256 loss, uint256 totalAssetsBefore, uint256 totalSharesBefore)
        internal
    {
        (uint256 burned, uint256 coveredByReserve, uint256 lpLoss) = LossMathLib.splitLoss(
            loss, _reserveShares(), totalAssetsBefore, totalSharesBefore
        );
        if (burned > 0) _burnReserveShares(burned);
        emit BadDebtSocialized(
            borrower,
            loss,
            coveredByReserve,
            lpLoss,
            burned,
            SHARE_UNIT.toAssetsDown(totalAssetsBefore, totalSharesBefore),
            SHARE_UNIT.toAssetsDown(totalAssetsBefore - loss, totalSharesBefore - burned)
        );
    }

    /// @dev Burns `shares` of the ReserveFund: its pending shares first (never minted, so they leave no
    /// Transfer event, as they arrived with none), then minted ones through the LPToken.
    function _burnReserveShares(uint256 shares) internal {
        uint256 pending = pendingReserveShares;
        if (pending >= shares) {
            pendingReserveShares = uint128(pending - shares);
            return;
        }
        if (pending > 0) pendingReserveShares = 0;
        lpToken.burnReserveShares(shares - pending);
    }

    /// @dev Adds the reserve's cut to its pending shares. Shares are uint256 and the count a uint128: past it
    /// (after a near-total loss, when one unit of interest is worth a huge number of shares) the whole count is
    /// minted at once instead, so an accrual never reverts for it.
    function _addPendingReserveShares(uint256 shares) internal {
        uint256 pending = pendingReserveShares + shares;
        if (pending <= type(uint128).max) {
            pendingReserveShares = uint128(pending);
        } else {
            pendingReserveShares = 0;
            lpToken.mintReserveShares(pending);
        }
    }

    /// @dev All LP shares: those minted by the LPToken and the reserve's pending ones (one call, no callback).
    function _totalShares() internal view returns (uint256) {
        return lpToken.mintedSupply() + pendingReserveShares;
    }

    /// @dev The ReserveFund's shares: minted and pending.
    function _reserveShares() internal view returns (uint256) {
        return lpToken.mintedReserveShares() + pendingReserveShares;
    }

    /* INTEREST */

    /// @dev Accrues interest to now: total borrows grow by borrows * (e^(rate * elapsed) - 1), Taylor
    /// to three terms, rounded down; the reserve factor of it becomes the ReserveFund's shares, kept pending
    /// here (in the slot `lastUpdate` shares) until they are burnt or leave the reserve.
    function _accrue() internal {
        uint256 elapsed = block.timestamp - lastUpdate;
        if (elapsed == 0) return;
        lastUpdate = uint64(block.timestamp);
        uint256 borrows = totalBorrowAssets;
        if (borrows == 0) return;
        uint256 available = cash;
        (uint256 rate, uint256 interest, uint256 reserveInterest) = _interest(available, borrows, elapsed);
        if (interest == 0) return;
        borrows += interest;
        totalBorrowAssets = borrows.toUint128();
        uint256 reserveShares = 0;
        if (reserveInterest > 0) {
            // Priced after the interest, without the reserve's own cut (as a deposit of it would be).
            reserveShares = reserveInterest.toSharesDown(available + borrows - reserveInterest, _totalShares());
            if (reserveShares > 0) _addPendingReserveShares(reserveShares);
        }
        emit AccrueInterest(rate, interest, reserveInterest, reserveShares);
    }

    /// @dev Interest over `elapsed` seconds and the reserve's cut, both rounded down.
    function _interest(uint256 available, uint256 borrows, uint256 elapsed)
        internal
        view
        returns (uint256 rate, uint256 interest, uint256 reserveInterest)
    {
        InterestConfig memory config = _rates;
        rate = _borrowRate(config, borrows.wDivDown(available + borrows));
        interest = borrows.wMulDown(MathLib.wTaylorCompoundedDown(rate, elapsed));
        reserveInterest = interest.wMulDown(config.reserveFactor);
    }

    /// @dev Kinked model: base + slope1 * u / kink below the kink, base + slope1 + slope2 * (u - kink) /
    /// (1 - kink) above it; per second, rounded down.
    function _borrowRate(InterestConfig memory m, uint256 utilization_) internal pure returns (uint256) {
        if (utilization_ <= m.kink) return m.baseRate + utilization_.mulDivDown(m.slope1, m.kink);
        return uint256(m.baseRate) + m.slope1 + (utilization_ - m.kink).mulDivDown(m.slope2, ConstantsLib.WAD - m.kink);
    }

    /// @dev Total borrows and LP shares as an accrual now would leave them.
    function _expected() internal view returns (uint256 borrows, uint256 totalShares) {
        borrows = totalBorrowAssets;
        totalShares = _totalShares();
        uint256 elapsed = block.timestamp - lastUpdate;
        if (elapsed == 0 || borrows == 0) return (borrows, totalShares);
        uint256 available = cash;
        (, uint256 interest, uint256 reserveInterest) = _interest(available, borrows, elapsed);
        borrows += interest;
        if (interest > 0) {
            totalShares += reserveInterest.toSharesDown(available + borrows - reserveInterest, totalShares);
        }
    }

    /* PRICES */

    /// @dev The feed's answer for `token`, refused when non-positive, stale or at/beyond its bounds.
    function _price(address token) internal view returns (Price memory) {
        PriceSource storage source = priceSources[token];
        address feed = source.feed;
        (, int256 answer,, uint256 updatedAt,) = IAggregatorV3(feed).latestRoundData();
        if (answer <= 0) revert InvalidPrice(feed, answer);
        if (updatedAt + source.heartbeat < block.timestamp) revert StalePrice(feed, updatedAt);
        if (answer <= source.minAnswer || answer >= source.maxAnswer) {
            revert PriceOutOfBounds(feed, answer, source.minAnswer, source.maxAnswer);
        }
        return Price(uint256(answer), 10 ** (uint256(source.tokenDecimals) + source.feedDecimals));
    }

    /// @dev amount * answer * 1e18 / (10^tokenDecimals * 10^feedDecimals), rounded down.
    function _valueDown(uint256 amount, Price memory p) internal pure returns (uint256) {
        return amount.mulDivDown(p.answer * ConstantsLib.WAD, p.scale);
    }

    /// @dev amount * answer * 1e18 / (10^tokenDecimals * 10^feedDecimals), rounded up.
    function _valueUp(uint256 amount, Price memory p) internal pure returns (uint256) {
        return amount.mulDivUp(p.answer * ConstantsLib.WAD, p.scale);
    }

    /// @dev The amount worth `value` at `p`, rounded down.
    function _amountDown(uint256 value, Price memory p) internal pure returns (uint256) {
        return value.mulDivDown(p.scale, p.answer * ConstantsLib.WAD);
    }

    /// @dev The amount worth `value` at `p`, rounded up.
    function _amountUp(uint256 value, Price memory p) internal pure returns (uint256) {
        return value.mulDivUp(p.scale, p.answer * ConstantsLib.WAD);
    }

    /// @dev Collateral value, its LT-weighted value and its max-LTV-weighted value, all rounded down
    /// (in favour of the LPs: a position is never valued above its collateral).
    /// Also returns the price of `target`, read in the same pass, for a liquidation.
    function _collateralValues(address borrower, address target)
        internal
        view
        returns (uint256 collateralValue, uint256 liquidationValue, uint256 maxDebtValue, Price memory targetPrice)
    {
        Position storage position = _positions[borrower];
        uint256 count = position.collateralCount;
        for (uint256 i; i < count; ++i) {
            address token = position.collaterals[i];
            Collateral storage c = _collaterals[token];
            Price memory price = _price(token);
            if (token == target) targetPrice = price;
            uint256 value = _valueDown(collateralOf[borrower][token], price);
            collateralValue += value;
            liquidationValue += value.wMulDown(c.liquidationThreshold);
            maxDebtValue += value.wMulDown(c.maxLtv);
        }
    }

    /* COLLATERAL LIST */

    function _enableCollateral(address borrower, address token) internal {
        Position storage position = _positions[borrower];
        uint256 count = position.collateralCount;
        if (count == ConstantsLib.MAX_COLLATERALS) revert TooManyCollaterals(borrower);
        position.collaterals[count] = token;
        position.collateralCount = uint8(count + 1);
    }

    function _disableCollateral(Position storage position, address token) internal {
        uint256 last = position.collateralCount - 1;
        for (uint256 i; i <= last; ++i) {
            if (position.collaterals[i] == token) {
                position.collaterals[i] = position.collaterals[last];
                delete position.collaterals[last];
                position.collateralCount = uint8(last);
                return;
            }
        }
    }

    /// @dev Sends every enabled collateral of `borrower` to `to` and clears the list.
    function _releaseCollaterals(Position storage position, address borrower, address to) internal {
        uint256 count = position.collateralCount;
        for (uint256 i; i < count; ++i) {
            address token = position.collaterals[i];
            uint256 amount = collateralOf[borrower][token];
            collateralOf[borrower][token] = 0;
            _collaterals[token].totalSupplied -= uint128(amount);
            delete position.collaterals[i];
            IERC20(token).safeTransfer(to, amount);
        }
        position.collateralCount = 0;
    }

    /* VIEWS */

    /// @inheritdoc ILendingPool
    function totalAssets() external view returns (uint256) {
        (uint256 borrows,) = _expected();
        return uint256(cash) + borrows;
    }

    /// @inheritdoc ILendingPool
    function expectedTotals() external view returns (uint256 totalAssets_, uint256 totalShares) {
        uint256 borrows;
        (borrows, totalShares) = _expected();
        totalAssets_ = uint256(cash) + borrows;
    }

    /// @inheritdoc ILendingPool
    function debtOf(address borrower) public view returns (uint256) {
        (uint256 borrows,) = _expected();
        return uint256(_positions[borrower].borrowShares).toAssetsUp(borrows, totalBorrowShares).min(borrows);
    }

    /// @notice Debt shares of `borrower`.
    function borrowSharesOf(address borrower) external view returns (uint256) {
        return _positions[borrower].borrowShares;
    }

    /// @inheritdoc ILendingPool
    function collateralsOf(address borrower) external view returns (address[] memory tokens) {
        Position storage position = _positions[borrower];
        tokens = new address[](position.collateralCount);
        for (uint256 i; i < tokens.length; ++i) {
            tokens[i] = position.collaterals[i];
        }
    }

    /// @notice Risk parameters of collateral `token`, its total supplied and whether it is listed.
    function collaterals(address token) external view returns (CollateralParams memory, uint256, bool) {
        Collateral storage c = _collaterals[token];
        return (_paramsOf(c), c.totalSupplied, c.listed);
    }

    /// @inheritdoc ILendingPool
    function rateModel() external view returns (RateModel memory) {
        InterestConfig memory c = _rates;
        return RateModel(c.baseRate, c.slope1, c.slope2, c.kink);
    }

    /// @inheritdoc ILendingPool
    function riskParams() external view returns (RiskParams memory) {
        RiskConfig memory r = _risk;
        return RiskParams(
            r.closeFactor,
            r.fullCloseHealthFactor,
            _rates.reserveFactor,
            r.borrowCap,
            r.minBorrowValue,
            r.smallDebtValue,
            r.dustValue
        );
    }

    function _paramsOf(Collateral storage c) internal view returns (CollateralParams memory) {
        return CollateralParams(c.maxLtv, c.liquidationThreshold, c.liquidationBonus, c.supplyCap);
    }

    /// @inheritdoc ILendingPool
    function healthFactor(address borrower) external view returns (uint256) {
        return _view(borrower).healthFactor;
    }

    /// @inheritdoc ILendingPool
    function pendingShortfall(address borrower) external view returns (uint256) {
        PositionView memory p = _view(borrower);
        if (p.collateralValue >= p.debtValue) return 0;
        return p.debt.zeroFloorSub(_amountDown(p.collateralValue, _price(address(asset))));
    }

    /// @inheritdoc ILendingPool
    function positionsOf(address[] calldata borrowers) external view returns (PositionView[] memory views) {
        views = new PositionView[](borrowers.length);
        for (uint256 i; i < borrowers.length; ++i) {
            views[i] = _view(borrowers[i]);
        }
    }

    function _view(address borrower) internal view returns (PositionView memory p) {
        p.borrower = borrower;
        p.debt = debtOf(borrower);
        (p.collateralValue, p.liquidationValue,,) = _collateralValues(borrower, address(0));
        if (p.debt == 0) {
            p.healthFactor = type(uint256).max;
        } else {
            p.debtValue = _valueUp(p.debt, _price(address(asset)));
            p.healthFactor = p.liquidationValue.wDivDown(p.debtValue);
        }
    }

    /// @inheritdoc ILendingPool
    function collateralToAssetsUp(address token, uint256 amount) external view returns (uint256) {
        if (!_collaterals[token].listed) revert UnknownCollateral(token);
        return _amountUp(_valueUp(amount, _price(token)), _price(address(asset)));
    }

    /// @inheritdoc ILendingPool
    function utilization() public view returns (uint256) {
        (uint256 borrows,) = _expected();
        uint256 total = uint256(cash) + borrows;
        return total == 0 ? 0 : borrows.wDivDown(total);
    }

    /// @inheritdoc ILendingPool
    function borrowRatePerSecond() external view returns (uint256) {
        return _borrowRate(_rates, utilization());
    }

    /* CONFIGURATION: bounds are checked by the Configurator; these only store. */

    /// @inheritdoc ILendingPool
    function writePriceSource(address token, PriceSource calldata source) external onlyConfigurator {
        priceSources[token] = source;
    }

    /// @inheritdoc ILendingPool
    function writeCollateral(address token, CollateralParams calldata params) external onlyConfigurator {
        Collateral storage c = _collaterals[token];
        c.maxLtv = params.maxLtv;
        c.liquidationThreshold = params.liquidationThreshold;
        c.liquidationBonus = params.liquidationBonus;
        c.listed = true;
        c.supplyCap = params.supplyCap;
    }

    /// @inheritdoc ILendingPool
    function writeRateModel(RateModel calldata model) external onlyConfigurator {
        _accrue();
        _storeRateModel(model);
    }

    /// @inheritdoc ILendingPool
    function writeRiskParams(RiskParams calldata params) external onlyConfigurator {
        _accrue();
        _storeRiskParams(params);
    }

    /// @inheritdoc ILendingPool
    function writePaused(bool paused_) external onlyConfigurator {
        paused = paused_;
    }

    function _storeRateModel(RateModel memory m) internal {
        InterestConfig storage c = _rates;
        c.baseRate = uint40(m.baseRate);
        c.slope1 = uint40(m.slope1);
        c.slope2 = uint40(m.slope2);
        c.kink = m.kink;
    }

    function _storeRiskParams(RiskParams memory p) internal {
        _risk = RiskConfig({
            closeFactor: p.closeFactor,
            fullCloseHealthFactor: p.fullCloseHealthFactor,
            smallDebtValue: p.smallDebtValue,
            dustValue: p.dustValue,
            minBorrowValue: p.minBorrowValue,
            borrowCap: p.borrowCap
        });
        _rates.reserveFactor = p.reserveFactor;
    }
}
