"""The price timeline and the oracle model."""

from dataclasses import replace
from pathlib import Path

from shortfall.replay.market import timeline
from shortfall.replay.scenario import PricePath, PricePoint, Window, load_scenario

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def _path(interpolation: str, offset: float = 0.0) -> PricePath:
    points = (PricePoint(0, 100, "D", "", 2), PricePoint(2, 50, "A", "", 3), PricePoint(3, 60, "I", "", 4))
    return PricePath(points, interpolation, "inline", offset)


def test_linear_interpolation__marks_points_between_as_interpolated():
    path = _path("linear")
    assert path.at(0) == (100, "D")
    assert path.at(1) == (75, "I")
    assert path.at(2) == (50, "A")
    assert path.at(3) == (60, "I")  # a data point the gatherer interpolated keeps its code
    assert path.at(9) == (60, "I")  # after the last point: the last value, interpolated


def test_step_interpolation_and_offset():
    assert _path("step").at(1.5) == (100, "I")
    assert _path("linear", offset=2).at(0) == (50, "A")


def test_oracle__publishes_on_deviation_or_heartbeat_and_never_while_frozen():
    scenario = load_scenario(TINY)
    ticks = timeline(scenario)
    weth = [t for t in ticks if t.updated["WETH"]]
    assert ticks[0].updated["WETH"] and ticks[0].answer["WETH"] == 2000 * 10**8
    # flat for the first hour: only the 20-minute heartbeat publishes
    assert [t.t for t in weth if t.t <= 3600] == [0, 1200, 2400, 3600]
    # the crash: every 5-minute step moves more than 0.5%, so each publishes
    assert all(t.updated["WETH"] for t in ticks if 3600 < t.t <= 7200)
    frozen = [t for t in ticks if scenario.oracle.freeze.contains(t.t)]
    assert frozen and not any(t.updated["WBTC"] for t in frozen)


def test_oracle__clamps_answers():
    scenario = load_scenario(TINY)
    clamped = replace(scenario, oracle=replace(scenario.oracle, clamp={"WETH": (1500.0, 1e12)}, freeze=None))
    answers = [t.answer["WETH"] for t in timeline(clamped)]
    assert min(answers) == 1500 * 10**8
    markets = [t.market["WETH"] for t in timeline(clamped)]
    assert min(markets) == 900


def test_window():
    assert Window(10, 20).contains(10) and not Window(10, 20).contains(20)
