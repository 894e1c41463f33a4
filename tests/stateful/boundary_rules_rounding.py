"""Boundary rules of the rounding rows (BND-23, 24, 25; BND-26 is counted by the reserve floor rule).

A rounding row's boundary is a state where the row's rounding decides the call: the exact quotient lies
strictly between two integers and the comparison it feeds sits between them, so that rounding the other way
flips the outcome. Each rule solves for such a state on the model (the collateral balance, or the feed answer
that tunes a value to one unit) and sends the deciding call there ("at"), and one unit of the tuned amount
below and above. The states exist only where the integers are fine enough: a health factor within
debtValue / 10^18 of 1 needs a collateral of 18 decimals (WETH), a debt value with a fraction needs a loan
feed of more than 12 decimals (the 18-decimal loan feed), a value tuned to one unit needs a feed whose one
unit of answer moves the collateral's value by at most one unit; elsewhere the rule does nothing.
"""

from __future__ import annotations

from typing import Any

from hypothesis.stateful import rule

from shortfall.constants import WAD
from shortfall.model import Model, Revert, mul_div_down, to_assets_up, to_shares_up, w_mul_down
from tests.stateful.boundary_rules import DELTA, sides
from tests.stateful.boundary_rules_loss import BORROWER, COLLATERAL, USD, restores_feed


