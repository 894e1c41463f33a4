"""The reference model's governance operations (shortfall/model/pool.py, "the Configurator"), against the
Configurator's and the pool's code they mirror: setCollateralParams (bounds, LT only raised, no accrual),
requestLtDecrease / applyLtDecrease (bounds, the delay, BND-22's side of `readyAt`), setRiskParams (bounds,
accrual at the old values) and the two caps they set (BND-17, BND-18). Pure Python: no chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shortfall.chain.params import CollateralParams, PoolParams
from shortfall.constants import DAY, LT_DECREASE_DELAY, MAX_LIQUIDATION_BONUS, MAX_RESERVE_FACTOR, WAD
from shortfall.model import Collateral, Feed, Model, Revert, Source, configure

ASSET, RESERVE, TOKEN, OTHER = "asset", "reserve", "weth", "unlisted"
ALICE, BOB = "alice", "bob"
T0 = 1_000_000
PCT = WAD // 100
DEFAULT = CollateralParams()
LTV, LT, BONUS = DEFAULT.max_ltv, DEFAULT.liquidation_threshold, DEFAULT.liquidation_bonus
NO_CAP = DEFAULT.supply_cap


def make_model() -> Model:
    """A pool with a 6-decimal loan asset at $1, WETH (18 decimals) at $2,000 with the default parameters,
    1,000,000 of cash lent by Bob, and Alice holding 10 WETH and no debt."""
    model = Model(asset=ASSET, reserve=RESERVE, last_update=T0)
    configure(model, PoolParams())
    model.sources = {
        ASSET: Source("feed-asset", 8, 6, DAY, 0, 10**20),
        TOKEN: Source("feed-weth", 8, 18, DAY, 0, 10**20),
    }
    model.feeds = {"feed-asset": Feed(10**8, T0), "feed-weth": Feed(2_000 * 10**8, T0)}
    model.collaterals = {TOKEN: Collateral(LTV, LT, BONUS, NO_CAP)}
    model.deposit(BOB, 1_000_000 * 10**6, BOB, T0)
    model.supply_collateral(ALICE, TOKEN, 10 * 10**18, ALICE, T0)
    return model


def refused(model: Model, operation: Callable[..., Any], *args: Any) -> str:
    with pytest.raises(Revert) as info:
        model.apply(operation, *args)
    return info.value.name


def bound_refused(model: Model, operation: Callable[..., Any], *args: Any) -> str:
    """The name of the parameter a ParameterOutOfBounds refusal names."""
    with pytest.raises(Revert) as info:
        model.apply(operation, *args)
    assert info.value.name == "ParameterOutOfBounds"
    return info.value.args_[0]


def collateral(model: Model) -> tuple[int, int, int, int]:
    c = model.collaterals[TOKEN]
    return c.max_ltv, c.lt, c.bonus, c.supply_cap


# ---------------------------------------------------------------- setCollateralParams


def test_set_collateral_params__within_bounds__stores_without_accrual():
    model, _ = make_model().apply(Model.borrow, ALICE, 1_000 * 10**6, ALICE, T0)  # debt: an accrual would show
    new, _ = model.apply(Model.set_collateral_params, TOKEN, 70 * PCT, 85 * PCT, 10 * PCT, 5 * 10**18, T0 + DAY)
    assert collateral(new) == (70 * PCT, 85 * PCT, 10 * PCT, 5 * 10**18)
    assert new.last_update == T0 and new.total_borrow_assets == model.total_borrow_assets and new.events == []


def test_set_collateral_params__unlisted__unknown_collateral():
    model = make_model()
    assert refused(model, Model.set_collateral_params, OTHER, LTV, LT, BONUS, NO_CAP, T0) == "UnknownCollateral"
    assert refused(model, Model.set_collateral_params, ASSET, LTV, LT, BONUS, NO_CAP, T0) == "UnknownCollateral"


def test_set_collateral_params__lt_lowered_by_one_unit__refused_raised__applies_at_once():
    model = make_model()
    assert bound_refused(model, Model.set_collateral_params, TOKEN, LTV, LT - 1, BONUS, NO_CAP, T0) == (
        "liquidationThreshold"
    )
    new, _ = model.apply(Model.set_collateral_params, TOKEN, LTV, LT + 1, BONUS, NO_CAP, T0)
    assert new.collaterals[TOKEN].lt == LT + 1


@pytest.mark.parametrize(
    ("max_ltv", "lt", "bonus", "name"),
    [
        (LTV, LT, MAX_LIQUIDATION_BONUS + 1, "liquidationBonus"),
        (0, LT, BONUS, "maxLtv"),
        (LT, LT, BONUS, "maxLtv"),
        # LT * (1 + bonus) < 1, rounded up: with a 5% bonus the largest LT is floor((WAD - 1) * WAD / 1.05e18).
        (LTV, (WAD - 1) * WAD // (WAD + BONUS) + 1, BONUS, "liquidationThreshold"),
        # The bonus is checked first, then max LTV, then LT * (1 + bonus).
        (0, WAD, MAX_LIQUIDATION_BONUS + 1, "liquidationBonus"),
        (0, WAD, BONUS, "maxLtv"),
    ],
)
def test_set_collateral_params__out_of_bounds__parameter_named(max_ltv, lt, bonus, name):
    assert bound_refused(make_model(), Model.set_collateral_params, TOKEN, max_ltv, lt, bonus, NO_CAP, T0) == name


def test_set_collateral_params__largest_lt__allowed():
    lt = (WAD - 1) * WAD // (WAD + BONUS)
    new, _ = make_model().apply(Model.set_collateral_params, TOKEN, LTV, lt, BONUS, NO_CAP, T0)
    assert new.collaterals[TOKEN].lt == lt


def test_supply_cap__set_by_governance__reached_not_exceeded():
    """BND-17 on the model: a supply reaching the cap goes through, one unit more is SupplyCapExceeded; a
    cap below what is supplied already is stored and refuses further supplies only."""
    model = make_model()
    supplied = model.collaterals[TOKEN].total_supplied
    for amount, delta in ((5, -1), (5, 0), (5, 1)):
        capped, _ = model.apply(Model.set_collateral_params, TOKEN, LTV, LT, BONUS, supplied + amount - delta, T0)
        args = (BOB, TOKEN, amount, BOB, T0)
        if delta == 1:
            assert refused(capped, Model.supply_collateral, *args) == "SupplyCapExceeded"
        else:
            after, _ = capped.apply(Model.supply_collateral, *args)
            assert after.collaterals[TOKEN].total_supplied == capped.collaterals[TOKEN].supply_cap + delta
    below, _ = model.apply(Model.set_collateral_params, TOKEN, LTV, LT, BONUS, supplied - 1, T0)
    assert refused(below, Model.supply_collateral, BOB, TOKEN, 1, BOB, T0) == "SupplyCapExceeded"
    after, _ = below.apply(Model.withdraw_collateral, ALICE, TOKEN, 1, ALICE, T0)
    assert after.collaterals[TOKEN].total_supplied == supplied - 1


# ---------------------------------------------------------------- requestLtDecrease / applyLtDecrease


def test_request_lt_decrease__within_bounds__pending_for_the_delay():
    model = make_model()
    new, _ = model.apply(Model.request_lt_decrease, TOKEN, LT - PCT, T0 + 5)
    assert new.pending_lt == {TOKEN: (LT - PCT, T0 + 5 + LT_DECREASE_DELAY)}
    assert new.collaterals[TOKEN].lt == LT and new.last_update == T0


@pytest.mark.parametrize(
    "new_lt",
    [
        LT,  # not a decrease
        LT + 1,
        LT - 5 * PCT - 1,  # a step above MAX_LT_DECREASE_STEP
        LTV,  # at max LTV
    ],
)
def test_request_lt_decrease__out_of_bounds__refused(new_lt):
    assert bound_refused(make_model(), Model.request_lt_decrease, TOKEN, new_lt, T0) == "liquidationThreshold"


def test_request_lt_decrease__largest_step_and_just_above_max_ltv__allowed():
    model = make_model()
    model.collaterals[TOKEN].max_ltv = LT - 6 * PCT
    new, _ = model.apply(Model.request_lt_decrease, TOKEN, LT - 5 * PCT, T0)
    assert new.pending_lt[TOKEN][0] == LT - 5 * PCT
    model.collaterals[TOKEN].max_ltv = LTV
    new, _ = model.apply(Model.request_lt_decrease, TOKEN, LTV + 1, T0)
    assert new.pending_lt[TOKEN][0] == LTV + 1


def test_request_lt_decrease__unlisted__unknown_collateral():
    assert refused(make_model(), Model.request_lt_decrease, OTHER, LT - PCT, T0) == "UnknownCollateral"


def test_request_lt_decrease__again__replaces_the_pending_one():
    model, _ = make_model().apply(Model.request_lt_decrease, TOKEN, LT - PCT, T0)
    model, _ = model.apply(Model.request_lt_decrease, TOKEN, LT - 2 * PCT, T0 + 100)
    assert model.pending_lt == {TOKEN: (LT - 2 * PCT, T0 + 100 + LT_DECREASE_DELAY)}


def test_apply_lt_decrease__nothing_pending__refused():
    assert refused(make_model(), Model.apply_lt_decrease, TOKEN, T0) == "NoPendingLtDecrease"


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_apply_lt_decrease__around_ready_time__from_ready_on(delta):
    """BND-22 on the model: one second before readyAt LtDecreaseNotReady (still pending); at it or after,
    the LT is lowered and the request gone, with no accrual."""
    model, _ = make_model().apply(Model.borrow, ALICE, 1_000 * 10**6, ALICE, T0)
    model, _ = model.apply(Model.request_lt_decrease, TOKEN, LT - PCT, T0)
    ready = T0 + LT_DECREASE_DELAY
    if delta < 0:
        with pytest.raises(Revert) as info:
            model.apply(Model.apply_lt_decrease, TOKEN, ready + delta)
        assert info.value.name == "LtDecreaseNotReady" and info.value.args_ == (TOKEN, ready)
        return
    new, _ = model.apply(Model.apply_lt_decrease, TOKEN, ready + delta)
    assert new.collaterals[TOKEN].lt == LT - PCT and new.pending_lt == {}
    assert new.last_update == T0 and new.events == []
    assert refused(new, Model.apply_lt_decrease, TOKEN, ready + delta) == "NoPendingLtDecrease"


def test_apply_lt_decrease__lowers_the_liquidation_value_from_the_next_call():
    model, _ = make_model().apply(Model.request_lt_decrease, TOKEN, LT - PCT, T0)
    now = T0 + LT_DECREASE_DELAY
    model.feeds = {k: Feed(f.answer, now) for k, f in model.feeds.items()}
    _, before, _, _ = model.collateral_values(ALICE, now)
    new, _ = model.apply(Model.apply_lt_decrease, TOKEN, now)
    _, after, _, _ = new.collateral_values(ALICE, now)
    assert before == 20_000 * WAD * LT // WAD and after == 20_000 * WAD * (LT - PCT) // WAD


def test_apply_lt_decrease__max_ltv_raised_since__refused_and_still_pending():
    model, _ = make_model().apply(Model.request_lt_decrease, TOKEN, LT - PCT, T0)
    model, _ = model.apply(Model.set_collateral_params, TOKEN, LT - PCT, LT, BONUS, NO_CAP, T0 + 1)
    assert model.pending_lt[TOKEN][0] == LT - PCT  # setCollateralParams leaves a pending decrease alone
    assert bound_refused(model, Model.apply_lt_decrease, TOKEN, T0 + LT_DECREASE_DELAY) == "liquidationThreshold"


def test_apply_lt_decrease__lt_raised_since__still_applies_the_requested_lt():
    """A pending decrease survives an LT raise: applying it lowers LT to the requested value, further below
    the LT then in force than MAX_LT_DECREASE_STEP (the step is checked at the request only)."""
    model, _ = make_model().apply(Model.request_lt_decrease, TOKEN, LT - 4 * PCT, T0)
    model, _ = model.apply(Model.set_collateral_params, TOKEN, LTV, LT + 10 * PCT, BONUS, NO_CAP, T0 + 1)
    new, _ = model.apply(Model.apply_lt_decrease, TOKEN, T0 + LT_DECREASE_DELAY)
    assert new.collaterals[TOKEN].lt == LT - 4 * PCT  # 14 points below the LT in force


def test_fork__pending_lt_decrease__not_shared():
    model, _ = make_model().apply(Model.request_lt_decrease, TOKEN, LT - PCT, T0)
    fork = model.fork()
    fork.apply_lt_decrease(TOKEN, T0 + LT_DECREASE_DELAY)
    assert model.pending_lt == {TOKEN: (LT - PCT, T0 + LT_DECREASE_DELAY)}
    assert model.collaterals[TOKEN].lt == LT


# ---------------------------------------------------------------- setRiskParams


def risk(model: Model, **changes: int) -> dict[str, int]:
    return {**model.risk, "reserve_factor": model.rates["reserve_factor"], **changes}


def test_set_risk_params__accrues_at_the_old_values_then_stores():
    model, _ = make_model().apply(Model.borrow, ALICE, 5_000 * 10**6, ALICE, T0)
    accrued, _ = model.apply(lambda m, now: m.accrue(now), T0 + DAY)
    new, _ = model.apply(Model.set_risk_params, risk(model, reserve_factor=0, borrow_cap=123), T0 + DAY)
    assert new.total_borrow_assets == accrued.total_borrow_assets > model.total_borrow_assets
    assert new.balances[RESERVE] == accrued.balances[RESERVE] > 0  # the old reserve factor's cut
    assert new.risk["borrow_cap"] == 123 and new.rates["reserve_factor"] == 0 and new.last_update == T0 + DAY


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"close_factor": 0}, "closeFactor"),
        ({"close_factor": WAD + 1}, "closeFactor"),
        ({"full_close_hf": WAD + 1}, "fullCloseHealthFactor"),
        ({"reserve_factor": MAX_RESERVE_FACTOR + 1}, "reserveFactor"),
        ({"small_debt": 200 * WAD - 1, "min_borrow": 100 * WAD}, "smallDebtValue"),
        ({"dust": 100 * WAD, "min_borrow": 100 * WAD}, "dustValue"),
    ],
)
def test_set_risk_params__out_of_bounds__refused_without_accrual(changes, name):
    model, _ = make_model().apply(Model.borrow, ALICE, 5_000 * 10**6, ALICE, T0)
    assert bound_refused(model, Model.set_risk_params, risk(model, **changes), T0 + DAY) == name


def test_set_risk_params__at_the_bounds__allowed():
    model = make_model()
    params = risk(model, close_factor=WAD, full_close_hf=WAD, reserve_factor=MAX_RESERVE_FACTOR, dust=0)
    params |= {"min_borrow": 100 * WAD, "small_debt": 200 * WAD}
    new, _ = model.apply(Model.set_risk_params, params, T0)
    assert new.risk == {k: params[k] for k in new.risk} and new.rates["reserve_factor"] == MAX_RESERVE_FACTOR


def test_borrow_cap__set_by_governance__reached_not_exceeded():
    """BND-18 on the model: total borrows after the borrow's accrual plus the borrow may equal the cap."""
    model, _ = make_model().apply(Model.borrow, ALICE, 5_000 * 10**6, ALICE, T0)
    assets, now = 1_000 * 10**6, T0 + 3_600
    borrows, _ = model.apply(lambda m, t: m.accrue(t), now)
    for delta in (-1, 0, 1):
        capped, _ = model.apply(
            Model.set_risk_params, risk(model, borrow_cap=borrows.total_borrow_assets + assets - delta), T0
        )
        if delta == 1:
            assert refused(capped, Model.borrow, ALICE, assets, ALICE, now) == "BorrowCapExceeded"
        else:
            after, _ = capped.apply(Model.borrow, ALICE, assets, ALICE, now)
            assert after.total_borrow_assets == capped.risk["borrow_cap"] + delta
