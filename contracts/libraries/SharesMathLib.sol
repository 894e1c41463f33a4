// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MathLib} from "./MathLib.sol";
import {ConstantsLib} from "./ConstantsLib.sol";

/// @title SharesMathLib
/// @notice Conversions between assets and shares with virtual shares and assets, for LP shares
/// (identical to OpenZeppelin ERC4626 with a decimals offset of 6) and for debt shares.
/// @dev The rounding direction is in every name; callers pick the one that favours the LPs who stay.
library SharesMathLib {
    using MathLib for uint256;

    /// @dev assets * (totalShares + 1e6) / (totalAssets + 1), rounded down.
    function toSharesDown(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return assets.mulDivDown(totalShares + ConstantsLib.VIRTUAL_SHARES, totalAssets + ConstantsLib.VIRTUAL_ASSETS);
    }

    /// @dev assets * (totalShares + 1e6) / (totalAssets + 1), rounded up.
    function toSharesUp(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return assets.mulDivUp(totalShares + ConstantsLib.VIRTUAL_SHARES, totalAssets + ConstantsLib.VIRTUAL_ASSETS);
    }

    /// @dev shares * (totalAssets + 1) / (totalShares + 1e6), rounded down.
    function toAssetsDown(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return shares.mulDivDown(totalAssets + ConstantsLib.VIRTUAL_ASSETS, totalShares + ConstantsLib.VIRTUAL_SHARES);
    }

    /// @dev shares * (totalAssets + 1) / (totalShares + 1e6), rounded up.
    function toAssetsUp(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return shares.mulDivUp(totalAssets + ConstantsLib.VIRTUAL_ASSETS, totalShares + ConstantsLib.VIRTUAL_SHARES);
    }
}
