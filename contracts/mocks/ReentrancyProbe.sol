// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

/// @title ReentrancyProbe
/// @notice Called from a token's transfer hook in the middle of a pool operation: it records what the
/// share-price views answer at that moment (read-only reentrancy) and can redeem its own LP shares
/// there (cross-contract reentrancy). Tests only.
contract ReentrancyProbe {
    /// @notice `lpToken.convertToAssets(1e18)` as seen inside the callback.
    uint256 public seenAssetsPerShare;
    /// @notice `lpToken.totalAssets()` as seen inside the callback.
    uint256 public seenTotalAssets;
    /// @notice `lpToken.totalSupply()` as seen inside the callback.
    uint256 public seenTotalSupply;
    /// @notice Assets this probe got by redeeming inside the callback (0 if it did not redeem).
    uint256 public redeemedAssets;
    /// @notice How many times the callback ran.
    uint256 public calls;

    /// @notice Records the share-price views of `lpToken`; redeems all of this probe's shares when `redeem`.
    function probe(address lpToken, bool redeem) external {
        IERC4626 vault = IERC4626(lpToken);
        seenAssetsPerShare = vault.convertToAssets(1e18);
        seenTotalAssets = vault.totalAssets();
        seenTotalSupply = vault.totalSupply();
        calls += 1;
        if (redeem) {
            uint256 shares = IERC20(lpToken).balanceOf(address(this));
            redeemedAssets = vault.redeem(shares, address(this), address(this));
        }
    }

    /// @notice Approves `spender` for `amount` of `token` (to deposit as an LP).
    function approve(address token, address spender, uint256 amount) external {
        SafeERC20.forceApprove(IERC20(token), spender, amount);
    }

    /// @notice Deposits `assets` into `lpToken` for this probe.
    function deposit(address lpToken, uint256 assets) external returns (uint256) {
        return IERC4626(lpToken).deposit(assets, address(this));
    }
}