class RoundingBoundaryRules:
    """Mixed into PoolMachine after LossBoundaryRules, whose position and solving helpers it uses."""

    model: Model
    chain: Any
    borrowers: list[str]
    tokens: list[str]
    now: int

    def _borrow_value(self, borrower: str, assets: int, now: int) -> tuple[int, int] | None:
        """The debt value a borrow of `assets` at `now` is checked with, rounded down and up (the debt after
        the borrow, at the loan price): (down, up). None if the loan price is refused."""
        at, error = self._simulate((lambda m, t: m.accrue(t), (), now))  # type: ignore[attr-defined]
        if at is None or error:
            return None
        borrows, bshares = at.total_borrow_assets, at.total_borrow_shares
        shares = to_shares_up(assets, borrows, bshares)
        debt = to_assets_up(at.borrow_shares.get(borrower, 0) + shares, borrows + assets, bshares + shares)
        try:
            price = at.price(at.asset, now)
        except Revert:
            return None
        return at.value_down(debt, price), at.value_up(debt, price)

    def _max_debt(self, token: str, amount: int, answer: int) -> int:
        """The max-LTV-weighted value of `amount` of `token` alone at `answer` (rounded down)."""
        value = self.model.value_down(amount, (answer, self._scale(token)))  # type: ignore[attr-defined]
        return w_mul_down(value, self.model.collaterals[token].max_ltv)

    @rule(b=BORROWER, delta=DELTA)
    def boundary_health_rounds_down(self, b: int, delta: int) -> None:
        """BND-23: a $20,000 debt beside WETH whose liquidation value lies within debtValue / 10^18 below the
        debt value (HF rounds down to 1 - 10^-18: liquidatable; rounded up it would be 1), reached by
        supplying the WETH balance solved on the model; one wei of WETH less or more."""
        feed = self.model.sources[self.tokens[0]].feed
        original = self.model.feeds[feed].answer
        self._health_rounds_down(b, delta)
        if self.model.feeds[feed].answer != original:
            self._restore(feed, original)  # type: ignore[attr-defined]

    def _health_rounds_down(self, b: int, delta: int) -> None:
        token = self.tokens[0]
        source = self.model.sources[token]
        if source.token_decimals != 18 or self._loan_price() is None:  # type: ignore[attr-defined]
            return
        answer = self._round_answer(token)  # type: ignore[attr-defined]
        amount = self._amount_for(token, 30_000 * USD, answer * 2)  # type: ignore[attr-defined]
        borrower = self._open(b, token, amount, answer * 2, self._loan_amount(20_000 * USD))  # type: ignore[attr-defined]
        if borrower is None:
            return
        probe_at = self.now + 3  # the feed (+1), the top-up supply (+2), the liquidation (+3)
        at, _ = self._simulate((lambda m, t: m.accrue(t), (), probe_at))  # type: ignore[attr-defined]
        if at is None:
            return
        debt_value = at.value_up(at.debt_of(borrower), at.price(at.asset, probe_at))
        lt = self.model.collaterals[token].lt
        # An answer that puts the liquidation value about 0.1% below the debt value, then the top-up.
        crash = self._answer_for(token, amount, debt_value * WAD // lt * 999 // 1000)  # type: ignore[attr-defined]
        if not source.min_answer < crash < source.max_answer:
            return

        def liquidation_value(extra: int) -> int:
            return w_mul_down(self.model.value_down(amount + extra, (crash, self._scale(token))), lt)  # type: ignore[attr-defined]

        first = self._first(lambda extra: liquidation_value(extra) >= debt_value, 0, amount)
        if first is None:
            return
        top_up = first - 1
        value = liquidation_value(top_up)
        if top_up + delta <= 0:
            return
        if not (value < debt_value and value * WAD > (WAD - 1) * debt_value):
            return  # one wei of WETH moves the value past the window: no state here
        self._set_answer(token, crash)  # type: ignore[attr-defined]
        if not self._supply(borrower, token, top_up + delta):  # type: ignore[attr-defined]
            return
        self._hit("BND-23", delta)  # type: ignore[attr-defined]
        self._liquidate(borrower, token, 1)  # type: ignore[attr-defined]
        self._clear(borrower)  # type: ignore[attr-defined]

    def _finest(self, t: int) -> int:
        """The collateral whose feed has the most decimals (`t` on a tie): one unit of its answer moves a
        value least, so a value can be tuned through it to one unit."""
        decimals = [self.model.sources[token].feed_decimals for token in self.tokens]
        return max(range(len(self.tokens)), key=lambda i: (decimals[i], i == t))

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    def boundary_debt_rounds_up(self, b: int, t: int, delta: int) -> None:
        """BND-24: a first borrow whose debt value has a fraction, v = M + f (0 < f < 1), beside collateral
        whose max-LTV value is exactly M (the collateral's answer solved for it): rounded up, the debt is
        worth M + 1 > M and refused; rounded down it would pass. One unit of borrow less or more. The loan
        answer is moved off a multiple of 10^6 when needed (at $1 exactly, every debt's value is whole) and
        put back after."""
        loan = self.model.sources[self.model.asset]
        if loan.feed_decimals <= 12:
            return  # v = debt * answer * 10^(12 - feedDecimals) is a whole number: no fraction to round
        original = self.model.feeds[loan.feed].answer
        for side in sides(delta):
            self._debt_rounds_up(b=b, t=self._finest(t), delta=side)
        if self.model.feeds[loan.feed].answer != original:
            self._restore(loan.feed, original)  # type: ignore[attr-defined]

    @restores_feed
    def _debt_rounds_up(self, b: int, t: int, delta: int) -> None:
        token, loan_price = self.tokens[t], self._loan_price()  # type: ignore[attr-defined]
        if loan_price is None:
            return
        if self.model.value_up(1, loan_price) == self.model.value_down(1, loan_price):
            loan_feed = self.model.sources[self.model.asset].feed
            self._set_feed(loan_feed, loan_price[0] + 1, self.now + 1, "odd_price")  # type: ignore[attr-defined]
            loan_price = self._loan_price()  # type: ignore[attr-defined]
            if loan_price is None:
                return
        answer = self._round_answer(token)  # type: ignore[attr-defined]
        amount = self._amount_for(token, 400 * USD, answer)  # type: ignore[attr-defined]
        borrower = self._open(b, token, amount, answer, 0)  # type: ignore[attr-defined]
        if borrower is None:
            return
        borrow_at = self.now + 2  # the collateral's feed (+1), the borrow (+2)
        assets = self._loan_amount(200 * USD)  # type: ignore[attr-defined]
        for _ in range(8):  # a borrow whose value has a fraction
            values = self._borrow_value(borrower, assets, borrow_at)
            if values is None:
                return
            if values[0] != values[1]:
                break
            assets += 1
        else:
            return
        target = values[0]
        tuned = self._first(lambda x: self._max_debt(token, amount, x) >= target, 1, answer * 2)
        source = self.model.sources[token]
        if tuned is None or self._max_debt(token, amount, tuned) != target or not source.min_answer < tuned:
            return  # one unit of answer moves the max debt by more than one: no state here
        self._set_answer(token, tuned)  # type: ignore[attr-defined]
        self._hit("BND-24", delta)  # type: ignore[attr-defined]
        self._borrow(borrower, assets + delta)  # type: ignore[attr-defined]
        self._clear(borrower)  # type: ignore[attr-defined]

    @rule(b=BORROWER, t=COLLATERAL, delta=DELTA)
    def boundary_collateral_rounds_down(self, b: int, t: int, delta: int) -> None:
        """BND-25: a first borrow worth exactly v beside collateral whose value has a fraction, V + f, such
        that its max-LTV value rounded down is v - 1 (refused) and would be v rounded up (allowed): the
        collateral's answer solved for it. One unit of borrow less or more."""
        for side in sides(delta):
            self._collateral_rounds_down(b=b, t=self._finest(t), delta=side)

    @restores_feed
    def _collateral_rounds_down(self, b: int, t: int, delta: int) -> None:
        token, loan_price = self.tokens[t], self._loan_price()  # type: ignore[attr-defined]
        if loan_price is None:
            return
        answer = self._round_answer(token)  # type: ignore[attr-defined]
        amount = self._amount_for(token, 400 * USD, answer)  # type: ignore[attr-defined]
        borrower = self._open(b, token, amount, answer, 0)  # type: ignore[attr-defined]
        if borrower is None:
            return
        borrow_at = self.now + 2
        assets = self._loan_amount(200 * USD)  # type: ignore[attr-defined]
        values = self._borrow_value(borrower, assets, borrow_at)
        if values is None:
            return
        debt_value = values[1]
        max_ltv, scale = self.model.collaterals[token].max_ltv, self._scale(token)  # type: ignore[attr-defined]

        def exact(x: int) -> tuple[int, bool]:  # the value rounded down, and whether it has a fraction
            return mul_div_down(amount, x * WAD, scale), (amount * x * WAD) % scale != 0

        def max_debt_up(x: int) -> int:
            down, fraction = exact(x)
            return w_mul_down(down + (1 if fraction else 0), max_ltv)

        tuned = self._first(lambda x: max_debt_up(x) >= debt_value, 1, answer * 2)
        source = self.model.sources[token]
        if tuned is None or not source.min_answer < tuned:
            return
        down, fraction = exact(tuned)
        if not (fraction and w_mul_down(down, max_ltv) < debt_value <= max_debt_up(tuned)):
            return  # no answer where the rounding alone decides: no state here
        self._set_answer(token, tuned)  # type: ignore[attr-defined]
        self._hit("BND-25", delta)  # type: ignore[attr-defined]
        self._borrow(borrower, assets + delta)  # type: ignore[attr-defined]
        self._clear(borrower)  # type: ignore[attr-defined]
