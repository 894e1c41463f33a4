"""Tokens that re-enter or answer `false`: every guarded entry point refuses them."""

import ape
import pytest

from shortfall.deploy import Deployment, deploy_core, deploy_feed
from shortfall.params import CollateralParams, FeedConfig, PoolParams


@pytest.fixture
def hook_collateral(project, pool, gov):
    token = project.HookERC20Mock.deploy(sender=gov)
    feed = deploy_feed(project, gov, 100)
    pool.listCollateral(token, FeedConfig(feed.address).as_tuple(), CollateralParams().as_tuple(), sender=gov)
    return token


@pytest.fixture
def hook_asset_system(project, gov) -> Deployment:
    """A second system whose loan asset is the hostile token."""
    asset = project.HookERC20Mock.deploy(sender=gov)
    feed = deploy_feed(project, gov, 1)
    pool, lp_token, reserve = deploy_core(project, gov, asset, feed, PoolParams())
    return Deployment(pool, lp_token, reserve, asset, feed)


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
