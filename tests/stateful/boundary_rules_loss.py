"""Boundary rules of the liquidation and realization rows (BND-06, 07, 11, 12, 13, 14, 15, 16, 19).

Each rule opens a small position of its own (a borrower repays in full and withdraws its collateral, supplies
an amount solved for the row, borrows), moves the collateral's feed to an answer solved for the row, and sends
the deciding `liquidate` or `realizeBadDebt` with the amount, answer or reserve balance that puts the row's
comparison exactly at its boundary, or one unit below or above. Where the spec's integers make equality
reachable the rule constructs it exactly (BND-06: collateral left worth exactly `dustValue`; BND-13: seized
exactly the balance; BND-15: collateral worth exactly `dustValue`; BND-19: reserve shares exactly
`toSharesUp(L)`); elsewhere the boundary is the flip point of the comparison found by bisection on the model
(the last amount or answer on one side; its neighbours on the other). The feed is put back after the probe.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import rule

from shortfall.chain.rpc import encode_call
from shortfall.constants import MAX_UINT256, WAD
from shortfall.model import Model, Revert, to_shares_up, w_mul_down
from tests.stateful.boundary_rules import DELTA

USD = WAD


def restores_feed(method: Callable[..., None]) -> Callable[..., None]:
    """The rule moves collateral `t`'s feed; put its answer back after (fresh), so that the rest of the run
    keeps its own prices."""

    @functools.wraps(method)
    def wrapper(self: Any, *, t: int, **kwargs: Any) -> None:
        feed = self.model.sources[self.tokens[t]].feed
        original = self.model.feeds[feed].answer
        method(self, t=t, **kwargs)
        if self.model.feeds[feed].answer != original:
            self._restore(feed, original)

    return wrapper


BORROWER = st.integers(0, 2)
COLLATERAL = st.integers(0, 1)


class LossBoundaryRules:
    """Mixed into PoolMachine; uses its model, chain, roles and `_step` / `_set_feed` / `_hit` / `_first`."""

    model: Model
    chain: Any
    borrowers: list[str]
    tokens: list[str]
    lps: list[str]
    keeper: str
    gov: str
    now: int

    # ------------------------------------------------------------ solving on the model

    def _simulate(self, *steps: tuple[Callable[..., Any], tuple, int]) -> tuple[Model | None, str | None]:
        """The model after `steps` (operation, args, time) run in order on a fork, with the last step's events;
        or (None, error)."""
        model = self.model
        try:
            for operation, args, now in steps:
                model, _ = model.apply(operation, *args, now)
        except Revert as revert:
            return None, revert.name
        return model, None

    def _event(self, model: Model | None, name: str) -> dict[str, int] | None:
        if model is None:
            return None
        return next((e.fields for e in model.events if e.name == name), None)

    def _scale(self, token: str) -> int:
        source = self.model.sources[token]
        return 10 ** (source.token_decimals + source.feed_decimals)

    def _round_answer(self, token: str) -> int:
        """A power of ten in the feed's decimals ($1,000 for WETH, $10,000 for WBTC): every value in dollars
        is then a whole number of the collateral's units, so `dustValue` is reachable exactly."""
        source = self.model.sources[token]
        return 10 ** (source.feed_decimals + (3 if token == self.tokens[0] else 4))

    def _amount_for(self, token: str, value: int, answer: int) -> int:
        """Collateral units worth `value` (WAD dollars) at `answer`, rounded down."""
        return value * self._scale(token) // (answer * WAD)

    def _answer_for(self, token: str, amount: int, value: int) -> int:
        """The feed answer at which `amount` is worth about `value` (rounded down, at least 1)."""
        return max(value * self._scale(token) // (amount * WAD), 1)

    def _loan_price(self) -> tuple[int, int] | None:
        """The loan asset's price over the rule's next steps; a stale or refused feed is first refreshed
        (at its answer, or $1 when the answer itself is refused), as a keeper's oracle update would."""
        try:
            return self.model.price(self.model.asset, self.now + 8)
        except Revert:
            pass
        source = self.model.sources[self.model.asset]
        answer = self.model.feeds[source.feed].answer
        if not source.min_answer < answer < source.max_answer:
            answer = 10**source.feed_decimals
        self._set_feed(source.feed, answer, self.now + 1, "odd_price")  # type: ignore[attr-defined]
        try:
            return self.model.price(self.model.asset, self.now + 8)
        except Revert:
            return None

    def _loan_amount(self, value: int) -> int:
        price = self._loan_price()
        assert price is not None
        return self.model.amount_up(value, price)

    # ------------------------------------------------------------ a position of the rule's own

    def _clear(self, borrower: str) -> bool:
        """Repays the borrower's debt in full and withdraws all its collateral (always allowed). Before the
        probe it frees a borrower; after it, it closes the rule's small position: the random rules would
        otherwise find the dust write-off of a solvent position (a greedy liquidation leaving collateral worth
        at most dustValue beside debt), a known flaw of the current spec that issue 11 removes."""
        b = self.borrowers.index(borrower)
        if self.model.borrow_shares.get(borrower, 0):
            self.repay(b, 100, True, 1)  # type: ignore[attr-defined]
        for token in list(self.model.enabled.get(borrower, [])):
            self.withdraw_collateral(b, self.tokens.index(token), 100, True, 1)  # type: ignore[attr-defined]
        return not self.model.borrow_shares.get(borrower, 0) and not self.model.enabled.get(borrower)

    def _open(self, b: int, token: str, amount: int, answer: int, debt: int) -> str | None:
        """Borrower `b` clears its position, supplies `amount` of `token` with the feed at `answer` (fresh)
        and borrows `debt` (none when 0). The borrower, or None when any step was refused (paused, cash)."""
        if self.model.paused:
            self.set_paused(True)  # type: ignore[attr-defined]  # unpause: supply and borrow are paused
        if self.model.paused or self._loan_price() is None:
            return None
        borrower = self.borrowers[b]
        if not self._clear(borrower):
            return None
        source = self.model.sources[token]
        if not source.min_answer < answer < source.max_answer:
            return None
        self._set_feed(source.feed, answer, self.now + 1, "odd_price")  # type: ignore[attr-defined]
        if not self._supply(borrower, token, amount) or (debt and not self._borrow(borrower, debt)):
            return None
        return borrower

    def _supply(self, borrower: str, token: str, amount: int) -> bool:
        data = encode_call("supplyCollateral(address,uint256,address)", token, amount, borrower)
        args = (borrower, token, amount, borrower)
        return self._step("supply_collateral", borrower, self.chain.pool, data, Model.supply_collateral, args, set())  # type: ignore[attr-defined]

    def _borrow(self, borrower: str, assets: int) -> bool:
        data = encode_call("borrow(uint256,address)", assets, borrower)
        return self._step("borrow", borrower, self.chain.pool, data, Model.borrow, (borrower, assets, borrower), set())  # type: ignore[attr-defined]

    def _probe_position(self, b: int, t: int, debt: bool = True) -> str | None:
        """A position for the price and max-LTV rules when borrower `b` has none to probe: collateral `t`
        worth $4,000 at a round answer, and a $2,000 debt (or none). Large enough that a greedy liquidation
        by the random rules cannot leave it at dust (see `_clear`)."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        if self._loan_price() is None:
            return None
        amount = self._amount_for(token, 4_000 * USD, answer)
        return self._open(b, token, amount, answer, self._loan_amount(2_000 * USD) if debt else 0)

    def _set_answer(self, token: str, answer: int) -> None:
        self._set_feed(self.model.sources[token].feed, answer, self.now + 1, "odd_price")  # type: ignore[attr-defined]

    def _set_op(self, token: str, answer: int) -> tuple[Callable[..., Any], tuple, int]:
        """The model step of `_set_answer` one second from now."""
        feed = self.model.sources[token].feed
        return (lambda m, now: m.set_answer(feed, answer, now), (), self.now + 1)

    def _liquidate_op(self, borrower: str, token: str, max_repay: int, dt: int = 1) -> tuple:
        return (Model.liquidate, (self.keeper, borrower, token, max_repay, 0, self.keeper), self.now + dt)

    def _realize_op(self, borrower: str, dt: int = 1) -> tuple:
        return (Model.realize_bad_debt, (self.keeper, borrower), self.now + dt)

    def _liquidate(self, borrower: str, token: str, max_repay: int) -> None:
        data = encode_call(
            "liquidate(address,address,uint256,uint256,address)", borrower, token, max_repay, 0, self.keeper
        )
        args = (self.keeper, borrower, token, max_repay, 0, self.keeper)
        self._step("liquidate", self.keeper, self.chain.pool, data, Model.liquidate, args, {borrower})  # type: ignore[attr-defined]

    def _realize(self, borrower: str) -> None:
        data = encode_call("realizeBadDebt(address)", borrower)
        args = (self.keeper, borrower)
        self._step("realize_bad_debt", self.keeper, self.chain.pool, data, Model.realize_bad_debt, args, {borrower})  # type: ignore[attr-defined]

    def _seized(self, token: str, repaid: int, answer: int) -> int:
        """Collateral a liquidation seizes for `repaid` at `answer`, as the spec computes it (rounded down)."""
        model, loan_price = self.model, self._loan_price()
        assert loan_price is not None
        bonus = WAD + model.collaterals[token].bonus
        return model.amount_down(w_mul_down(model.value_down(repaid, loan_price), bonus), (answer, self._scale(token)))

    def _fund_reserve_to(self, value: int) -> None:
        """Tops the reserve up (fundReserve) when it holds less than `value` (WAD dollars)."""
        model = self.model
        held = model.balances.get(model.reserve, 0) * model.total_assets() // max(model.total_supply, 1)
        if self.model.value_down(held, self._loan_price() or (1, 1)) < value:
            self.fund_reserve(max(value // USD, 1) * 2, 1)  # type: ignore[attr-defined]

    # ------------------------------------------------------------ liquidation rows

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    @restores_feed
    def boundary_dust_write_off(self, b: int, t: int, delta: int) -> None:
        """BND-06: a liquidation repaying r leaves collateral worth exactly `dustValue` (written off), or repays
        one unit less (worth more: the debt stays) or more (written off). The balance is solved for it:
        b = seized(r) + dust / price, at a round price where dust is a whole number of units."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        if self._loan_price() is None:
            return
        repay = self._loan_amount(45 * USD)
        dust_units = self._amount_for(token, self.model.risk["dust"], answer)
        if self.model.value_down(dust_units, (answer, self._scale(token))) != self.model.risk["dust"]:
            return
        balance = self._seized(token, repay, answer) + dust_units
        borrower = self._open(b, token, balance, answer * 6, self._loan_amount(200 * USD))
        if borrower is None:
            return
        self._set_answer(token, answer)
        after, error = self._simulate(self._liquidate_op(borrower, token, repay))
        fields = self._event(after, "Liquidate")
        if error or fields is None or fields["badDebt"] == 0 or fields["seized"] != balance - dust_units:
            return  # the construction did not hold (a price refused, the close factor): not at this boundary
        self._hit("BND-06", delta)  # type: ignore[attr-defined]
        self._liquidate(borrower, token, repay + delta)
        self._clear(borrower)

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    @restores_feed
    def boundary_dust_left(self, b: int, t: int, delta: int) -> None:
        """BND-07: the largest repay that leaves a debt worth at least `minBorrowValue` beside collateral
        worth more than dust (bisection over the repay on the model), one unit more (DustLeft) or less."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        if self._loan_price() is None:
            return
        amount = self._amount_for(token, 150 * USD, answer)
        borrower = self._open(b, token, amount, answer * 3, self._loan_amount(200 * USD))
        if borrower is None:
            return
        self._set_answer(token, answer)
        debt = self.model.debt_of(borrower)

        def refused(repay: int) -> bool:
            return self._simulate(self._liquidate_op(borrower, token, repay))[1] == "DustLeft"

        first = self._first(refused, 0, debt - self._loan_amount(80 * USD))  # type: ignore[attr-defined]
        if first is None or first < 3 or self._simulate(self._liquidate_op(borrower, token, first - 1))[1]:
            return
        self._hit("BND-07", delta)  # type: ignore[attr-defined]
        self._liquidate(borrower, token, first - 1 if delta == 0 else (first if delta == 1 else first - 2))
        self._clear(borrower)

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    @restores_feed
    def boundary_full_close(self, b: int, t: int, delta: int) -> None:
        """BND-11: a $2,000 debt (above smallDebtValue) liquidated with the collateral's answer at the lowest
        one where the health factor reaches fullCloseHealthFactor (the close factor applies; bisection over
        the answer on the model), one unit lower (the whole debt may be repaid) or higher."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        if self._loan_price() is None:
            return
        amount = self._amount_for(token, 3_000 * USD, answer * 2)
        borrower = self._open(b, token, amount, answer * 2, self._loan_amount(2_000 * USD))
        if borrower is None:
            return
        debt = self.model.debt_of(borrower)

        def partial(x: int) -> bool:
            after, error = self._simulate(self._set_op(token, x), self._liquidate_op(borrower, token, MAX_UINT256, 2))
            fields = self._event(after, "Liquidate")
            return error == "HealthyPosition" or (fields is not None and fields["repaid"] < debt)

        low = self._answer_for(token, amount, 2_250 * USD)  # HF 0.9: the whole debt, and it can be seized
        high = self._answer_for(token, amount, 2_475 * USD)  # HF 0.99
        first = self._first(partial, low, high)  # type: ignore[attr-defined]
        if first is None:
            return
        self._set_answer(token, first + delta)
        self._hit("BND-11", delta)  # type: ignore[attr-defined]
        self._liquidate(borrower, token, MAX_UINT256)
        self._clear(borrower)

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    @restores_feed
    def boundary_small_debt(self, b: int, t: int, delta: int) -> None:
        """BND-12: a position at a health factor of about 0.97 whose debt is worth smallDebtValue: the loan
        asset's answer at the lowest one where the debt's value reaches it (the close factor applies;
        bisection over the loan answer on the model), one unit lower (the whole debt) or higher."""
        token, loan_price = self.tokens[t], self._loan_price()
        answer = self._round_answer(token)
        if loan_price is None:
            return
        amount = self._amount_for(token, 2_400 * USD, answer * 2)
        small = self.model.risk["small_debt"]
        borrower = self._open(b, token, amount, answer * 2, self._loan_amount(small))
        if borrower is None:
            return
        self._set_answer(token, self._answer_for(token, amount, small * 97 // 80))  # HF about 0.97
        debt, loan_feed = self.model.debt_of(borrower), self.model.sources[self.model.asset].feed
        loan_answer = loan_price[0]

        def partial(x: int) -> bool:
            after, error = self._simulate(
                (lambda m, now: m.set_answer(loan_feed, x, now), (), self.now + 1),
                self._liquidate_op(borrower, token, MAX_UINT256, 2),
            )
            fields = self._event(after, "Liquidate")
            return error is not None or (fields is not None and fields["repaid"] < debt)

        first = self._first(partial, loan_answer * 99 // 100, loan_answer * 101 // 100)  # type: ignore[attr-defined]
        if first is None:
            return
        self._set_feed(loan_feed, first + delta, self.now + 1, "odd_price")  # type: ignore[attr-defined]
        self._hit("BND-12", delta)  # type: ignore[attr-defined]
        self._liquidate(borrower, token, MAX_UINT256)
        self._clear(borrower)
        self._set_feed(loan_feed, loan_answer, self.now + 1, "odd_price")  # type: ignore[attr-defined]

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    @restores_feed
    def boundary_seize_all(self, b: int, t: int, delta: int) -> None:
        """BND-13: a liquidation whose seizure is exactly the collateral balance (all of it is seized and the
        repay is repriced), one unit of repay less (seized as computed, below the balance) or more. The
        balance is solved for it: b = seized(r)."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        if self._loan_price() is None:
            return
        repay = self._loan_amount(140 * USD)
        balance = self._seized(token, repay, answer)
        borrower = self._open(b, token, balance, answer * 2, self._loan_amount(200 * USD))
        if borrower is None:
            return
        self._set_answer(token, answer)
        before_fields = self._event(self._simulate(self._liquidate_op(borrower, token, repay - 1))[0], "Liquidate")
        fields = self._event(self._simulate(self._liquidate_op(borrower, token, repay))[0], "Liquidate")
        if fields is None or before_fields is None or fields["seized"] != balance or before_fields["seized"] >= balance:
            return
        self._hit("BND-13", delta)  # type: ignore[attr-defined]
        self._liquidate(borrower, token, repay + delta)
        self._clear(borrower)

    # ------------------------------------------------------------ realization rows

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    @restores_feed
    def boundary_insolvent(self, b: int, t: int, delta: int) -> None:
        """BND-14: realizeBadDebt with the collateral's answer at the lowest one where the collateral is worth
        the debt (NotInsolvent; bisection over the answer on the model), one unit lower (realized) or higher."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        if self._loan_price() is None:
            return
        self._fund_reserve_to(300 * USD)
        amount = self._amount_for(token, 400 * USD, answer * 4)
        borrower = self._open(b, token, amount, answer * 4, self._loan_amount(200 * USD))
        if borrower is None:
            return

        def refused(x: int) -> bool:
            return self._simulate(self._set_op(token, x), self._realize_op(borrower, 2))[1] == "NotInsolvent"

        low, high = self._answer_for(token, amount, 150 * USD), self._answer_for(token, amount, 260 * USD)
        first = self._first(refused, low, high)  # type: ignore[attr-defined]
        if first is None or self._simulate(self._set_op(token, first - 1), self._realize_op(borrower, 2))[1]:
            return
        self._set_answer(token, first + delta)
        self._hit("BND-14", delta)  # type: ignore[attr-defined]
        self._realize(borrower)
        self._clear(borrower)

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    @restores_feed
    def boundary_bounty(self, b: int, t: int, delta: int) -> None:
        """BND-15: realizeBadDebt with collateral worth exactly `dustValue` (given to the realizer), or with the
        answer one unit lower (a bounty too) or higher (bought by the reserve). The balance is the dust
        value's units at a round answer."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        if self._loan_price() is None:
            return
        self._fund_reserve_to(50 * USD)
        dust = self.model.risk["dust"]
        amount = self._amount_for(token, dust, answer)
        if amount == 0 or self.model.value_down(amount, (answer, self._scale(token))) != dust:
            return
        borrower = self._open(b, token, amount, answer * 30, self._loan_amount(150 * USD))
        if borrower is None:
            return
        self._set_answer(token, answer + delta)
        if self._simulate(self._realize_op(borrower))[1] is not None:
            return
        self._hit("BND-15", delta)  # type: ignore[attr-defined]
        self._realize(borrower)
        self._clear(borrower)

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    @restores_feed
    def boundary_reserve_pays(self, b: int, t: int, delta: int) -> None:
        """BND-16: realizeBadDebt of a debt $100 above the reserve, with the collateral's answer at the highest
        one whose value the reserve can pay (bisection over the answer on the model), one unit higher
        (ReserveInsufficient) or lower."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        loan_price = self._loan_price()
        if loan_price is None:
            return
        self._fund_reserve_to(30 * USD)
        model = self.model
        reserve = model.balances.get(model.reserve, 0) * model.total_assets() // max(model.total_supply, 1)
        reserve_value = model.value_down(reserve, loan_price)
        debt_value = reserve_value + 100 * USD
        if self._loan_amount(debt_value) * 10 > model.cash * 9:
            return
        amount = self._amount_for(token, debt_value * 3 // 2, answer * 2)
        borrower = self._open(b, token, amount, answer * 2, self._loan_amount(debt_value))
        if borrower is None:
            return

        def refused(x: int) -> bool:
            return self._simulate(self._set_op(token, x), self._realize_op(borrower, 2))[1] == "ReserveInsufficient"

        low = self._answer_for(token, amount, reserve_value // 2)
        high = self._answer_for(token, amount, reserve_value + 50 * USD)
        first = self._first(refused, low, high)  # type: ignore[attr-defined]
        if (
            first is None
            or first < 3
            or self._simulate(self._set_op(token, first - 1), self._realize_op(borrower, 2))[1]
        ):
            return
        self._set_answer(token, first - 1 if delta == 0 else (first if delta == 1 else first - 2))
        self._hit("BND-16", delta)  # type: ignore[attr-defined]
        self._realize(borrower)
        self._clear(borrower)

    @rule(b=BORROWER, t=COLLATERAL, lp=st.integers(0, 2), delta=DELTA)
    @restores_feed
    def boundary_reserve_covers(self, b: int, t: int, lp: int, delta: int) -> None:
        """BND-19: a loss L (a debt realized with dust collateral, so L is the whole debt) just above the
        reserve's worth, and an LP donating shares to the ReserveFund so that it holds exactly toSharesUp(L)
        shares at the realization (covered in full), one share fewer (partly) or more."""
        token = self.tokens[t]
        answer = self._round_answer(token)
        loan_price = self._loan_price()
        if loan_price is None:
            return
        self._fund_reserve_to(200 * USD)
        model = self.model
        reserve = model.balances.get(model.reserve, 0) * model.total_assets() // max(model.total_supply, 1)
        debt = reserve + self._loan_amount(USD)
        if debt * 10 > model.cash * 9:
            return
        value = model.value_up(debt, loan_price) * 2
        amount = self._amount_for(token, value, answer)
        crash = self._answer_for(token, amount, self.model.risk["dust"] // 2)
        source = model.sources[token]
        if crash <= source.min_answer or model.value_down(amount, (crash, self._scale(token))) > model.risk["dust"]:
            return
        borrower = self._open(b, token, amount, answer, debt)
        if borrower is None:
            return
        self._set_answer(token, crash)
        # At the realization (two steps on: the donation, then the call): the debt, the totals before the
        # write-off, and the reserve's shares after the accrual.
        at, error = self._simulate((lambda m, now: m.accrue(now), (), self.now + 2))
        if error or at is None:
            return
        loss = at.debt_of(borrower)
        needed = to_shares_up(loss, at.total_assets(), at.total_supply)
        donation = needed - at.balances.get(at.reserve, 0) + delta
        donor = self.lps[lp]
        if donation <= 0 or model.balances.get(donor, 0) < donation:
            return
        data = encode_call("transfer(address,uint256)", model.reserve, donation)

        def donate(m: Model, now: int) -> bool:
            return m.transfer(donor, m.reserve, donation)

        if not self._step("transfer", donor, self.chain.lp, data, donate, (), {donor}):  # type: ignore[attr-defined]
            return
        self._hit("BND-19", delta)  # type: ignore[attr-defined]
        self._realize(borrower)
        self._clear(borrower)
