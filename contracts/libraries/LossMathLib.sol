// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MathLib} from "./MathLib.sol";
import {SharesMathLib} from "./SharesMathLib.sol";

/// @title LossMathLib
/// @notice The loss waterfall as pure arithmetic: the reserve first, then every LP share through the price.
/// Mirrored line for line by `shortfall.model.split_loss`.
library LossMathLib {
    using MathLib for uint256;
    using SharesMathLib for uint256;

    /// @notice Splits a loss between the reserve and the LPs.
    /// @param loss Assets lost (already capped at total borrows).
    /// @param reserveShares LP shares the ReserveFund holds.
    /// @param totalAssets Total assets of the pool before the loss.
    /// @param totalShares Total LP shares before the loss.
    /// @return reserveSharesBurned b = min(reserveShares, toSharesUp(loss)): rounding up burns the
    /// reserve, never the LPs who stay.
    /// @return coveredByReserve loss when the reserve covers it all, else the burned shares' value
    /// rounded down (the LPs' part is never understated).
    /// @return lpLoss loss - coveredByReserve, exactly.
    function splitLoss(uint256 loss, uint256 reserveShares, uint256 totalAssets, uint256 totalShares)
        internal
        pure
        returns (uint256 reserveSharesBurned, uint256 coveredByReserve, uint256 lpLoss)
    {
        uint256 sharesForLoss = loss.toSharesUp(totalAssets, totalShares);
        if (reserveShares >= sharesForLoss) return (sharesForLoss, loss, 0);
        reserveSharesBurned = reserveShares;
        coveredByReserve = reserveShares.toAssetsDown(totalAssets, totalShares).min(loss);
        lpLoss = loss - coveredByReserve;
    }
}
