"""The stateful fuzzer: random sequences sent to the live contracts on Anvil and to the reference model
side by side. A revert is accepted only when the model predicts that same error; after every step the
contract state equals the model exactly and every invariant of shortfall/fuzz/invariants.py holds.

Structure after curvefi/tricrypto-ng's stateful tests (contract vs Python simulator) and Liquity's
invariant handler (every revert justified against the model).
"""

from __future__ import annotations

import copy
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from shortfall.chain.rpc import encode_call
from shortfall.constants import MAX_UINT256, RESERVE_WITHDRAWAL_DELAY, WAD
from shortfall.fuzz.harness import FuzzChain
from shortfall.fuzz.invariants import StepContext, check_step, price_ratio_not_lower
from shortfall.model import Model, Revert, to_assets_down, to_shares_down
from tests.stateful.boundary_rules import BoundaryRules
from tests.stateful.boundary_rules_config import ConfigBoundaryRules
from tests.stateful.boundary_rules_loss import LossBoundaryRules
from tests.stateful.boundary_rules_rounding import RoundingBoundaryRules

# The markets the fuzzer runs on, one deployment each on the one Anvil (tests/stateful/conftest.py): the feed
# decimals of the loan asset, WETH and WBTC. Each of 6, 8 and 18 is a loan feed's and a collateral feed's.
MARKETS = {
    "loan8-weth8-wbtc8": (8, 8, 8),
    "loan6-weth18-wbtc6": (6, 18, 6),
    "loan18-weth6-wbtc18": (18, 6, 18),
}
# Prices as deployed, in quote units: the loan asset, WETH, WBTC (every feed answer is computed from them).
PRICES = (1, 2_000, 50_000)
# Every feed of the fuzz deployments refuses answers at or below this price (BND-04), and at or above
# default_max_answer (BND-05): a ten-thousandth of a quote unit, below move_price's deepest crash (a
# ten-thousandth of WETH's price); crash_to goes no lower than one answer unit above it.
MIN_PRICE = Fraction(1, 10_000)
PRICE_FACTORS = [0.0, 0.0001, 0.05, 0.3, 0.5, 0.62, 0.75, 0.9, 1.1, 1.5, 3.0]
# Percentages of what is available: mostly valid, sometimes zero or too much (refusals are checked too).
FRACTIONS = st.sampled_from([1, 10, 25, 50, 75, 90, 99, 100, 100, 0, 101, 150])


@dataclass
class Stats:
    """Counts a run reports: steps, state changes, per-rule successes, socializations, liquidations."""

    steps: int = 0
    state_changes: int = 0
    successes: Counter = field(default_factory=Counter)
    reverts: Counter = field(default_factory=Counter)
    full_cover: int = 0
    partial_cover: int = 0
    no_cover: int = 0
    deep_liquidations: int = 0
    boundary_hits: Counter = field(default_factory=Counter)
    market_runs: Counter = field(default_factory=Counter)
    market_steps: Counter = field(default_factory=Counter)

    started: float = field(default_factory=time.monotonic)
    progress_every: int = 0

    def tick(self) -> None:
        if self.progress_every and self.steps % self.progress_every == 0:
            elapsed = time.monotonic() - self.started
            print(
                f"fuzz: {self.steps:,} steps, {self.steps / elapsed:,.0f} steps/s, {self.state_changes:,} state changes, "
                f"socializations {self.full_cover} full / {self.partial_cover} partial, deep liquidations {self.deep_liquidations}",
                file=sys.stderr,
                flush=True,
            )

    def as_dict(self) -> dict:
        elapsed = time.monotonic() - self.started
        return {
            "seconds": round(elapsed, 1),
            "steps_per_second": round(self.steps / elapsed, 1) if elapsed else 0.0,
            "steps": self.steps,
            "state_changes": self.state_changes,
            "state_change_ratio": self.state_changes / self.steps if self.steps else 0.0,
            "socializations_fully_covered": self.full_cover,
            "socializations_partly_covered": self.partial_cover,
            "socializations_uncovered": self.no_cover,
            "liquidations_below_1_over_1_plus_bonus": self.deep_liquidations,
            "successes_by_rule": dict(sorted(self.successes.items())),
            "reverts_by_error": dict(sorted(self.reverts.items())),
            "boundary_hits": dict(sorted(self.boundary_hits.items())),
            "markets": {name: {"runs": self.market_runs[name], "steps": self.market_steps[name]} for name in MARKETS},
        }


@dataclass
class Market:
    """One deployed system of the fuzzer: its name (a key of MARKETS), the chain and the model as deployed."""

    name: str
    chain: FuzzChain
    base_model: Model


