"""The market and the oracle: what the price is at each step, and what the feed says.

The market price of an asset at a step is its price path read at that time (a point, or interpolated
between points: source code "I"). The feed follows the market like a Chainlink aggregator: it
publishes a new answer when the market moved at least `deviation` from the last answer or when
`heartbeat` has passed since it, never during a freeze window, and clamped to the aggregator's
[min, max] bounds (the LUNA failure: the market fell below the floor and the feed stayed there).
Answers have 8 decimals, rounded to the nearest unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from shortfall.chain.deploy import to_answer
from shortfall.constants import WAD
from shortfall.replay.scenario import Scenario


@dataclass(frozen=True)
class Tick:
    """One step of the timeline: seconds from the start, and per asset the market price, its source
    code, the feed answer after this step, and whether the feed published at this step."""

    step: int
    t: int
    market: dict[str, float]
    src: dict[str, str]
    answer: dict[str, int]
    updated: dict[str, bool]
    gas_gwei: float
    native_price: float


def timeline(scenario: Scenario) -> list[Tick]:
    """Every step from 0 (the setup, all feeds published) to the end."""
    oracle = scenario.oracle
    last_answer: dict[str, int] = {}
    last_time: dict[str, int] = {}
    ticks = []
    for step in range(scenario.steps + 1):
        t = step * scenario.step
        hours = t / 3600
        market, src, answer, updated = {}, {}, {}, {}
        for symbol, asset in scenario.assets.items():
            price, code = asset.price.at(hours)
            market[symbol], src[symbol] = price, code
            low, high = oracle.clamp.get(symbol, (0.0, float("inf")))
            candidate = max(to_answer(min(max(price, low), high)), 1)
            frozen = oracle.freeze is not None and oracle.freeze.contains(t) and symbol in oracle.freeze_assets
            publish = step == 0 or (
                not frozen
                and (
                    t - last_time[symbol] >= oracle.heartbeat
                    or abs(candidate - last_answer[symbol]) * WAD >= oracle.deviation * last_answer[symbol]
                )
            )
            if publish:
                last_answer[symbol], last_time[symbol] = candidate, t
            answer[symbol], updated[symbol] = last_answer[symbol], publish
        gas, _ = scenario.keepers.gas_price_gwei.at(hours)
        native = scenario.keepers.native_price
        native_price = market[native] if isinstance(native, str) else float(native)
        ticks.append(Tick(step, t, market, src, answer, updated, gas, native_price))
    return ticks
