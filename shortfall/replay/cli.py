"""What `ape run replay` does, outside the thin click script: load, run, measure, write, print."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from shortfall.chain.rpc import provider_url
from shortfall.replay.driver import ReplayResult, run_replay
from shortfall.replay.engines import ChainEngine, ModelEngine
from shortfall.replay.market import timeline
from shortfall.replay.scenario import Scenario, ScenarioError, load_scenario
from shortfall.replay.summary import comparable, summary_of, write_run


def load_or_exit(path: Path, overrides: dict[str, float] | None = None) -> Scenario:
    try:
        return load_scenario(path, overrides)
    except ScenarioError as err:
        raise click.ClickException(str(err)) from None


def run_chain(scenario: Scenario, project: Any, deployer: Any, provider: Any, progress: bool) -> ChainEngine:
    engine = ChainEngine(scenario, project, deployer, provider_url(provider))
    engine.deploy(timeline(scenario)[0].answer)
    engine.result = run_replay(scenario, engine, progress=progress)
    return engine


def replay_command(
    path: Path,
    out: Path | None,
    engine_name: str,
    project: Any,
    deployer: Any,
    provider: Any,
    baseline: bool,
    charts: bool,
) -> dict[str, Any]:
    """Runs one scenario; with the chain engine, also runs the model engine and the resend baseline and
    fails unless the two engines' summaries are equal."""
    from shortfall.replay.report import render_summary, write_report

    scenario = load_or_exit(path)
    out = out or Path("runs") / f"{scenario.name}-{engine_name}"
    measures: dict[str, Any] = {}
    model_result = _timed_model(scenario)
    if engine_name == "chain":
        try:
            chain = run_chain(scenario, project, deployer, provider, progress=True)
        except ScenarioError as err:
            raise click.ClickException(str(err)) from None
        result: ReplayResult = chain.result
        if baseline:
            measures["resend"] = chain.resend_baseline()
            measures["efficiency"] = measures["resend"]["resend_s"] / result.wall_s
        measures["model_wall_s"] = model_result.wall_s
        measures["model_speedup"] = result.wall_s / model_result.wall_s
    else:
        result = model_result
    summary = write_run(result, out)
    if engine_name == "chain":
        model_dir = out / "model-engine"
        model_summary = write_run(model_result, model_dir)
        measures["engines_agree"] = comparable(model_summary) == comparable(summary)
    summary["run"]["measures"] = measures
    write_report(result, summary, out, charts=charts)
    click.echo(render_summary(summary, out))
    if measures.get("engines_agree") is False:
        raise click.ClickException(f"the chain and model engines disagree: compare {out}/summary.json and {model_dir}")
    return summary


def _timed_model(scenario: Scenario) -> ReplayResult:
    """The model engine on the same scenario; its wall time covers the same work as the chain engine's
    (setup and walk, from the first setup block to the last step), as `run_replay` measures both."""
    return run_replay(scenario, ModelEngine(scenario))


def sweep_command(
    path: Path,
    params: list[str],
    out: Path | None,
    scheduler: str | None,
    workers: int | None,
    verify: int,
    project: Any,
    deployer: Any,
    provider: Any,
) -> dict[int, bool]:
    """Runs the grid on Dask, re-runs `verify` cells on chain, writes the sweep folder; fails if a
    verified cell's chain summary differs from its model summary."""
    from shortfall.replay.scenario import apply_overrides
    from shortfall.replay.sweep import make_grid, run_grid, validate_grid, verify_sample, write_sweep

    scenario = load_or_exit(path)
    try:
        grid = make_grid(params)
        validate_grid(scenario, grid)
    except ScenarioError as err:
        raise click.ClickException(str(err)) from None
    out = out or Path("runs") / f"sweep-{scenario.name}"
    where = scheduler or f"a local Dask cluster ({workers or 'one worker per CPU'})"
    click.echo(f"{len(grid.cells)} cells of {scenario.name} on {where}")
    started = time.perf_counter()
    summaries = run_grid(scenario, grid, scheduler, workers, progress=True)
    click.echo(f"grid done in {time.perf_counter() - started:.1f} s")
    checks: dict[int, bool] = {}
    for index in verify_sample(grid, verify):
        cell = grid.cells[index]
        variant = apply_overrides(scenario, cell)
        chain = run_chain(variant, project, deployer, provider, progress=False)
        checks[index] = comparable(summary_of(chain.result)) == summaries[index]
        click.echo(f"cell {index} {cell}: chain {'equals' if checks[index] else 'DIFFERS FROM'} model")
    table = write_sweep(scenario, grid, summaries, out, checks)
    click.echo(table.read_text())
    click.echo(f"Written: {out}/sweep.csv, sweep.json, sweep.md, heatmap_lp_haircut.png, heatmap_reserve_burned.png")
    if not all(checks.values()):
        raise click.ClickException("a cell re-run on chain differs from the model engine")
    return checks
