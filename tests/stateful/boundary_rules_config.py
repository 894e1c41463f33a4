"""Boundary rules of the stateful fuzzer for rows that governance sets up: a collateral's supply cap (BND-17),
the borrow cap (BND-18) and the delayed liquidation-threshold decrease (BND-22). As in boundary_rules.py,
each solves the row's formula on the reference model and steps the deciding call below, at and above the
boundary; here the boundary is put in place by governance calls to the Configurator, each one a step of
its own (the model applies it too, and must agree on its outcome), and the parameter a rule moved is put
back after, so the rest of the run keeps the deployment's parameters. After each governance step the
Configurator's parameters on the chain are compared with the model's (the machine's state comparison
covers the pool's balances, not its parameters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eth_abi import decode
from hypothesis import strategies as st
from hypothesis.stateful import rule

from shortfall.chain.rpc import encode_call
from shortfall.constants import WAD
from shortfall.model import Model, Revert
from tests.stateful.boundary_rules import DELTA

NO_CAP = 2**128 - 1  # supplyCap and borrowCap are uint128: their largest value is "no cap"
LT_STEP = WAD // 100  # the decrease BND-22 requests: one percentage point
RISK_TUPLE = "(uint64,uint64,uint64,uint128,uint128,uint128,uint128)"


class ConfigBoundaryRules:
    """Mixed into PoolMachine next to BoundaryRules; uses the machine's model, chain, roles and step, the
    boundary helpers `_hit` and `_outcome`, and some of the machine's own rules."""

    model: Model
    market: Any  # this run's market (machine.Market): its model as deployed
    chain: Any
    borrowers: list[str]
    tokens: list[str]
    now: int
    gov: str
    keeper: str
    _step: Callable[..., bool]
    _hit: Callable[[str, int], None]
    _outcome: Callable[..., str | None]
    _capacity: Callable[[str], int]
    supply_collateral: Callable[..., None]
    pass_time: Callable[[int], None]
    set_paused: Callable[[bool], None]

    # ------------------------------------------------------------ governance steps

    def _compare_config(self) -> None:
        """Each collateral's parameters and pending LT decrease, and the risk parameters, chain == model."""
        chain, calls = self.chain, []
        for token in self.tokens:
            calls.append((chain.pool, encode_call("collaterals(address)", token)))
            calls.append((chain.configurator, encode_call("pendingLtDecrease(address)", token)))
        calls.append((chain.pool, encode_call("riskParams()")))
        results = chain.rpc.batch([("eth_call", [{"to": to, "data": data}, "latest"]) for to, data in calls])
        raw = iter(bytes.fromhex(r[2:]) for r in results)
        actual, expected = {}, {}
        for token in self.tokens:
            (params, supplied, _) = decode(["(uint64,uint64,uint64,uint128)", "uint256", "bool"], next(raw))
            actual[f"params:{token}"] = (*params, supplied)
            c = self.model.collaterals[token]
            expected[f"params:{token}"] = (c.max_ltv, c.lt, c.bonus, c.supply_cap, c.total_supplied)
            new_lt, ready_at = decode(["uint64", "uint64"], next(raw))
            actual[f"pendingLt:{token}"] = (new_lt, ready_at) if ready_at else None
            expected[f"pendingLt:{token}"] = self.model.pending_lt.get(token)
        actual["risk"] = decode([RISK_TUPLE], next(raw))[0]
        expected["risk"] = self._risk_tuple(self._risk_params())
        diff = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
        assert not diff, f"INV-15: Configurator parameters chain != model (chain, model): {diff}"

    def _risk_params(self, **changes: int) -> dict[str, int]:
        """The risk parameters in force, as Model.set_risk_params takes them, but `changes`."""
        return {**self.model.risk, "reserve_factor": self.model.rates["reserve_factor"], **changes}

    @staticmethod
    def _risk_tuple(params: dict[str, int]) -> tuple[int, ...]:
        """The same as setRiskParams's RiskParams struct."""
        keys = ("close_factor", "full_close_hf", "reserve_factor", "borrow_cap", "min_borrow", "small_debt", "dust")
        return tuple(params[key] for key in keys)

    def _set_borrow_cap(self, cap: int) -> bool:
        params = self._risk_params(borrow_cap=cap)
        data = encode_call(f"setRiskParams({RISK_TUPLE})", self._risk_tuple(params))
        ok = self._step(
            "set_risk_params", self.gov, self.chain.configurator, data, Model.set_risk_params, (params,), set()
        )
        self._compare_config()
        return ok

    def _set_collateral_params(self, token: str, **changes: int) -> bool:
        """setCollateralParams with the collateral's current parameters but `changes` (max_ltv, lt, bonus,
        supply_cap)."""
        c = self.model.collaterals[token]
        params = {"max_ltv": c.max_ltv, "lt": c.lt, "bonus": c.bonus, "supply_cap": c.supply_cap, **changes}
        values = (params["max_ltv"], params["lt"], params["bonus"], params["supply_cap"])
        data = encode_call("setCollateralParams(address,(uint64,uint64,uint64,uint128))", token, values)
        ok = self._step(
            "set_collateral_params",
            self.gov,
            self.chain.configurator,
            data,
            Model.set_collateral_params,
            (token, *values),
            set(),
        )
        self._compare_config()
        return ok

    @contextmanager
    def _unpaused(self) -> Iterator[None]:
        """Supplies and borrows are refused while paused: governance lifts a pause for the rule (a step) and
        pauses again after it."""
        paused = self.model.paused
        if paused:
            self.set_paused(True)  # the machine's rule: toggles
        yield
        if paused:
            self.set_paused(True)

    # ------------------------------------------------------------ the rules

    @rule(b=st.integers(0, 2), t=st.integers(0, 1), size=st.integers(0, 2), delta=DELTA)
    def boundary_supply_cap(self, b: int, t: int, size: int, delta: int) -> None:
        """BND-17: governance sets the collateral's supply cap so that a supply of `amount` (one raw unit, a
        hundredth or a tenth of a token) leaves the total supplied one under the cap, at it, or one over
        (SupplyCapExceeded); then puts back the cap it found. A pause is lifted for it."""
        with self._unpaused():
            borrower, token = self.borrowers[b], self.tokens[t]
            c = self.model.collaterals[token]
            unit = 10 ** self.model.sources[token].token_decimals
            amount = [1, unit // 100, unit // 10][size]
            cap, found = c.total_supplied + amount - delta, c.supply_cap
            set_cap = (Model.set_collateral_params, (token, c.max_ltv, c.lt, c.bonus, cap), self.now + 1)
            supply = (Model.supply_collateral, (borrower, token, amount, borrower), self.now + 2)
            if self._outcome(set_cap, supply) != ("SupplyCapExceeded" if delta == 1 else None):
                return  # refused for another reason: not at this boundary
            self._set_collateral_params(token, supply_cap=cap)
            self._hit("BND-17", delta)
            data = encode_call("supplyCollateral(address,uint256,address)", token, amount, borrower)
            args = (borrower, token, amount, borrower)
            self._step("supply_collateral", borrower, self.chain.pool, data, Model.supply_collateral, args, set())
            self._set_collateral_params(token, supply_cap=found)

    def _cap_candidate(self, b: int, percent: int) -> tuple[str, int] | None:
        """A borrower, from `b` on, who can borrow `percent` of its capacity one step after a borrow-cap
        change with no cap at all: the borrow is allowed but for the cap."""
        no_cap = (Model.set_risk_params, (self._risk_params(borrow_cap=NO_CAP),), self.now + 1)
        for i in range(len(self.borrowers)):
            borrower = self.borrowers[(b + i) % len(self.borrowers)]
            assets = self._capacity(borrower) * percent // 100
            if assets and self._outcome(no_cap, (Model.borrow, (borrower, assets, borrower), self.now + 2)) is None:
                return borrower, assets
        return None

    def _make_room(self, b: int, percent: int) -> tuple[str, int] | None:
        """When no borrower can borrow: the feeds refreshed at their answers if a price is stale (as
        `pass_time` does), then, if still none, borrower `b` supplies the collateral that adds the most value."""
        borrower = self.borrowers[b]
        if self._outcome((Model.borrow, (borrower, 1, borrower), self.now + 1)) == "StalePrice":
            self.pass_time(0)
            candidate = self._cap_candidate(b, percent)
            if candidate is not None:
                return candidate

        def value(t: int) -> int:  # supply_collateral(b, t, 20): 20 WETH or 2 WBTC
            token = self.tokens[t]
            try:
                price = self.model.price(token, self.now + 1)
            except Revert:
                return -1
            raw = 20 * 10 ** self.model.sources[token].token_decimals // (10 if t == 1 else 1)
            return self.model.value_down(raw, price)

        self.supply_collateral(b, max((0, 1), key=value), 20, 1)
        return self._cap_candidate(b, percent)

    @rule(b=st.integers(0, 2), percent=st.sampled_from([10, 50, 1]), delta=DELTA)
    def boundary_borrow_cap(self, b: int, percent: int, delta: int) -> None:
        """BND-18: governance sets the borrow cap so that a borrow of `assets` lands total borrows, as the
        borrow's own accrual leaves them, one under the cap, at it, or one over (BorrowCapExceeded); then puts
        back the cap it found. The borrow is one that goes through with no cap (collateral, cash, minimum,
        prices; `_make_room` when no borrower has room). A pause is lifted for it."""
        with self._unpaused():
            candidate = self._cap_candidate(b, percent) or self._make_room(b, percent)
            if candidate is None:
                return
            borrower, assets = candidate
            found = self.model.risk["borrow_cap"]
            set_at, borrow_at = self.now + 1, self.now + 2
            # Total borrows at the borrow's check: after the cap change's accrual and the borrow's own.
            preview, _ = self.model.apply(Model.set_risk_params, self._risk_params(borrow_cap=NO_CAP), set_at)
            preview, _ = preview.apply(lambda m, now: m.accrue(now), borrow_at)
            cap = preview.total_borrow_assets + assets - delta
            set_cap = (Model.set_risk_params, (self._risk_params(borrow_cap=cap),), set_at)
            borrow = (Model.borrow, (borrower, assets, borrower), borrow_at)
            if self._outcome(set_cap, borrow) != ("BorrowCapExceeded" if delta == 1 else None):
                return
            self._set_borrow_cap(cap)
            self._hit("BND-18", delta)
            data = encode_call("borrow(uint256,address)", assets, borrower)
            self._step("borrow", borrower, self.chain.pool, data, Model.borrow, (borrower, assets, borrower), set())
            self._set_borrow_cap(found)

    @rule(t=st.integers(0, 1), delta=DELTA)
    def boundary_lt_decrease_ready(self, t: int, delta: int) -> None:
        """BND-22: governance requests a one-point decrease of a collateral's LT; anyone applies it one second
        before its ready time (LtDecreaseNotReady; the request stays pending), at it, or one second after.
        An LT that a further point would bring to max LTV is first raised back to the deployment's (an
        increase applies at once), so that LT does not drift down over a run. The day's wait leaves every
        feed stale: they are refreshed after."""
        token = self.tokens[t]
        collateral = self.model.collaterals[token]
        if collateral.lt - LT_STEP <= collateral.max_ltv:
            self._set_collateral_params(token, lt=max(self.market.base_model.collaterals[token].lt, collateral.lt))
            collateral = self.model.collaterals[token]
        new_lt = collateral.lt - LT_STEP
        data = encode_call("requestLtDecrease(address,uint256)", token, new_lt)
        op = Model.request_lt_decrease
        self._step("request_lt_decrease", self.gov, self.chain.configurator, data, op, (token, new_lt), set())
        self._compare_config()
        pending = self.model.pending_lt.get(token)
        if pending is None or pending[0] != new_lt:
            return
        dt = pending[1] + delta - self.now
        expected = "LtDecreaseNotReady" if delta == -1 else None
        if self._outcome((Model.apply_lt_decrease, (token,), self.now + dt)) == expected:
            self._hit("BND-22", delta)
        data = encode_call("applyLtDecrease(address)", token)
        self._step(
            "apply_lt_decrease",
            self.keeper,
            self.chain.configurator,
            data,
            Model.apply_lt_decrease,
            (token,),
            set(),
            dt,
        )
        self._compare_config()
        self.pass_time(0)
