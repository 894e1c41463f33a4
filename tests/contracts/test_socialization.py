"""The loss waterfall: the reserve covers all, part or none of a loss; LPs who entered at different
share prices lose the same fraction; realizeBadDebt and the ReserveFund's collateral purchase."""

import ape
import pytest

from shortfall.constants import MAX_UINT256, WAD, YEAR


@pytest.fixture
def crashed(alice, bob, dave, deposit, open_position, approve_liquidator, zero_rates):
    """LPs 60,000 + 40,000; dave owes 14,000 against 10 WETH."""
    deposit(alice, 60_000)
    deposit(bob, 40_000)
    open_position(dave, 10, 14_000)
    approve_liquidator()


def liquidate_all(pool, weth, dave, liquidator):
    receipt = pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)
    return receipt.events.filter(pool.BadDebtSocialized)[0]


def test_socialize__reserve_covers_all__share_price_unchanged(
    pool, lp_token, reserve, weth, dave, liquidator, set_price, fund_reserve, units, crashed
):
    fund_reserve(10_000)
    set_price("WETH", 1_000)
    price_before = lp_token.sharePrice()
    reserve_before = lp_token.balanceOf(reserve)
    event = liquidate_all(pool, weth, dave, liquidator)
    assert event.coveredByReserve == event.loss and event.lpLoss == 0
    assert 0 <= event.sharePriceAfter - event.sharePriceBefore <= 1
    assert 0 <= lp_token.sharePrice() - price_before <= 1
    assert lp_token.balanceOf(reserve) == reserve_before - event.reserveSharesBurned
    assert units(5_523) < reserve.reserveAssets() < units(5_524)


def test_socialize__reserve_covers_part__lps_take_the_rest(
    pool, lp_token, reserve, weth, dave, liquidator, set_price, fund_reserve, crashed
):
    fund_reserve(1_000)
    set_price("WETH", 1_000)
    event = liquidate_all(pool, weth, dave, liquidator)
    assert 0 < event.coveredByReserve < event.loss
    assert event.lpLoss == event.loss - event.coveredByReserve
    assert lp_token.balanceOf(reserve) == 0
    expected_price = (pool.totalAssets() + 1) * 10**lp_token.decimals() // (lp_token.totalSupply() + 10**6)
    assert event.sharePriceAfter == expected_price


def test_socialize__no_reserve__lps_take_all(pool, lp_token, weth, dave, liquidator, set_price, crashed):
    set_price("WETH", 1_000)
    event = liquidate_all(pool, weth, dave, liquidator)
    assert event.coveredByReserve == 0 and event.reserveSharesBurned == 0 and event.lpLoss == event.loss


def test_socialize__lps_entered_at_different_prices__lose_same_fraction(
    pool, lp_token, weth, alice, bob, carol, dave, liquidator, deposit, open_position, set_price, approve_liquidator, chain
):
    deposit(alice, 50_000)
    open_position(dave, 20, 30_000)
    chain.pending_timestamp += YEAR // 2  # interest lifts the share price
    deposit(bob, 20_000)
    chain.pending_timestamp += YEAR // 4
    deposit(carol, 7_777)
    approve_liquidator()
    set_price("LOAN", 1)  # a year passed: refresh both feeds
    set_price("WETH", 700)
    before = {lp: lp_token.convertToAssets(lp_token.balanceOf(lp)) for lp in (alice, bob, carol)}
    event = liquidate_all(pool, weth, dave, liquidator)
    assert event.lpLoss > 0
    losses = [1 - lp_token.convertToAssets(lp_token.balanceOf(lp)) / before[lp] for lp in before]
    assert max(losses) - min(losses) < 1e-6  # 0.0001 percentage point


def test_realize_bad_debt__reserve_buys_collateral__then_covers_rest(
    pool, lp_token, reserve, weth, dave, keeper, set_price, fund_reserve, units, crashed
):
    fund_reserve(20_000)
    set_price("WETH", 1_300)  # collateral $13,000 < debt 14,000
    price_before = lp_token.sharePrice()
    assert pool.pendingShortfall(dave) == units(1_000)
    receipt = pool.realizeBadDebt(dave, sender=keeper)
    realized = receipt.events.filter(pool.RealizeBadDebt)[0]
    social = receipt.events.filter(pool.BadDebtSocialized)[0]
    assert (realized.debtWrittenOff, realized.collateralValueAssets, realized.bounty) == (units(14_000), units(13_000), False)
    assert social.loss == units(1_000) and social.coveredByReserve == units(1_000) and social.lpLoss == 0
    assert weth.balanceOf(reserve) == 10 * WAD and pool.collateralOf(dave, weth) == 0
    assert pool.debtOf(dave) == 0 and pool.totalBorrowAssets() == 0
    assert 0 <= lp_token.sharePrice() - price_before <= 1
    assert units(5_999) < reserve.reserveAssets() <= units(6_000)


