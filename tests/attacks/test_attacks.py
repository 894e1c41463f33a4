"""Attacker scenarios: each must end with the attacker no better off (or, where the protocol cannot
prevent it, with the outcome recorded honestly). Rates are zero where exact accounting is asserted."""

import ape
import pytest

from shortfall.chain.params import CollateralParams, FeedConfig
from shortfall.constants import MAX_UINT256, WAD


def asset_of(system, account):
    return system.asset.balanceOf(account)


def test_round_trips__fresh_market_extreme_prices__attacker_never_gains(system, stranger, units):
    """Radiant: deposit/redeem round trips on an empty market, with 1 wei and with large amounts."""
    lp, asset = system.lp_token, system.asset
    asset.mint(stranger, units(1_000_000), sender=stranger)
    asset.approve(lp, MAX_UINT256, sender=stranger)
    start = asset_of(system, stranger)
    for amount in (1, 2, 10**6 + 1, units(1_000), 3, units(999_999)):
        lp.deposit(amount, stranger, sender=stranger)
        shares = lp.balanceOf(stranger)
        if lp.previewRedeem(shares) > 0:
            lp.redeem(shares, stranger, stranger, sender=stranger)
    assert asset_of(system, stranger) <= start


def test_liquidation__repeated_one_wei_repays__harvest_no_rounding(
    pool, weth, dave, liquidator, deposit, open_position, set_price, approve_liquidator, alice, units, zero_rates
):
    """Many 1-wei liquidations seize no more collateral than one liquidation of the same total."""
    deposit(alice, 100_000)
    open_position(dave, 10, 14_000)
    approve_liquidator()
    set_price("WETH", 1_700)
    seized_total = repaid_total = 0
    for _ in range(20):
        receipt = pool.liquidate(dave, weth, 1, 0, liquidator, sender=liquidator)
        event = receipt.events.filter(pool.Liquidate)[0]
        seized_total += event.seized
        repaid_total += event.repaid
    one_shot = repaid_total * 10 ** (18 - pool.priceSources(pool.asset()).tokenDecimals) * 105 // 100 // 1_700
    assert seized_total <= one_shot


def test_deposit_just_before_accrual__earns_only_its_seconds(
    pool, lp_token, asset, alice, stranger, dave, deposit, open_position, chain, units
):
    """Entering right before an accrual buys no past interest: previews already include it."""
    deposit(alice, 100_000)
    open_position(dave, 100, 80_000)
    chain.pending_timestamp += 180 * 86_400  # a long period of unaccrued interest
    asset.mint(stranger, units(50_000), sender=stranger)
    asset.approve(lp_token, MAX_UINT256, sender=stranger)
    lp_token.deposit(units(50_000), stranger, sender=stranger)
    pool.accrueInterest(sender=stranger)  # the accrual the attacker waited for
    lp_token.redeem(lp_token.balanceOf(stranger), stranger, stranger, sender=stranger)
    gained = asset.balanceOf(stranger) - units(50_000)
    assert gained <= units(1)  # a few seconds of interest at most, never the 180 days


def test_self_liquidation__borrower_liquidates_itself__no_profit(
    pool, weth, asset, alice, dave, deposit, open_position, set_price, units, zero_rates
):
    """Euler: a borrower who liquidates its own position pays its own bonus; it ends no richer."""
    deposit(alice, 100_000)
    open_position(dave, 10, 14_000)
    set_price("WETH", 1_700)
    before = (
        asset.balanceOf(dave)
        + pool.collateralOf(dave, weth) * 1_700 // 10**12 * (units(1) // 10**6)
        - pool.debtOf(dave)
    )
    asset.mint(dave, units(20_000), sender=dave)
    asset.approve(pool, MAX_UINT256, sender=dave)
    pool.liquidate(dave, weth, MAX_UINT256, 0, dave, sender=dave)
    wallet_weth = weth.balanceOf(dave)
    after = (
        asset.balanceOf(dave)
        - units(20_000)
        + (pool.collateralOf(dave, weth) + wallet_weth) * 1_700 // 10**12 * (units(1) // 10**6)
        - pool.debtOf(dave)
    )
    assert after <= before + units(1)  # the bonus is its own collateral: no value created


def test_pumped_thin_collateral__supply_cap_bounds_the_borrow(
    configurator, project, pool, gov, alice, stranger, deposit, units
):
    """Mango: a thin collateral pumped 20x can back at most cap * pumped price * max LTV."""
    deposit(alice, 1_000_000)
    mngo = project.ERC20Mock.deploy("MNGO", "MNGO", 18, sender=gov)
    feed = project.SettableFeed.deploy(8, 2 * 10**6, sender=gov)  # $0.02
    cap = 1_000_000 * WAD  # 1M tokens = $20,000 at the honest price
    configurator.listCollateral(
        mngo, FeedConfig(feed.address).as_tuple(), CollateralParams(supply_cap=cap).as_tuple(), sender=gov
    )
    mngo.mint(stranger, 100 * cap, sender=stranger)
    mngo.approve(pool, MAX_UINT256, sender=stranger)
    with ape.reverts(pool.SupplyCapExceeded):
        pool.supplyCollateral(mngo, cap + 1, stranger, sender=stranger)
    pool.supplyCollateral(mngo, cap, stranger, sender=stranger)
    feed.setAnswer(40 * 10**6, sender=gov)  # pumped 20x
    bound = units(400_000) * 75 // 100  # cap * $0.40 * max LTV
    with ape.reverts(pool.InsufficientCollateral):
        pool.borrow(bound + units(1), stranger, sender=stranger)
    pool.borrow(bound, stranger, sender=stranger)
    assert pool.debtOf(stranger) <= bound


