"""A run's files: steps.csv (one row per step), lps.csv (each LP's deposit and shares) and summary.json.

The summary is computed from the two CSV files alone (`summarize`), so anyone can recompute it from a
run folder, and both engines' summaries can be compared field by field. Amounts are integers in token
units (loan asset: `loan_decimals`; values: 1e18 per quote unit), as the contracts hold them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from shortfall.model import to_assets_down
from shortfall.replay.driver import ReplayResult


def write_run(result: ReplayResult, out: Path) -> dict[str, Any]:
    """Writes steps.csv, lps.csv and summary.json into `out`; returns the summary."""
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "steps.csv", result.rows)
    lps = [{"name": lp.name, "deposit": lp.assets, "shares": result.lp_shares[lp.name]} for lp in result.population.lps]
    write_csv(out / "lps.csv", lps)
    summary = summarize(read_csv(out / "steps.csv"), read_csv(out / "lps.csv"), result.scenario)
    summary["run"] = run_info(result)
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def run_info(result: ReplayResult) -> dict[str, Any]:
    return {
        "engine": result.engine,
        "wall_s": round(result.wall_s, 3),
        "transactions": result.transactions,
        "blocks": result.blocks,
        "borrowers": len(result.population.borrowers),
        "lps": len(result.population.lps),
        "timing_s": {k: round(v, 3) for k, v in result.timing.items()},
    }


def summarize(steps: list[dict[str, str]], lps: list[dict[str, str]], scenario: Any) -> dict[str, Any]:
    """Who bore what, from steps.csv and lps.csv (as read back, strings)."""
    first, last = steps[0], steps[-1]

    def i(row: dict[str, str], key: str) -> int:
        return int(row[key])

    loan = scenario.loan
    bad_debt = i(last, "bad_debt_total")
    socialized = i(last, "socialized_total")
    covered = i(last, "covered_by_reserve_total")
    lp_loss = i(last, "lp_loss_total")
    reserve_paid = i(last, "reserve_paid_total")
    reserve0 = i(first, "reserve_assets")
    lp_assets0 = i(first, "total_assets") - reserve0
    total_assets, total_shares = i(last, "total_assets"), i(last, "total_shares")

    def first_hours(key: str) -> float | None:
        for row in steps:
            if int(row[key]) > 0:
                return float(row["hours"])
        return None

    per_lp = []
    for lp in lps:
        deposit, shares = int(lp["deposit"]), int(lp["shares"])
        final = to_assets_down(shares, total_assets, total_shares)
        per_lp.append(
            {
                "name": lp["name"],
                "deposit": deposit,
                "final_assets": final,
                "change": final - deposit,
                "change_ppm": (final - deposit) * 10**6 // deposit if deposit else 0,
            }
        )
    interpolated = {}
    for symbol in scenario.assets:
        codes: dict[str, int] = {}
        for row in steps:
            codes[row[f"{symbol}_src"]] = codes.get(row[f"{symbol}_src"], 0) + 1
        interpolated[symbol] = {"steps_by_source": dict(sorted(codes.items())), "interpolated_steps": codes.get("I", 0)}
    return {
        "scenario": scenario.name,
        "loan_asset": loan.symbol,
        "loan_decimals": loan.decimals,
        "steps": len(steps) - 1,
        "hours": float(last["hours"]),
        "initial_reserve": reserve0,
        "initial_lp_assets": lp_assets0,
        "initial_share_price": i(first, "share_price"),
        "final_share_price": i(last, "share_price"),
        "final_reserve": i(last, "reserve_assets"),
        "bad_debt": bad_debt,
        "socialized_loss": socialized,
        "covered_by_reserve": covered,
        "lp_loss": lp_loss,
        "reserve_paid_for_collateral": reserve_paid,
        "reserve_burned": covered + reserve_paid,
        "bad_debt_exceeds_initial_reserve": bad_debt > reserve0,
        "lp_haircut_ppm": lp_loss * 10**6 // lp_assets0 if lp_assets0 else 0,
        "reserve_share_of_bad_debt_ppm": (covered + reserve_paid) * 10**6 // bad_debt if bad_debt else 0,
        "liquidations": sum(i(r, "liquidations") for r in steps),
        "realizations": sum(i(r, "realizations") for r in steps),
        "failed_actions": sum(i(r, "failed_actions") for r in steps),
        "first_bad_debt_hours": first_hours("bad_debt_total"),
        "first_lp_loss_hours": first_hours("lp_loss_total"),
        "max_liquidatable": max(i(r, "liquidatable") for r in steps),
        "final_positions": i(last, "positions"),
        "final_unrealized_shortfall_market": float(last["shortfall_market"]),
        "per_lp": per_lp,
        "price_sources": interpolated,
    }


def summary_of(result: ReplayResult) -> dict[str, Any]:
    """The summary `write_run` would write, without files (rows as the CSV would hold them)."""
    steps = [{k: str(v) for k, v in row.items()} for row in result.rows]
    lps = [
        {"name": lp.name, "deposit": str(lp.assets), "shares": str(result.lp_shares[lp.name])}
        for lp in result.population.lps
    ]
    return summarize(steps, lps, result.scenario)


def comparable(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary without the run's own facts (engine, timings): what two engines must agree on."""
    return {k: v for k, v in summary.items() if k != "run"}
