// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title TransferLib
/// @notice Pulls tokens and checks they arrived: the contracts credit exactly what they asked for, so a
/// token that delivers any other amount (a fee on transfer, a rebase in the transfer) is refused
/// instead of leaving the books ahead of the balance.
library TransferLib {
    /// @notice `token` delivered `received` to the recipient where `expected` was transferred.
    error TransferAmountMismatch(address token, uint256 expected, uint256 received);

    /// @dev Moves `amount` of `token` from `from` to `to` and reverts unless `to`'s balance rose by exactly it.
    function pullExact(IERC20 token, address from, address to, uint256 amount) internal {
        uint256 before = token.balanceOf(to);
        SafeERC20.safeTransferFrom(token, from, to, amount);
        uint256 received = token.balanceOf(to) - before;
        if (received != amount) revert TransferAmountMismatch(address(token), amount, received);
    }
}
