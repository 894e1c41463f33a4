// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FeedConfig, PriceSource, CollateralParams, RateModel, RiskParams} from "./ILendingPool.sol";

/// @title IConfigurator
/// @notice Governance of one Shortfall LendingPool: every owner setter and every hard bound
/// (`ConstantsLib`) lives here, so the pool carries only narrow writers that this contract alone may call.
/// Immutable and wired to its pool at deployment (the pool's constructor checks it).
interface IConfigurator {
    /* EVENTS */

    /// @notice A parameter changed. `target` is the collateral, or address(0) for pool-wide ones.
    event ParameterSet(bytes32 indexed name, address indexed target, uint256 oldValue, uint256 newValue);
    /// @notice `token` was listed as collateral with its feed.
    event CollateralListed(address indexed token, address indexed feed, uint8 tokenDecimals, uint8 feedDecimals);
    /// @notice A lower liquidation threshold for `token` takes effect from `readyAt`.
    event LtDecreaseRequested(address indexed token, uint256 newLiquidationThreshold, uint256 readyAt);
    /// @notice `account` paused deposit, mint, borrow and supplyCollateral.
    event Paused(address account);
    /// @notice `account` ended the pause.
    event Unpaused(address account);

    /* ERRORS */

    /// @notice The zero address was given for `what`.
    error ZeroAddress(bytes32 what);
    /// @notice `token` is not a listed collateral.
    error UnknownCollateral(address token);
    /// @notice `token` is already listed (or is the loan asset).
    error AlreadyListed(address token);
    /// @notice `value` is outside the hard bounds of parameter `name`.
    error ParameterOutOfBounds(bytes32 name, uint256 value);
    /// @notice The pending threshold decrease of `token` is ready only at `readyAt`.
    error LtDecreaseNotReady(address token, uint256 readyAt);
    /// @notice `token` has no pending threshold decrease.
    error NoPendingLtDecrease(address token);
    /// @notice The pool is paused.
    error EnforcedPause();
    /// @notice The pool is not paused.
    error ExpectedPause();
    /// @notice `caller` may not call this function.
    error Unauthorized(address caller);

    /* WIRING */

    /// @notice The LendingPool this contract configures.
    function pool() external view returns (address);

    /// @notice The pool's loan asset (never listable as a collateral).
    function asset() external view returns (address);

    /* GOVERNANCE (only the owner, except applyLtDecrease) */

    /// @notice Lists `token` as collateral priced by `feed` with `params`. Only the owner.
    function listCollateral(address token, FeedConfig calldata feed, CollateralParams calldata params) external;

    /// @notice Sets the risk parameters of `token`. A lower liquidation threshold goes through
    /// `requestLtDecrease` instead. Only the owner.
    function setCollateralParams(address token, CollateralParams calldata params) external;

    /// @notice Starts lowering the liquidation threshold of `token` to `newLt`, by at most
    /// MAX_LT_DECREASE_STEP, effective after LT_DECREASE_DELAY. Only the owner.
    function requestLtDecrease(address token, uint256 newLt) external;

    /// @notice Applies a pending threshold decrease whose delay has passed. Permissionless.
    function applyLtDecrease(address token) external;

    /// @notice A pending liquidation-threshold decrease of `token` (zeros if none).
    function pendingLtDecrease(address token) external view returns (uint64 newLt, uint64 readyAt);

    /// @notice Sets the kinked rate model (the pool accrues first, at the old rate). Only the owner.
    function setRateModel(RateModel calldata model) external;

    /// @notice Sets the pool-wide risk parameters (the pool accrues first). Only the owner.
    function setRiskParams(RiskParams calldata params) external;

    /// @notice Pauses deposit, mint, borrow and supplyCollateral. Nothing else. Only the owner.
    function pause() external;

    /// @notice Ends a pause. Only the owner.
    function unpause() external;

    /* BOUNDS */

    /// @notice Checks the pool's initial configuration against every bound, emits a `ParameterSet` for each
    /// initial value (from 0), and returns how the loan asset is priced. Only the pool, from its constructor
    /// (while it has no code yet): once.
    function initialize(FeedConfig calldata loanFeed, RateModel calldata model, RiskParams calldata risk)
        external
        returns (PriceSource memory);

    /// @notice How `token` would be priced by `feed`: its decimals and the feed's read now, the heartbeat and
    /// the answer bounds checked (`ParameterOutOfBounds` / `ZeroAddress` otherwise).
    function priceSourceOf(address token, FeedConfig calldata feed) external view returns (PriceSource memory);

    /// @notice Reverts with `ParameterOutOfBounds` unless `params` are within the hard bounds:
    /// 0 < maxLtv < LT, LT × (1 + bonus) < 1, bonus ≤ MAX_LIQUIDATION_BONUS.
    function checkCollateralParams(CollateralParams calldata params) external pure;

    /// @notice Reverts with `ParameterOutOfBounds` unless 0 < kink < 1 and
    /// base + slope1 + slope2 ≤ MAX_RATE_PER_SECOND.
    function checkRateModel(RateModel calldata model) external pure;

    /// @notice Reverts with `ParameterOutOfBounds` unless `params` are within the hard bounds:
    /// 0 < closeFactor ≤ 1, fullCloseHealthFactor ≤ 1, reserveFactor ≤ MAX_RESERVE_FACTOR,
    /// smallDebtValue ≥ 2 × minBorrowValue, dustValue < minBorrowValue (or 0).
    function checkRiskParams(RiskParams calldata params) external pure;
}
