// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IReserveFund
/// @notice The first-loss buffer of Shortfall. It holds LP shares; their value R = convertToAssets(shares)
/// is the reserve. Only the pool can burn them, and only to cover a loss. Collateral it holds (taken over
/// from insolvent positions) is not part of R until sold through `buyCollateral`.
interface IReserveFund {
    /// @notice `from` added `assets` to the reserve, minted as `shares`.
    event ReserveFunded(address indexed from, uint256 assets, uint256 shares);
    /// @notice Governance asked to withdraw `shares` to `receiver`, possible from `readyAt`.
    event WithdrawalRequested(address indexed receiver, uint256 shares, uint256 readyAt);
    /// @notice The pending withdrawal of `shares` was cancelled.
    event WithdrawalCancelled(uint256 shares);
    /// @notice `shares` were sent to `receiver`; `remainingShares` stay in the reserve.
    event WithdrawalExecuted(address indexed receiver, uint256 shares, uint256 remainingShares);
    /// @notice `buyer` paid `payment` for `amount` of `token`, sent to `receiver`; minted as `shares`.
    event CollateralBought(
        address indexed buyer, address indexed token, address receiver, uint256 amount, uint256 payment, uint256 shares
    );
    /// @notice A parameter changed.
    event ParameterSet(bytes32 indexed name, uint256 oldValue, uint256 newValue);

    /// @notice An amount of zero was given.
    error ZeroAmount();
    /// @notice The zero address was given for `what`.
    error ZeroAddress(bytes32 what);
    /// @notice There is no pending withdrawal.
    error NoPendingWithdrawal();
    /// @notice A withdrawal is already pending; cancel it first.
    error WithdrawalPending();
    /// @notice The pending withdrawal is ready only at `readyAt`.
    error WithdrawalNotReady(uint256 readyAt);
    /// @notice The reserve left, `remainingAssets`, would be below the floor `floorAssets`.
    error ReserveBelowFloor(uint256 remainingAssets, uint256 floorAssets);
    /// @notice The price `payment` is above the buyer's `maxPayment`.
    error PaymentExceedsMax(uint256 payment, uint256 maxPayment);
    /// @notice The fund holds only `held` of `token`; `requested` was asked for.
    error InsufficientCollateralHeld(address token, uint256 held, uint256 requested);
    /// @notice `value` is outside the hard bounds of parameter `name`.
    error ParameterOutOfBounds(bytes32 name, uint256 value);

    /// @notice The LendingPool.
    function pool() external view returns (address);

    /// @notice The LPToken whose shares the reserve holds.
    function lpToken() external view returns (address);

    /// @notice LP shares held as reserve, with the reserve's cut of interest accrued to now (pending
    /// withdrawals included: they stay burnable).
    function reserveShares() external view returns (uint256);

    /// @notice R: the reserve's value in loan asset, interest accrued to now, rounded down.
    function reserveAssets() external view returns (uint256);

    /// @notice Adds `assets` of the loan asset to the reserve (deposited as LP shares). Anyone.
    function fundReserve(uint256 assets) external returns (uint256 shares);

    /// @notice Price of `amount` of collateral `token`: its oracle value in loan asset minus the discount,
    /// rounded up (the buyer pays the rounding).
    function previewBuyCollateral(address token, uint256 amount) external view returns (uint256 payment);

    /// @notice Buys `amount` of collateral `token` the fund holds, at `previewBuyCollateral`; the payment
    /// becomes reserve shares. Reverts if the price is above `maxPayment`. Anyone.
    function buyCollateral(address token, uint256 amount, uint256 maxPayment, address receiver)
        external
        returns (uint256 payment);

    /// @notice The pending withdrawal: shares, receiver and the time it becomes executable.
    function pendingWithdrawal() external view returns (uint256 shares, address receiver, uint256 readyAt);

    /// @notice Asks to withdraw `shares` of surplus reserve to `receiver` after RESERVE_WITHDRAWAL_DELAY.
    /// The shares stay burnable by losses until executed. Only the owner.
    function requestWithdrawal(uint256 shares, address receiver) external;

    /// @notice Cancels the pending withdrawal. Only the owner.
    function cancelWithdrawal() external;

    /// @notice Executes the pending withdrawal once ready: sends min(requested, held) shares, provided the
    /// reserve left is worth at least reserveFloor * totalAssets. Only the owner.
    function executeWithdrawal() external returns (uint256 shares);

    /// @notice Fraction of total assets (WAD) the reserve must keep after a withdrawal.
    function reserveFloor() external view returns (uint256);

    /// @notice Discount (WAD) at which collateral is sold.
    function buyDiscount() external view returns (uint256);

    /// @notice Sets the reserve floor, at least MIN_RESERVE_FLOOR. Only the owner.
    function setReserveFloor(uint256 newFloor) external;

    /// @notice Sets the collateral sale discount, at most MAX_BUY_DISCOUNT. Only the owner.
    function setBuyDiscount(uint256 newDiscount) external;
}
