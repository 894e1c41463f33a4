"""Liquidation: close factor, seizure at oracle price with bonus, all-collateral seizure, dust, bad debt.

Rates are zero in these tests (fixture `zero_rates`) so that every amount is computed by hand here.
Setup: $1 loan asset, WETH at $2,000 (18 decimals), max LTV 75%, LT 80%, bonus 5%, close factor 50%,
full close below HF 0.95, min borrow $100, dust $10.
"""

import ape
import pytest

from shortfall.constants import MAX_UINT256, WAD

pytestmark = pytest.mark.usefixtures("zero_rates")


@pytest.fixture
def dave_at_14k(alice, bob, dave, deposit, open_position, approve_liquidator):
    """LPs deposit 60,000 and 40,000; dave borrows 14,000 against 10 WETH ($20,000)."""
    deposit(alice, 60_000)
    deposit(bob, 40_000)
    open_position(dave, 10, 14_000)
    approve_liquidator()


def seized_weth(repaid_value_wad: int, weth_price: int, bonus_wad: int = 5 * WAD // 100) -> int:
    """repaid value * (1 + bonus) / price, in WETH wei, rounded down (feed has 8 decimals)."""
    seized_value = repaid_value_wad * (WAD + bonus_wad) // WAD
    return seized_value * 10 ** (18 + 8) // (weth_price * 10**8 * WAD)


def test_liquidate__hf_above_full_close__repays_half_at_bonus(
    pool, weth, asset, dave, liquidator, set_price, units, dave_at_14k
):
    set_price("WETH", 1_700)  # HF = 13,600 / 14,000 = 0.971: close factor 50%
    assert pool.healthFactor(dave) == 13_600 * WAD // 14_000
    cash_before = pool.cash()
    receipt = pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)
    seized = seized_weth(7_000 * WAD, 1_700)
    event = receipt.events.filter(pool.Liquidate)[0]
    assert (event.repaid, event.seized, event.badDebt) == (units(7_000), seized, 0)
    assert event.borrower == dave.address and event.liquidator == liquidator.address
    assert pool.debtOf(dave) == units(7_000)
    assert pool.collateralOf(dave, weth) == 10 * WAD - seized
    assert weth.balanceOf(liquidator) == seized
    assert pool.cash() == cash_before + units(7_000)
    assert pool.healthFactor(dave) > WAD


def test_liquidate__hf_below_full_close__repays_all(pool, weth, dave, liquidator, set_price, units, dave_at_14k):
    set_price("WETH", 1_500)  # HF = 12,000 / 14,000 = 0.857: close factor 100%
    receipt = pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)
    event = receipt.events.filter(pool.Liquidate)[0]
    assert event.repaid == units(14_000)
    assert event.seized == seized_weth(14_000 * WAD, 1_500)  # 9.8 WETH
    assert pool.debtOf(dave) == 0 and pool.borrowSharesOf(dave) == 0
    assert pool.collateralOf(dave, weth) == 10 * WAD - event.seized


