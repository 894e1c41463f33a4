"""Hostile tokens. Tokens that re-enter or answer `false`: every guarded entry point refuses them.
Fee-on-transfer tokens: every pull is refused (the books would run ahead of the balance), every payout
stays exact. Read-only reentrancy: a token callback in the middle of an operation sees the share-price
views already at the operation's final state (checks, effects, interactions)."""

import ape
import pytest

from shortfall.constants import MAX_UINT256
from shortfall.chain.deploy import Deployment, deploy_core, deploy_feed, list_collateral, to_answer
from shortfall.chain.params import CollateralParams, FeedConfig, PoolParams


@pytest.fixture
def hook_market(configurator, project, pool, gov):
    """A hook token listed as collateral at $100, and its settable feed."""
    token = project.HookERC20Mock.deploy(sender=gov)
    feed = deploy_feed(project, gov, 100)
    configurator.listCollateral(token, FeedConfig(feed.address).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    return token, feed


@pytest.fixture
def hook_collateral(hook_market):
    return hook_market[0]


@pytest.fixture
def hook_asset_system(project, gov) -> Deployment:
    """A second system whose loan asset is the hostile token."""
    asset = project.HookERC20Mock.deploy(sender=gov)
    feed = deploy_feed(project, gov, 1)
    pool, lp_token, reserve, configurator = deploy_core(project, gov, asset, feed, PoolParams())
    return Deployment(pool, lp_token, reserve, configurator, asset, feed)


def test_pool__collateral_reenters__reverts(pool, hook_collateral, dave):
    hook_collateral.mint(dave, 10**18, sender=dave)
    hook_collateral.approve(pool, 10**18, sender=dave)
    hook_collateral.setHook(pool, pool.borrow.encode_input(1, dave), sender=dave)
    with ape.reverts(pool.ReentrancyGuardReentrantCall):
        pool.supplyCollateral(hook_collateral, 10**18, dave, sender=dave)


def test_pool__collateral_returns_false__reverts(pool, hook_collateral, dave):
    hook_collateral.mint(dave, 10**18, sender=dave)
    hook_collateral.approve(pool, 10**18, sender=dave)
    hook_collateral.setReturnFalse(True, sender=dave)
    with ape.reverts(pool.SafeERC20FailedOperation):
        pool.supplyCollateral(hook_collateral, 10**18, dave, sender=dave)
    assert pool.collateralOf(dave, hook_collateral) == 0


def test_lp_token__asset_reenters__reverts(hook_asset_system, alice):
    lp, asset = hook_asset_system.lp_token, hook_asset_system.asset
    asset.mint(alice, 10**20, sender=alice)
    asset.approve(lp, 10**20, sender=alice)
    asset.setHook(lp, lp.deposit.encode_input(10**18, alice), sender=alice)
    with ape.reverts(lp.ReentrancyGuardReentrantCall):
        lp.deposit(10**18, alice, sender=alice)


def test_lp_token__asset_returns_false__reverts(hook_asset_system, alice):
    lp, asset = hook_asset_system.lp_token, hook_asset_system.asset
    asset.mint(alice, 10**20, sender=alice)
    asset.approve(lp, 10**20, sender=alice)
    asset.setReturnFalse(True, sender=alice)
    with ape.reverts(lp.SafeERC20FailedOperation):
        lp.deposit(10**18, alice, sender=alice)
    assert lp.totalSupply() == 0


def test_reserve__asset_reenters_or_returns_false__reverts(hook_asset_system, alice):
    reserve, asset = hook_asset_system.reserve_fund, hook_asset_system.asset
    asset.mint(alice, 10**20, sender=alice)
    asset.approve(reserve, 10**20, sender=alice)
    asset.setHook(reserve, reserve.fundReserve.encode_input(10**18), sender=alice)
    with ape.reverts(reserve.ReentrancyGuardReentrantCall):
        reserve.fundReserve(10**18, sender=alice)
    asset.setReturnFalse(True, sender=alice)
    with ape.reverts(reserve.SafeERC20FailedOperation):
        reserve.fundReserve(10**18, sender=alice)


# ---------------------------------------------------------------- fee on transfer

FEE_BPS = 100  # 1% of every transfer burnt by the token


@pytest.fixture
def fee_collateral(project, configurator, gov):
    token = project.FeeOnTransferERC20Mock.deploy(18, FEE_BPS, sender=gov)
    list_collateral(configurator, token, deploy_feed(project, gov, 100), CollateralParams(), gov)
    return token


@pytest.fixture
def fee_asset_system(project, gov) -> Deployment:
    """A system whose loan asset charges a fee once switched on (it starts at 0), with WETH at $2,000."""
    asset = project.FeeOnTransferERC20Mock.deploy(6, 0, sender=gov)
    feed = deploy_feed(project, gov, 1)
    pool, lp_token, reserve, configurator = deploy_core(project, gov, asset, feed, PoolParams())
    weth = project.ERC20Mock.deploy("Wrapped Ether", "WETH", 18, sender=gov)
    weth_feed = deploy_feed(project, gov, 2_000)
    list_collateral(configurator, weth, weth_feed, CollateralParams(), gov)
    return Deployment(pool, lp_token, reserve, configurator, asset, feed, {"WETH": weth}, {"WETH": weth_feed})


def test_pool__fee_on_transfer_collateral__reverts(pool, fee_collateral, dave):
    fee_collateral.mint(dave, 10**18, sender=dave)
    fee_collateral.approve(pool, 10**18, sender=dave)
    received = 10**18 - 10**18 * FEE_BPS // 10_000
    with ape.reverts(pool.TransferAmountMismatch, token=fee_collateral.address, expected=10**18, received=received):
        pool.supplyCollateral(fee_collateral, 10**18, dave, sender=dave)
    assert pool.collateralOf(dave, fee_collateral) == 0
    assert fee_collateral.balanceOf(pool) == 0


def test_fee_on_transfer_asset__every_pull_reverts_every_payout_exact(fee_asset_system, alice, dave, liquidator, gov):
    system = fee_asset_system
    pool, lp, reserve, asset, weth = (
        system.pool,
        system.lp_token,
        system.reserve_fund,
        system.asset,
        system.collaterals["WETH"],
    )
    for account in (alice, dave, liquidator, gov):
        asset.mint(account, 10**12, sender=account)
        for spender in (lp, pool, reserve):
            asset.approve(spender, MAX_UINT256, sender=account)
    lp.deposit(100_000 * 10**6, alice, sender=alice)
    weth.mint(dave, 10 * 10**18, sender=dave)
    weth.approve(pool, MAX_UINT256, sender=dave)
    pool.supplyCollateral(weth, 10 * 10**18, dave, sender=dave)
    pool.borrow(10_000 * 10**6, dave, sender=dave)

    asset.setFeeBps(FEE_BPS, sender=gov)  # the issuer switches the fee on (USDT has this switch)
    amount, received = 1_000 * 10**6, 1_000 * 10**6 * (10_000 - FEE_BPS) // 10_000
    with ape.reverts(lp.TransferAmountMismatch, token=asset.address, expected=amount, received=received):
        lp.deposit(amount, alice, sender=alice)
    with ape.reverts(reserve.TransferAmountMismatch, token=asset.address, expected=amount, received=received):
        reserve.fundReserve(amount, sender=gov)
    with ape.reverts(pool.TransferAmountMismatch, token=asset.address, expected=amount, received=received):
        pool.repay(amount, dave, sender=dave)
    system.feeds["WETH"].setAnswer(to_answer(1_100), sender=gov)  # 10 WETH = $11,000 < $10,000 / 0.8
    with ape.reverts(pool.TransferAmountMismatch, token=asset.address):
        pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)

    # Payouts stay exact: the pool's balance falls by what it books; the fee is the receiver's.
    pool_before, alice_before, cash_before = asset.balanceOf(pool), asset.balanceOf(alice), pool.cash()
    lp.withdraw(amount, alice, alice, sender=alice)
    assert pool_before - asset.balanceOf(pool) == amount == cash_before - pool.cash()
    assert asset.balanceOf(alice) - alice_before == received
    assert pool.cash() <= asset.balanceOf(pool)

    asset.setFeeBps(0, sender=gov)  # with the fee off again, nothing is stuck
    pool.repay(MAX_UINT256, dave, sender=dave)
    assert pool.borrowSharesOf(dave) == 0