@pytest.mark.parametrize("decimals", [0, 24])
def test_extreme_decimals__collateral_with_0_or_24__values_and_liquidates(
    configurator, project, pool, gov, alice, stranger, liquidator, deposit, approve_liquidator, units, decimals
):
    token = project.ERC20Mock.deploy("X", "X", decimals, sender=gov)
    feed = project.SettableFeed.deploy(8, 1_000 * 10**8, sender=gov)
    configurator.listCollateral(token, FeedConfig(feed.address).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    deposit(alice, 100_000)
    amount = 10 * 10**decimals
    token.mint(stranger, amount, sender=stranger)
    token.approve(pool, MAX_UINT256, sender=stranger)
    pool.supplyCollateral(token, amount, stranger, sender=stranger)
    pool.borrow(units(7_000), stranger, sender=stranger)
    assert pool.positionsOf([stranger])[0].collateralValue == 10_000 * WAD
    feed.setAnswer(800 * 10**8, sender=gov)
    approve_liquidator()
    receipt = pool.liquidate(stranger, token, MAX_UINT256, 0, liquidator, sender=liquidator)
    assert receipt.events.filter(pool.Liquidate)[0].seized > 0


def test_split_into_dust__below_min_borrow__refused(pool, alice, dave, deposit, supply, units):
    """A position cannot start as dust that no keeper would liquidate."""
    deposit(alice, 100_000)
    supply(dave, "WETH", 10)
    with ape.reverts(pool.BorrowTooSmall):
        pool.borrow(units(50), dave, sender=dave)


def test_lp_exits_before_socialization__escapes_the_loss__recorded(
    pool,
    lp_token,
    weth,
    alice,
    bob,
    dave,
    liquidator,
    deposit,
    open_position,
    set_price,
    approve_liquidator,
    units,
    zero_rates,
):
    """Recorded honestly (README known issue 2): an LP who sees the crash and redeems in the block
    before the loss is realized escapes it, and the LPs who stay bear it. A later issue closes this."""
    deposit(alice, 60_000)
    deposit(bob, 40_000)
    open_position(dave, 10, 14_000)
    approve_liquidator()
    set_price("WETH", 1_000)  # the crash is visible on chain
    assert pool.pendingShortfall(dave) > 0
    lp_token.redeem(lp_token.maxRedeem(bob), bob, bob, sender=bob)  # bob leaves first
    bob_left = lp_token.convertToAssets(lp_token.balanceOf(bob))
    alice_before = lp_token.convertToAssets(lp_token.balanceOf(alice))
    pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)
    alice_loss = 1 - lp_token.convertToAssets(lp_token.balanceOf(alice)) / alice_before
    assert alice_loss > 0
    assert bob_left < units(40_000)  # bob could take out only what cash allowed; the rest shares the loss


def test_front_run_price_update__withdraw_within_max_ltv_only(
    pool, weth, alice, dave, deposit, open_position, set_price, units, zero_rates
):
    """A borrower who sees a price drop coming can withdraw only what keeps it within max LTV at the
    old price; what it leaves behind still backs its debt at LT after the drop, or is liquidated."""
    deposit(alice, 100_000)
    open_position(dave, 10, 10_000)  # 50% LTV at $2,000
    with ape.reverts(pool.InsufficientCollateral):
        pool.withdrawCollateral(weth, 4 * WAD, dave, sender=dave)  # would exceed 75% max LTV
    pool.withdrawCollateral(weth, 3 * WAD, dave, sender=dave)  # 7 WETH = $14,000: 71%
    set_price("WETH", 1_700)  # the update lands: 7 * 1,700 * 0.8 = 9,520 < 10,000
    assert pool.healthFactor(dave) < WAD  # now liquidatable; the attacker kept only what LTV allowed
    assert pool.pendingShortfall(dave) == 0  # and the collateral left still covers the debt


def test_quirky_loan_asset__no_return_value_and_zero_transfer_revert__full_cycle(project, gov, alice, dave, liquidator):
    """A USDT-style loan asset (no return values; zero transfers revert) works end to end: SafeERC20
    accepts the missing return value, and no path ever transfers zero."""
    from shortfall.chain.deploy import deploy_core, deploy_feed, deploy_mock_token, list_collateral
    from shortfall.chain.params import PoolParams

    asset = project.QuirkyERC20Mock.deploy(6, sender=gov)
    pool, lp, reserve, configurator = deploy_core(project, gov, asset, deploy_feed(project, gov, 1), PoolParams())
    weth = deploy_mock_token(project, gov, "WETH", 18)
    weth_feed = deploy_feed(project, gov, 2_000)
    list_collateral(configurator, weth, weth_feed, CollateralParams(), gov)
    for account in (alice, dave, liquidator, gov):
        asset.mint(account, 10**12, sender=account)
    asset.approve(lp, MAX_UINT256, sender=alice)
    lp.deposit(100_000 * 10**6, alice, sender=alice)
    asset.approve(reserve, MAX_UINT256, sender=gov)
    reserve.fundReserve(1_000 * 10**6, sender=gov)
    weth.mint(dave, 10 * WAD, sender=dave)
    weth.approve(pool, MAX_UINT256, sender=dave)
    pool.supplyCollateral(weth, 10 * WAD, dave, sender=dave)
    pool.borrow(14_000 * 10**6, dave, sender=dave)
    weth_feed.setAnswer(1_000 * 10**8, sender=gov)
    asset.approve(pool, MAX_UINT256, sender=liquidator)
    receipt = pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)
    assert receipt.events.filter(pool.BadDebtSocialized)[0].lpLoss > 0
    lp.redeem(lp.maxRedeem(alice), alice, alice, sender=alice)
    assert asset.balanceOf(pool) >= pool.cash()
