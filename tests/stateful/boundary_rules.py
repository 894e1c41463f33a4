"""Boundary rules of the stateful fuzzer: each constructs the state exactly at one row of the boundary table
(shortfall/fuzz/boundaries.py) and one unit on each side, solving the row's formula with the reference model
instead of hoping a random draw lands there, then sends the deciding call to the chain and the model. The
machine's step requires the same outcome from both (revert or not, and which error). Every step that
reaches the row's comparison counts a hit for the row and its side: `below`, `at`, `above` the boundary. Each
call is stepped under its operation's rule name (`borrow`, `withdraw_collateral`, ...), since the invariants
key on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import rule

from shortfall.chain.rpc import encode_call
from shortfall.constants import RESERVE_WITHDRAWAL_DELAY, VIRTUAL_ASSETS, VIRTUAL_SHARES, WAD
from shortfall.model import Model, Revert, mul_div_down, w_mul_up

SIDES = {-1: "below", 0: "at", 1: "above"}
# The boundary itself first and twice as often as each side: the verdict counts hits at the boundary.
DELTA = st.sampled_from([0, -1, 0, 1])


def sides(delta: int) -> tuple[int, ...]:
    """The drawn side first, then the other two: for rules that probe all three sides in one call (each on
    a state constructed afresh), where a call is cheap or its state exists on some markets only."""
    return (delta, *[d for d in (0, -1, 1) if d != delta])


class BoundaryRules:
    """Mixed into PoolMachine; uses its model, chain, roles and `_step` / `_set_feed`."""

    model: Model
    chain: Any
    stats: Any
    borrowers: list[str]
    tokens: list[str]
    now: int

    def _hit(self, row: str, delta: int) -> None:
        self.stats.boundary_hits[f"{row} {SIDES[delta]}"] += 1

    def _price_probe(self, token: str) -> tuple[str, str] | None:
        """A borrower with debt holding `token` as collateral (or any collateral when `token` is the loan asset)
        and a collateral of it with at least 2 units: withdrawing 1 unit reads every price of the position."""
        for borrower in self.borrowers:
            if not self.model.borrow_shares.get(borrower, 0):
                continue
            enabled = self.model.enabled.get(borrower, [])
            if token != self.model.asset and token not in enabled:
                continue
            for held in enabled:
                if self.model.collateral_of.get((borrower, held), 0) >= 2:
                    return borrower, held
        return None

    def _restore(self, feed: str, answer: int) -> None:
        """Puts a feed back at its answer before the probe, fresh: a boundary rule leaves the market as it
        found it, so the rest of the run keeps its crashes, liquidations and losses."""
        self._set_feed(feed, answer, self.now + 1, "odd_price")  # type: ignore[attr-defined]

    def _probe_withdraw(self, borrower: str, token: str, amount: int = 1) -> None:
        """The deciding call, stepped under its operation's name (the invariants key on it)."""
        data = encode_call("withdrawCollateral(address,uint256,address)", token, amount, borrower)
        self._step(
            "withdraw_collateral",
            borrower,
            self.chain.pool,
            data,
            Model.withdraw_collateral,
            (borrower, token, amount, borrower),
            {borrower},
            1,
        )

    def _price_boundary(self, row: str, t: int, delta: int, answer: Any, updated_at: Any) -> None:
        """Puts feed `t` (loan asset, then collaterals) at `answer(source, current)`, updated at
        `updated_at(source)`, probes a position that reads it, and puts the feed back."""
        token = [self.model.asset, *self.tokens][t]
        probe = self._price_probe(token)
        if probe is None:
            self._probe_position(0, max(t - 1, 0))  # type: ignore[attr-defined]
            probe = self._price_probe(token)
        if probe is None:
            return
        source = self.model.sources[token]
        current = self.model.feeds[source.feed].answer
        self._set_feed(source.feed, answer(source, current), updated_at(source), "odd_price")  # type: ignore[attr-defined]
        self._hit(row, delta)
        self._probe_withdraw(*probe)
        self._restore(source.feed, current)

    @rule(t=st.integers(0, 2), delta=DELTA)
    def boundary_stale(self, t: int, delta: int) -> None:
        """All three sides of `_stale`, the drawn one first."""
        for side in sides(delta):
            self._stale(t, side)

    def _stale(self, t: int, delta: int) -> None:
        """BND-02: the answer is exactly `heartbeat` seconds old at the deciding call (accepted), one second
        older (stale) or younger."""
        call_time = self.now + 2  # the feed update is one step (1 s) before the probe
        self._price_boundary(
            "BND-02", t, delta, lambda source, current: current, lambda source: call_time - source.heartbeat + delta
        )

    @rule(t=st.integers(0, 2), delta=DELTA)
    def boundary_non_positive(self, t: int, delta: int) -> None:
        """All three sides of `_non_positive`, the drawn one first."""
        for side in sides(delta):
            self._non_positive(t, side)

    def _non_positive(self, t: int, delta: int) -> None:
        """BND-03: an answer of -1 or 0 (refused, InvalidPrice) or 1 (the smallest price)."""
        self._price_boundary("BND-03", t, delta, lambda source, current: delta, lambda source: self.now + 1)

    @rule(t=st.integers(0, 2), delta=DELTA)
    def boundary_floor(self, t: int, delta: int) -> None:
        """All three sides of `_floor`, the drawn one first."""
        for side in sides(delta):
            self._floor(t, side)

    def _floor(self, t: int, delta: int) -> None:
        """BND-04: an answer one above its floor (accepted), at it or one below (PriceOutOfBounds). A side whose
        answer is not positive is skipped: BND-03 refuses it first (the fuzz deployments' floors are above 1)."""
        if self.model.sources[[self.model.asset, *self.tokens][t]].min_answer + delta < 1:
            return
        self._price_boundary(
            "BND-04", t, delta, lambda source, current: source.min_answer + delta, lambda source: self.now + 1
        )

    @rule(t=st.integers(0, 2), delta=DELTA)
    def boundary_ceiling(self, t: int, delta: int) -> None:
        """All three sides of `_ceiling`, the drawn one first."""
        for side in sides(delta):
            self._ceiling(t, side)

    def _ceiling(self, t: int, delta: int) -> None:
        """BND-05: an answer one below its ceiling (accepted), at it or one above (PriceOutOfBounds)."""
        self._price_boundary(
            "BND-05", t, delta, lambda source, current: source.max_answer + delta, lambda source: self.now + 1
        )

    def _outcome(self, *steps: tuple[Callable[..., Any], tuple, int]) -> str | None:
        """The error the model gives for `steps` (operation, args, time) run in order on a fork, or None."""
        model = self.model
        try:
            for operation, args, now in steps:
                model, _ = model.apply(operation, *args, now)
        except Revert as revert:
            return revert.name
        return None

    @staticmethod
    def _first(refused: Callable[[int], bool], low: int, high: int) -> int | None:
        """The smallest x in (low, high] with refused(x), given refused(high) and not refused(low): the flip
        point of a comparison that is monotone in x, by bisection. None when the ends do not bracket it."""
        if refused(low) or not refused(high):
            return None
        while high - low > 1:
            mid = (low + high) // 2
            if refused(mid):
                high = mid
            else:
                low = mid
        return high

    @staticmethod
    def _bracket(refused: Callable[[int], bool], start: int, limit: int = 10**40) -> int | None:
        """Doubles from `start` until refused(x): an upper end for `_first` (None past `limit`)."""
        x = start
        while not refused(x):
            x *= 2
            if x > limit:
                return None
        return x

    @rule(b=st.integers(0, 2), delta=DELTA)
    def boundary_min_borrow(self, b: int, delta: int) -> None:
        """BND-08: a borrower without debt borrows the smallest amount the minimum debt value allows (solved
        on the model by bisection over the amount), one unit less (BorrowTooSmall) or one unit more."""
        if self.model.paused:
            self.set_paused(True)  # type: ignore[attr-defined]  # unpause: a borrow is refused first while paused
        free = [i for i in range(len(self.borrowers)) if not self.model.borrow_shares.get(self.borrowers[i], 0)]
        if not free:
            self._clear(self.borrowers[b])  # type: ignore[attr-defined]  # repays in full: now debt-free
            free = [i for i in range(len(self.borrowers)) if not self.model.borrow_shares.get(self.borrowers[i], 0)]
        if not free:
            return
        b = free[b % len(free)]
        borrower = self.borrowers[b]
        self.supply_collateral(b, 0, 20, 1)  # type: ignore[attr-defined]  # ample collateral: the amount decides
        now = self.now + 1

        def allowed(assets: int) -> bool:  # the comparison under test: BorrowTooSmall below the flip
            return self._outcome((Model.borrow, (borrower, assets, borrower), now)) != "BorrowTooSmall"

        high = self._bracket(allowed, 1)
        # Bisect from 1, not 0: a borrow of 0 is refused by ZeroAmount, which `allowed` counts as allowed.
        smallest = None if high is None or high < 2 else self._first(allowed, 1, high)
        if smallest is None or self._outcome((Model.borrow, (borrower, smallest, borrower), now)) is not None:
            return  # refused for another reason (collateral, cash, price): not at this boundary
        assets = smallest + delta
        data = encode_call("borrow(uint256,address)", assets, borrower)
        self._hit("BND-08", delta)
        self._step("borrow", borrower, self.chain.pool, data, Model.borrow, (borrower, assets, borrower), set(), 1)  # type: ignore[attr-defined]
        if self.model.borrow_shares.get(borrower, 0):
            self.repay(b, 100, True, 1)  # type: ignore[attr-defined]  # debt-free again, for the next probe

    @rule(b=st.integers(0, 2), delta=DELTA)
    def boundary_max_ltv_borrow(self, b: int, delta: int) -> None:
        """BND-09: the largest borrow max LTV allows (bisection over the amount on the model), and one unit
        more (InsufficientCollateral) or less."""
        borrower = self.borrowers[b]
        if self.model.paused:
            self.set_paused(True)  # type: ignore[attr-defined]  # unpause: a borrow is refused first while paused
        if not self.model.enabled.get(borrower):
            self._probe_position(b, b % 2, debt=False)  # type: ignore[attr-defined]
        if not self.model.enabled.get(borrower):
            return
        now = self.now + 1

        def refused(assets: int) -> bool:
            return self._outcome((Model.borrow, (borrower, assets, borrower), now)) == "InsufficientCollateral"

        high = self._bracket(refused, 1)
        first = None if high is None else self._first(refused, 0, high)
        if first is None or first < 2 or self._outcome((Model.borrow, (borrower, first - 1, borrower), now)):
            return  # cash, price or the minimum decide before max LTV: not at this boundary
        assets = first - 1 if delta == 0 else (first if delta == 1 else first - 2)
        data = encode_call("borrow(uint256,address)", assets, borrower)
        self._hit("BND-09", delta)
        self._step("borrow", borrower, self.chain.pool, data, Model.borrow, (borrower, assets, borrower), set(), 1)  # type: ignore[attr-defined]

    @rule(b=st.integers(0, 2), t=st.integers(0, 1), delta=DELTA)
    def boundary_max_ltv_withdraw(self, b: int, t: int, delta: int) -> None:
        """BND-10: a borrower with debt withdraws the most collateral max LTV allows (bisection over the
        amount), one unit more (InsufficientCollateral) or less."""
        borrower, token = self.borrowers[b], self.tokens[t]
        if not self.model.borrow_shares.get(borrower, 0) or self.model.collateral_of.get((borrower, token), 0) < 3:
            self._probe_position(b, t)  # type: ignore[attr-defined]
        balance = self.model.collateral_of.get((borrower, token), 0)
        if not self.model.borrow_shares.get(borrower, 0) or balance < 3:
            return
        now = self.now + 1

        def refused(amount: int) -> bool:
            steps = (Model.withdraw_collateral, (borrower, token, amount, borrower), now)
            return self._outcome(steps) == "InsufficientCollateral"

        first = self._first(refused, 0, balance)
        if first is None or first < 3:
            return
        amount = first - 1 if delta == 0 else (first if delta == 1 else first - 2)
        if self._outcome((Model.withdraw_collateral, (borrower, token, amount, borrower), now)) not in (
            None,
            "InsufficientCollateral",
        ):
            return
        self._hit("BND-10", delta)
        self._probe_withdraw(borrower, token, amount)

    @rule(b=st.integers(0, 2), delta=DELTA)
    def boundary_health_factor(self, b: int, delta: int) -> None:
        """BND-01: the collateral's feed at the lowest answer that keeps the position healthy (bisection over
        the answer on the model), where a liquidation is refused (HealthyPosition), and one unit below it,
        where it goes through; the feed is put back after."""
        borrower = self.borrowers[b]
        if not self.model.enabled.get(borrower) or not self.model.borrow_shares.get(borrower, 0):
            self._probe_position(b, b % 2)  # type: ignore[attr-defined]
        tokens = self.model.enabled.get(borrower, [])
        if not tokens or not self.model.borrow_shares.get(borrower, 0):
            return
        token = tokens[0]
        source = self.model.sources[token]
        current = self.model.feeds[source.feed].answer
        keeper = self.keeper  # type: ignore[attr-defined]
        set_at, liquidate_at = self.now + 1, self.now + 2

        def outcome(answer: int) -> str | None:
            return self._outcome(
                (lambda m, now: m.set_answer(source.feed, answer, now), (), set_at),
                (Model.liquidate, (keeper, borrower, token, 1, 0, keeper), liquidate_at),
            )

        def healthy(answer: int) -> bool:
            return outcome(answer) == "HealthyPosition"

        top = self._bracket(healthy, max(current, 1), source.max_answer - 1)
        first = None if top is None else self._first(healthy, source.min_answer, top)
        if first is None or outcome(first - 1) is not None:
            return  # no bracket, or the liquidation is refused for another reason below the flip
        answer = first + (0 if delta == 0 else (1 if delta == 1 else -1))
        self._set_feed(source.feed, answer, set_at, "odd_price")  # type: ignore[attr-defined]
        self._hit("BND-01", delta)
        data = encode_call("liquidate(address,address,uint256,uint256,address)", borrower, token, 1, 0, keeper)
        self._step(
            "liquidate",
            keeper,
            self.chain.pool,
            data,
            Model.liquidate,
            (keeper, borrower, token, 1, 0, keeper),
            {borrower},
            1,
        )  # type: ignore[attr-defined]
        self._restore(source.feed, current)

    @rule(delta=DELTA)
    def boundary_reserve_floor(self, delta: int) -> None:
        """BND-20: a reserve withdrawal of the most shares the floor allows at its execution time (bisection
        over the shares on the model: request now, execute when ready), one share more (ReserveBelowFloor) or
        less."""
        if self.model.pending_withdrawal is not None:
            return
        held = self.model.balances.get(self.model.reserve, 0)
        gov = self.gov  # type: ignore[attr-defined]
        request_at, execute_at = self.now + 1, self.now + 1 + RESERVE_WITHDRAWAL_DELAY

        def below_floor(shares: int) -> bool:
            return (
                self._outcome(
                    (lambda m, now: m.request_withdrawal(shares, gov, now, RESERVE_WITHDRAWAL_DELAY), (), request_at),
                    (lambda m, now: m.execute_withdrawal(now), (), execute_at),
                )
                == "ReserveBelowFloor"
            )

        first = None if held < 3 else self._first(below_floor, 0, held)
        if first is None or first < 3:
            return
        shares = first - 1 if delta == 0 else (first if delta == 1 else first - 2)
        data = encode_call("requestWithdrawal(uint256,address)", shares, gov)
        self._step(
            "request_withdrawal",
            gov,
            self.chain.reserve,
            data,
            lambda m, now: m.request_withdrawal(shares, gov, now, RESERVE_WITHDRAWAL_DELAY),
            (),
            set(),
        )  # type: ignore[attr-defined]
        if self.model.pending_withdrawal is None:
            return
        self._hit("BND-20", delta)
        if self._floor_rounding_decides(first - 1, execute_at):
            self._hit("BND-26", delta)
        self._execute_withdrawal(RESERVE_WITHDRAWAL_DELAY)  # type: ignore[attr-defined]

    def _floor_rounding_decides(self, shares: int, execute_at: int) -> bool:
        """BND-26: at the execution, the floor totalAssets * reserveFloor has a fraction and the reserve left
        by the largest allowed withdrawal (`shares`) is worth exactly the floor rounded up: rounded down,
        the floor would let one share more go."""
        at = self.model.apply(lambda m, now: m.accrue(now), execute_at)[0]
        total_assets, floor = at.total_assets(), at.reserve_floor
        left = at.balances.get(at.reserve, 0) - shares
        left_assets = mul_div_down(left, total_assets + VIRTUAL_ASSETS, at.total_supply + VIRTUAL_SHARES)
        return (total_assets * floor) % WAD != 0 and left_assets == w_mul_up(total_assets, floor)

    @rule(delta=DELTA)
    def boundary_withdrawal_ready(self, delta: int) -> None:
        """BND-21: a reserve withdrawal (requested here if none is pending) executed one second before its
        ready time (WithdrawalNotReady), at it, or one second after."""
        pending = self.model.pending_withdrawal
        if pending is not None and pending[2] + delta <= self.now:
            self.cancel_withdrawal()  # type: ignore[attr-defined]  # its ready time is past: a new one
        if self.model.pending_withdrawal is None:
            self.request_withdrawal(1)  # type: ignore[attr-defined]  # 1% of the reserve's shares
        pending = self.model.pending_withdrawal
        if pending is None:
            return
        _, _, ready_at = pending
        dt = ready_at + delta - self.now
        if dt < 1:
            return
        self._hit("BND-21", delta)
        self._execute_withdrawal(dt)  # type: ignore[attr-defined]
