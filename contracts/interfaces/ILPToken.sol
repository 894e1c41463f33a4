// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

/// @title ILPToken
/// @notice The lenders' entry point: an ERC-20 share of the pool with the full ERC-4626 interface.
/// totalAssets() is the pool's cash plus its borrows with interest accrued to now; a socialized loss
/// lowers it, and so the price of every share at once.
/// @dev Warning (ERC-4626's own caution): with losses, LPs who exit before a loss is realized lose less
/// than those who stay. Shortfall narrows that window: interest on an insolvent position counts only until
/// anyone calls the permissionless `realizeBadDebt`, `pendingShortfall` shows the loss in waiting, and a
/// stale price blocks every socialization. It cannot close it while a loss is not yet known on chain.
interface ILPToken is IERC4626 {
    /// @notice An amount of zero was given, or it converts to zero shares or assets.
    error ZeroAmount();
    /// @notice `caller` is not the pool.
    error OnlyPool(address caller);

    /// @notice The LendingPool this token is a share of.
    function pool() external view returns (address);

    /// @notice The ReserveFund whose shares absorb losses first.
    function reserveFund() external view returns (address);

    /// @notice Assets one whole share (10 ** decimals()) redeems for, interest accrued to now.
    function sharePrice() external view returns (uint256);

    /// @notice LP shares minted as tokens: `totalSupply()` less the reserve's shares still pending in the pool.
    function mintedSupply() external view returns (uint256);

    /// @notice The ReserveFund's minted shares: `balanceOf(reserveFund)` less its shares pending in the pool.
    function mintedReserveShares() external view returns (uint256);

    /// @notice Mints `shares` to the ReserveFund: the pool's pending reserve shares, when their count would
    /// outgrow its uint128 slot. Only the pool.
    function mintReserveShares(uint256 shares) external;

    /// @notice Burns `shares` of the ReserveFund's minted shares to cover a loss or pay for collateral, once
    /// its pending shares (kept in the pool) are used up. Only the pool.
    function burnReserveShares(uint256 shares) external;
}
