"""Every boundary of the spec tested exactly: one test per row of the boundary table
(shortfall/fuzz/boundaries.py, README "Boundaries"), named after the row.

Each test builds the state exactly AT the boundary and one unit on each side of it (one unit: 1 second,
1 wei of a token, 1 unit of a feed answer, or the smallest amount that moves the deciding value by one
unit) and asserts the exact outcome of each side: the custom error and its arguments, or the branch taken,
read from the events and the state. The boundary is solved, not hoped for: amounts, answers and times are
computed with the contracts' own integer formulas (the reference model's helpers, shortfall/model/pool.py)
and each test first asserts that its state sits exactly on the boundary (for a comparison, the two sides
of the comparison equal), so that flipping the comparison's strictness (`make mutants`) fails the test.

Rates are zero throughout: every amount is exact. The rows that read prices (BND-01..05, 09, 14, 15) run
on three markets of their own, whose feeds have 6, 8 or 18 decimals (`FEEDS`); the test computes every
value with the decimals it chose, so a pool that assumed 8-decimal feeds (or one scale for all tokens)
fails them. The other rows run on the shared system (tests/conftest.py: WETH 18 decimals, WBTC 8, every
feed 8). Both run for a loan asset of 6 and of 18 decimals (the `asset_decimals` fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ape
import pytest

from shortfall.chain.deploy import Deployment, deploy_local_system, deploy_mock_token, list_collateral
from shortfall.chain.params import CollateralParams, PoolParams, RateModel, RiskParams, default_max_answer
from shortfall.constants import LT_DECREASE_DELAY, MAX_UINT256, RESERVE_WITHDRAWAL_DELAY, WAD
from shortfall.model.pool import (
    Model,
    to_assets_down,
    to_assets_up,
    to_shares_down,
    to_shares_up,
    w_div_down,
    w_div_up,
    w_mul_down,
    w_mul_up,
)

value_down, value_up, amount_down, amount_up = Model.value_down, Model.value_up, Model.amount_down, Model.amount_up

COLLATERAL, RISK = CollateralParams(), RiskParams()
LTV, LT, BONUS = COLLATERAL.max_ltv, COLLATERAL.liquidation_threshold, COLLATERAL.liquidation_bonus
ZERO_RATES = RateModel(0, 0, 0, RateModel().kink)


# ---------------------------------------------------------------- markets


@dataclass(frozen=True)
class Feeds:
    """The decimals of a market: the loan asset's feed, the collateral token `X` and X's feed."""

    loan: int
    token: int
    collateral: int

    def __str__(self) -> str:
        return f"loanfeed{self.loan}-coll{self.token}feed{self.collateral}"


DEFAULT_FEEDS = Feeds(loan=8, token=18, collateral=8)  # the shared system's (and every deployment's) default
FEEDS = [DEFAULT_FEEDS, Feeds(loan=6, token=8, collateral=18), Feeds(loan=18, token=18, collateral=6)]
LOAN_BOUNDS = (Fraction(1, 2), Fraction(2))  # the markets' loan feed refuses answers at or beyond $0.50 and $2


def exact(amount: int | str | Fraction, decimals: int) -> int:
    """`amount` (a decimal string or a Fraction, never a float) in units of `decimals`, exactly."""
    scaled = Fraction(amount) * 10**decimals
    assert scaled.denominator == 1, f"{amount} has more than {decimals} decimals"
    return int(scaled)


@dataclass
class Market:
    """A deployed pool seen through the collateral a test moves (`symbol`), with its decimals stated, not
    read: every expected value below is computed from them."""

    system: Deployment
    feeds: Feeds
    asset_decimals: int
    project: Any
    gov: Any
    symbol: str = "X"

    @property
    def pool(self) -> Any:
        return self.system.pool

    @property
    def asset(self) -> Any:
        return self.system.asset

    @property
    def token(self) -> Any:
        return self.system.collaterals[self.symbol]

    @property
    def feed(self) -> Any:
        return self.system.feeds[self.symbol]

    @property
    def loan_feed(self) -> Any:
        return self.system.asset_feed

    def units(self, amount: int | str) -> int:
        return exact(amount, self.asset_decimals)

    def tokens(self, amount: int | str) -> int:
        return exact(amount, self.feeds.token)

    def loan_answer(self, price: int | str | Fraction) -> int:
        return exact(price, self.feeds.loan)

    def coll_answer(self, price: int | str | Fraction) -> int:
        return exact(price, self.feeds.collateral)

    def loan_price(self, answer: int) -> tuple[int, int]:
        """(answer, 10^(tokenDecimals + feedDecimals)): what `_price` returns for the loan asset."""
        return answer, 10 ** (self.asset_decimals + self.feeds.loan)

    def coll_price(self, answer: int) -> tuple[int, int]:
        return answer, 10 ** (self.feeds.token + self.feeds.collateral)

    def set_answer(self, feed: Any, answer: int) -> None:
        feed.setAnswer(answer, sender=self.gov)

    def lend(self, lp: Any, assets: int) -> None:
        self.asset.mint(lp, assets, sender=lp)
        self.asset.approve(self.system.lp_token, assets, sender=lp)
        self.system.lp_token.deposit(assets, lp, sender=lp)

    def fund_reserve(self, assets: int) -> None:
        self.asset.mint(self.gov, assets, sender=self.gov)
        self.asset.approve(self.system.reserve_fund, assets, sender=self.gov)
        self.system.reserve_fund.fundReserve(assets, sender=self.gov)

    def pay_from(self, account: Any) -> None:
        """Gives a liquidator plenty of loan asset, approved to the pool."""
        self.asset.mint(account, 10**15 * 10**self.asset_decimals, sender=account)
        self.asset.approve(self.pool, MAX_UINT256, sender=account)

    def supply(self, borrower: Any, token: Any, amount: int) -> None:
        token.mint(borrower, amount, sender=borrower)
        token.approve(self.pool, amount, sender=borrower)
        self.pool.supplyCollateral(token, amount, borrower, sender=borrower)

    def borrow(self, borrower: Any, assets: int) -> Any:
        return self.pool.borrow(assets, borrower, sender=borrower)

    def liquidate(self, borrower: Any, token: Any, liquidator: Any, max_repay: int = MAX_UINT256) -> Any:
        return self.pool.liquidate(borrower, token, max_repay, 0, liquidator, sender=liquidator)

    def list(
        self, symbol: str, decimals: int, feed_decimals: int, price: int | str, bounds: tuple[int, int] | None = None
    ) -> tuple[Any, Any]:
        """Lists a fresh collateral with the default risk parameters and a feed answering `price`."""
        token = deploy_mock_token(self.project, self.gov, symbol, decimals)
        feed = self.gov.deploy(self.project.SettableFeed, feed_decimals, exact(price, feed_decimals))
        list_collateral(
            self.system.configurator,
            token,
            feed,
            COLLATERAL,
            self.gov,
            bounds=bounds or (0, default_max_answer(feed_decimals)),
        )
        return token, feed


@pytest.fixture(scope="module", autouse=True)
def markets(
    project, chain, gov, alice, dave, erin, liquidator, keeper, stranger, system, pool, configurator, asset_decimals
) -> dict[Feeds, Market]:
    """A system of its own for each of `FEEDS`: a collateral X at $2,000 and feeds of those decimals; zero
    rates; alice has deposited 1,000,000 in each. Deployed once per module (and loan-asset decimals),
    before the first test, with every session fixture this module uses: ape reverts the chain and sets
    its fixtures up again when a session or module fixture first appears in the middle of a module, or
    whenever a parametrized one moves on, so none does here (the tests are parametrized instead)."""
    deployed = {}
    for feeds in FEEDS:
        deployment = deploy_local_system(
            project,
            gov,
            asset_decimals,
            {"X": (feeds.token, 2_000, feeds.collateral)},
            PoolParams(rate_model=ZERO_RATES),
            asset_feed_decimals=feeds.loan,
            loan_bounds=tuple(exact(bound, feeds.loan) for bound in LOAN_BOUNDS),
        )
        m = Market(deployment, feeds, asset_decimals, project, gov)
        source = deployment.pool.priceSources(m.token)
        assert (source.tokenDecimals, source.feedDecimals) == (feeds.token, feeds.collateral)
        assert deployment.pool.priceSources(m.asset).feedDecimals == feeds.loan
        m.lend(alice, m.units(1_000_000))
        deployed[feeds] = m
    return deployed


@pytest.fixture
def market(markets, feeds) -> Market:
    """The market of the test's `feeds` (the rows that read prices are parametrized over `FEEDS`)."""
    return markets[feeds]


