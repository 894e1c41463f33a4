"""Boundary rules of the stateful fuzzer: each constructs the state exactly at one row of the boundary table
(shortfall/fuzz/boundaries.py) and one unit on each side, solving the row's formula with the reference model
instead of hoping a random draw lands there, then sends the deciding call to the chain and the model. The
machine's step requires the same outcome from both (revert or not, and which error). Every step that
reaches the row's comparison counts a hit for the row and its side: `below`, `at`, `above` the boundary. Each
call is stepped under its operation's rule name (`borrow`, `withdraw_collateral`, ...), since the invariants
key on it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import rule

from shortfall.chain.rpc import encode_call
from shortfall.model import Model, Revert

SIDES = {-1: "below", 0: "at", 1: "above"}
DELTA = st.sampled_from([0, -1, 1])  # the boundary itself first: hypothesis favours early values


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

    def _probe_withdraw(self, borrower: str, token: str) -> None:
        """The deciding call, stepped under its operation's name (the invariants key on it)."""
        data = encode_call("withdrawCollateral(address,uint256,address)", token, 1, borrower)
        self._step(
            "withdraw_collateral",
            borrower,
            self.chain.pool,
            data,
            Model.withdraw_collateral,
            (borrower, token, 1, borrower),
            {borrower},
            1,
        )

    def _price_boundary(self, row: str, t: int, delta: int, answer: Any, updated_at: Any) -> None:
        """Puts feed `t` (loan asset, then collaterals) at `answer(source, current)`, updated at
        `updated_at(source)`, probes a position that reads it, and puts the feed back."""
        token = [self.model.asset, *self.tokens][t]
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
        """BND-02: the answer is exactly `heartbeat` seconds old at the deciding call (accepted), one second
        older (stale) or younger."""
        call_time = self.now + 2  # the feed update is one step (1 s) before the probe
        self._price_boundary(
            "BND-02", t, delta, lambda source, current: current, lambda source: call_time - source.heartbeat + delta
        )

    @rule(t=st.integers(0, 2), delta=DELTA)
    def boundary_non_positive(self, t: int, delta: int) -> None:
        """BND-03: an answer of -1 or 0 (refused, InvalidPrice) or 1 (the smallest price)."""
        self._price_boundary("BND-03", t, delta, lambda source, current: delta, lambda source: self.now + 1)

    @rule(t=st.integers(0, 2), delta=DELTA)
    def boundary_ceiling(self, t: int, delta: int) -> None:
        """BND-05: an answer one below its ceiling (accepted), at it or one above (PriceOutOfBounds)."""
        self._price_boundary(
            "BND-05", t, delta, lambda source, current: source.max_answer + delta, lambda source: self.now + 1
        )

    def _borrow_outcome(self, borrower: str, assets: int, now: int) -> str | None:
        try:
            self.model.apply(Model.borrow, borrower, assets, borrower, now)
        except Revert as revert:
            return revert.name
        return None

    @rule(b=st.integers(0, 2), delta=DELTA)
    def boundary_min_borrow(self, b: int, delta: int) -> None:
        """BND-08: a borrower without debt borrows the smallest amount the minimum debt value allows (solved
        on the model by bisection over the amount), one unit less (BorrowTooSmall) or one unit more."""
        free = [i for i in range(len(self.borrowers)) if not self.model.borrow_shares.get(self.borrowers[i], 0)]
        if not free:
            return
        b = free[b % len(free)]
        borrower = self.borrowers[b]
        self.supply_collateral(b, 0, 20, 1)  # type: ignore[attr-defined]  # ample collateral: the amount decides
        now = self.now + 1
        high = 1
        while self._borrow_outcome(borrower, high, now) == "BorrowTooSmall":
            high *= 2
            if high > 10**40:
                return
        if self._borrow_outcome(borrower, high, now) is not None:
            return  # refused for another reason (collateral, cash, price): not at this boundary
        low = high // 2  # BorrowTooSmall at low (or low == 0)
        while high - low > 1:
            mid = (low + high) // 2
            if self._borrow_outcome(borrower, mid, now) == "BorrowTooSmall":
                low = mid
            else:
                high = mid
        assets = high + delta
        if assets <= 0 or self._borrow_outcome(borrower, assets, now) not in (None, "BorrowTooSmall"):
            return
        data = encode_call("borrow(uint256,address)", assets, borrower)
        self._hit("BND-08", delta)
        self._step("borrow", borrower, self.chain.pool, data, Model.borrow, (borrower, assets, borrower), set(), 1)
        if self.model.borrow_shares.get(borrower, 0):
            self.repay(b, 100, True, 1)  # type: ignore[attr-defined]  # debt-free again, for the next probe

    @rule(delta=DELTA)
    def boundary_withdrawal_ready(self, delta: int) -> None:
        """BND-21: a reserve withdrawal (requested here if none is pending) executed one second before its
        ready time (WithdrawalNotReady), at it, or one second after."""
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
