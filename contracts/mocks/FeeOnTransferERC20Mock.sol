// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferERC20Mock
/// @notice A hostile test token that burns a fee (in basis points) from every transfer, as PAXG or
/// USDT with its fee switch on would: the recipient gets less than the amount sent. Tests only.
contract FeeOnTransferERC20Mock is ERC20 {
    uint8 internal immutable DECIMALS;
    uint256 public feeBps;

    constructor(uint8 decimals_, uint256 feeBps_) ERC20("Fee Token", "FEE") {
        DECIMALS = decimals_;
        feeBps = feeBps_;
    }

    /// @notice Token decimals.
    function decimals() public view override returns (uint8) {
        return DECIMALS;
    }

    /// @notice Mints `amount` to `to`. Anyone (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Sets the fee every later transfer burns, in basis points. Anyone (test token).
    function setFeeBps(uint256 value) external {
        feeBps = value;
    }

    /// @dev Every balance move between two holders burns `feeBps` of the amount from the sender.
    function _update(address from, address to, uint256 amount) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, amount);
        uint256 fee = amount * feeBps / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, amount - fee);
    }
}
