// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title HookERC20Mock
/// @notice A hostile test token: before each transfer it can call a hook (an ERC-777-style re-entry
/// point) and it can answer `false` instead of moving tokens. Tests only.
contract HookERC20Mock is ERC20 {
    address public hookTarget;
    bytes public hookData;
    bool public returnFalse;

    constructor() ERC20("Hook Token", "HOOK") {}

    /// @notice Mints `amount` to `to`. Anyone (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Calls `target` with `data` at the next transfer (once).
    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    /// @notice Makes transfers return false without moving tokens.
    function setReturnFalse(bool value) external {
        returnFalse = value;
    }

    /// @notice ERC-20 transfer, after the hook; returns false without moving tokens when told to.
    function transfer(address to, uint256 amount) public override returns (bool) {
        if (returnFalse) return false;
        _runHook();
        return super.transfer(to, amount);
    }

    /// @notice ERC-20 transferFrom, after the hook; returns false without moving tokens when told to.
    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        if (returnFalse) return false;
        _runHook();
        return super.transferFrom(from, to, amount);
    }

    function _runHook() internal {
        address target = hookTarget;
        if (target == address(0)) return;
        hookTarget = address(0);
        (bool ok, bytes memory ret) = target.call(hookData);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
