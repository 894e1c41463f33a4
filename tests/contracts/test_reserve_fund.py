"""ReserveFund: funding, the two-step governance withdrawal with its floor, parameters and ownership."""

import ape
import pytest

from shortfall.constants import MAX_UINT256, RESERVE_WITHDRAWAL_DELAY, WAD
from tests.conftest import wad

ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def funded(alice, deposit, fund_reserve):
    """LPs 100,000; reserve 10,000; floor 5% of 110,000 = 5,500."""
    deposit(alice, 100_000)
    fund_reserve(10_000)


def test_fund_reserve__anyone__shares_to_reserve(reserve, lp_token, asset, stranger, units):
    asset.mint(stranger, units(500), sender=stranger)
    asset.approve(reserve, units(500), sender=stranger)
    receipt = reserve.fundReserve(units(500), sender=stranger)
    event = receipt.events.filter(reserve.ReserveFunded)[0]
    assert event.assets == units(500) and event.shares == lp_token.balanceOf(reserve) == reserve.reserveShares()
    assert reserve.reserveAssets() == units(500)
    assert reserve.pool() == lp_token.pool() and reserve.lpToken() == lp_token.address
    with ape.reverts(reserve.ZeroAmount):
        reserve.fundReserve(0, sender=stranger)


def test_withdrawal__after_delay_above_floor__sends_shares(reserve, lp_token, gov, stranger, chain, funded):
    shares = reserve.reserveShares() * 4 // 10  # 4,000 of 10,000
    receipt = reserve.requestWithdrawal(shares, stranger, sender=gov)
    assert receipt.events.filter(reserve.WithdrawalRequested)[0].shares == shares
    assert reserve.pendingWithdrawal()[:2] == (shares, stranger.address)
    with ape.reverts(reserve.WithdrawalNotReady):
        reserve.executeWithdrawal(sender=gov)
    with ape.reverts(reserve.WithdrawalPending):
        reserve.requestWithdrawal(1, stranger, sender=gov)
    chain.pending_timestamp += RESERVE_WITHDRAWAL_DELAY
    receipt = reserve.executeWithdrawal(sender=gov)
    assert receipt.events.filter(reserve.WithdrawalExecuted)[0].shares == shares
    assert lp_token.balanceOf(stranger) == shares
    assert reserve.pendingWithdrawal()[2] == 0


