"""Parameter sweeps: a grid of scenario variants on the model engine, spread over a Dask cluster (a
local one sized to the machine, or an existing scheduler), with a sample of cells re-run on chain.

Each cell is one `run_replay` on the model engine of the scenario with the cell's overrides
(shortfall.replay.scenario.OVERRIDABLE). The scenario travels to the workers as a pickled object, price data
included, so a remote cluster needs the `shortfall` package installed but not the scenario files.
"""

from __future__ import annotations

import itertools
import json
import os
import site
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from shortfall.replay.driver import run_replay
from shortfall.replay.engines import ModelEngine
from shortfall.replay.scenario import OVERRIDABLE, Scenario, ScenarioError, apply_overrides
from shortfall.replay.summary import comparable, summary_of, write_csv

METRICS = (
    "bad_debt",
    "lp_haircut_ppm",
    "reserve_burned",
    "lp_loss",
    "covered_by_reserve",
    "reserve_paid_for_collateral",
    "liquidations",
    "realizations",
    "final_unrealized_shortfall_market",
)


@dataclass(frozen=True)
class Grid:
    names: tuple[str, ...]
    cells: tuple[dict[str, float], ...]


def parse_param(text: str) -> tuple[str, list[float]]:
    """'liquidation_threshold=0.70:0.85:0.05' (start:stop:step, stop included) or 'reserve_factor=0.1,0.2'."""
    if "=" not in text:
        raise ScenarioError(f"--param {text!r}: expected name=start:stop:step or name=v1,v2,...")
    name, spec = (part.strip() for part in text.split("=", 1))
    if name not in OVERRIDABLE:
        raise ScenarioError(f"--param {name}: unknown parameter (one of: {', '.join(OVERRIDABLE)})")
    try:
        if ":" in spec:
            start, stop, step = (Decimal(v) for v in spec.split(":"))
            if step <= 0 or stop < start:
                raise ScenarioError(f"--param {name}: need start ≤ stop and step > 0, got {spec}")
            count = int((stop - start) / step) + 1
            values = [float(start + step * i) for i in range(count)]
        else:
            values = [float(Decimal(v)) for v in spec.split(",")]
    except ArithmeticError:
        raise ScenarioError(f"--param {name}: not numbers: {spec!r}") from None
    if not values:
        raise ScenarioError(f"--param {name}: no values")
    return name, values


def make_grid(params: list[str]) -> Grid:
    parsed = [parse_param(p) for p in params]
    names = tuple(name for name, _ in parsed)
    if len(set(names)) != len(names):
        raise ScenarioError("--param: a parameter is given twice")
    cells = tuple(dict(zip(names, combo, strict=True)) for combo in itertools.product(*(v for _, v in parsed)))
    return Grid(names, cells)


def validate_grid(scenario: Scenario, grid: Grid) -> None:
    """Every cell's overrides are applied once here, so that a bad cell fails before any work starts."""
    for cell in grid.cells:
        apply_overrides(scenario, cell)


def run_cell(scenario: Scenario, overrides: dict[str, float]) -> dict[str, Any]:
    """One cell on the model engine: its comparable summary."""
    variant = apply_overrides(scenario, overrides)
    return comparable(summary_of(run_replay(variant, ModelEngine(variant))))


