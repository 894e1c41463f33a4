// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ERC20Mock
/// @notice A freely mintable ERC-20 with chosen decimals, for local networks, tests and replays only.
contract ERC20Mock is ERC20 {
    uint8 internal immutable DECIMALS;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        DECIMALS = decimals_;
    }

    /// @notice Token decimals.
    function decimals() public view override returns (uint8) {
        return DECIMALS;
    }

    /// @notice Mints `amount` to `to`. Anyone (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