class PoolMachine(RoundingBoundaryRules, LossBoundaryRules, BoundaryRules, ConfigBoundaryRules, RuleBasedStateMachine):
    """Set up by tests/stateful/conftest.py: `markets` (one per key of MARKETS, in its order), `snapshot`
    (taken after all are deployed), `roles`, `stats`. Each run picks one market in `start`."""

    markets: ClassVar[list[Market]]
    snapshot: ClassVar[list[str]]
    roles: ClassVar[dict[str, Any]]
    stats: ClassVar[Stats]
    trace: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__()
        rpc = self.markets[0].chain.rpc
        if not rpc.call("evm_revert", self.snapshot[0]):
            raise RuntimeError("the fuzzer's base snapshot is gone (a test outside the machine reverted past it)")
        self.snapshot[0] = rpc.call("evm_snapshot")
        self.now = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
        self.lps, self.borrowers = self.roles["lps"], self.roles["borrowers"]
        self.keeper, self.gov = self.roles["keeper"], self.roles["gov"]
        self.unit = 10**6  # the loan asset has 6 decimals in every market

    def _enter(self, market: int) -> None:
        """This run's market: its chain, a fresh copy of its model, its state as deployed."""
        self.market = self.markets[market]
        self.chain: FuzzChain = self.market.chain
        self.model: Model = copy.deepcopy(self.market.base_model)
        self.before = self.chain.read()
        self.tokens = list(self.chain.tokens.values())
        self.stats.market_runs[self.market.name] += 1

    def _answer(self, token: str, price: Fraction) -> int:
        """The feed answer of `token` for `price` (quote units), in its feed's decimals, rounded down."""
        return int(price * 10 ** self.model.sources[token].feed_decimals)

    # ------------------------------------------------------------ the step

    def _step(
        self,
        rule_name: str,
        sender: str,
        to: str,
        data: str,
        operation: Any,
        args: tuple,
        affected: set[str],
        dt: int = 1,
        expect_success: bool = False,
    ) -> bool:
        self.now += dt
        self.stats.steps += 1
        self.stats.market_steps[self.market.name] += 1
        self.stats.tick()
        try:
            new_model, _ = self.model.apply(operation or (lambda model, now: None), *args, self.now)
            predicted = None
        except Revert as revert:
            new_model, predicted = None, revert.name
        outcome = self.chain.step(sender, to, data, self.now)
        if predicted is not None:
            assert outcome.reverted, f"{rule_name}: model predicts {predicted}, chain succeeded"
            assert outcome.error == predicted, (
                f"{rule_name}: model predicts {predicted}, chain reverted with {outcome.error}"
            )
            assert not expect_success, f"INV-11 (liveness): {rule_name} reverted with {predicted}"
            self.stats.reverts[predicted] += 1
        else:
            assert not outcome.reverted, f"{rule_name}: chain reverted with {outcome.error}; the model predicts success"
            self.model = new_model
            self.stats.successes[rule_name] += 1
        after = self.chain.read()
        self._compare(after, rule_name)
        if predicted is None:
            self._compare_events(outcome.events, rule_name)
            self._count(outcome.events)
            if any(name == "BadDebtSocialized" for name, _ in outcome.events):
                try:  # INV-13: a socialization happened, so the loan asset's price was fresh
                    self.model.price(self.model.asset, self.now)
                except Revert as revert:
                    raise AssertionError(
                        f"INV-13: {rule_name} socialized a loss with the loan price refused ({revert.name})"
                    ) from None
        context = StepContext(
            rule_name, sender, affected, self.chain.reserve, predicted is None, self.model.events, outcome.events
        )
        failures = check_step(self.before, after, context)
        assert not failures, f"{rule_name}: " + "; ".join(failures)
        if after != self.before:
            self.stats.state_changes += 1
        self.before = after
        return predicted is None

    def _compare(self, s: Any, rule_name: str) -> None:
        """INV-15: contract state equals the model exactly."""
        m = self.model
        expected = {
            "cash": m.cash,
            "totalBorrowAssets": m.total_borrow_assets,
            "totalBorrowShares": m.total_borrow_shares,
            "lastUpdate": m.last_update,
            "paused": m.paused,
            "totalSupply": m.total_supply,
        }
        actual = {
            "cash": s.cash,
            "totalBorrowAssets": s.total_borrow_assets,
            "totalBorrowShares": s.total_borrow_shares,
            "lastUpdate": s.last_update,
            "paused": s.paused,
            "totalSupply": s.total_supply,
        }
        for holder in self.chain.holders:
            expected[f"shares:{holder}"] = m.balances.get(holder, 0)
            actual[f"shares:{holder}"] = s.balances[holder]
        for borrower in self.chain.borrowers:
            expected[f"debtShares:{borrower}"] = m.borrow_shares.get(borrower, 0)
            actual[f"debtShares:{borrower}"] = s.borrow_shares[borrower]
            expected[f"collaterals:{borrower}"] = m.enabled.get(borrower, [])
            actual[f"collaterals:{borrower}"] = s.enabled[borrower]
            for token in self.tokens:
                expected[f"collateral:{borrower}:{token}"] = m.collateral_of.get((borrower, token), 0)
                actual[f"collateral:{borrower}:{token}"] = s.collateral_of[(borrower, token)]
        for token in self.tokens:
            expected[f"totalSupplied:{token}"] = m.collaterals[token].total_supplied
            actual[f"totalSupplied:{token}"] = s.total_supplied[token]
            expected[f"reserveCollateral:{token}"] = m.reserve_collateral.get(token, 0)
            actual[f"reserveCollateral:{token}"] = s.reserve_collateral[token]
        diff = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
        assert not diff, f"INV-15 after {rule_name}: chain != model (chain, model): {diff}"

    def _compare_events(self, chain_events: list[tuple[str, dict]], rule_name: str) -> None:
        """INV-14: each event's fields equal what the model computed."""
        keys = {
            "AccrueInterest": ["interest", "reserveInterest", "reserveShares"],
            "BadDebtSocialized": ["loss", "coveredByReserve", "lpLoss", "reserveSharesBurned"],
            "Liquidate": ["repaid", "seized", "badDebt"],
            "RealizeBadDebt": ["debtWrittenOff", "collateralValueAssets", "reserveSharesPaid"],
        }
        got = [(name, {k: fields[k] for k in keys[name]}) for name, fields in chain_events]
        want = [(e.name, {k: e.fields[k] for k in keys[e.name]}) for e in self.model.events if e.name in keys]
        assert got == want, f"INV-14 after {rule_name}: events (chain) {got} != (model) {want}"

    def _count(self, chain_events: list[tuple[str, dict]]) -> None:
        for name, fields in chain_events:
            if name != "BadDebtSocialized":
                continue
            if fields["lpLoss"] == 0:
                self.stats.full_cover += 1
            elif fields["coveredByReserve"] > 0:
                self.stats.partial_cover += 1
            else:
                self.stats.no_cover += 1

    # ------------------------------------------------------------ lenders

    @rule(lp=st.integers(0, 2), amount=st.integers(0, 2_000_000), dt=st.integers(1, 3_600))
    def deposit(self, lp: int, amount: int, dt: int) -> None:
        account, assets = self.lps[lp], amount * self.unit
        data = encode_call("deposit(uint256,address)", assets, account)
        self._step("deposit", account, self.chain.lp, data, Model.deposit, (account, assets, account), {account}, dt)

    @rule(lp=st.integers(0, 2), shares=st.integers(0, 10**18), dt=st.integers(1, 3_600))
    def mint(self, lp: int, shares: int, dt: int) -> None:
        account = self.lps[lp]
        data = encode_call("mint(uint256,address)", shares, account)
        self._step("mint", account, self.chain.lp, data, Model.mint, (account, shares, account), {account}, dt)

    def _max_withdraw(self, owner: str) -> int:
        ta, ts = self.model.total_assets(), self.model.total_supply
        return min(to_assets_down(self.model.balances.get(owner, 0), ta, ts), self.model.cash)

    def _exit_value(self, dt: int) -> tuple[int, int]:
        """Total assets and shares as the next step's accrual will leave them."""
        preview, _ = self.model.apply(lambda m, now: m.accrue(now), self.now + dt)
        return preview.total_assets(), preview.total_supply

    def _check_exit(self, totals: tuple[int, int], shares: int, assets: int) -> None:
        """INV-07: nobody takes out more than convertToAssets of the shares it burns."""
        assert assets <= to_assets_down(shares, *totals), f"INV-07: {assets} assets for {shares} shares"

    @rule(lp=st.integers(0, 2), percent=FRACTIONS, dt=st.integers(1, 3_600))
    def withdraw(self, lp: int, percent: int, dt: int) -> None:
        account = self.lps[lp]
        assets = self._max_withdraw(account) * percent // 100
        data = encode_call("withdraw(uint256,address,address)", assets, account, account)
        totals, shares_before = self._exit_value(dt), self.model.balances.get(account, 0)
        args = (account, assets, account, account)
        if self._step("withdraw", account, self.chain.lp, data, Model.withdraw, args, {account}, dt):
            self._check_exit(totals, shares_before - self.model.balances.get(account, 0), assets)

    @rule(lp=st.integers(0, 2), percent=FRACTIONS, dt=st.integers(1, 3_600))
    def redeem(self, lp: int, percent: int, dt: int) -> None:
        account = self.lps[lp]
        shares = self.model.balances.get(account, 0) * percent // 100
        data = encode_call("redeem(uint256,address,address)", shares, account, account)
        totals, cash_before = self._exit_value(dt), self.model.cash
        args = (account, shares, account, account)
        if self._step("redeem", account, self.chain.lp, data, Model.redeem, args, {account}, dt):
            self._check_exit(totals, shares, cash_before - self.model.cash)

    @rule(lp=st.integers(0, 2), dt=st.integers(1, 3_600))
    def redeem_max(self, lp: int, dt: int) -> None:
        """INV-11: an LP can always redeem up to cash (maxRedeem), paused or not."""
        account = self.lps[lp]
        ta, ts = self._exit_value(dt)
        shares = min(self.model.balances.get(account, 0), to_shares_down(self.model.cash, ta, ts))
        data = encode_call("redeem(uint256,address,address)", shares, account, account)
        must = shares > 0 and to_assets_down(shares, ta, ts) > 0
        args = (account, shares, account, account)
        self._step("redeem_max", account, self.chain.lp, data, Model.redeem, args, {account}, dt, expect_success=must)

    @rule(source=st.integers(0, 2), recipient=st.integers(0, 2), percent=FRACTIONS)
    def transfer(self, source: int, recipient: int, percent: int) -> None:
        sender, to = self.lps[source], self.lps[recipient]
        shares = self.model.balances.get(sender, 0) * percent // 100
        data = encode_call("transfer(address,uint256)", to, shares)

        def op(model: Model, now: int) -> bool:
            return model.transfer(sender, to, shares)

        self._step("transfer", sender, self.chain.lp, data, op, (), {sender})

    # ------------------------------------------------------------ borrowers

    @rule(b=st.integers(0, 2), t=st.integers(0, 1), amount=st.sampled_from([0, 1, 5, 20, 100]), dt=st.integers(1, 600))
    def supply_collateral(self, b: int, t: int, amount: int, dt: int) -> None:
        borrower, token = self.borrowers[b], self.tokens[t]
        raw = amount * 10 ** self.model.sources[token].token_decimals // (10 if t == 1 else 1)
        data = encode_call("supplyCollateral(address,uint256,address)", token, raw, borrower)
        self._step(
            "supply_collateral",
            borrower,
            self.chain.pool,
            data,
            Model.supply_collateral,
            (borrower, token, raw, borrower),
            set(),
            dt,
        )

    @rule(b=st.integers(0, 2), t=st.integers(0, 1), percent=FRACTIONS, everything=st.booleans(), dt=st.integers(1, 600))
    def withdraw_collateral(self, b: int, t: int, percent: int, everything: bool, dt: int) -> None:
        """INV-11: a borrower without debt can always withdraw all its collateral."""
        borrower, token = self.borrowers[b], self.tokens[t]
        amount = MAX_UINT256 if everything else self.model.collateral_of.get((borrower, token), 0) * percent // 100
        data = encode_call("withdrawCollateral(address,uint256,address)", token, amount, borrower)
        no_debt = (
            self.model.borrow_shares.get(borrower, 0) == 0 and self.model.collateral_of.get((borrower, token), 0) > 0
        )
        self._step(
            "withdraw_collateral",
            borrower,
            self.chain.pool,
            data,
            Model.withdraw_collateral,
            (borrower, token, amount, borrower),
            {borrower},
            dt,
            expect_success=everything and no_debt,
        )

    def _capacity(self, borrower: str) -> int:
        """Loan-asset units the borrower could still borrow at current prices (0 when unpriceable)."""
        try:
            _, _, max_debt, _ = self.model.collateral_values(borrower, self.now + 1)
            debt_value = self.model.value_up(
                self.model.debt_of(borrower), self.model.price(self.model.asset, self.now + 1)
            )
            return self.model.amount_down(
                max(max_debt - debt_value, 0), self.model.price(self.model.asset, self.now + 1)
            )
        except Revert:
            return 10**9

    @rule(b=st.integers(0, 2), percent=FRACTIONS, dt=st.integers(1, 600))
    def borrow(self, b: int, percent: int, dt: int) -> None:
        borrower = self.borrowers[b]
        assets = self._capacity(borrower) * percent // 100
        data = encode_call("borrow(uint256,address)", assets, borrower)
        self._step("borrow", borrower, self.chain.pool, data, Model.borrow, (borrower, assets, borrower), set(), dt)

    @rule(b=st.integers(0, 2), percent=FRACTIONS, everything=st.booleans(), dt=st.integers(1, 600))
    def repay(self, b: int, percent: int, everything: bool, dt: int) -> None:
        """INV-11: a full repay always succeeds."""
        borrower = self.borrowers[b]
        assets = MAX_UINT256 if everything else self.model.debt_of(borrower) * percent // 100
        data = encode_call("repay(uint256,address)", assets, borrower)
        has_debt = self.model.borrow_shares.get(borrower, 0) > 0
        self._step(
            "repay",
            borrower,
            self.chain.pool,
            data,
            Model.repay,
            (borrower, assets, borrower),
            set(),
            dt,
            expect_success=everything and has_debt,
        )

    # ------------------------------------------------------------ prices and time

    def _set_feed(self, feed: str, answer: int, updated_at: int, rule_name: str) -> None:
        data = encode_call("setAnswerAt(int256,uint256)", answer, updated_at)

        def op(model: Model, now: int) -> None:
            model.set_answer(feed, answer, updated_at)

        self._step(rule_name, self.gov, feed, data, op, (), set())

    @rule(t=st.integers(0, 1), factor=st.sampled_from(PRICE_FACTORS))
    def move_price(self, t: int, factor: float) -> None:
        """Crashes to near zero, recoveries."""
        token = self.tokens[t]
        answer = self._answer(token, PRICES[1 + t] * Fraction(str(factor)))
        self._set_feed(self.model.sources[token].feed, answer, self.now + 1, "move_price")

    @rule(t=st.integers(0, 2), kind=st.sampled_from(["stale", "negative", "clamped", "fresh"]))
    def odd_price(self, t: int, kind: str) -> None:
        """Stale answers, negative answers, answers at the clamp bound; and back to fresh."""
        token = [self.model.asset, *self.tokens][t]
        source = self.model.sources[token]
        answer = self.model.feeds[source.feed].answer
        if kind == "stale":
            self._set_feed(source.feed, answer, self.now - source.heartbeat - 5, "odd_price")
            # Something that needs that price, at once: it must be refused.
            holder = next((b for b, x in enumerate(self.borrowers) if token in self.model.enabled.get(x, [])), 0)
            self.borrow(holder, 10, 1)
        elif kind == "negative":
            self._set_feed(source.feed, -1, self.now + 1, "odd_price")
        elif kind == "clamped":
            self._set_feed(source.feed, source.max_answer, self.now + 1, "odd_price")
        else:
            self._set_feed(source.feed, self._answer(token, Fraction(PRICES[t])), self.now + 1, "odd_price")

    @rule(days=st.integers(0, 40))
    def pass_time(self, days: int) -> None:
        """Time passes (then every feed is refreshed at its answer, or it would stay stale)."""
        self.now += days * 86_400
        for token in [self.model.asset, *self.tokens]:
            source = self.model.sources[token]
            answer = self.model.feeds[source.feed].answer
            self._set_feed(source.feed, answer, self.now + 1, "pass_time")

    # ------------------------------------------------------------ keepers

    @rule(
        b=st.integers(0, 2),
        t=st.integers(0, 1),
        repay=st.sampled_from(["max", "half", "tiny", "exact"]),
        dt=st.integers(1, 120),
    )
    def liquidate(self, b: int, t: int, repay: str, dt: int) -> None:
        """INV-09/INV-10: healthy positions refuse; deep liquidations lower no HF and make no bad debt."""
        borrower, token = self.borrowers[b], self.tokens[t]
        debt = self.model.debt_of(borrower)
        max_repay = {
            "max": MAX_UINT256,
            "half": max(debt // 2, 1),
            "tiny": 1,
            "exact": max(debt, 1),
            "almost": max(debt - self.unit, 1),
        }[repay]
        ltv_before = self._ltv(borrower, dt)
        data = encode_call(
            "liquidate(address,address,uint256,uint256,address)", borrower, token, max_repay, 0, self.keeper
        )
        ok = self._step(
            "liquidate",
            self.keeper,
            self.chain.pool,
            data,
            Model.liquidate,
            (self.keeper, borrower, token, max_repay, 0, self.keeper),
            {borrower},
            dt,
        )
        if (
            ok
            and ltv_before is not None
            and ltv_before[0] * (WAD + self.model.collaterals[token].bonus) < WAD * ltv_before[1]
        ):
            self.stats.deep_liquidations += 1
            bad = next(e for e in self.model.events if e.name == "Liquidate").fields["badDebt"]
            assert bad == 0, "INV-09: a liquidation below debt/collateral 1/(1 + bonus) created bad debt"
            hf_after = self._health(borrower)
            assert hf_after is None or ltv_before[2] is None or hf_after >= ltv_before[2], (
                "INV-09: the liquidation lowered the health factor"
            )
        if ok:
            remaining = self._values(borrower)
            assert (
                remaining is None
                or self.model.borrow_shares.get(borrower, 0) == 0
                or remaining[0] > self.model.risk["dust"]
            ), "INV-10: debt left with collateral worth at most dustValue"

    def _values(self, borrower: str) -> tuple[int, int] | None:
        try:
            value, liquidation, _, _ = self.model.collateral_values(borrower, self.now)
            return value, liquidation
        except Revert:
            return None

    def _ltv(self, borrower: str, dt: int) -> tuple[int, int, int | None] | None:
        """(debt value, collateral value, HF) at the coming step's time, interest included."""
        try:
            preview, _ = self.model.apply(lambda m, now: m.accrue(now), self.now + dt)
            debt_value = preview.value_up(preview.debt_of(borrower), preview.price(preview.asset, self.now + dt))
            value, liquidation, _, _ = preview.collateral_values(borrower, self.now + dt)
            return debt_value, value, (WAD * liquidation // debt_value if debt_value else None)
        except Revert:
            return None

    def _health(self, borrower: str) -> int | None:
        try:
            debt_value = self.model.value_up(self.model.debt_of(borrower), self.model.price(self.model.asset, self.now))
            _, liquidation, _, _ = self.model.collateral_values(borrower, self.now)
            return WAD * liquidation // debt_value if debt_value else None
        except Revert:
            return None

    @rule(b=st.integers(0, 2), ltv=st.sampled_from([0.85, 0.9, 0.97, 1.02, 1.05, 1.3, 3.0, 50.0]), react=st.booleans())
    def crash_to(self, b: int, ltv: float, react: bool, greedy: bool = False) -> None:
        """A collateral gaps down so that the borrower's debt/collateral value becomes `ltv`: liquidatable
        but above 1/(1 + bonus) (0.85), below it (0.97), just insolvent (1.02), deeply insolvent, or to dust."""
        borrower = self.borrowers[b]
        tokens = self.model.enabled.get(borrower, [])
        if not tokens or not self.model.borrow_shares.get(borrower, 0):
            return
        token = tokens[0]
        try:
            loan_price = self.model.price(self.model.asset, self.now + 1)
            debt_value = self.model.value_up(self.model.debt_of(borrower), loan_price)
            others, _, _, _ = self.model.collateral_values(borrower, self.now + 1)
            own = self.model.value_down(
                self.model.collateral_of.get((borrower, token), 0), self.model.price(token, self.now + 1)
            )
        except Revert:
            return
        target_own = int(debt_value / ltv) - (others - own)
        amount = self.model.collateral_of.get((borrower, token), 0)
        source = self.model.sources[token]
        if amount == 0:
            return
        answer = max(target_own, 0) * 10 ** (source.token_decimals + source.feed_decimals) // (amount * WAD)
        # No lower than the smallest answer the pool accepts, one above the feed's floor: a crash stays a price.
        floor = source.min_answer + 1
        self._set_feed(source.feed, max(answer, floor), self.now + 1, "crash_to")
        if react:
            # The keeper reacts in the next block: first (sometimes) a repay that would leave dust, which
            # must be refused; then as much as allowed; then realize what is left.
            if greedy and ltv > 1:
                # Realize at once instead, with a reserve large enough to buy the collateral.
                try:
                    value, _, _, _ = self.model.collateral_values(borrower, self.now + 1)
                    needed = self.model.amount_up(value, self.model.price(self.model.asset, self.now + 1))
                except Revert:
                    needed = 0
                self.fund_reserve(needed // self.unit + 1_000, 1)
                self.realize_bad_debt(b, 1)
                return
            if greedy:
                self.liquidate(b, self.tokens.index(token), "almost", 1)
            self.liquidate(b, self.tokens.index(token), "max", 1)
            if b in self._insolvent():
                self.realize_bad_debt(b, 1)

    @rule(
        pick=st.integers(0, 5),
        ltv=st.sampled_from([0.85, 0.9, 1.02, 1.1, 2.0, 0.94]),
        top_up=st.sampled_from([10_000, 1_000, 0]),
        greedy=st.booleans(),
    )
    def crash_and_react(self, pick: int, ltv: float, top_up: int, greedy: bool = False) -> None:
        """The scenario the product is about: a (small) reserve top-up, a gap down on a borrower with
        debt (one reopens a position if none has any), then keepers liquidate and realize."""
        indebted = [b for b, borrower in enumerate(self.borrowers) if self.model.borrow_shares.get(borrower, 0)]
        if not indebted:
            self.reopen(pick, 100)
            indebted = [b for b, borrower in enumerate(self.borrowers) if self.model.borrow_shares.get(borrower, 0)]
            if not indebted:
                return
        if top_up:
            self.fund_reserve(top_up, 1)
        self.crash_to(indebted[pick % len(indebted)], ltv, True, greedy)

    @rule(pick=st.integers(0, 5))
    def crash_hard(self, pick: int) -> None:
        """A collateral all but vanishes (to 2% of the debt): a loss larger than most reserves."""
        self.crash_and_react(pick, 50.0, 0, False)

    def _unhealthy(self) -> list[tuple[int, int]]:
        """(borrower index, collateral index) of positions below HF 1 at fresh prices."""
        found = []
        for b, borrower in enumerate(self.borrowers):
            if not self.model.borrow_shares.get(borrower, 0):
                continue
            hf = self._health(borrower)
            if hf is not None and hf < WAD:
                found += [(b, self.tokens.index(t)) for t in self.model.enabled.get(borrower, [])]
        return found

    @precondition(lambda self: bool(self._unhealthy()))
    @rule(pick=st.integers(0, 7), repay=st.sampled_from(["max", "max", "half", "exact", "almost"]))
    def liquidate_unhealthy(self, pick: int, repay: str) -> None:
        """A keeper liquidates a position that is below HF 1 (the general rule also tries healthy ones)."""
        candidates = self._unhealthy()
        b, t = candidates[pick % len(candidates)]
        self.liquidate(b, t, repay, 1)

    def _insolvent(self) -> list[int]:
        found = []
        for b, borrower in enumerate(self.borrowers):
            if not self.model.borrow_shares.get(borrower, 0):
                continue
            try:
                debt_value = self.model.value_up(
                    self.model.debt_of(borrower), self.model.price(self.model.asset, self.now + 1)
                )
                value, _, _, _ = self.model.collateral_values(borrower, self.now + 1)
            except Revert:
                continue
            if value < debt_value:
                found.append(b)
        return found

    @precondition(lambda self: bool(self._insolvent()))
    @rule(pick=st.integers(0, 7))
    def realize_insolvent(self, pick: int) -> None:
        """Anyone realizes the bad debt of an insolvent position."""
        candidates = self._insolvent()
        self.realize_bad_debt(candidates[pick % len(candidates)], 1)

    @precondition(lambda self: any(self.model.borrow_shares.get(b, 0) == 0 for b in self.borrowers))
    @rule(pick=st.integers(0, 7), leverage=st.sampled_from([50, 80, 95, 100]))
    def reopen(self, pick: int, leverage: int) -> None:
        """A borrower without debt posts fresh collateral and borrows again, so that losses keep coming."""
        idle = [b for b, borrower in enumerate(self.borrowers) if self.model.borrow_shares.get(borrower, 0) == 0]
        b = idle[pick % len(idle)]
        self.pass_time(0)
        self.supply_collateral(b, b // 2, 100, 1)
        self.borrow(b, leverage, 1)

    @rule(b=st.integers(0, 2), dt=st.integers(1, 120))
    def realize_bad_debt(self, b: int, dt: int) -> None:
        borrower = self.borrowers[b]
        data = encode_call("realizeBadDebt(address)", borrower)
        self._step(
            "realize_bad_debt",
            self.keeper,
            self.chain.pool,
            data,
            Model.realize_bad_debt,
            (self.keeper, borrower),
            {borrower},
            dt,
        )

    @rule(amount=st.sampled_from([5_000, 100, 20_000, 200_000, 0]), dt=st.integers(1, 600))
    def fund_reserve(self, amount: int, dt: int) -> None:
        assets = amount * self.unit
        data = encode_call("fundReserve(uint256)", assets)
        self._step(
            "fund_reserve", self.gov, self.chain.reserve, data, Model.fund_reserve, (self.gov, assets), set(), dt
        )

    @rule(t=st.integers(0, 1), percent=FRACTIONS, dt=st.integers(1, 600))
    def buy_collateral(self, t: int, percent: int, dt: int) -> None:
        token = self.tokens[t]
        amount = self.model.reserve_collateral.get(token, 0) * percent // 100
        data = encode_call("buyCollateral(address,uint256,uint256,address)", token, amount, MAX_UINT256, self.keeper)
        self._step(
            "buy_collateral",
            self.keeper,
            self.chain.reserve,
            data,
            Model.buy_collateral,
            (self.keeper, token, amount, MAX_UINT256, self.keeper),
            set(),
            dt,
        )

    @rule(amount=st.sampled_from([1, 1_000, 1_000_000]))
    def donate(self, amount: int) -> None:
        """INV-03: a donation straight to the pool changes no share price."""
        before = self.before
        data = encode_call("transfer(address,uint256)", self.chain.pool, amount * self.unit)
        self._step("donate", self.keeper, self.chain.asset, data, None, (), set())
        after = self.before
        assert price_ratio_not_lower(before, after) and price_ratio_not_lower(after, before), (
            "INV-03: a donation moved the share price"
        )

    # ------------------------------------------------------------ governance

    @rule(toggle=st.sampled_from([True, True, True, False]))
    def set_paused(self, toggle: bool) -> None:
        paused = not self.model.paused if toggle else self.model.paused
        data = encode_call("pause()" if paused else "unpause()")

        def op(model: Model, now: int) -> None:
            model.set_paused(paused)

        self._step("set_paused", self.gov, self.chain.configurator, data, op, (), set())

    @rule(reserve_factor=st.sampled_from([0, 10, 25, 50]), close_factor=st.sampled_from([25, 50, 100]))
    def set_risk_params(self, reserve_factor: int, close_factor: int) -> None:
        risk = dict(self.model.risk)
        rf, cf = reserve_factor * WAD // 100, close_factor * WAD // 100
        params = (
            cf,
            risk["full_close_hf"],
            rf,
            risk["borrow_cap"],
            risk["min_borrow"],
            risk["small_debt"],
            risk["dust"],
        )
        data = encode_call("setRiskParams((uint64,uint64,uint64,uint128,uint128,uint128,uint128))", params)

        def op(model: Model, now: int) -> None:
            model.accrue(now)
            model.rates["reserve_factor"] = rf
            model.risk["close_factor"] = cf

        self._step("set_risk_params", self.gov, self.chain.configurator, data, op, (), set())

    @precondition(lambda self: self.model.pending_withdrawal is None)
    @rule(percent=FRACTIONS)
    def request_withdrawal(self, percent: int) -> None:
        shares = self.model.balances.get(self.model.reserve, 0) * percent // 100
        data = encode_call("requestWithdrawal(uint256,address)", shares, self.gov)

        def op(model: Model, now: int) -> None:
            model.request_withdrawal(shares, self.gov, now, RESERVE_WITHDRAWAL_DELAY)

        self._step("request_withdrawal", self.gov, self.chain.reserve, data, op, (), set())

    @precondition(lambda self: self.model.pending_withdrawal is not None)
    @rule(wait=st.booleans())
    def execute_withdrawal(self, wait: bool) -> None:
        self._execute_withdrawal(RESERVE_WITHDRAWAL_DELAY if wait else 1)

    def _execute_withdrawal(self, dt: int) -> None:
        data = encode_call("executeWithdrawal()")
        self._step(
            "execute_withdrawal",
            self.gov,
            self.chain.reserve,
            data,
            lambda m, now: m.execute_withdrawal(now),
            (),
            set(),
            dt,
        )

    @precondition(lambda self: self.model.pending_withdrawal is not None)
    @rule()
    def cancel_withdrawal(self) -> None:
        data = encode_call("cancelWithdrawal()")

        def op(model: Model, now: int) -> None:
            if model.pending_withdrawal is None:
                raise Revert("NoPendingWithdrawal")
            model.pending_withdrawal = None

        self._step("cancel_withdrawal", self.gov, self.chain.reserve, data, op, (), set())

    @initialize(
        reserve=st.sampled_from([2_000, 20_000, 0, 200_000]),
        leverage=st.sampled_from([50, 90, 100]),
        market=st.sampled_from(range(len(MARKETS))),
    )
    def start(self, reserve: int, leverage: int, market: int = 0) -> None:
        """Every run picks one market (its feed decimals) and starts with LPs, a reserve of some size and
        three borrowers at some leverage, so that liquidations and losses can happen from the first step."""
        self._enter(market)
        self.deposit(0, 1_500_000, 1)
        self.deposit(1, 500_000, 1)
        if reserve:
            self.fund_reserve(reserve, 1)
        for b in range(3):
            self.supply_collateral(b, b // 2, 100, 1)
            self.borrow(b, leverage, 1)

    @invariant()
    def model_still_in_sync(self) -> None:
        # State equality is checked after every step (INV-15); this keeps hypothesis reporting per step.
        assert self.before.last_update == self.model.last_update
