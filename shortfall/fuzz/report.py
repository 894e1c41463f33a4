"""`make fuzz`'s verdict on a run's statistics (reports/fuzz.json): prints them and fails unless the
run was not vacuous: at least 70% of steps changed state, at least 50 socializations the reserve covered
fully, 50 it covered in part, 20 liquidations below debt/collateral 1/(1 + bonus), at least 20 hits of
every row of the boundary table (each has a rule), at the boundary itself, and at least one run on every
market (the fuzzer's deployments, by feed decimals).

Run: python -m shortfall.fuzz.report [reports/fuzz.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shortfall.fuzz.boundaries import BOUNDARIES

REQUIREMENTS = {
    "state_change_ratio": 0.70,
    "socializations_fully_covered": 50,
    "socializations_partly_covered": 50,
    "liquidations_below_1_over_1_plus_bonus": 20,
}
# Rows of the boundary table with a boundary rule in tests/stateful/boundary_rules*.py, and the hits each
# needs exactly at its boundary in a `make fuzz` run.
# Every row of the boundary table has a rule.
BOUNDARY_RULES = tuple(row.id for row in BOUNDARIES)
BOUNDARY_HITS = 20


def verdict(stats: dict) -> list[str]:
    """The requirements the run missed."""
    missed = [
        f"{key}: {stats.get(key, 0)} < {minimum}"
        for key, minimum in REQUIREMENTS.items()
        if stats.get(key, 0) < minimum
    ]
    hits = stats.get("boundary_hits", {})
    missed += [
        f"{row} hits at the boundary: {hits.get(f'{row} at', 0)} < {BOUNDARY_HITS}"
        for row in BOUNDARY_RULES
        if hits.get(f"{row} at", 0) < BOUNDARY_HITS
    ]
    markets = stats.get("markets", {})
    if not markets:
        missed.append("no per-market counts in the report")
    missed += [f"market {name}: no runs" for name, counts in markets.items() if counts["runs"] == 0]
    return missed


def boundary_lines(stats: dict) -> list[str]:
    """One line per row of the boundary table: its hits below, at and above the boundary."""
    hits = stats.get("boundary_hits", {})
    lines = []
    for row in BOUNDARIES:
        sides = [hits.get(f"{row.id} {side}", 0) for side in ("below", "at", "above")]
        lines.append(f"  {row.id}  below {sides[0]:>5,}  at {sides[1]:>5,}  above {sides[2]:>5,}")
    return lines


def render(stats: dict) -> str:
    lines = [
        f"steps: {stats['steps']:,} in {stats['seconds']:,} s ({stats['steps_per_second']:,} steps/s)",
        f"state changes: {stats['state_changes']:,} ({100 * stats['state_change_ratio']:.1f}%)",
        f"socializations: {stats['socializations_fully_covered']} fully covered by the reserve, "
        f"{stats['socializations_partly_covered']} partly, {stats['socializations_uncovered']} not at all",
        f"liquidations below 1/(1 + bonus): {stats['liquidations_below_1_over_1_plus_bonus']}",
        "runs and steps by market (feed decimals of the loan asset, WETH, WBTC):",
        *[
            f"  {name:<22} {counts['runs']:>5,} runs {counts['steps']:>7,} steps"
            for name, counts in stats.get("markets", {}).items()
        ],
        "successful transactions by rule:",
        *[f"  {rule:<22} {count:>7,}" for rule, count in stats["successes_by_rule"].items()],
        "reverts (each predicted by the model) by error:",
        *[f"  {error:<34} {count:>7,}" for error, count in stats["reverts_by_error"].items()],
        "boundary hits (shortfall/fuzz/boundaries.py):",
        *boundary_lines(stats),
    ]
    return "\n".join(lines)


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "reports/fuzz.json")
    stats = json.loads(path.read_text())
    print(render(stats))
    missed = verdict(stats)
    for miss in missed:
        print(f"NON-VACUITY FAILED: {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
