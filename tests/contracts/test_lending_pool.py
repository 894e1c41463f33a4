"""LendingPool: collateral, borrowing, repaying, interest, views, wiring, and bad input (governance:
test_configurator.py)."""

import ape
import pytest

from shortfall.checks.abi_coverage import selector_of
from shortfall.constants import LT_DECREASE_DELAY, MAX_UINT256, WAD, YEAR
from shortfall.chain.params import CollateralParams, FeedConfig, RateModel, RiskParams
from tests.conftest import wad

ZERO = "0x0000000000000000000000000000000000000000"


# ---------------------------------------------------------------- collateral


def test_supply_collateral__listed__credits_and_enables(pool, weth, dave, supply):
    receipt = supply(dave, "WETH", 2)
    assert pool.collateralOf(dave, weth) == 2 * WAD
    assert pool.collateralsOf(dave) == [weth.address]
    assert pool.collaterals(weth)[1] == 2 * WAD
    assert receipt.events.filter(pool.SupplyCollateral)[0].amount == 2 * WAD


def test_supply_collateral__bad_input__reverts_and_changes_nothing(
    configurator, pool, weth, asset, dave, gov, supply, snapshot_state, system
):
    supply(dave, "WETH", 1)
    weth.mint(dave, 10 * WAD, sender=dave)
    weth.approve(pool, MAX_UINT256, sender=dave)
    before = snapshot_state(dave)
    with ape.reverts(pool.ZeroAmount):
        pool.supplyCollateral(weth, 0, dave, sender=dave)
    with ape.reverts(pool.ZeroAddress):
        pool.supplyCollateral(weth, WAD, ZERO, sender=dave)
    with ape.reverts(pool.UnknownCollateral):
        pool.supplyCollateral(asset, WAD, dave, sender=dave)
    configurator.setCollateralParams(weth, CollateralParams(supply_cap=2 * WAD).as_tuple(), sender=gov)
    with ape.reverts(pool.SupplyCapExceeded):
        pool.supplyCollateral(weth, 2 * WAD, dave, sender=dave)
    assert snapshot_state(dave) == before


def test_supply_collateral__fifth_token__reverts_too_many(configurator, project, pool, gov, dave, system, supply):
    for symbol in ("A", "B", "C"):
        token = project.ERC20Mock.deploy(symbol, symbol, 18, sender=gov)
        feed = project.SettableFeed.deploy(8, 10**8, sender=gov)
        configurator.listCollateral(token, FeedConfig(feed.address).as_tuple(), CollateralParams().as_tuple(), sender=gov)
        system.collaterals[symbol] = token
        system.feeds[symbol] = feed
    for symbol in ("WETH", "WBTC", "A", "B"):
        supply(dave, symbol, 1)
    with ape.reverts(pool.TooManyCollaterals):
        supply(dave, "C", 1)
    for symbol in ("A", "B", "C"):
        del system.collaterals[symbol], system.feeds[symbol]


def test_withdraw_collateral__no_debt__all_returned_even_with_stale_price(pool, weth, dave, supply, system, gov):
    supply(dave, "WETH", 3)
    system.feeds["WETH"].setAnswerAt(2000 * 10**8, 1, sender=gov)  # stale: no price is needed
    receipt = pool.withdrawCollateral(weth, MAX_UINT256, dave, sender=dave)
    assert weth.balanceOf(dave) == 3 * WAD
    assert pool.collateralsOf(dave) == []
    assert receipt.events.filter(pool.WithdrawCollateral)[0].amount == 3 * WAD


def test_withdraw_collateral__would_exceed_ltv__reverts_and_changes_nothing(
    pool, weth, alice, dave, deposit, open_position, snapshot_state
):
    deposit(alice, 100_000)
    open_position(dave, 10, 14_000)
    before = snapshot_state(dave)
    with ape.reverts(pool.InsufficientCollateral):
        pool.withdrawCollateral(weth, WAD, dave, sender=dave)
    with ape.reverts(pool.InsufficientCollateralBalance):
        pool.withdrawCollateral(weth, 11 * WAD, dave, sender=dave)
    with ape.reverts(pool.ZeroAmount):
        pool.withdrawCollateral(weth, 0, dave, sender=dave)
    with ape.reverts(pool.ZeroAddress):
        pool.withdrawCollateral(weth, WAD, ZERO, sender=dave)
    assert snapshot_state(dave) == before