# ---------------------------------------------------------------- read-only reentrancy


def test_liquidation_callback__sees_post_loss_price_and_redeems_no_better(
    project,
    system,
    pool,
    lp_token,
    hook_market,
    deposit,
    fund_reserve,
    units,
    approve_liquidator,
    zero_rates,
    gov,
    carol,
    dave,
    liquidator,
):
    """A collateral's transfer hook runs inside a bad-debt liquidation, after the loss is booked: the
    share-price views it reads are the post-loss ones, and an LP redeeming there gets no more than an
    LP with the same shares redeeming after the transaction."""
    hook_collateral, feed = hook_market
    probe = project.ReentrancyProbe.deploy(sender=gov)
    deposit(carol, 100_000)
    system.asset.mint(probe, units(10_000), sender=gov)
    probe.approve(system.asset, lp_token, units(10_000), sender=gov)
    probe.deposit(lp_token, units(10_000), sender=gov)
    deposit(dave, 10_000)  # the control LP: same assets, same price, same shares as the probe
    assert lp_token.balanceOf(dave) == lp_token.balanceOf(probe)
    fund_reserve(1_000)
    hook_collateral.mint(dave, 100 * 10**18, sender=dave)
    hook_collateral.approve(pool, MAX_UINT256, sender=dave)
    pool.supplyCollateral(hook_collateral, 100 * 10**18, dave, sender=dave)  # $10,000
    pool.borrow(units(7_000), dave, sender=dave)
    feed.setAnswer(to_answer(20), sender=gov)  # collateral $2,000 against $7,000 of debt
    price_before = lp_token.convertToAssets(10**18)

    hook_collateral.setHook(probe, probe.probe.encode_input(lp_token, True), sender=gov)
    approve_liquidator()
    tx = pool.liquidate(dave, hook_collateral, MAX_UINT256, 0, liquidator, sender=liquidator)

    assert probe.calls() == 1
    assert tx.events.filter(pool.BadDebtSocialized)[0].lpLoss > 0
    assert probe.seenAssetsPerShare() < price_before  # the loss was booked before the callback
    assert probe.seenTotalAssets() - probe.redeemedAssets() == lp_token.totalAssets()
    control = lp_token.redeem(lp_token.balanceOf(dave), dave, dave, sender=dave).return_value
    assert 0 < probe.redeemedAssets() <= control < units(10_000)


def test_withdraw_callback__sees_shares_burnt_and_cash_paid(project, hook_asset_system, alice, gov):
    """The loan asset's hook runs inside a withdrawal's payout: the views already show the shares
    burnt and the cash gone, as they read once the transaction ends."""
    lp, asset = hook_asset_system.lp_token, hook_asset_system.asset
    probe = project.ReentrancyProbe.deploy(sender=gov)
    asset.mint(alice, 10**24, sender=alice)
    asset.approve(lp, 10**24, sender=alice)
    lp.deposit(10**24, alice, sender=alice)
    asset.setHook(probe, probe.probe.encode_input(lp, False), sender=alice)
    lp.redeem(lp.balanceOf(alice) // 2, alice, alice, sender=alice)
    assert probe.calls() == 1
    assert probe.seenTotalSupply() == lp.totalSupply()
    assert probe.seenTotalAssets() == lp.totalAssets()
    assert probe.seenAssetsPerShare() == lp.convertToAssets(10**18)
