"""Configurator: the pool's governance. Every owner setter and its hard bounds, the delayed LT decrease,
pause, ownership, and the wiring of a Configurator to its pool."""

import ape
import pytest

from shortfall.checks.abi_coverage import selector_of
from shortfall.constants import LT_DECREASE_DELAY, MAX_UINT256, WAD
from shortfall.chain.deploy import create_address
from shortfall.chain.params import CollateralParams, FeedConfig, RateModel, RiskParams
from tests.conftest import wad

ZERO = "0x0000000000000000000000000000000000000000"


# ---------------------------------------------------------------- governance


def test_governance__non_owner__reverts(configurator, pool, weth, stranger):
    calls = [
        lambda: configurator.setRateModel(RateModel().as_tuple(), sender=stranger),
        lambda: configurator.setRiskParams(RiskParams().as_tuple(), sender=stranger),
        lambda: configurator.setCollateralParams(weth, CollateralParams().as_tuple(), sender=stranger),
        lambda: configurator.requestLtDecrease(weth, wad(0.78), sender=stranger),
        lambda: configurator.listCollateral(weth, FeedConfig(weth.address).as_tuple(), CollateralParams().as_tuple(), sender=stranger),
        lambda: configurator.pause(sender=stranger),
        lambda: configurator.unpause(sender=stranger),
    ]
    for call in calls:
        with ape.reverts(configurator.OwnableUnauthorizedAccount):
            call()


@pytest.mark.parametrize(
    "params, name",
    [
        (CollateralParams(max_ltv=wad(0.8), liquidation_threshold=wad(0.8)), "maxLtv"),
        (CollateralParams(max_ltv=0), "maxLtv"),
        (CollateralParams(liquidation_bonus=wad(0.16)), "liquidationBonus"),
        (CollateralParams(max_ltv=wad(0.8), liquidation_threshold=wad(0.9), liquidation_bonus=wad(0.12)), "liquidationThreshold"),
        (CollateralParams(liquidation_threshold=wad(0.79)), "liquidationThreshold"),
    ],
    ids=["ltv-not-below-lt", "ltv-zero", "bonus-above-15%", "lt-times-bonus-above-1", "lt-decrease-immediate"],
)
def test_set_collateral_params__out_of_bounds__reverts(configurator, pool, weth, gov, params, name):
    with ape.reverts(configurator.ParameterOutOfBounds):
        configurator.setCollateralParams(weth, params.as_tuple(), sender=gov)
    assert pool.collaterals(weth)[0] == CollateralParams().as_tuple()[:4]


def test_set_collateral_params__raise_lt__emits_old_and_new(configurator, pool, weth, gov):
    receipt = configurator.setCollateralParams(weth, CollateralParams(liquidation_threshold=wad(0.82)).as_tuple(), sender=gov)
    event = receipt.events.filter(configurator.ParameterSet)[0]
    assert event.oldValue == wad(0.8) and event.newValue == wad(0.82) and event.target == weth.address


def test_lt_decrease__after_delay__applies_by_bounded_step(configurator, pool, weth, gov, stranger, chain):
    with ape.reverts(configurator.ParameterOutOfBounds):
        configurator.requestLtDecrease(weth, wad(0.74), sender=gov)  # a step above 5%
    with ape.reverts(configurator.NoPendingLtDecrease):
        configurator.applyLtDecrease(weth, sender=stranger)
    with ape.reverts(configurator.UnknownCollateral):
        configurator.requestLtDecrease(pool.asset(), wad(0.78), sender=gov)
    receipt = configurator.requestLtDecrease(weth, wad(0.77), sender=gov)
    assert receipt.events.filter(configurator.LtDecreaseRequested)[0].newLiquidationThreshold == wad(0.77)
    with ape.reverts(configurator.LtDecreaseNotReady):
        configurator.applyLtDecrease(weth, sender=stranger)
    assert pool.collaterals(weth)[0].liquidationThreshold == wad(0.8)
    chain.pending_timestamp += LT_DECREASE_DELAY
    configurator.applyLtDecrease(weth, sender=stranger)
    assert pool.collaterals(weth)[0].liquidationThreshold == wad(0.77)


def test_lt_decrease__ltv_raised_meanwhile__apply_reverts(configurator, pool, weth, gov, stranger, chain):
    configurator.requestLtDecrease(weth, wad(0.77), sender=gov)
    configurator.setCollateralParams(weth, CollateralParams(max_ltv=wad(0.78)).as_tuple(), sender=gov)
    chain.pending_timestamp += LT_DECREASE_DELAY
    with ape.reverts(configurator.ParameterOutOfBounds):
        configurator.applyLtDecrease(weth, sender=stranger)


