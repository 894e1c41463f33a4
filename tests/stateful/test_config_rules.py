"""The governance boundary rules (tests/stateful/boundary_rules_config.py) run on purpose, each side of each
row once: BND-17 and BND-18 with the pool paused (the rule lifts the pause and puts it back), and BND-22 until
the liquidation threshold reaches max LTV and is raised back. Every step is checked against the model as in a
fuzz run; this pins that each rule reaches its boundary on all three sides and leaves the parameters it moved
as it found them.

One test function, as in test_regressions.py: every sequence starts from the fuzzer's base snapshot.
"""

from shortfall.constants import WAD

PCT = WAD // 100


def test_config_rules__every_side__hit_and_parameters_put_back(fuzz_chain):
    hits = fuzz_chain.stats.boundary_hits
    before = hits.copy()
    state = fuzz_chain()
    state.start(reserve=20_000, leverage=90)
    token = state.tokens[0]
    caps = (state.model.collaterals[token].supply_cap, state.model.risk["borrow_cap"])
    state.set_paused(toggle=True)
    for delta in (-1, 0, 1):
        state.boundary_supply_cap(b=0, t=0, size=1, delta=delta)
        state.boundary_borrow_cap(b=1, percent=10, delta=delta)
    assert state.model.paused
    assert (state.model.collaterals[token].supply_cap, state.model.risk["borrow_cap"]) == caps
    lt = state.model.collaterals[token].lt
    assert lt == 80 * PCT and state.model.collaterals[token].max_ltv == 75 * PCT
    # 80 -> 79 -> 78, refused (still 78, pending), -> 77 -> 76; then 75 would be max LTV: back to 80, -> 79.
    for delta in (0, 1, -1, 0, 0, 0):
        state.boundary_lt_decrease_ready(t=0, delta=delta)
    assert state.model.collaterals[token].lt == 79 * PCT
    state.teardown()
    for row in ("BND-17", "BND-18", "BND-22"):
        for side in ("below", "at", "above"):
            assert hits[f"{row} {side}"] > before[f"{row} {side}"], f"{row} {side} not hit"