def test_withdraw_collateral__with_debt_within_ltv__succeeds(pool, weth, alice, dave, deposit, open_position):
    deposit(alice, 100_000)
    open_position(dave, 10, 10_000)
    pool.withdrawCollateral(weth, 2 * WAD, dave, sender=dave)  # 8 WETH * 2000 * 0.75 = 12,000 >= 10,000
    assert pool.collateralOf(dave, weth) == 8 * WAD


# ---------------------------------------------------------------- borrowing


def test_borrow__within_ltv__debt_and_cash_move(pool, asset, alice, dave, deposit, open_position, units, zero_rates):
    deposit(alice, 100_000)
    receipt = open_position(dave, 10, 15_000)  # exactly 75% of $20,000
    assert pool.debtOf(dave) == units(15_000)
    assert pool.cash() == units(85_000)
    assert asset.balanceOf(dave) == units(15_000)
    event = receipt.events.filter(pool.Borrow)[0]
    assert event.assets == units(15_000) and event.shares == pool.borrowSharesOf(dave)


def test_borrow__bad_input__reverts_and_changes_nothing(
    configurator, pool, gov, alice, dave, erin, deposit, supply, units, snapshot_state
):
    deposit(alice, 20_000)
    supply(dave, "WETH", 10)
    before = snapshot_state(dave, erin)
    with ape.reverts(pool.ZeroAmount):
        pool.borrow(0, dave, sender=dave)
    with ape.reverts(pool.ZeroAddress):
        pool.borrow(units(1), ZERO, sender=dave)
    with ape.reverts(pool.InsufficientCollateral):
        pool.borrow(units(15_001), dave, sender=dave)
    with ape.reverts(pool.InsufficientCollateral):
        pool.borrow(units(1_000), erin, sender=erin)  # no collateral at all
    with ape.reverts(pool.BorrowTooSmall):
        pool.borrow(units(99), dave, sender=dave)
    with ape.reverts(pool.InsufficientCash):
        pool.borrow(units(20_001), dave, sender=dave)
    configurator.setRiskParams(RiskParams(borrow_cap=units(5_000)).as_tuple(), sender=gov)
    before = snapshot_state(dave, erin)
    with ape.reverts(pool.BorrowCapExceeded):
        pool.borrow(units(5_001), dave, sender=dave)
    assert snapshot_state(dave, erin) == before


@pytest.mark.parametrize(
    "answer, error",
    [(0, "InvalidPrice"), (-5, "InvalidPrice"), (10**30, "PriceOutOfBounds")],
    ids=["zero", "negative", "clamped"],
)
def test_borrow__bad_collateral_price__reverts(pool, alice, dave, deposit, supply, units, system, gov, answer, error):
    deposit(alice, 100_000)
    supply(dave, "WETH", 10)
    system.feeds["WETH"].setAnswer(answer, sender=gov)
    with ape.reverts(getattr(pool, error)):
        pool.borrow(units(1_000), dave, sender=dave)


def test_borrow__stale_price__reverts(pool, alice, dave, deposit, supply, units, system, gov, chain):
    deposit(alice, 100_000)
    supply(dave, "WETH", 10)
    system.feeds["WETH"].setAnswerAt(2000 * 10**8, chain.pending_timestamp - 86_401, sender=gov)
    with ape.reverts(pool.StalePrice):
        pool.borrow(units(1_000), dave, sender=dave)