def test_liquidate__collateral_short__seizes_all_and_socializes_rest(
    pool, lp_token, reserve, weth, alice, bob, dave, liquidator, set_price, units, fund_reserve, dave_at_14k
):
    fund_reserve(1_000)
    set_price("WETH", 1_000)  # $10,000 of collateral for 14,000 of debt
    alice_before = lp_token.convertToAssets(lp_token.balanceOf(alice))
    bob_before = lp_token.convertToAssets(lp_token.balanceOf(bob))
    receipt = pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)

    # All 10 WETH go; the liquidator pays 10,000 / 1.05 rounded up.
    value_over_bonus = -(-10_000 * WAD * WAD // (105 * WAD // 100))
    repaid = -(-value_over_bonus * 10 ** (pool.priceSources(pool.asset()).tokenDecimals + 8) // (10**8 * WAD))
    event = receipt.events.filter(pool.Liquidate)[0]
    assert (event.repaid, event.seized) == (repaid, 10 * WAD)
    assert event.badDebt == units(14_000) - repaid
    social = receipt.events.filter(pool.BadDebtSocialized)[0]
    assert social.loss == event.badDebt
    assert social.coveredByReserve + social.lpLoss == social.loss
    assert units(999) < social.coveredByReserve <= units(1_000)
    assert lp_token.balanceOf(reserve) == 0 and social.reserveSharesBurned > 0
    assert social.sharePriceAfter < social.sharePriceBefore
    assert pool.borrowSharesOf(dave) == 0 and pool.collateralsOf(dave) == []
    # Both LPs lose the same fraction.
    alice_loss = 1 - lp_token.convertToAssets(lp_token.balanceOf(alice)) / alice_before
    bob_loss = 1 - lp_token.convertToAssets(lp_token.balanceOf(bob)) / bob_before
    assert abs(alice_loss - bob_loss) < 1e-9
    assert abs(alice_loss - social.lpLoss / units(100_000)) < 1e-6


@pytest.mark.parametrize("error", ["HealthyPosition", "SlippageExceeded", "DustLeft", "NoDebt", "InsufficientCollateralBalance", "ZeroAmount", "ZeroAddress"])
def test_liquidate__bad_input__reverts_and_changes_nothing(
    pool, weth, dave, erin, liquidator, set_price, supply, units, snapshot_state, dave_at_14k, error
):
    supply(erin, "WETH", 1)
    args = {
        "HealthyPosition": (dave, weth, MAX_UINT256, 0, liquidator),
        "SlippageExceeded": (dave, weth, MAX_UINT256, 10 * WAD, liquidator),
        "DustLeft": (dave, weth, units(13_950), 0, liquidator),  # would leave 50 < min 100 with collateral
        "NoDebt": (erin, weth, MAX_UINT256, 0, liquidator),
        "InsufficientCollateralBalance": (dave, pool.asset(), MAX_UINT256, 0, liquidator),
        "ZeroAmount": (dave, weth, 0, 0, liquidator),
        "ZeroAddress": (dave, weth, MAX_UINT256, 0, "0x0000000000000000000000000000000000000000"),
    }[error]
    if error != "HealthyPosition":
        set_price("WETH", 1_500)
    before = snapshot_state(dave, erin, liquidator)
    with ape.reverts(getattr(pool, error)):
        pool.liquidate(*args, sender=liquidator)
    assert snapshot_state(dave, erin, liquidator) == before


def test_liquidate__borrower_front_runs_with_one_wei_repay__max_still_succeeds(
    pool, weth, asset, dave, liquidator, set_price, units, dave_at_14k
):
    set_price("WETH", 1_500)
    asset.approve(pool, MAX_UINT256, sender=dave)
    pool.repay(10**6 if units(1) == 10**6 else 10**12, dave, sender=dave)  # a small repay
    pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)
    assert pool.debtOf(dave) == 0


def test_liquidate__stale_price__reverts(pool, weth, dave, liquidator, system, gov, dave_at_14k):
    system.feeds["WETH"].setAnswerAt(1_000 * 10**8, 1, sender=gov)
    with ape.reverts(pool.StalePrice):
        pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)


def test_liquidate__small_debt__full_close(pool, weth, alice, erin, deposit, open_position, set_price, approve_liquidator, liquidator, units):
    """Under smallDebtValue ($1,000) the close factor is 100% even at HF just below 1."""
    deposit(alice, 10_000)
    open_position(erin, 0.5, 750)  # $1,000 collateral, max LTV
    approve_liquidator()
    set_price("WETH", 1_870)  # HF = 935 * 0.8 / 750 = 0.997
    receipt = pool.liquidate(erin, weth, MAX_UINT256, 0, liquidator, sender=liquidator)
    assert receipt.events.filter(pool.Liquidate)[0].repaid == units(750)