@pytest.mark.parametrize(
    "risk",
    [
        RiskParams(close_factor=0),
        RiskParams(close_factor=WAD + 1),
        RiskParams(full_close_health_factor=WAD + 1),
        RiskParams(reserve_factor=wad(0.51)),
        RiskParams(small_debt_value=150 * WAD),
        RiskParams(dust_value=100 * WAD),
    ],
    ids=["close-zero", "close-above-1", "full-close-above-1", "reserve-factor", "small-debt", "dust"],
)
def test_set_risk_params__out_of_bounds__reverts(configurator, pool, gov, risk):
    with ape.reverts(configurator.ParameterOutOfBounds):
        configurator.setRiskParams(risk.as_tuple(), sender=gov)
    assert pool.riskParams() == RiskParams().as_tuple()


@pytest.mark.parametrize(
    "model", [RateModel(kink=0), RateModel(kink=WAD), RateModel(slope2=10**12)], ids=["kink0", "kink1", "too-fast"]
)
def test_set_rate_model__out_of_bounds__reverts(configurator, pool, gov, model):
    with ape.reverts(configurator.ParameterOutOfBounds):
        configurator.setRateModel(model.as_tuple(), sender=gov)


def test_list_collateral__bad_input__reverts(configurator, project, pool, gov, weth, asset, system):
    feed = system.feeds["WETH"]
    token = project.ERC20Mock.deploy("X", "X", 18, sender=gov)
    with ape.reverts(configurator.AlreadyListed):
        configurator.listCollateral(weth, FeedConfig(feed.address).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    with ape.reverts(configurator.AlreadyListed):
        configurator.listCollateral(asset, FeedConfig(feed.address).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    with ape.reverts(configurator.ZeroAddress):
        configurator.listCollateral(ZERO, FeedConfig(feed.address).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    with ape.reverts(configurator.ZeroAddress):
        configurator.listCollateral(token, FeedConfig(ZERO).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    with ape.reverts(configurator.ParameterOutOfBounds):
        configurator.listCollateral(token, FeedConfig(feed.address, heartbeat=0).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    with ape.reverts(configurator.ParameterOutOfBounds):
        configurator.listCollateral(token, FeedConfig(feed.address, 60, 10, 10).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    receipt = configurator.listCollateral(token, FeedConfig(feed.address).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    assert receipt.events.filter(configurator.CollateralListed)[0].token == token.address


def test_pause__blocks_entry_only__exits_still_work(
    configurator, pool, lp_token, asset, weth, gov, alice, dave, deposit, open_position, supply, units
):
    deposit(alice, 100_000)
    open_position(dave, 10, 5_000)
    receipt = configurator.pause(sender=gov)
    assert receipt.events.filter(configurator.Paused)
    assert lp_token.maxDeposit(alice) == 0 and lp_token.maxMint(alice) == 0
    with ape.reverts(pool.EnforcedPause):
        pool.borrow(units(100), dave, sender=dave)
    with ape.reverts(pool.EnforcedPause):
        supply(dave, "WETH", 1)
    asset.mint(alice, units(10), sender=alice)
    asset.approve(lp_token, MAX_UINT256, sender=alice)
    with ape.reverts(lp_token.ERC4626ExceededMaxDeposit):
        lp_token.deposit(units(10), alice, sender=alice)
    with ape.reverts(lp_token.ERC4626ExceededMaxMint):
        lp_token.mint(10**12, alice, sender=alice)
    lp_token.redeem(lp_token.maxRedeem(alice) // 2, alice, alice, sender=alice)
    pool.withdrawCollateral(weth, WAD, dave, sender=dave)
    with ape.reverts(configurator.EnforcedPause):
        configurator.pause(sender=gov)
    receipt = configurator.unpause(sender=gov)
    assert receipt.events.filter(configurator.Unpaused)
    with ape.reverts(configurator.ExpectedPause):
        configurator.unpause(sender=gov)


def test_ownership__two_step_transfer__then_renounce(configurator, gov, stranger):
    receipt = configurator.transferOwnership(stranger, sender=gov)
    assert receipt.events.filter(configurator.OwnershipTransferStarted)
    assert configurator.pendingOwner() == stranger.address and configurator.owner() == gov.address
    receipt = configurator.acceptOwnership(sender=stranger)
    assert receipt.events.filter(configurator.OwnershipTransferred) and configurator.owner() == stranger.address
    configurator.renounceOwnership(sender=stranger)
    assert configurator.owner() == ZERO


def test_wiring__configurator_and_pool__point_at_each_other(pool, configurator, asset):
    assert pool.configurator() == configurator.address
    assert configurator.pool() == pool.address and configurator.asset() == asset.address


def test_constructor__bad_input__reverts(project, gov, system, creation_revert):
    assert creation_revert(project.Configurator, ZERO, system.pool, system.asset, sender=gov) == selector_of(
        "OwnableInvalidOwner(address)"
    )
    assert creation_revert(project.Configurator, gov, ZERO, system.asset, sender=gov) == selector_of(
        "ZeroAddress(bytes32)"
    )
    assert creation_revert(project.Configurator, gov, system.pool, ZERO, sender=gov) == selector_of(
        "ZeroAddress(bytes32)"
    )


@pytest.mark.parametrize(
    "feed, model, risk, expected",
    [
        (None, RateModel(kink=0), RiskParams(), "ParameterOutOfBounds(bytes32,uint256)"),
        (None, RateModel(), RiskParams(close_factor=0), "ParameterOutOfBounds(bytes32,uint256)"),
        (ZERO, RateModel(), RiskParams(), "ZeroAddress(bytes32)"),
        (None, RateModel(), RiskParams(), None),
    ],
    ids=["rate-model", "risk", "feed", "valid"],
)
def test_pool_constructor__initial_parameters__checked_by_configurator(
    project, gov, asset, system, creation_revert, feed, model, risk, expected
):
    """The pool's initial configuration goes through the Configurator's bound checks, wired as deployed."""
    reserve = project.ReserveFund.deploy(
        gov, create_address(gov.address, gov.nonce + 3), create_address(gov.address, gov.nonce + 1), asset,
        wad(0.05), 0, sender=gov,
    )
    pool_address = create_address(gov.address, gov.nonce + 2)
    lp_token = project.LPToken.deploy(asset, pool_address, reserve, "LP", "LP", sender=gov)
    configurator = project.Configurator.deploy(gov, pool_address, asset, sender=gov)
    feed_config = FeedConfig(system.asset_feed.address if feed is None else feed)
    args = (asset, lp_token, reserve, configurator, feed_config.as_tuple(), model.as_tuple(), risk.as_tuple())
    result = creation_revert(project.LendingPool, *args, sender=gov)
    assert result == (selector_of(expected) if expected else None)


def test_deployment__initial_parameters__each_set_event_emitted(project, gov, chain):
    """The pool's constructor has the Configurator check its initial configuration and log it: a ParameterSet
    from 0 for each nonzero rate-model and risk parameter, as every later change is logged."""
    from shortfall.chain.deploy import deploy_local_system
    from shortfall.chain.params import PoolParams

    s = deploy_local_system(project, gov, 6, {"WETH": (18, 2_000)}, PoolParams())
    events = list(chain.provider.get_receipt(s.pool.txn_hash).events.filter(s.configurator.ParameterSet))
    risk, model = PoolParams().risk, PoolParams().rate_model
    expected = [v for v in (*model.as_tuple(), risk.reserve_factor, risk.close_factor, risk.full_close_health_factor,
                            risk.borrow_cap, risk.min_borrow_value, risk.small_debt_value, risk.dust_value) if v]
    assert [e.newValue for e in events] == expected and all(e.oldValue == 0 for e in events)
    assert len(events) == 10


def test_initialize__after_construction__reverts(configurator, gov, stranger, system):
    args = (FeedConfig(system.asset_feed.address).as_tuple(), RateModel().as_tuple(), RiskParams().as_tuple())
    for who in (stranger, gov):
        with ape.reverts(configurator.Unauthorized):
            configurator.initialize(*args, sender=who)


def test_bound_views__answer_like_the_setters(configurator, weth, system):
    configurator.checkCollateralParams(CollateralParams().as_tuple())
    configurator.checkRateModel(RateModel().as_tuple())
    configurator.checkRiskParams(RiskParams().as_tuple())
    with ape.reverts(configurator.ParameterOutOfBounds):
        configurator.checkRiskParams(RiskParams(dust_value=RiskParams().min_borrow_value).as_tuple())
    source = configurator.priceSourceOf(weth, FeedConfig(system.feeds["WETH"].address, 3600).as_tuple())
    assert source.tokenDecimals == 18 and source.heartbeat == 3600