def test_borrow__floor_clamped_feed__refused_at_bound(configurator, project, pool, gov, alice, dave, deposit, units, system):
    """The LUNA failure: a feed that clamps at its floor is no price."""
    luna = project.ERC20Mock.deploy("LUNA", "LUNA", 18, sender=gov)
    feed = project.SettableFeed.deploy(8, 80 * 10**8, sender=gov)
    configurator.listCollateral(luna, FeedConfig(feed.address, 3600, 10**7, 10**12).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    deposit(alice, 100_000)
    luna.mint(dave, 100 * WAD, sender=dave)
    luna.approve(pool, MAX_UINT256, sender=dave)
    pool.supplyCollateral(luna, 100 * WAD, dave, sender=dave)
    feed.setAnswer(10**7, sender=gov)  # exactly the floor of 0.1
    with ape.reverts(pool.PriceOutOfBounds):
        pool.borrow(units(200), dave, sender=dave)


# ---------------------------------------------------------------- repaying


def test_repay__partial_then_max__debt_cleared(pool, asset, alice, dave, deposit, open_position, units):
    deposit(alice, 100_000)
    open_position(dave, 10, 10_000)
    asset.mint(dave, units(1_000), sender=dave)
    asset.approve(pool, MAX_UINT256, sender=dave)
    pool.repay(units(4_000), dave, sender=dave)
    assert pool.debtOf(dave) >= units(6_000)
    receipt = pool.repay(MAX_UINT256, dave, sender=dave)
    event = receipt.events.filter(pool.Repay)[0]
    assert pool.borrowSharesOf(dave) == 0 and pool.debtOf(dave) == 0
    assert event.onBehalf == dave.address and event.assets >= units(6_000)


def test_repay__stale_price_and_paused__full_repay_still_succeeds(
    configurator, pool, asset, alice, dave, deposit, open_position, units, system, gov
):
    deposit(alice, 100_000)
    open_position(dave, 10, 10_000)
    system.feeds["WETH"].setAnswerAt(2000 * 10**8, 1, sender=gov)
    configurator.pause(sender=gov)
    asset.mint(dave, units(10), sender=dave)
    asset.approve(pool, MAX_UINT256, sender=dave)
    pool.repay(MAX_UINT256, dave, sender=dave)
    assert pool.debtOf(dave) == 0


def test_repay__bad_input__reverts_and_changes_nothing(pool, asset, alice, dave, erin, deposit, open_position, units, snapshot_state):
    deposit(alice, 100_000)
    open_position(dave, 10, 10_000)
    asset.approve(pool, MAX_UINT256, sender=dave)
    before = snapshot_state(dave, erin)
    with ape.reverts(pool.ZeroAmount):
        pool.repay(0, dave, sender=dave)
    with ape.reverts(pool.NoDebt):
        pool.repay(units(1), erin, sender=dave)
    assert snapshot_state(dave, erin) == before


# ---------------------------------------------------------------- interest


def test_accrue__one_year_at_kink__taylor_compounded_and_reserve_cut(
    pool, lp_token, reserve, alice, dave, deposit, open_position, units, chain
):
    deposit(alice, 100_000)
    open_position(dave, 100, 80_000)  # utilization 80% = kink
    t0 = pool.lastUpdate()
    borrows0, cash0 = pool.totalBorrowAssets(), pool.cash()
    chain.pending_timestamp = t0 + YEAR
    receipt = pool.accrueInterest(sender=alice)
    elapsed = pool.lastUpdate() - t0
    utilization = borrows0 * WAD // (cash0 + borrows0)
    rate = utilization * pool.rateModel().slope1 // pool.rateModel().kink
    x = rate * elapsed
    second = x * x // (2 * WAD)
    third = second * x // (3 * WAD)
    interest = borrows0 * (x + second + third) // WAD
    event = receipt.events.filter(pool.AccrueInterest)[0]
    assert event.interest == interest and pool.totalBorrowAssets() == borrows0 + interest
    assert event.reserveInterest == interest * pool.riskParams().reserveFactor // WAD
    assert lp_token.balanceOf(reserve) == event.reserveShares > 0
    assert abs(interest - units(80_000) * 408 // 10_000) < units(10)  # e^0.04 - 1 = 4.08%


def test_total_assets__between_accruals__includes_pending_interest(
    pool, lp_token, alice, dave, deposit, open_position, chain, view_at
):
    """The share price never jumps at accrueInterest: views at time T equal the state an accrual at T
    leaves."""
    deposit(alice, 100_000)
    open_position(dave, 100, 50_000)
    when = chain.pending_timestamp + 30 * 86_400
    total_at, price_at = view_at(pool, "totalAssets", when), view_at(lp_token, "sharePrice", when)
    assert total_at > pool.totalAssets()
    chain.pending_timestamp = when
    pool.accrueInterest(sender=alice)
    assert pool.lastUpdate() == when
    assert pool.cash() + pool.totalBorrowAssets() == total_at
    assert view_at(lp_token, "sharePrice", when) == price_at


def test_rate_model__above_kink__steeper(pool, alice, dave, deposit, open_position, units):
    deposit(alice, 100_000)
    open_position(dave, 100, 80_000)
    at_kink = pool.borrowRatePerSecond()
    deposit_less = pool.utilization()
    open_position(dave, 10, 10_000)
    assert pool.utilization() > deposit_less
    assert pool.borrowRatePerSecond() > at_kink + (pool.rateModel().slope2 // 20)


# ---------------------------------------------------------------- views


def test_views__lens_and_health__agree(pool, alice, dave, erin, deposit, open_position, units, set_price, zero_rates):
    deposit(alice, 100_000)
    open_position(dave, 10, 10_000)
    open_position(erin, 1, 1_000, symbol="WBTC")
    views = pool.positionsOf([dave, erin])
    assert views[0].borrower == dave.address and views[0].debt == pool.debtOf(dave)
    assert views[0].healthFactor == pool.healthFactor(dave)
    assert views[0].collateralValue == 20_000 * WAD
    assert views[1].liquidationValue == 40_000 * WAD
    assert pool.pendingShortfall(dave) == 0
    set_price("WETH", 900)
    assert pool.pendingShortfall(dave) == pool.debtOf(dave) - units(9_000)
    assert pool.healthFactor(alice) == MAX_UINT256


def test_views__getters__report_configuration(configurator, pool, lp_token, reserve, asset, weth, system):
    assert pool.asset() == asset.address and pool.lpToken() == lp_token.address
    assert pool.reserveFund() == reserve.address
    source = pool.priceSources(weth)
    assert source.feed == system.feeds["WETH"].address and source.tokenDecimals == 18 and source.feedDecimals == 8
    assert pool.collaterals(weth)[2] is True
    assert configurator.pendingLtDecrease(weth).readyAt == 0
    assert pool.totalBorrowShares() == 0 and pool.paused() is False
    assert pool.collateralToAssetsUp(weth, WAD) == 2_000 * 10 ** asset.decimals()
    with ape.reverts(pool.UnknownCollateral):
        pool.collateralToAssetsUp(asset, WAD)
    (assets, shares) = pool.expectedTotals()
    assert assets == pool.totalAssets() and shares == lp_token.totalSupply()


def test_wiring__pool_deployed_out_of_order__reverts(project, gov, system, creation_revert):
    args = (
        system.asset,
        system.lp_token,
        system.reserve_fund,
        system.configurator,
        FeedConfig(system.asset_feed.address).as_tuple(),
        RateModel().as_tuple(),
        RiskParams().as_tuple(),
    )
    assert creation_revert(project.LendingPool, *args, sender=gov) == selector_of("WiringMismatch()")
    assert creation_revert(project.LendingPool, ZERO, *args[1:], sender=gov) == selector_of("ZeroAddress(bytes32)")


def test_reserve_constructor__bad_input__reverts(project, gov, system, creation_revert):
    args = (gov, system.pool, system.lp_token, system.asset, wad(0.05), 0)
    assert creation_revert(project.ReserveFund, ZERO, *args[1:], sender=gov) == selector_of(
        "OwnableInvalidOwner(address)"
    )
    assert creation_revert(project.ReserveFund, gov, ZERO, *args[2:], sender=gov) == selector_of("ZeroAddress(bytes32)")
    assert creation_revert(project.ReserveFund, *args[:4], wad(0.001), 0, sender=gov) == selector_of(
        "ParameterOutOfBounds(bytes32,uint256)"
    )
    assert creation_revert(project.ReserveFund, *args, sender=gov) is None


def test_only_lp_token__direct_cash_calls__revert(pool, stranger):
    with ape.reverts(pool.Unauthorized):
        pool.creditCash(1, sender=stranger)
    with ape.reverts(pool.Unauthorized):
        pool.payOut(stranger, 1, sender=stranger)


def test_configuration_writers__not_configurator__revert(pool, weth, gov, stranger):
    """The pool's narrow writers answer the Configurator alone, the owner included."""
    source = (weth.address, 8, 18, 3600, 0, 10**20)
    calls = [
        lambda who: pool.writePriceSource(weth, source, sender=who),
        lambda who: pool.writeCollateral(weth, CollateralParams().as_tuple(), sender=who),
        lambda who: pool.writeRateModel(RateModel().as_tuple(), sender=who),
        lambda who: pool.writeRiskParams(RiskParams().as_tuple(), sender=who),
        lambda who: pool.writePaused(True, sender=who),
        lambda who: pool.takePendingReserveShares(sender=who),
    ]
    for call in calls:
        for who in (stranger, gov):
            with ape.reverts(pool.Unauthorized):
                call(who)