every_market = pytest.mark.parametrize("feeds", FEEDS, ids=str)


@pytest.fixture
def base(system, project, gov, asset_decimals, zero_rates) -> Market:
    """The shared system (WETH and WBTC, every feed with 8 decimals), at zero rates, through WETH."""
    return Market(system, DEFAULT_FEEDS, asset_decimals, project, gov, "WETH")


# ---------------------------------------------------------------- helpers


@contextmanager
def trial(chain: Any) -> Iterator[None]:
    """One side of a boundary, from the same state as the others: a snapshot, restored after. (Not
    `chain.isolate()`: it swallows the exceptions raised inside it, failed assertions included.)"""
    snapshot = chain.snapshot()
    try:
        yield
    finally:
        chain.restore(snapshot)


@contextmanager
def reverts(error: Any, **inputs: Any) -> Iterator[Any]:
    """`ape.reverts(error)`, and the revert must decode as exactly that error (ape.reverts lets a revert it
    could not decode pass) with exactly these arguments (it skips a misspelt name)."""
    with ape.reverts(error) as info:
        yield info
    assert isinstance(info.value, error), f"expected {error.__name__}, reverted with {info.value!r}"
    for name, expected in inputs.items():
        assert info.value.inputs[name] == expected, f"{error.__name__}.{name}"


