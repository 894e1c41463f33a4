// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";

/// @dev The raw getters of LendingPool the lens reads (stored state, no prices, nothing accrued).
interface ILendingPoolState {
    function cash() external view returns (uint128);
    function totalBorrowAssets() external view returns (uint128);
    function totalBorrowShares() external view returns (uint128);
    function lastUpdate() external view returns (uint64);
    function borrowSharesOf(address borrower) external view returns (uint256);
    function collateralOf(address borrower, address token) external view returns (uint256);
    function lpToken() external view returns (address);
    function reserveFund() external view returns (address);
}

/// @title ShortfallLens
/// @notice Periphery, read-only: the whole stored state of a pool's accounts in one call, for replays and
/// monitoring. It reads no price, so it answers even while a feed is stale or out of bounds (the pool's
/// own `positionsOf` values positions and reverts then). Not part of the pool: the pool is at the
/// EIP-170 size limit, and a lens can be redeployed without touching it.
contract ShortfallLens {
    /// @notice The number of words `snapshot` returns before the per-account sections.
    uint256 public constant HEADER_WORDS = 6;

    /// @notice One flat array, in this order: cash, totalBorrowAssets, totalBorrowShares, lastUpdate,
    /// LP totalSupply, the ReserveFund's LP shares; then for each feed, its latest answer (as a
    /// two's-complement word) and updatedAt; then for each token, the ReserveFund's balance of it; then
    /// for each borrower, its debt shares followed by its balance of each token; then each holder's LP
    /// shares.
    /// @param pool The LendingPool.
    /// @param feeds Price feeds (AggregatorV3) to read.
    /// @param tokens The collateral tokens to read, in the order the caller wants them back.
    /// @param borrowers The borrowers to read.
    /// @param holders The LP-share holders to read.
    function snapshot(
        address pool,
        address[] calldata feeds,
        address[] calldata tokens,
        address[] calldata borrowers,
        address[] calldata holders
    ) external view returns (uint256[] memory words) {
        ILendingPoolState p = ILendingPoolState(pool);
        IERC20 lp = IERC20(p.lpToken());
        address reserve = p.reserveFund();
        words = new uint256[](
            HEADER_WORDS + 2 * feeds.length + tokens.length + borrowers.length * (1 + tokens.length) + holders.length
        );
        words[0] = p.cash();
        words[1] = p.totalBorrowAssets();
        words[2] = p.totalBorrowShares();
        words[3] = p.lastUpdate();
        words[4] = lp.totalSupply();
        words[5] = lp.balanceOf(reserve);
        uint256 i = _feeds(feeds, words, HEADER_WORDS);
        for (uint256 t; t < tokens.length; ++t) {
            words[i++] = IERC20(tokens[t]).balanceOf(reserve);
        }
        i = _positions(p, tokens, borrowers, words, i);
        for (uint256 h; h < holders.length; ++h) {
            words[i++] = lp.balanceOf(holders[h]);
        }
    }

    function _feeds(address[] calldata feeds, uint256[] memory words, uint256 i) internal view returns (uint256) {
        for (uint256 f; f < feeds.length; ++f) {
            (, int256 answer,, uint256 updatedAt,) = IAggregatorV3(feeds[f]).latestRoundData();
            words[i++] = uint256(answer);
            words[i++] = updatedAt;
        }
        return i;
    }

    function _positions(
        ILendingPoolState p,
        address[] calldata tokens,
        address[] calldata borrowers,
        uint256[] memory words,
        uint256 i
    ) internal view returns (uint256) {
        for (uint256 b; b < borrowers.length; ++b) {
            words[i++] = p.borrowSharesOf(borrowers[b]);
            for (uint256 t; t < tokens.length; ++t) {
                words[i++] = p.collateralOf(borrowers[b], tokens[t]);
            }
        }
        return i;
    }
}