def test_realize_bad_debt__dust_collateral__bounty_to_caller(pool, reserve, weth, dave, keeper, set_price, fund_reserve, units, crashed):
    fund_reserve(1_000)
    set_price("WETH", 0.5)  # $5 of collateral: dust
    receipt = pool.realizeBadDebt(dave, sender=keeper)
    assert receipt.events.filter(pool.RealizeBadDebt)[0].bounty
    assert weth.balanceOf(keeper) == 10 * WAD
    assert receipt.events.filter(pool.BadDebtSocialized)[0].loss == units(14_000)


@pytest.mark.parametrize("error", ["ReserveInsufficient", "NotInsolvent", "NoDebt", "StalePrice"])
def test_realize_bad_debt__refused__reverts_and_changes_nothing(
    pool, dave, erin, keeper, set_price, fund_reserve, snapshot_state, system, gov, chain, crashed, error
):
    fund_reserve(1_000)
    set_price("WETH", {"NotInsolvent": 1_500}.get(error, 1_300))
    if error == "StalePrice":
        system.feeds["WETH"].setAnswerAt(1_300 * 10**8, chain.pending_timestamp - 2 * 86_400, sender=gov)
    before = snapshot_state(dave, erin, keeper)
    with ape.reverts(getattr(pool, error)):
        pool.realizeBadDebt(erin if error == "NoDebt" else dave, sender=keeper)
    assert snapshot_state(dave, erin, keeper) == before


def test_buy_collateral__after_realize__proceeds_return_to_reserve(
    pool, asset, lp_token, reserve, weth, dave, keeper, set_price, fund_reserve, units, crashed
):
    fund_reserve(20_000)
    set_price("WETH", 1_300)
    pool.realizeBadDebt(dave, sender=keeper)
    reserve_before = reserve.reserveAssets()
    payment = reserve.previewBuyCollateral(weth, 10 * WAD)
    assert payment == units(12_350)  # 13,000 less the 5% discount
    asset.mint(keeper, payment, sender=keeper)
    asset.approve(reserve, payment, sender=keeper)
    receipt = reserve.buyCollateral(weth, 10 * WAD, payment, keeper, sender=keeper)
    event = receipt.events.filter(reserve.CollateralBought)[0]
    assert (event.amount, event.payment, event.receiver) == (10 * WAD, payment, keeper.address)
    assert weth.balanceOf(keeper) == 10 * WAD and weth.balanceOf(reserve) == 0
    assert abs(reserve.reserveAssets() - (reserve_before + payment)) <= 1


def test_buy_collateral__bad_input__reverts_and_changes_nothing(
    pool, asset, reserve, weth, dave, keeper, set_price, fund_reserve, units, snapshot_state, crashed
):
    fund_reserve(20_000)
    set_price("WETH", 1_300)
    pool.realizeBadDebt(dave, sender=keeper)
    asset.mint(keeper, units(20_000), sender=keeper)
    asset.approve(reserve, MAX_UINT256, sender=keeper)
    before = snapshot_state(keeper)
    with ape.reverts(reserve.PaymentExceedsMax):
        reserve.buyCollateral(weth, 10 * WAD, units(12_349), keeper, sender=keeper)
    with ape.reverts(reserve.InsufficientCollateralHeld):
        reserve.buyCollateral(weth, 11 * WAD, MAX_UINT256, keeper, sender=keeper)
    with ape.reverts(reserve.ZeroAmount):
        reserve.buyCollateral(weth, 0, MAX_UINT256, keeper, sender=keeper)
    with ape.reverts(reserve.ZeroAddress):
        reserve.buyCollateral(weth, WAD, MAX_UINT256, "0x0000000000000000000000000000000000000000", sender=keeper)
    assert snapshot_state(keeper) == before and weth.balanceOf(reserve) == 10 * WAD
