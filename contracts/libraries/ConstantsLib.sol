// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ConstantsLib
/// @notice Hard bounds of Shortfall. Governance sets parameters only inside these; none can be changed.
library ConstantsLib {
    /// @dev Fixed-point unit: 1e18 = 100% (fractions) or 1 unit of quote currency (values).
    uint256 internal constant WAD = 1e18;

    /// @dev Largest number of collaterals one borrower may enable at once (bounds every loop).
    uint256 internal constant MAX_COLLATERALS = 4;

    /// @dev Largest liquidation bonus: 15%.
    uint256 internal constant MAX_LIQUIDATION_BONUS = 0.15e18;

    /// @dev Largest reserve factor: 50% of interest goes to the reserve at most.
    uint256 internal constant MAX_RESERVE_FACTOR = 0.5e18;

    /// @dev Largest borrow rate the model can produce, per second (about 1000% a year).
    uint256 internal constant MAX_RATE_PER_SECOND = 317_097_919_837;

    /// @dev Delay before a lowered liquidation threshold takes effect, in seconds.
    uint256 internal constant LT_DECREASE_DELAY = 1 days;

    /// @dev Largest step by which one delayed change may lower a liquidation threshold (WAD).
    uint256 internal constant MAX_LT_DECREASE_STEP = 0.05e18;

    /// @dev Delay between a reserve withdrawal request and its execution, in seconds.
    uint256 internal constant RESERVE_WITHDRAWAL_DELAY = 3 days;

    /// @dev Hard minimum of the reserve floor: a withdrawal must leave this fraction of total assets (WAD).
    uint256 internal constant MIN_RESERVE_FLOOR = 0.01e18;

    /// @dev Largest discount at which the ReserveFund sells collateral it holds (WAD).
    uint256 internal constant MAX_BUY_DISCOUNT = 0.1e18;

    /// @dev Virtual shares and assets of every share conversion (LP shares and debt shares): the
    /// first-depositor inflation defence of OpenZeppelin ERC4626 with a decimals offset of 6.
    uint256 internal constant VIRTUAL_SHARES = 1e6;
    uint256 internal constant VIRTUAL_ASSETS = 1;
    uint8 internal constant DECIMALS_OFFSET = 6;
}
