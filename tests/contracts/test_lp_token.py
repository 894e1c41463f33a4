"""LPToken: ERC-20 and ERC-4626 with the standard's rounding, cash-limited exits, the inflation attack,
donations, and the reserve hooks only the pool may call."""

import ape
import pytest
from ape.exceptions import ContractLogicError

from shortfall.constants import MAX_UINT256

ZERO = "0x0000000000000000000000000000000000000000"


def test_metadata__name_symbol_decimals__offset_six(lp_token, asset, pool, reserve, asset_decimals):
    assert lp_token.name() == "Shortfall LP" and lp_token.symbol() == "sfLP"
    assert lp_token.decimals() == asset_decimals + 6
    assert lp_token.asset() == asset.address
    assert lp_token.pool() == pool.address and lp_token.reserveFund() == reserve.address


def test_erc4626__previews__match_actions(lp_token, asset, alice, bob, dave, deposit, open_position, units, chain):
    """A preview is read one block before its action; interest in between only moves the action in the
    caller's favour, by at most a few parts in a billion."""
    deposit(alice, 50_000)
    open_position(dave, 20, 20_000)
    chain.pending_timestamp += 86_400 * 30
    asset.mint(bob, units(10_000), sender=bob)
    asset.approve(lp_token, MAX_UINT256, sender=bob)

    def close(actual: int, preview: int) -> bool:
        return abs(actual - preview) <= preview // 10**8 + 1

    shares = lp_token.previewDeposit(units(1_000))
    got = lp_token.deposit(units(1_000), bob, sender=bob).events.filter(lp_token.Deposit)[0].shares
    assert got <= shares and close(got, shares)
    assets = lp_token.previewMint(shares)
    got = lp_token.mint(shares, bob, sender=bob).events.filter(lp_token.Deposit)[0].assets
    assert got >= assets and close(got, assets)
    burned = lp_token.previewWithdraw(units(500))
    got = lp_token.withdraw(units(500), bob, bob, sender=bob).events.filter(lp_token.Withdraw)[0].shares
    assert got <= burned and close(got, burned)
    out = lp_token.previewRedeem(shares)
    got = lp_token.redeem(shares, bob, bob, sender=bob).events.filter(lp_token.Withdraw)[0].assets
    assert got >= out and close(got, out)
    assert lp_token.convertToShares(units(1)) > 0 and lp_token.convertToAssets(10 ** lp_token.decimals()) > units(1)


def test_erc4626__previews__exact_without_interest(lp_token, asset, alice, bob, deposit, units, zero_rates):
    deposit(alice, 50_000)
    asset.mint(bob, units(10_000), sender=bob)
    asset.approve(lp_token, MAX_UINT256, sender=bob)
    shares = lp_token.previewDeposit(units(1_000))
    assert lp_token.deposit(units(1_000), bob, sender=bob).events.filter(lp_token.Deposit)[0].shares == shares
    assert lp_token.previewRedeem(shares) == units(1_000)


def test_erc4626__rounding__always_against_caller(lp_token, alice, deposit, dave, open_position, chain, units):
    deposit(alice, 1_000)
    open_position(dave, 1, 500)
    chain.pending_timestamp += 86_400 * 365
    chain.mine()
    assets = units(1) + 1
    assert lp_token.previewMint(lp_token.previewDeposit(assets)) <= assets
    assert lp_token.previewRedeem(lp_token.previewWithdraw(assets)) >= assets


def test_exits__cash_lent_out__limited_to_cash_even_paused(
    configurator, pool, lp_token, gov, alice, dave, deposit, open_position, units, zero_rates
):
    deposit(alice, 20_000)
    open_position(dave, 10, 15_000)
    configurator.pause(sender=gov)
    assert lp_token.maxWithdraw(alice) == pool.cash() == units(5_000)
    assert lp_token.maxRedeem(alice) < lp_token.balanceOf(alice)
    with ape.reverts(lp_token.ERC4626ExceededMaxWithdraw):
        lp_token.withdraw(units(5_001), alice, alice, sender=alice)
    with ape.reverts(lp_token.ERC4626ExceededMaxRedeem):
        lp_token.redeem(lp_token.balanceOf(alice), alice, alice, sender=alice)
    lp_token.redeem(lp_token.maxRedeem(alice), alice, alice, sender=alice)
    assert pool.cash() <= 1