def largest(holds: Callable[[int], bool], lo: int, hi: int) -> int:
    """The largest x in [lo, hi) for which `holds`, given holds(lo), not holds(hi) and one switch between."""
    assert holds(lo) and not holds(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if holds(mid) else (lo, mid)
    return lo


def smallest(holds: Callable[[int], bool], lo: int, hi: int) -> int:
    """The smallest x in (lo, hi] for which `holds`, given not holds(lo), holds(hi) and one switch between."""
    return largest(lambda x: not holds(x), lo, hi) + 1


def one_event(receipt: Any, event: Any) -> Any:
    events = receipt.events.filter(event)
    assert len(events) == 1, f"{len(events)} {event.name} events"
    return events[0]


def seized_for(repaid: int, loan_price: tuple[int, int], price: tuple[int, int]) -> int:
    """Collateral seized for `repaid` at oracle prices with the bonus, rounded down (`_seize`)."""
    return amount_down(w_mul_down(value_down(repaid, loan_price), WAD + BONUS), price)


# ---------------------------------------------------------------- prices: BND-01..05 on every market


@every_market
def test_BND_01__health_factor_exactly_one__not_liquidatable(market, dave, liquidator, chain):
    """HF = 1 exactly (LT-weighted collateral value equal to the debt value) is healthy; one unit of the
    collateral's answer lower, it is liquidatable (at the close factor: HF is still above 0.95)."""
    m = market
    loan_answer = m.loan_answer("1.01")
    m.set_answer(m.loan_feed, loan_answer)
    loan_price = m.loan_price(loan_answer)
    m.set_answer(m.feed, m.coll_answer(2_100))
    m.supply(dave, m.token, m.tokens(1))
    debt = m.units(1_500)
    m.borrow(dave, debt)
    m.pay_from(liquidator)
    debt_value = value_up(debt, loan_price)

    def liquidation_value(answer: int) -> int:
        return w_mul_down(value_down(m.tokens(1), m.coll_price(answer)), LT)

    answer = smallest(lambda a: liquidation_value(a) >= debt_value, 1, m.coll_answer(2_100))
    assert liquidation_value(answer) == debt_value  # HF = WAD exactly: $1,893.75 x 80% = 1,500 x $1.01
    for side in (answer - 1, answer, answer + 1):
        with trial(chain):
            m.set_answer(m.feed, side)
            health = w_div_down(liquidation_value(side), debt_value)
            assert m.pool.healthFactor(dave) == health
            if side < answer:
                assert RISK.full_close_health_factor <= health < WAD
                event = one_event(m.liquidate(dave, m.token, liquidator), m.pool.Liquidate)
                repaid = w_mul_down(debt, RISK.close_factor)
                assert (event.repaid, event.seized, event.badDebt) == (
                    repaid,
                    seized_for(repaid, loan_price, m.coll_price(side)),
                    0,
                )
            else:
                assert health >= WAD
                with reverts(m.pool.HealthyPosition, borrower=dave.address, healthFactor=health):
                    m.liquidate(dave, m.token, liquidator)


def _feed_under_test(m: Market, which: str) -> tuple[Any, Any, int]:
    """(token, feed, a fresh answer) of the loan asset or of collateral X."""
    if which == "loan":
        return m.asset, m.loan_feed, m.loan_answer(1)
    return m.token, m.feed, m.coll_answer(2_000)


@pytest.mark.parametrize("which", ["loan", "collateral"])
@every_market
def test_BND_02__price_exactly_heartbeat_old__accepted(market, which, dave, chain):
    """`updatedAt + heartbeat = now` is fresh; one second older is stale (`StalePrice`). The borrow is sent
    in a block at exactly `now`."""
    m = market
    token, feed, answer = _feed_under_test(m, which)
    m.set_answer(m.loan_feed, m.loan_answer(1))
    m.set_answer(m.feed, m.coll_answer(2_000))
    m.supply(dave, m.token, m.tokens(1))
    heartbeat = m.pool.priceSources(token).heartbeat
    for age in (heartbeat - 1, heartbeat, heartbeat + 1):
        with trial(chain):
            now = chain.blocks.head.timestamp + 10
            feed.setAnswerAt(answer, now - age, sender=m.gov)
            chain.pending_timestamp = now
            if age > heartbeat:
                with reverts(m.pool.StalePrice, feed=feed.address, updatedAt=now - age):
                    m.borrow(dave, m.units(1_000))
                assert chain.blocks.head.timestamp == now
            else:
                receipt = m.borrow(dave, m.units(1_000))
                assert receipt.timestamp == now
                assert one_event(receipt, m.pool.Borrow).assets == m.units(1_000)


@pytest.mark.parametrize("which", ["loan", "collateral"])
@every_market
def test_BND_03__answer_zero__invalid_price(market, which, dave, chain):
    """`answer ≤ 0` is no price (`InvalidPrice`); `answer = 1` passes this check: a collateral at one unit
    of its feed is valued (to the wei the test computes), the loan feed's floor ($0.50) then refuses it."""
    m = market
    _, feed, _ = _feed_under_test(m, which)
    m.set_answer(m.loan_feed, m.loan_answer(1))
    m.supply(dave, m.token, m.tokens(1))
    debt = m.units(1_000)
    for answer in (-1, 0, 1):
        with trial(chain):
            m.set_answer(feed, answer)
            if answer <= 0:
                with reverts(m.pool.InvalidPrice, feed=feed.address, answer=answer):
                    m.borrow(dave, debt)
            elif which == "loan":
                low, high = (m.loan_answer(bound) for bound in LOAN_BOUNDS)
                with reverts(m.pool.PriceOutOfBounds, feed=feed.address, answer=1, minAnswer=low, maxAnswer=high):
                    m.borrow(dave, debt)
            else:
                max_debt = w_mul_down(value_down(m.tokens(1), m.coll_price(1)), LTV)
                debt_value = value_up(debt, m.loan_price(m.loan_answer(1)))
                with reverts(
                    m.pool.InsufficientCollateral, borrower=dave.address, maxDebtValue=max_debt, debtValue=debt_value
                ):
                    m.borrow(dave, debt)


def _bounded_feed(m: Market, which: str, dave: Any) -> tuple[Any, tuple[int, int]]:
    """(feed, (minAnswer, maxAnswer)) of a feed with bounds, dave holding collateral: the loan feed ($0.50,
    $2) and 1 X, or a fresh collateral Y ($100, $10,000) of X's decimals and 10 Y."""
    m.set_answer(m.loan_feed, m.loan_answer(1))
    m.set_answer(m.feed, m.coll_answer(2_000))
    if which == "loan":
        m.supply(dave, m.token, m.tokens(1))
        return m.loan_feed, tuple(m.loan_answer(bound) for bound in LOAN_BOUNDS)
    bounds = (m.coll_answer(100), m.coll_answer(10_000))
    token, feed = m.list("Y", m.feeds.token, m.feeds.collateral, 2_000, bounds)
    m.supply(dave, token, m.tokens(10))
    return feed, bounds


def _expected_health(m: Market, which: str, answer: int, debt: int) -> int:
    """dave's health factor with `answer` on the feed under test, from the decimals the test chose."""
    loan_answer = answer if which == "loan" else m.loan_answer(1)
    collateral = (m.tokens(1), m.coll_answer(2_000)) if which == "loan" else (m.tokens(10), answer)
    value = value_down(collateral[0], m.coll_price(collateral[1]))
    return w_div_down(w_mul_down(value, LT), value_up(debt, m.loan_price(loan_answer)))


@pytest.mark.parametrize("which", ["loan", "collateral"])
@every_market
def test_BND_04__answer_at_min_answer__out_of_bounds(market, which, dave, chain):
    """`answer ≤ minAnswer` is a clamped feed (`PriceOutOfBounds`); `minAnswer + 1` is a price."""
    m = market
    feed, (low, high) = _bounded_feed(m, which, dave)
    debt = m.units(500)
    for answer in (low - 1, low, low + 1):
        with trial(chain):
            m.set_answer(feed, answer)
            if answer <= low:
                with reverts(m.pool.PriceOutOfBounds, feed=feed.address, answer=answer, minAnswer=low, maxAnswer=high):
                    m.borrow(dave, debt)
            else:
                assert one_event(m.borrow(dave, debt), m.pool.Borrow).assets == debt
                assert m.pool.healthFactor(dave) == _expected_health(m, which, answer, debt)


@pytest.mark.parametrize("which", ["loan", "collateral"])
@every_market
def test_BND_05__answer_at_max_answer__out_of_bounds(market, which, dave, chain):
    """`answer ≥ maxAnswer` is a clamped feed (`PriceOutOfBounds`); `maxAnswer - 1` is a price."""
    m = market
    feed, (low, high) = _bounded_feed(m, which, dave)
    debt = m.units(500)
    for answer in (high - 1, high, high + 1):
        with trial(chain):
            m.set_answer(feed, answer)
            if answer >= high:
                with reverts(m.pool.PriceOutOfBounds, feed=feed.address, answer=answer, minAnswer=low, maxAnswer=high):
                    m.borrow(dave, debt)
            else:
                assert one_event(m.borrow(dave, debt), m.pool.Borrow).assets == debt
                assert m.pool.healthFactor(dave) == _expected_health(m, which, answer, debt)


# ---------------------------------------------------------------- liquidation: BND-06, 07, 11, 12, 13


def test_BND_06__collateral_left_worth_exactly_dust__debt_written_off(base, alice, dave, liquidator, chain):
    """All of dave's WETH is seized; what he keeps is a $1 stablecoin whose value is its amount in wei.
    Worth exactly dustValue (or a wei less) his remaining debt is bad debt, socialized; a wei more, he keeps it."""
    m = base
    stable, _ = m.list("STB", 18, 8, 1)
    stable_price, loan_price, weth_price = m.coll_price(10**8), m.loan_price(10**8), m.coll_price(1_000 * 10**8)
    m.lend(alice, m.units(100_000))
    m.pay_from(liquidator)
    dust = largest(lambda amount: value_down(amount, stable_price) <= RISK.dust_value, 0, 10**30)
    assert value_down(dust, stable_price) == RISK.dust_value
    debt = m.units(1_500)
    repaid = min(amount_up(w_div_up(value_down(m.tokens(1), weth_price), WAD + BONUS), loan_price), debt)
    for amount in (dust - 1, dust, dust + 1):
        with trial(chain):
            m.supply(dave, m.token, m.tokens(1))
            m.supply(dave, stable, amount)
            m.borrow(dave, debt)
            m.set_answer(m.feed, 1_000 * 10**8)  # HF 0.54: the whole debt may go, all WETH is seized
            receipt = m.liquidate(dave, m.token, liquidator)
            event = one_event(receipt, m.pool.Liquidate)
            assert (event.repaid, event.seized) == (repaid, m.tokens(1))
            assert m.pool.collateralOf(dave, stable) == amount
            if amount <= dust:
                assert event.badDebt == debt - repaid
                assert one_event(receipt, m.pool.BadDebtSocialized).loss == debt - repaid
                assert m.pool.debtOf(dave) == 0 and m.pool.borrowSharesOf(dave) == 0
            else:
                assert event.badDebt == 0 and not receipt.events.filter(m.pool.BadDebtSocialized)
                assert m.pool.debtOf(dave) == debt - repaid


def test_BND_07__liquidation_leaves_exactly_min_borrow__allowed(base, alice, dave, liquidator, chain):
    """A liquidation that leaves collateral may leave a debt worth exactly minBorrowValue; one wei more repaid
    leaves a wei less of debt: `DustLeft`."""
    m = base
    m.lend(alice, m.units(100_000))
    m.pay_from(liquidator)
    m.supply(dave, m.token, m.tokens(10))
    debt = m.units(14_000)
    m.borrow(dave, debt)
    m.set_answer(m.feed, 1_500 * 10**8)  # HF 0.857: close factor 100%
    loan_price = m.loan_price(10**8)
    shares, borrows, borrow_shares = m.pool.borrowSharesOf(dave), m.pool.totalBorrowAssets(), m.pool.totalBorrowShares()

    def left_value(repaid: int) -> int:
        """`_settleRemainder`'s debt value after a partial repay of `repaid`."""
        burnt = to_shares_down(repaid, borrows, borrow_shares)
        return value_up(to_assets_up(shares - burnt, borrows - repaid, borrow_shares - burnt), loan_price)

    repay = largest(lambda r: left_value(r) >= RISK.min_borrow_value, 1, debt - 1)
    assert left_value(repay) == RISK.min_borrow_value
    for side in (repay - 1, repay, repay + 1):
        with trial(chain):
            if side > repay:
                with reverts(m.pool.DustLeft, debtValue=left_value(side), minBorrowValue=RISK.min_borrow_value):
                    m.liquidate(dave, m.token, liquidator, side)
            else:
                event = one_event(m.liquidate(dave, m.token, liquidator, side), m.pool.Liquidate)
                assert (event.repaid, event.badDebt) == (side, 0)
                assert 0 < m.pool.collateralOf(dave, m.token) < m.tokens(10)
                assert value_up(m.pool.debtOf(dave), loan_price) == left_value(side) >= RISK.min_borrow_value


def test_BND_11__health_factor_exactly_full_close__close_factor_applies(base, alice, dave, liquidator, chain):
    """At HF = fullCloseHealthFactor (0.95) exactly the close factor (50%) applies; one unit of WETH's answer
    lower the whole debt may be repaid."""
    m = base
    m.lend(alice, m.units(100_000))
    m.pay_from(liquidator)
    m.supply(dave, m.token, m.tokens(10))
    debt = m.units(14_000)
    m.borrow(dave, debt)
    loan_price = m.loan_price(10**8)
    debt_value = value_up(debt, loan_price)

    def health(answer: int) -> int:
        return w_div_down(w_mul_down(value_down(m.tokens(10), m.coll_price(answer)), LT), debt_value)

    answer = smallest(lambda a: health(a) >= RISK.full_close_health_factor, 1, 2_000 * 10**8)
    assert health(answer) == RISK.full_close_health_factor  # 10 WETH at $1,662.50
    assert health(answer + 1) < WAD
    for side in (answer - 1, answer, answer + 1):
        with trial(chain):
            m.set_answer(m.feed, side)
            assert m.pool.healthFactor(dave) == health(side)
            event = one_event(m.liquidate(dave, m.token, liquidator), m.pool.Liquidate)
            repaid = debt if side < answer else w_mul_down(debt, RISK.close_factor)
            assert (event.repaid, event.seized) == (repaid, seized_for(repaid, loan_price, m.coll_price(side)))
            assert m.pool.debtOf(dave) == debt - repaid


def test_BND_12__debt_worth_exactly_small_debt__close_factor_applies(base, alice, dave, liquidator, chain):
    """A debt worth exactly smallDebtValue ($1,000) gets the close factor; a wei of debt less, it may be repaid
    whole. HF stays between 0.95 and 1, so only this rule decides."""
    m = base
    m.lend(alice, m.units(100_000))
    m.pay_from(liquidator)
    loan_price = m.loan_price(10**8)
    small = smallest(lambda d: value_up(d, loan_price) >= RISK.small_debt_value, 0, m.units(2_000))
    assert value_up(small, loan_price) == RISK.small_debt_value
    for debt in (small - 1, small, small + 1):
        with trial(chain):
            m.supply(dave, m.token, m.tokens("0.6"))
            m.set_answer(m.feed, 2_300 * 10**8)
            m.borrow(dave, debt)
            m.set_answer(m.feed, 2_000 * 10**8)  # HF = $1,200 x 80% / $1,000 = 0.96
            assert RISK.full_close_health_factor < m.pool.healthFactor(dave) < WAD
            event = one_event(m.liquidate(dave, m.token, liquidator), m.pool.Liquidate)
            assert event.repaid == (debt if debt < small else w_mul_down(debt, RISK.close_factor))


def test_BND_13__seizure_reaching_the_balance__takes_all_and_reprices(base, alice, dave, liquidator, chain):
    """WBTC (8 decimals: one wei is worth more than a wei of the loan asset) so that the repricing shows.
    The repay `r` seizes exactly `target` wei: with a balance of `target` (or a wei less) all of it is
    seized and the repay repriced to value(balance) / (1 + bonus), below `r`; with a wei more, seized =
    balance - 1 and the repay is `r`, as computed."""
    m = base
    wbtc, wbtc_feed = m.system.collaterals["WBTC"], m.system.feeds["WBTC"]
    m.lend(alice, m.units(100_000))
    m.pay_from(liquidator)
    loan_price, price = m.loan_price(10**8), (35_000 * 10**8, 10 ** (8 + 8))
    debt = m.units(7_000)

    def repriced(balance: int, repay: int) -> int:
        return min(amount_up(w_div_up(value_down(balance, price), WAD + BONUS), loan_price), repay)

    target = 20_000_000  # 0.2 WBTC
    repay = largest(lambda r: seized_for(r, loan_price, price) <= target, 1, debt)
    assert seized_for(repay, loan_price, price) == target
    assert repriced(target, repay) < repay
    for balance in (target - 1, target, target + 1):
        with trial(chain):
            m.supply(dave, wbtc, balance)
            m.borrow(dave, debt)  # WBTC at $50,000: max LTV $7,500
            m.set_answer(wbtc_feed, price[0])  # HF 0.8: close factor 100%, the repay is `repay`
            event = one_event(m.liquidate(dave, wbtc, liquidator, repay), m.pool.Liquidate)
            if balance <= target:
                assert (event.repaid, event.seized) == (repriced(balance, repay), balance)
                assert m.pool.collateralOf(dave, wbtc) == 0
            else:
                assert (event.repaid, event.seized) == (repay, balance - 1)
                assert m.pool.collateralOf(dave, wbtc) == 1


# ---------------------------------------------------------------- borrowing: BND-08, 09, 10, 17, 18


def test_BND_08__borrow_worth_exactly_min_borrow__allowed(base, alice, dave, chain):
    """A borrow leaving a debt worth exactly minBorrowValue is allowed; a wei less is `BorrowTooSmall`."""
    m = base
    m.lend(alice, m.units(100_000))
    m.supply(dave, m.token, m.tokens(1))
    loan_price = m.loan_price(10**8)
    borrows, borrow_shares = m.pool.totalBorrowAssets(), m.pool.totalBorrowShares()

    def debt_value(assets: int) -> int:
        shares = to_shares_up(assets, borrows, borrow_shares)
        return value_up(to_assets_up(shares, borrows + assets, borrow_shares + shares), loan_price)

    least = smallest(lambda d: debt_value(d) >= RISK.min_borrow_value, 0, m.units(1_000))
    assert debt_value(least) == RISK.min_borrow_value
    for assets in (least - 1, least, least + 1):
        with trial(chain):
            if assets < least:
                with reverts(m.pool.BorrowTooSmall, debtValue=debt_value(assets), minBorrowValue=RISK.min_borrow_value):
                    m.borrow(dave, assets)
            else:
                assert one_event(m.borrow(dave, assets), m.pool.Borrow).assets == assets
                assert value_up(m.pool.debtOf(dave), loan_price) == debt_value(assets)


@every_market
def test_BND_09__borrow_exactly_max_ltv__allowed(market, dave, chain):
    """A borrow whose debt value equals the max-LTV-weighted collateral value is allowed; a wei more is
    `InsufficientCollateral`. Loan asset at $1.01, X at $2,020: 1,500 x $1.01 = 75% x $2,020."""
    m = market
    loan_answer, coll_answer = m.loan_answer("1.01"), m.coll_answer(2_020)
    m.set_answer(m.loan_feed, loan_answer)
    m.set_answer(m.feed, coll_answer)
    loan_price = m.loan_price(loan_answer)
    m.supply(dave, m.token, m.tokens(1))
    max_debt = w_mul_down(value_down(m.tokens(1), m.coll_price(coll_answer)), LTV)
    most = largest(lambda d: value_up(d, loan_price) <= max_debt, 0, m.units(10_000))
    assert value_up(most, loan_price) == max_debt
    for assets in (most - 1, most, most + 1):
        with trial(chain):
            if assets > most:
                with reverts(
                    m.pool.InsufficientCollateral,
                    borrower=dave.address,
                    maxDebtValue=max_debt,
                    debtValue=value_up(assets, loan_price),
                ):
                    m.borrow(dave, assets)
            else:
                assert one_event(m.borrow(dave, assets), m.pool.Borrow).assets == assets
                assert m.pool.debtOf(dave) == assets


def test_BND_10__withdraw_to_exactly_max_ltv__allowed(base, alice, dave, chain):
    """With debt, a collateral withdrawal may leave exactly the collateral whose max-LTV value is the debt
    value; a wei more withdrawn is `InsufficientCollateral`."""
    m = base
    m.lend(alice, m.units(100_000))
    supplied = m.tokens(2)
    m.supply(dave, m.token, supplied)
    m.borrow(dave, m.units(1_500))
    debt_value = value_up(m.pool.debtOf(dave), m.loan_price(10**8))

    def max_debt(left: int) -> int:
        return w_mul_down(value_down(left, m.coll_price(2_000 * 10**8)), LTV)

    most = largest(lambda w: max_debt(supplied - w) >= debt_value, 0, supplied)
    assert max_debt(supplied - most) == debt_value
    for amount in (most - 1, most, most + 1):
        with trial(chain):
            if amount > most:
                with reverts(
                    m.pool.InsufficientCollateral,
                    borrower=dave.address,
                    maxDebtValue=max_debt(supplied - amount),
                    debtValue=debt_value,
                ):
                    m.pool.withdrawCollateral(m.token, amount, dave, sender=dave)
            else:
                receipt = m.pool.withdrawCollateral(m.token, amount, dave, sender=dave)
                assert one_event(receipt, m.pool.WithdrawCollateral).amount == amount
                assert m.pool.collateralOf(dave, m.token) == supplied - amount


def test_BND_17__supply_exactly_the_cap__allowed(base, configurator, gov, dave, erin, chain):
    """Supplies may reach a collateral's cap exactly; a wei beyond is `SupplyCapExceeded`."""
    m = base
    cap = m.tokens(100)
    configurator.setCollateralParams(m.token, CollateralParams(supply_cap=cap).as_tuple(), sender=gov)
    m.supply(erin, m.token, m.tokens(40))
    room = cap - m.pool.collaterals(m.token)[1]
    for amount in (room - 1, room, room + 1):
        with trial(chain):
            if amount > room:
                m.token.mint(dave, amount, sender=dave)
                m.token.approve(m.pool, amount, sender=dave)
                with reverts(m.pool.SupplyCapExceeded, token=m.token.address, cap=cap):
                    m.pool.supplyCollateral(m.token, amount, dave, sender=dave)
            else:
                m.supply(dave, m.token, amount)
                assert m.pool.collaterals(m.token)[1] == cap - room + amount


def test_BND_18__borrows_reach_exactly_the_cap__allowed(base, configurator, gov, alice, dave, erin, chain):
    """Total borrows may reach the borrow cap exactly; a wei beyond is `BorrowCapExceeded`."""
    m = base
    cap = m.units(10_000)
    configurator.setRiskParams(RiskParams(borrow_cap=cap).as_tuple(), sender=gov)
    m.lend(alice, m.units(100_000))
    m.supply(erin, m.token, m.tokens(10))
    m.borrow(erin, m.units(3_000))
    m.supply(dave, m.token, m.tokens(10))
    room = cap - m.pool.totalBorrowAssets()
    for assets in (room - 1, room, room + 1):
        with trial(chain):
            if assets > room:
                with reverts(m.pool.BorrowCapExceeded, cap=cap):
                    m.borrow(dave, assets)
            else:
                m.borrow(dave, assets)
                assert m.pool.totalBorrowAssets() == cap - room + assets


# ---------------------------------------------------------------- realization and the reserve: BND-14..16, 19


@every_market
def test_BND_14__collateral_worth_exactly_the_debt__not_insolvent(market, dave, keeper, chain):
    """C = D is not insolvent (`NotInsolvent`); one unit of X's answer lower it is realized, the reserve
    buying X at its value. Loan asset at $1.01: X at $1,515 is worth the debt of 1,500."""
    m = market
    loan_answer = m.loan_answer("1.01")
    m.set_answer(m.loan_feed, loan_answer)
    loan_price = m.loan_price(loan_answer)
    m.set_answer(m.feed, m.coll_answer(2_100))
    m.supply(dave, m.token, m.tokens(1))
    debt = m.units(1_500)
    m.borrow(dave, debt)
    m.fund_reserve(m.units(5_000))
    debt_value = value_up(debt, loan_price)

    def collateral_value(answer: int) -> int:
        return value_down(m.tokens(1), m.coll_price(answer))

    answer = smallest(lambda a: collateral_value(a) >= debt_value, 1, m.coll_answer(2_100))
    assert collateral_value(answer) == debt_value
    for side in (answer - 1, answer, answer + 1):
        with trial(chain):
            m.set_answer(m.feed, side)
            if side >= answer:
                with reverts(
                    m.pool.NotInsolvent,
                    borrower=dave.address,
                    collateralValue=collateral_value(side),
                    debtValue=debt_value,
                ):
                    m.pool.realizeBadDebt(dave, sender=keeper)
            else:
                receipt = m.pool.realizeBadDebt(dave, sender=keeper)
                event = one_event(receipt, m.pool.RealizeBadDebt)
                value = min(amount_up(collateral_value(side), loan_price), debt)
                assert (event.debtWrittenOff, event.collateralValueAssets, event.bounty) == (debt, value, False)
                # A unit of answer below the debt, the collateral may round up to the whole debt: no loss left.
                losses = receipt.events.filter(m.pool.BadDebtSocialized)
                assert [e.loss for e in losses] == ([debt - value] if value < debt else [])
                assert m.token.balanceOf(m.system.reserve_fund) == m.tokens(1)


@every_market
def test_BND_15__collateral_worth_exactly_dust__bounty(market, dave, keeper, chain):
    """Collateral worth exactly dustValue ($10) goes to the realizer as a bounty and the whole debt is the
    loss; one unit of X's answer higher the reserve buys it at its value."""
    m = market
    loan_answer = m.loan_answer("1.01")
    m.set_answer(m.loan_feed, loan_answer)
    loan_price = m.loan_price(loan_answer)
    m.set_answer(m.feed, m.coll_answer(2_000))
    m.supply(dave, m.token, m.tokens(1))
    debt = m.units(1_000)
    m.borrow(dave, debt)
    m.fund_reserve(m.units(1_000))

    def collateral_value(answer: int) -> int:
        return value_down(m.tokens(1), m.coll_price(answer))

    answer = largest(lambda a: collateral_value(a) <= RISK.dust_value, 1, m.coll_answer(2_000))
    assert collateral_value(answer) == RISK.dust_value
    for side in (answer - 1, answer, answer + 1):
        with trial(chain):
            m.set_answer(m.feed, side)
            receipt = m.pool.realizeBadDebt(dave, sender=keeper)
            event = one_event(receipt, m.pool.RealizeBadDebt)
            loss = one_event(receipt, m.pool.BadDebtSocialized).loss
            if side <= answer:
                assert (event.bounty, event.collateralValueAssets, event.reserveSharesPaid, loss) == (True, 0, 0, debt)
                assert m.token.balanceOf(keeper) == m.tokens(1)
            else:
                value = amount_up(collateral_value(side), loan_price)
                assert (event.bounty, event.collateralValueAssets, loss) == (False, value, debt - value)
                assert event.reserveSharesPaid > 0
                assert m.token.balanceOf(m.system.reserve_fund) == m.tokens(1)
                assert m.token.balanceOf(keeper) == 0


def test_BND_16__reserve_worth_exactly_the_collateral__pays(base, alice, dave, keeper, chain):
    """The reserve pays for realized collateral when it holds exactly its value V (rounded up: WETH at
    $1,234.56789012); funded a wei less it holds V - 1: `ReserveInsufficient`."""
    m = base
    m.lend(alice, m.units(100_000))
    m.supply(dave, m.token, m.tokens(1))
    debt = m.units(1_500)
    m.borrow(dave, debt)
    weth_answer = 123_456_789_012
    m.set_answer(m.feed, weth_answer)
    loan_price = m.loan_price(10**8)
    value = min(amount_up(value_down(m.tokens(1), m.coll_price(weth_answer)), loan_price), debt)
    assets, shares = m.pool.totalAssets(), m.system.lp_token.totalSupply()

    def funded(assets_in: int) -> tuple[int, int]:
        """(reserve shares, reserve assets) after funding `assets_in`, as realizeBadDebt values them."""
        minted = to_shares_down(assets_in, assets, shares)
        return minted, to_assets_down(minted, assets + assets_in, shares + minted)

    funding = smallest(lambda f: funded(f)[1] >= value, 0, 2 * value)
    assert funded(funding)[1] == value
    for side in (funding - 1, funding, funding + 1):
        with trial(chain):
            m.fund_reserve(side)
            minted, reserve_assets = funded(side)
            if side < funding:
                with reverts(m.pool.ReserveInsufficient, reserveAssets=reserve_assets, needed=value):
                    m.pool.realizeBadDebt(dave, sender=keeper)
            else:
                receipt = m.pool.realizeBadDebt(dave, sender=keeper)
                event = one_event(receipt, m.pool.RealizeBadDebt)
                paid = to_shares_up(value, assets + side, shares + minted)
                assert (event.collateralValueAssets, event.reserveSharesPaid, event.bounty) == (value, paid, False)
                # What the reserve has left after paying goes to the loss, debt - value, that follows.
                social = one_event(receipt, m.pool.BadDebtSocialized)
                assert social.loss == debt - value and social.reserveSharesBurned == minted - paid


def test_BND_19__reserve_holds_exactly_the_loss_in_shares__covers_it_in_full(base, alice, dave, keeper, chain):
    """A loss L (a bounty realization: the whole debt) is covered in full by a reserve holding exactly
    toSharesUp(L) shares (or more); with one share fewer it covers toAssetsDown(shares) and the LPs the rest.
    alice hands the reserve its shares to the share."""
    m = base
    lp_token, reserve = m.system.lp_token, m.system.reserve_fund
    m.lend(alice, m.units(100_000))
    m.supply(dave, m.token, m.tokens(1))
    loss = m.units(1_000)
    m.borrow(dave, loss)
    m.set_answer(m.feed, 5 * 10**8)  # $5 of collateral: a bounty, the loss is the whole debt
    assets, shares = m.pool.totalAssets(), lp_token.totalSupply()
    needed = to_shares_up(loss, assets, shares)
    assert lp_token.balanceOf(reserve) == 0
    for held in (needed - 1, needed, needed + 1):
        with trial(chain):
            lp_token.transfer(reserve, held, sender=alice)
            event = one_event(m.pool.realizeBadDebt(dave, sender=keeper), m.pool.BadDebtSocialized)
            covered = loss if held >= needed else min(to_assets_down(held, assets, shares), loss)
            burned = min(held, needed)
            assert (event.loss, event.coveredByReserve, event.lpLoss, event.reserveSharesBurned) == (
                loss,
                covered,
                loss - covered,
                burned,
            )
            assert (covered == loss) == (held >= needed)
            assert lp_token.balanceOf(reserve) == held - burned


# ---------------------------------------------------------------- governance: BND-20..22, 26


def _withdrawal_at_floor(m: Market, alice: Any, deposit: int, reserve_assets: int) -> tuple[int, int, int, Callable]:
    """LP deposit and reserve funding; (shares whose withdrawal leaves exactly the floor, the floor, reserve
    shares held, the assets a withdrawal of w shares leaves as executeWithdrawal values them)."""
    lp_token, reserve = m.system.lp_token, m.system.reserve_fund
    m.lend(alice, deposit)
    m.fund_reserve(reserve_assets)
    assets, shares, held = m.pool.totalAssets(), lp_token.totalSupply(), lp_token.balanceOf(reserve)
    floor = w_mul_up(assets, reserve.reserveFloor())

    def left(withdrawn: int) -> int:
        return to_assets_down(held - withdrawn, assets, shares)

    most = largest(lambda w: left(w) >= floor, 0, held)
    assert left(most) == floor
    return most, floor, held, left


def _execute_withdrawal(m: Market, shares: int, receiver: Any, chain: Any) -> Any:
    m.system.reserve_fund.requestWithdrawal(shares, receiver, sender=m.gov)
    chain.pending_timestamp += RESERVE_WITHDRAWAL_DELAY
    return m.system.reserve_fund.executeWithdrawal(sender=m.gov)


def test_BND_20__withdrawal_leaves_exactly_the_floor__allowed(base, alice, stranger, chain):
    """A reserve withdrawal may leave exactly the floor (5% of total assets); one share more is
    `ReserveBelowFloor`."""
    m = base
    most, floor, held, left = _withdrawal_at_floor(m, alice, m.units(100_000), m.units(10_000))
    reserve = m.system.reserve_fund
    for shares in (most - 1, most, most + 1):
        with trial(chain):
            if shares > most:
                with reverts(reserve.ReserveBelowFloor, remainingAssets=left(shares), floorAssets=floor):
                    _execute_withdrawal(m, shares, stranger, chain)
            else:
                event = one_event(_execute_withdrawal(m, shares, stranger, chain), reserve.WithdrawalExecuted)
                assert (event.shares, event.remainingShares) == (shares, held - shares)
                assert m.system.lp_token.balanceOf(stranger) == shares


def test_BND_21__withdrawal_exactly_at_ready_time__executes(base, alice, stranger, chain):
    """A reserve withdrawal executes from `readyAt` on: at `readyAt - 1` it is `WithdrawalNotReady`."""
    m = base
    reserve = m.system.reserve_fund
    m.lend(alice, m.units(100_000))
    m.fund_reserve(m.units(10_000))
    shares = m.system.lp_token.balanceOf(reserve) // 10
    receipt = reserve.requestWithdrawal(shares, stranger, sender=m.gov)
    ready = one_event(receipt, reserve.WithdrawalRequested).readyAt
    assert ready == receipt.timestamp + RESERVE_WITHDRAWAL_DELAY
    for now in (ready - 1, ready, ready + 1):
        with trial(chain):
            chain.pending_timestamp = now
            if now < ready:
                with reverts(reserve.WithdrawalNotReady, readyAt=ready):
                    reserve.executeWithdrawal(sender=m.gov)
                assert chain.blocks.head.timestamp == now
            else:
                receipt = reserve.executeWithdrawal(sender=m.gov)
                assert receipt.timestamp == now
                assert one_event(receipt, reserve.WithdrawalExecuted).shares == shares


def test_BND_22__lt_decrease_exactly_at_ready_time__applies(base, configurator, stranger, chain):
    """A liquidation-threshold decrease applies from `readyAt` on: at `readyAt - 1` it is `LtDecreaseNotReady`."""
    m = base
    new_lt = LT - 3 * WAD // 100
    receipt = configurator.requestLtDecrease(m.token, new_lt, sender=m.gov)
    ready = one_event(receipt, configurator.LtDecreaseRequested).readyAt
    assert ready == receipt.timestamp + LT_DECREASE_DELAY
    for now in (ready - 1, ready, ready + 1):
        with trial(chain):
            chain.pending_timestamp = now
            if now < ready:
                with reverts(configurator.LtDecreaseNotReady, token=m.token.address, readyAt=ready):
                    configurator.applyLtDecrease(m.token, sender=stranger)
                assert chain.blocks.head.timestamp == now
                assert m.pool.collaterals(m.token)[0].liquidationThreshold == LT
            else:
                assert configurator.applyLtDecrease(m.token, sender=stranger).timestamp == now
                assert m.pool.collaterals(m.token)[0].liquidationThreshold == new_lt


# ---------------------------------------------------------------- rounding: BND-23..26


def test_BND_23__health_factor_a_rounding_unit_short_of_one__liquidatable(base, alice, dave, liquidator, chain):
    """HF rounds down: a position whose LT-weighted value is 1,600 value units (one wei of WETH's worth)
    short of a $150,000 debt has HF = 1 - 1e-18 and is liquidatable, though rounding up would call it 1;
    one wei of WETH more and it is exactly 1: healthy."""
    m = base
    m.lend(alice, m.units(1_000_000))
    m.pay_from(liquidator)
    debt = m.units(150_000)
    debt_value = value_up(debt, m.loan_price(10**8))

    def liquidation_value(amount: int) -> int:
        return w_mul_down(value_down(amount, m.coll_price(2_000 * 10**8)), LT)

    amount = largest(lambda b: liquidation_value(b) < debt_value, 0, m.tokens(1_000))
    assert w_div_down(liquidation_value(amount), debt_value) == WAD - 1
    assert w_div_up(liquidation_value(amount), debt_value) == WAD  # rounded up it would be healthy
    for side in (amount - 1, amount, amount + 1):
        with trial(chain):
            m.supply(dave, m.token, side)
            m.set_answer(m.feed, 2_200 * 10**8)
            m.borrow(dave, debt)
            m.set_answer(m.feed, 2_000 * 10**8)
            health = w_div_down(liquidation_value(side), debt_value)
            assert m.pool.healthFactor(dave) == health
            if side <= amount:
                assert health == WAD - 1
                event = one_event(m.liquidate(dave, m.token, liquidator), m.pool.Liquidate)
                assert event.repaid == w_mul_down(debt, RISK.close_factor)
            else:
                with reverts(m.pool.HealthyPosition, borrower=dave.address, healthFactor=WAD):
                    m.liquidate(dave, m.token, liquidator)


@pytest.mark.parametrize("feeds", [Feeds(loan=18, token=18, collateral=6)], ids=str)
def test_BND_24__debt_a_rounding_unit_above_max_ltv__refused(market, dave, chain):
    """Debt values round up. With the loan asset at $1.000000000000000001 (an 18-decimal feed: the value of a
    debt has a fraction for both asset decimals) a borrow whose exact value lies strictly between M and M + 1,
    M the max-LTV value, is refused (valued M + 1), though rounding down would allow it; a wei less is allowed."""
    m = market
    loan_answer = m.loan_answer(1) + 1
    m.set_answer(m.loan_feed, loan_answer)
    loan_price = m.loan_price(loan_answer)
    assets = m.units(1_000) + 1
    max_debt = value_down(assets, loan_price)
    assert value_up(assets, loan_price) == max_debt + 1
    coll_answer = m.coll_answer(1)  # X at $1, 18 decimals, 6-decimal feed: its value is its amount in wei
    m.set_answer(m.feed, coll_answer)
    amount = smallest(lambda b: w_mul_down(value_down(b, m.coll_price(coll_answer)), LTV) >= max_debt, 0, 10**30)
    assert w_mul_down(value_down(amount, m.coll_price(coll_answer)), LTV) == max_debt
    m.supply(dave, m.token, amount)
    assert value_up(assets - 1, loan_price) <= max_debt
    with (
        trial(chain),
        reverts(m.pool.InsufficientCollateral, borrower=dave.address, maxDebtValue=max_debt, debtValue=max_debt + 1),
    ):
        m.borrow(dave, assets)
    with trial(chain):
        assert one_event(m.borrow(dave, assets - 1), m.pool.Borrow).assets == assets - 1


def test_BND_25__collateral_a_rounding_unit_short_of_the_bound__counts_short(base, alice, dave, chain):
    """Collateral values round down. DIME ($0.10, 18 decimals, 8-decimal feed) is worth a tenth of a value
    unit a wei: `amount` is the most DIME whose value, rounded down, backs less than a $2,500 debt, though
    rounded up it would back it; the borrow is refused (`InsufficientCollateral`, max = debt value - 1), a wei
    less borrowed is allowed, and one wei of DIME more backs the whole debt."""
    m = base
    dime, _ = m.list("DIME", 18, 8, "0.1")
    price = m.coll_price(10**7)
    m.lend(alice, m.units(100_000))
    debt = m.units(2_500)
    debt_value = value_up(debt, m.loan_price(10**8))

    def max_debt(amount: int, value: Callable = value_down) -> int:
        return w_mul_down(value(amount, price), LTV)

    amount = largest(lambda b: max_debt(b) < debt_value, 0, 10**30)
    assert max_debt(amount) == debt_value - 1 and max_debt(amount, value_up) >= debt_value
    for side in (amount, amount + 1):
        with trial(chain):
            m.supply(dave, dime, side)
            if side == amount:
                with reverts(
                    m.pool.InsufficientCollateral,
                    borrower=dave.address,
                    maxDebtValue=debt_value - 1,
                    debtValue=debt_value,
                ):
                    m.borrow(dave, debt)
                assert one_event(m.borrow(dave, debt - 1), m.pool.Borrow).assets == debt - 1
            else:
                assert max_debt(side) == debt_value
                assert one_event(m.borrow(dave, debt), m.pool.Borrow).assets == debt


def test_BND_26__floor_rounds_up__withdrawal_a_rounding_unit_short_refused(base, alice, stranger, chain):
    """The reserve floor rounds up. With total assets not a multiple of 20 the floor (5%) has a fraction: a
    withdrawal leaving floor rounded down (= rounded up - 1) is refused, one leaving it rounded up allowed."""
    m = base
    most, floor, _, left = _withdrawal_at_floor(m, alice, m.units(100_000) + 7, m.units(10_000))
    reserve = m.system.reserve_fund
    total = m.pool.totalAssets()
    assert total % 20 != 0 and floor == w_mul_down(total, reserve.reserveFloor()) + 1
    assert left(most + 1) == floor - 1
    with trial(chain), reverts(reserve.ReserveBelowFloor, remainingAssets=floor - 1, floorAssets=floor):
        _execute_withdrawal(m, most + 1, stranger, chain)
    with trial(chain):
        assert one_event(_execute_withdrawal(m, most, stranger, chain), reserve.WithdrawalExecuted).shares == most