def test_withdrawal__below_floor__reverts(reserve, gov, stranger, chain, funded):
    reserve.requestWithdrawal(reserve.reserveShares() // 2, stranger, sender=gov)  # leaves 5,000 < 5,500
    chain.pending_timestamp += RESERVE_WITHDRAWAL_DELAY
    with ape.reverts(reserve.ReserveBelowFloor):
        reserve.executeWithdrawal(sender=gov)


def test_withdrawal__loss_during_delay__requested_shares_absorb_it(
    pool, reserve, weth, gov, stranger, dave, liquidator, open_position, set_price, approve_liquidator, chain, funded
):
    """Requested shares stay burnable: a loss during the delay burns them, and the floor still holds."""
    reserve.requestWithdrawal(reserve.reserveShares() * 4 // 10, stranger, sender=gov)
    open_position(dave, 10, 14_000)
    approve_liquidator()
    set_price("WETH", 1_000)
    pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)  # ~4,476 of loss
    chain.pending_timestamp += RESERVE_WITHDRAWAL_DELAY
    set_price("LOAN", 1)
    with ape.reverts(reserve.ReserveBelowFloor):
        reserve.executeWithdrawal(sender=gov)


def test_withdrawal__cancel_and_errors(reserve, gov, stranger, funded):
    with ape.reverts(reserve.NoPendingWithdrawal):
        reserve.executeWithdrawal(sender=gov)
    with ape.reverts(reserve.NoPendingWithdrawal):
        reserve.cancelWithdrawal(sender=gov)
    with ape.reverts(reserve.ZeroAmount):
        reserve.requestWithdrawal(0, stranger, sender=gov)
    with ape.reverts(reserve.ZeroAddress):
        reserve.requestWithdrawal(1, ZERO, sender=gov)
    reserve.requestWithdrawal(1, stranger, sender=gov)
    receipt = reserve.cancelWithdrawal(sender=gov)
    assert receipt.events.filter(reserve.WithdrawalCancelled)[0].shares == 1


def test_governance__non_owner__reverts(reserve, stranger):
    for call in (
        lambda: reserve.requestWithdrawal(1, stranger, sender=stranger),
        lambda: reserve.cancelWithdrawal(sender=stranger),
        lambda: reserve.executeWithdrawal(sender=stranger),
        lambda: reserve.setReserveFloor(wad(0.1), sender=stranger),
        lambda: reserve.setBuyDiscount(wad(0.01), sender=stranger),
    ):
        with ape.reverts(reserve.OwnableUnauthorizedAccount):
            call()


def test_parameters__bounds__enforced(reserve, gov):
    with ape.reverts(reserve.ParameterOutOfBounds):
        reserve.setReserveFloor(wad(0.009), sender=gov)
    with ape.reverts(reserve.ParameterOutOfBounds):
        reserve.setReserveFloor(WAD + 1, sender=gov)
    with ape.reverts(reserve.ParameterOutOfBounds):
        reserve.setBuyDiscount(wad(0.11), sender=gov)
    receipt = reserve.setReserveFloor(wad(0.1), sender=gov)
    event = receipt.events.filter(reserve.ParameterSet)[0]
    assert (event.oldValue, event.newValue) == (wad(0.05), wad(0.1)) and reserve.reserveFloor() == wad(0.1)
    reserve.setBuyDiscount(wad(0.02), sender=gov)
    assert reserve.buyDiscount() == wad(0.02)


def test_ownership__two_step__then_renounce(reserve, gov, stranger):
    reserve.transferOwnership(stranger, sender=gov)
    assert reserve.pendingOwner() == stranger.address
    reserve.acceptOwnership(sender=stranger)
    assert reserve.owner() == stranger.address
    reserve.renounceOwnership(sender=stranger)
    assert reserve.owner() == ZERO


def test_reserve_views__between_accruals__include_pending_cut(
    pool, reserve, lp_token, alice, dave, open_position, chain, view_at, funded
):
    """R = convertToAssets(reserve shares) after accrual: the views count the reserve's pending cut."""
    open_position(dave, 100, 80_000)
    when = chain.pending_timestamp + 90 * 86_400
    shares_at, assets_at = view_at(reserve, "reserveShares", when), view_at(reserve, "reserveAssets", when)
    assert shares_at > lp_token.balanceOf(reserve)
    chain.pending_timestamp = when
    pool.accrueInterest(sender=alice)
    assert lp_token.balanceOf(reserve) == shares_at
    assert view_at(lp_token, "convertToAssets", when, shares_at) == assets_at


# ---------------------------------------------------------------- the reserve's pending shares


def _transfers(receipt, lp_token):
    return [(t["from"], t["to"], t["value"]) for t in receipt.events.filter(lp_token.Transfer)]


@pytest.fixture
def accrued(pool, lp_token, reserve, dave, stranger, open_position, chain, funded):
    """A month of interest on a 14,000 debt, accrued by a bare accrueInterest: the reserve's cut is pending."""
    open_position(dave, 10, 14_000)
    held = lp_token.balanceOf(reserve)
    supply = lp_token.totalSupply()
    chain.pending_timestamp += 30 * 86_400
    receipt = pool.accrueInterest(sender=stranger)
    return held, supply, receipt


def test_reserve_cut__accrual__pending_in_pool_and_counted_as_shares(pool, lp_token, reserve, accrued):
    held, supply, receipt = accrued
    pending = pool.pendingReserveShares()
    assert pending > 0 and receipt.events.filter(pool.AccrueInterest)[0].reserveShares == pending
    assert _transfers(receipt, lp_token) == []  # no call to the LPToken, no Transfer at accrual
    assert lp_token.balanceOf(reserve) == held + pending == reserve.reserveShares()
    assert lp_token.totalSupply() == supply + pending
    assert lp_token.mintedReserveShares() == held and lp_token.mintedSupply() == supply


def test_reserve_cut__withdrawal__minted_with_its_transfer_first(pool, lp_token, reserve, gov, stranger, chain, accrued):
    held, _, _ = accrued
    shares = held * 4 // 10  # any transfer out of the reserve mints its pending shares first
    reserve.requestWithdrawal(shares, stranger, sender=gov)
    chain.pending_timestamp += RESERVE_WITHDRAWAL_DELAY
    pending, supply = pool.pendingReserveShares(), lp_token.totalSupply()
    receipt = reserve.executeWithdrawal(sender=gov)
    accrued_now = sum(e.reserveShares for e in receipt.events.filter(pool.AccrueInterest))
    assert _transfers(receipt, lp_token) == [
        (ZERO, reserve.address, pending + accrued_now),
        (reserve.address, stranger.address, shares),
    ]
    assert pool.pendingReserveShares() == 0
    assert lp_token.balanceOf(stranger) == shares
    assert lp_token.totalSupply() == supply + accrued_now  # materializing moves no share


def test_reserve_cut__socialization__burns_pending_shares_first(
    pool, lp_token, reserve, weth, dave, liquidator, set_price, approve_liquidator, accrued
):
    """A loss burns the never-minted pending shares first (no event for them, as none when they accrued),
    then minted ones, with their Transfer to the zero address."""
    pending = pool.pendingReserveShares()
    before = lp_token.balanceOf(reserve)
    approve_liquidator()
    set_price("LOAN", 1)
    set_price("WETH", 1_000)
    receipt = pool.liquidate(dave, weth, MAX_UINT256, 0, liquidator, sender=liquidator)
    burned = receipt.events.filter(pool.BadDebtSocialized)[0].reserveSharesBurned
    accrued_now = sum(e.reserveShares for e in receipt.events.filter(pool.AccrueInterest))
    assert burned > pending + accrued_now > 0
    assert _transfers(receipt, lp_token) == [(reserve.address, ZERO, burned - pending - accrued_now)]
    assert pool.pendingReserveShares() == 0
    assert lp_token.balanceOf(reserve) == before + accrued_now - burned


def test_reserve_cut__zero_value_transfer_out__mints_nothing(pool, lp_token, reserve, stranger, accrued):
    """transferFrom needs no allowance for 0: a stranger's zero transfer out of the reserve moves nothing and
    does not force the pending shares into the token (review of the pending ledger, F3)."""
    pending = pool.pendingReserveShares()
    receipt = lp_token.transferFrom(reserve, stranger, 0, sender=stranger)
    assert _transfers(receipt, lp_token) == [(reserve.address, stranger.address, 0)]
    assert pool.pendingReserveShares() == pending > 0


def test_reserve_cut__beyond_uint128__minted_instead_of_freezing(project, gov, alice, bob, dave, erin, keeper, chain):
    """After a near-total loss a unit of interest is worth a huge number of shares: an hour's reserve cut of an
    18-decimal pool exceeds 2**128 shares. The accrual mints it instead of reverting, and exits, repays and
    governance go on (review of the pending ledger, F1: the uint128 count froze the pool for good)."""
    from shortfall.chain.deploy import deploy_local_system
    from shortfall.chain.params import PoolParams

    s = deploy_local_system(project, gov, 18, {"WETH": (18, 2_000)}, PoolParams())
    pool, lp, dai, weth = s.pool, s.lp_token, s.asset, s.collaterals["WETH"]

    def deposit(lp_account, amount):
        dai.mint(lp_account, amount, sender=lp_account)
        dai.approve(lp, amount, sender=lp_account)
        lp.deposit(amount, lp_account, sender=lp_account)

    def open_position(borrower, amount):
        weth.mint(borrower, WAD, sender=borrower)
        weth.approve(pool, MAX_UINT256, sender=borrower)
        pool.supplyCollateral(weth, WAD, borrower, sender=borrower)
        pool.borrow(amount, borrower, sender=borrower)

    deposit(alice, 1_000 * WAD)
    open_position(dave, 1_000 * WAD)
    s.feeds["WETH"].setAnswer(5 * 10**8, sender=gov)  # the whole debt is bad: assets ~0, shares remain
    pool.realizeBadDebt(dave, sender=keeper)
    s.feeds["WETH"].setAnswer(2_000 * 10**8, sender=gov)
    deposit(bob, 1_000 * WAD)
    open_position(erin, 500 * WAD)
    chain.pending_timestamp += 3_600
    receipt = pool.accrueInterest(sender=keeper)
    cut = receipt.events.filter(pool.AccrueInterest)[0].reserveShares
    assert cut > 2**128 and pool.pendingReserveShares() == 0
    assert [t["to"] for t in receipt.events.filter(lp.Transfer)] == [s.reserve_fund.address]
    assert lp.balanceOf(s.reserve_fund) >= cut
    lp.redeem(lp.balanceOf(bob) // 3, bob, bob, sender=bob)
    dai.mint(erin, 1_000 * WAD, sender=erin)
    dai.approve(pool, MAX_UINT256, sender=erin)
    pool.repay(MAX_UINT256, erin, sender=erin)
    assert pool.debtOf(erin) == 0