def run_grid(scenario: Scenario, grid: Grid, scheduler: str | None, workers: int | None, progress: bool) -> list[dict]:
    """Every cell on Dask; results in grid order."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        workers = workers or os.cpu_count() or 1
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        # Local workers import `shortfall` from this checkout to unpickle the scenario (a remote
        # cluster's workers need the package installed instead).
        client.run(site.addsitedir, str(Path(__file__).resolve().parents[2]))
    try:
        shared = client.scatter(scenario, broadcast=True)
        futures = [client.submit(run_cell, shared, cell, pure=False) for cell in grid.cells]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[dict | None] = [None] * len(futures)
        done = as_completed(futures)
        if progress:
            from tqdm import tqdm

            done = tqdm(done, total=len(futures), desc="sweep", unit="cell", disable=None)
        for future in done:
            results[index[future.key]] = future.result()
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def verify_sample(grid: Grid, count: int) -> list[int]:
    """`count` cell indexes spread evenly over the grid (first and last included)."""
    n = len(grid.cells)
    if count <= 0:
        return []
    if count >= n:
        return list(range(n))
    if count == 1:
        return [0]
    return sorted({round(i * (n - 1) / (count - 1)) for i in range(count)})


def write_sweep(scenario: Scenario, grid: Grid, summaries: list[dict], out: Path, checks: dict[int, bool]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, (cell, summary) in enumerate(zip(grid.cells, summaries, strict=True)):
        row: dict[str, Any] = dict(cell)
        row.update({m: summary[m] for m in METRICS})
        row["lp_haircut_pct"] = summary["lp_haircut_ppm"] / 1e4
        row["verified_on_chain"] = {True: "equal", False: "DIFFERS"}.get(checks.get(i), "")
        rows.append(row)
    write_csv(out / "sweep.csv", rows)
    (out / "sweep.json").write_text(json.dumps({"scenario": scenario.name, "cells": rows}, indent=2) + "\n")
    draw_heatmaps(grid, rows, out, scenario)
    table = render_table(grid, rows, scenario)
    (out / "sweep.md").write_text(table)
    return out / "sweep.md"


def render_table(grid: Grid, rows: list[dict], scenario: Scenario) -> str:
    d = 10**scenario.loan.decimals
    head = [*grid.names, "bad debt", "LP haircut %", "reserve burned", "liquidations", "on chain"]
    lines = [f"# Sweep of {scenario.name}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        values = [f"{row[n]:g}" for n in grid.names]
        values += [
            f"{row['bad_debt'] / d:,.0f}",
            f"{row['lp_haircut_pct']:.4f}",
            f"{row['reserve_burned'] / d:,.0f}",
            str(row["liquidations"]),
            row["verified_on_chain"],
        ]
        lines.append("| " + " | ".join(values) + " |")
    lines += ["", f"Amounts in {scenario.loan.symbol}. Charts: heatmap_lp_haircut.png, heatmap_reserve_burned.png."]
    return "\n".join(lines) + "\n"


def draw_heatmaps(grid: Grid, rows: list[dict], out: Path, scenario: Scenario) -> None:
    """LP haircut and reserve burned over the first two parameters (a line chart for one parameter);
    with more than two, each chart cell shows the mean over the others."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    d = 10**scenario.loan.decimals
    for metric, label, scale in (
        ("lp_haircut_pct", "LP haircut (%)", 1.0),
        ("reserve_burned", f"reserve burned ({scenario.loan.symbol})", 1 / d),
    ):
        fig, ax = plt.subplots(figsize=(7, 5))
        x_name = grid.names[0]
        xs = sorted({r[x_name] for r in rows})
        if len(grid.names) == 1:
            ax.plot(xs, [next(r[metric] for r in rows if r[x_name] == x) * scale for x in xs], marker="o")
            ax.set_xlabel(x_name)
            ax.set_ylabel(label)
        else:
            y_name = grid.names[1]
            ys = sorted({r[y_name] for r in rows})
            values = np.zeros((len(ys), len(xs)))
            for j, y in enumerate(ys):
                for i, x in enumerate(xs):
                    picked = [r[metric] * scale for r in rows if r[x_name] == x and r[y_name] == y]
                    values[j, i] = sum(picked) / len(picked)
            image = ax.imshow(values, origin="lower", aspect="auto", cmap="Reds")
            ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs])
            ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys])
            ax.set_xlabel(x_name)
            ax.set_ylabel(y_name)
            for j in range(len(ys)):
                for i in range(len(xs)):
                    ax.text(i, j, f"{values[j, i]:,.3g}", ha="center", va="center", fontsize=7)
            fig.colorbar(image, label=label)
        ax.set_title(f"{scenario.name}: {label} (sweep.csv `{metric}`)")
        fig.tight_layout()
        name = "heatmap_lp_haircut.png" if metric == "lp_haircut_pct" else "heatmap_reserve_burned.png"
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