def test_entry__zero_amounts__revert_and_change_nothing(lp_token, asset, alice, deposit, units, snapshot_state):
    deposit(alice, 100)
    asset.approve(lp_token, MAX_UINT256, sender=alice)
    before = snapshot_state(alice)
    for call in (
        lambda: lp_token.deposit(0, alice, sender=alice),
        lambda: lp_token.mint(0, alice, sender=alice),
        lambda: lp_token.withdraw(0, alice, alice, sender=alice),
        lambda: lp_token.redeem(1, alice, alice, sender=alice),  # 1 share is worth 0 assets
    ):
        with ape.reverts(lp_token.ZeroAmount):
            call()
    assert snapshot_state(alice) == before


def test_inflation_attack__donation_and_tiny_first_deposit__victim_keeps_value(
    pool, lp_token, asset, alice, stranger, units
):
    """The first depositor deposits 1 wei and donates a fortune: internal cash ignores the donation."""
    asset.mint(stranger, units(10_002), sender=stranger)
    asset.approve(lp_token, MAX_UINT256, sender=stranger)
    lp_token.deposit(1, stranger, sender=stranger)
    price_before = lp_token.sharePrice()
    asset.transfer(pool, units(10_000), sender=stranger)  # donation to the pool
    asset.transfer(lp_token, units(1), sender=stranger)  # and to the token
    assert lp_token.sharePrice() == price_before
    asset.mint(alice, units(5_000), sender=alice)
    asset.approve(lp_token, MAX_UINT256, sender=alice)
    lp_token.deposit(units(5_000), alice, sender=alice)
    assert lp_token.convertToAssets(lp_token.balanceOf(alice)) >= units(5_000) - 1
    assert asset.balanceOf(pool) > pool.cash()


def test_erc20__transfer_and_allowance__standard(lp_token, alice, bob, carol, deposit):
    deposit(alice, 1_000)
    shares = lp_token.balanceOf(alice)
    assert lp_token.transfer(bob, shares // 4, sender=alice).events.filter(lp_token.Transfer)
    assert lp_token.approve(carol, shares // 4, sender=alice).events.filter(lp_token.Approval)
    assert lp_token.allowance(alice, carol) == shares // 4
    lp_token.transferFrom(alice, carol, shares // 4, sender=carol)
    assert lp_token.balanceOf(carol) == shares // 4 and lp_token.allowance(alice, carol) == 0
    lp_token.approve(carol, shares // 4, sender=alice)
    lp_token.redeem(lp_token.balanceOf(carol) // 2, carol, alice, sender=carol)  # a spender redeems


def test_erc20__bad_input__standard_errors(lp_token, alice, bob, deposit, snapshot_state):
    deposit(alice, 1_000)
    before = snapshot_state(alice, bob)
    shares = lp_token.balanceOf(alice)
    with ape.reverts(lp_token.ERC20InsufficientBalance):
        lp_token.transfer(bob, shares + 1, sender=alice)
    with ape.reverts(lp_token.ERC20InsufficientAllowance):
        lp_token.transferFrom(alice, bob, 1, sender=bob)
    with ape.reverts(lp_token.ERC20InsufficientAllowance):
        lp_token.withdraw(1, bob, alice, sender=bob)
    with ape.reverts(lp_token.ERC20InvalidReceiver):
        lp_token.transfer(ZERO, 1, sender=alice)
    with ape.reverts(lp_token.ERC20InvalidApprover):  # OZ spends the zero address's allowance first
        lp_token.transferFrom(ZERO, bob, 0, sender=bob)
    with ape.reverts(lp_token.ERC20InvalidSpender):
        lp_token.approve(ZERO, 1, sender=alice)
    assert snapshot_state(alice, bob) == before


def test_reserve_hooks__not_pool__revert(lp_token, stranger):
    with ape.reverts(lp_token.OnlyPool):
        lp_token.burnReserveShares(1, sender=stranger)
    with ape.reverts(lp_token.OnlyPool):
        lp_token.mintReserveShares(1, sender=stranger)


def test_deposit__beyond_uint128_cash__reverts_safecast(lp_token, asset, alice):
    huge = 2**129
    asset.mint(alice, huge, sender=alice)
    asset.approve(lp_token, huge, sender=alice)
    with pytest.raises(ContractLogicError) as info:
        lp_token.deposit(huge, alice, sender=alice)
    assert type(info.value).__name__ == "SafeCastOverflowedUintDowncast"
    assert info.value.inputs["bits"] == 128
