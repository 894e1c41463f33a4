// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";

/// @title SettableFeed
/// @notice A Chainlink-compatible feed whose answer anyone may set, for local networks and replays only.
/// The answer and its time share one storage slot, so a read costs one SLOAD, as a real aggregator's
/// proxy roughly does.
contract SettableFeed is IAggregatorV3 {
    /// @inheritdoc IAggregatorV3
    uint8 public immutable decimals;
    int128 internal _answer;
    uint64 internal _updatedAt;
    uint64 internal _roundId;

    constructor(uint8 decimals_, int256 answer_) {
        decimals = decimals_;
        setAnswer(answer_);
    }

    /// @notice Sets the answer, updated now.
    function setAnswer(int256 answer_) public {
        setAnswerAt(answer_, block.timestamp);
    }

    /// @notice Sets the answer with an explicit update time (to simulate a stale or frozen feed).
    function setAnswerAt(int256 answer_, uint256 updatedAt_) public {
        _answer = int128(answer_);
        _updatedAt = uint64(updatedAt_);
        _roundId += 1;
    }

    /// @inheritdoc IAggregatorV3
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _roundId);
    }
}
