// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IConfigurator} from "./interfaces/IConfigurator.sol";
import {
    ILendingPool, FeedConfig, PriceSource, CollateralParams, RateModel, RiskParams
} from "./interfaces/ILendingPool.sol";
import {IAggregatorV3} from "./interfaces/IAggregatorV3.sol";
import {ConstantsLib} from "./libraries/ConstantsLib.sol";
import {MathLib} from "./libraries/MathLib.sol";

/// @title Configurator
/// @notice The governance of one LendingPool, kept out of the pool so that the pool's code is the hot path
/// alone: listing, every setter and its hard bounds, the delayed liquidation-threshold decrease, pause.
/// Immutable: deployed before the pool at the address the pool's constructor checks; no proxy.
contract Configurator is IConfigurator, Ownable2Step {
    using MathLib for uint256;

    /// @dev A pending decrease of a liquidation threshold.
    struct PendingLt {
        uint64 newLt;
        uint64 readyAt;
    }

    /// @inheritdoc IConfigurator
    address public immutable pool;
    /// @inheritdoc IConfigurator
    address public immutable asset;

    /// @inheritdoc IConfigurator
    mapping(address token => PendingLt) public pendingLtDecrease;

    /// @param owner_ Governance (Ownable2Step).
    /// @param pool_ The LendingPool (deployed after this contract; its constructor checks the wiring).
    /// @param asset_ The pool's loan asset.
    constructor(address owner_, address pool_, address asset_) Ownable(owner_) {
        if (pool_ == address(0)) revert ZeroAddress("pool");
        if (asset_ == address(0)) revert ZeroAddress("asset");
        pool = pool_;
        asset = asset_;
    }

    /* COLLATERALS */

    /// @inheritdoc IConfigurator
    function listCollateral(address token, FeedConfig calldata feed, CollateralParams calldata params)
        external
        onlyOwner
    {
        if (token == address(0)) revert ZeroAddress("token");
        (,, bool listed) = ILendingPool(pool).collaterals(token);
        if (token == asset || listed) revert AlreadyListed(token);
        checkCollateralParams(params);
        PriceSource memory source = priceSourceOf(token, feed);
        ILendingPool(pool).writePriceSource(token, source);
        ILendingPool(pool).writeCollateral(token, params);
        emit CollateralListed(token, feed.feed, source.tokenDecimals, source.feedDecimals);
    }

    /// @inheritdoc IConfigurator
    function setCollateralParams(address token, CollateralParams calldata params) external onlyOwner {
        (CollateralParams memory old,, bool listed) = ILendingPool(pool).collaterals(token);
        if (!listed) revert UnknownCollateral(token);
        if (params.liquidationThreshold < old.liquidationThreshold) {
            revert ParameterOutOfBounds("liquidationThreshold", params.liquidationThreshold);
        }
        checkCollateralParams(params);
        ILendingPool(pool).writeCollateral(token, params);
        _emitSet("maxLtv", token, old.maxLtv, params.maxLtv);
        _emitSet("liquidationThreshold", token, old.liquidationThreshold, params.liquidationThreshold);
        _emitSet("liquidationBonus", token, old.liquidationBonus, params.liquidationBonus);
        _emitSet("supplyCap", token, old.supplyCap, params.supplyCap);
    }

    /// @inheritdoc IConfigurator
    function requestLtDecrease(address token, uint256 newLt) external onlyOwner {
        (CollateralParams memory c,, bool listed) = ILendingPool(pool).collaterals(token);
        if (!listed) revert UnknownCollateral(token);
        uint256 current = c.liquidationThreshold;
        if (newLt >= current || current - newLt > ConstantsLib.MAX_LT_DECREASE_STEP || newLt <= c.maxLtv) {
            revert ParameterOutOfBounds("liquidationThreshold", newLt);
        }
        uint256 readyAt = block.timestamp + ConstantsLib.LT_DECREASE_DELAY;
        pendingLtDecrease[token] = PendingLt({newLt: uint64(newLt), readyAt: uint64(readyAt)});
        emit LtDecreaseRequested(token, newLt, readyAt);
    }

    /// @inheritdoc IConfigurator
    function applyLtDecrease(address token) external {
        PendingLt memory pending = pendingLtDecrease[token];
        if (pending.readyAt == 0) revert NoPendingLtDecrease(token);
        if (block.timestamp < pending.readyAt) revert LtDecreaseNotReady(token, pending.readyAt);
        (CollateralParams memory c,,) = ILendingPool(pool).collaterals(token);
        if (pending.newLt <= c.maxLtv) revert ParameterOutOfBounds("liquidationThreshold", pending.newLt);
        delete pendingLtDecrease[token];
        uint256 old = c.liquidationThreshold;
        c.liquidationThreshold = pending.newLt;
        ILendingPool(pool).writeCollateral(token, c);
        _emitSet("liquidationThreshold", token, old, pending.newLt);
    }

    /* POOL-WIDE PARAMETERS */

    /// @inheritdoc IConfigurator
    function setRateModel(RateModel calldata model) external onlyOwner {
        checkRateModel(model);
        RateModel memory old = ILendingPool(pool).rateModel();
        ILendingPool(pool).writeRateModel(model);
        _emitRateModel(old, model);
    }

    /// @inheritdoc IConfigurator
    function setRiskParams(RiskParams calldata params) external onlyOwner {
        checkRiskParams(params);
        RiskParams memory old = ILendingPool(pool).riskParams();
        ILendingPool(pool).writeRiskParams(params);
        _emitRiskParams(old, params);
    }

    /// @inheritdoc IConfigurator
    function initialize(FeedConfig calldata loanFeed, RateModel calldata model, RiskParams calldata risk)
        external
        returns (PriceSource memory source)
    {
        if (msg.sender != pool || pool.code.length != 0) revert Unauthorized(msg.sender);
        source = priceSourceOf(asset, loanFeed);
        checkRateModel(model);
        checkRiskParams(risk);
        RateModel memory noModel;
        RiskParams memory noRisk;
        _emitRateModel(noModel, model);
        _emitRiskParams(noRisk, risk);
    }

    /// @inheritdoc IConfigurator
    function pause() external onlyOwner {
        if (ILendingPool(pool).paused()) revert EnforcedPause();
        ILendingPool(pool).writePaused(true);
        emit Paused(msg.sender);
    }

    /// @inheritdoc IConfigurator
    function unpause() external onlyOwner {
        if (!ILendingPool(pool).paused()) revert ExpectedPause();
        ILendingPool(pool).writePaused(false);
        emit Unpaused(msg.sender);
    }

    /* BOUNDS */

    /// @inheritdoc IConfigurator
    function priceSourceOf(address token, FeedConfig calldata feed) public view returns (PriceSource memory) {
        if (feed.feed == address(0)) revert ZeroAddress("feed");
        if (feed.heartbeat == 0) revert ParameterOutOfBounds("heartbeat", 0);
        if (feed.minAnswer < 0 || feed.maxAnswer <= feed.minAnswer) {
            revert ParameterOutOfBounds("maxAnswer", uint256(int256(feed.maxAnswer)));
        }
        return PriceSource({
            feed: feed.feed,
            feedDecimals: IAggregatorV3(feed.feed).decimals(),
            tokenDecimals: IERC20Metadata(token).decimals(),
            heartbeat: feed.heartbeat,
            minAnswer: feed.minAnswer,
            maxAnswer: feed.maxAnswer
        });
    }

    /// @inheritdoc IConfigurator
    function checkCollateralParams(CollateralParams memory p) public pure {
        if (p.liquidationBonus > ConstantsLib.MAX_LIQUIDATION_BONUS) {
            revert ParameterOutOfBounds("liquidationBonus", p.liquidationBonus);
        }
        if (p.maxLtv == 0 || p.maxLtv >= p.liquidationThreshold) revert ParameterOutOfBounds("maxLtv", p.maxLtv);
        // LT * (1 + bonus) < 1: a liquidation at HF just below 1 can always be paid for by the collateral.
        if (uint256(p.liquidationThreshold).wMulUp(ConstantsLib.WAD + p.liquidationBonus) >= ConstantsLib.WAD) {
            revert ParameterOutOfBounds("liquidationThreshold", p.liquidationThreshold);
        }
    }

    /// @inheritdoc IConfigurator
    function checkRateModel(RateModel memory m) public pure {
        if (m.kink == 0 || m.kink >= ConstantsLib.WAD) revert ParameterOutOfBounds("kink", m.kink);
        uint256 maxRate = uint256(m.baseRate) + m.slope1 + m.slope2;
        if (maxRate > ConstantsLib.MAX_RATE_PER_SECOND) revert ParameterOutOfBounds("maxRate", maxRate);
    }

    /// @inheritdoc IConfigurator
    function checkRiskParams(RiskParams memory p) public pure {
        if (p.closeFactor == 0 || p.closeFactor > ConstantsLib.WAD) revert ParameterOutOfBounds("closeFactor", p.closeFactor);
        if (p.fullCloseHealthFactor > ConstantsLib.WAD) {
            revert ParameterOutOfBounds("fullCloseHealthFactor", p.fullCloseHealthFactor);
        }
        if (p.reserveFactor > ConstantsLib.MAX_RESERVE_FACTOR) {
            revert ParameterOutOfBounds("reserveFactor", p.reserveFactor);
        }
        // A partial liquidation of a debt above smallDebtValue never leaves less than minBorrowValue.
        if (p.smallDebtValue < 2 * uint256(p.minBorrowValue)) {
            revert ParameterOutOfBounds("smallDebtValue", p.smallDebtValue);
        }
        // A fresh position (at least minBorrowValue) is never dust.
        if (p.dustValue != 0 && p.dustValue >= p.minBorrowValue) revert ParameterOutOfBounds("dustValue", p.dustValue);
    }

    function _emitRateModel(RateModel memory old, RateModel memory model) internal {
        _emitSet("baseRate", address(0), old.baseRate, model.baseRate);
        _emitSet("slope1", address(0), old.slope1, model.slope1);
        _emitSet("slope2", address(0), old.slope2, model.slope2);
        _emitSet("kink", address(0), old.kink, model.kink);
    }

    function _emitRiskParams(RiskParams memory old, RiskParams memory params) internal {
        _emitSet("reserveFactor", address(0), old.reserveFactor, params.reserveFactor);
        _emitSet("closeFactor", address(0), old.closeFactor, params.closeFactor);
        _emitSet("fullCloseHealthFactor", address(0), old.fullCloseHealthFactor, params.fullCloseHealthFactor);
        _emitSet("borrowCap", address(0), old.borrowCap, params.borrowCap);
        _emitSet("minBorrowValue", address(0), old.minBorrowValue, params.minBorrowValue);
        _emitSet("smallDebtValue", address(0), old.smallDebtValue, params.smallDebtValue);
        _emitSet("dustValue", address(0), old.dustValue, params.dustValue);
    }

    function _emitSet(bytes32 name, address target, uint256 oldValue, uint256 newValue) internal {
        if (oldValue != newValue) emit ParameterSet(name, target, oldValue, newValue);
    }
}
