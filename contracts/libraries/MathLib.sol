// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ConstantsLib} from "./ConstantsLib.sol";

/// @title MathLib
/// @notice Fixed-point helpers; the rounding direction is in every name.
library MathLib {
    /// @dev x * y / d rounded down (full 512-bit precision).
    function mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return Math.mulDiv(x, y, d);
    }

    /// @dev x * y / d rounded up (full 512-bit precision).
    function mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return Math.mulDiv(x, y, d, Math.Rounding.Ceil);
    }

    /// @dev x * y / WAD rounded down.
    function wMulDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, ConstantsLib.WAD);
    }

    /// @dev x * y / WAD rounded up.
    function wMulUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, ConstantsLib.WAD, Math.Rounding.Ceil);
    }

    /// @dev x * WAD / y rounded down.
    function wDivDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, ConstantsLib.WAD, y);
    }

    /// @dev x * WAD / y rounded up.
    function wDivUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, ConstantsLib.WAD, y, Math.Rounding.Ceil);
    }

    /// @dev e^(rate * elapsed) - 1 by its Taylor series to the third term, rounded down:
    /// x + x^2/2 + x^3/6 with x = rate * elapsed (WAD). Each term rounds down.
    function wTaylorCompoundedDown(uint256 ratePerSecond, uint256 elapsed) internal pure returns (uint256) {
        uint256 first = ratePerSecond * elapsed;
        uint256 second = mulDivDown(first, first, 2 * ConstantsLib.WAD);
        uint256 third = mulDivDown(second, first, 3 * ConstantsLib.WAD);
        return first + second + third;
    }

    /// @dev The smaller of a and b.
    function min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @dev a - b, or 0 when b >= a.
    function zeroFloorSub(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : 0;
    }
}
