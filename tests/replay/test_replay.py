"""Replays end to end on Anvil: the chain and model engines agree exactly, the summary is a function
of the CSV files, the run folder is complete, and a malformed scenario deploys nothing."""

import json
from pathlib import Path

import click
import pytest

from shortfall.replay.cli import replay_command, sweep_command
from shortfall.replay.scenario import ScenarioError, apply_overrides, load_scenario
from shortfall.replay.summary import comparable, read_csv, summarize
from shortfall.replay.sweep import make_grid, parse_param, verify_sample

TINY = Path(__file__).parent / "data" / "tiny.yaml"
CHARTS = ("prices.png", "bad_debt.png", "lp_losses.png", "health_factors.png")


@pytest.fixture(scope="module")
def tiny_run(project, accounts, chain, tmp_path_factory):
    """`ape run replay tests/replay/data/tiny.yaml --out DIR`, as the script runs it."""
    out = tmp_path_factory.mktemp("replay") / "tiny"
    summary = replay_command(TINY, out, "chain", project, accounts[0], chain.provider, True, True)
    return out, summary


def test_replay__writes_the_run_folder(tiny_run):
    out, _ = tiny_run
    for name in ("report.md", "steps.csv", "lps.csv", "summary.json", *CHARTS):
        assert (out / name).stat().st_size > 0, name
    report = (out / "report.md").read_text()
    for caption_column in ("`bad_debt_total`", "`share_price`", "`reserve_assets`", "`hf_0_1`"):
        assert caption_column in report
    assert "interpolated steps" in report


def test_replay__chain_and_model_engines_agree_exactly(tiny_run):
    out, summary = tiny_run
    assert read_csv(out / "steps.csv") == read_csv(out / "model-engine" / "steps.csv")
    assert read_csv(out / "lps.csv") == read_csv(out / "model-engine" / "lps.csv")
    assert summary["run"]["measures"]["engines_agree"] is True


def test_summary__recomputed_from_steps_csv_equals_the_model_engine(tiny_run):
    out, _ = tiny_run
    scenario = load_scenario(TINY)
    recomputed = summarize(read_csv(out / "steps.csv"), read_csv(out / "lps.csv"), scenario)
    model_summary = json.loads((out / "model-engine" / "summary.json").read_text())
    assert recomputed == comparable(model_summary)


def test_replay__the_crash_happens_and_is_accounted(tiny_run):
    out, summary = tiny_run
    steps = read_csv(out / "steps.csv")
    assert summary["bad_debt"] > summary["initial_reserve"] > 0
    assert summary["bad_debt"] == summary["socialized_loss"] + summary["reserve_paid_for_collateral"]
    assert summary["socialized_loss"] == summary["covered_by_reserve"] + summary["lp_loss"]
    assert summary["liquidations"] > 0
    assert any(r["keepers_on"] == "0" for r in steps)  # the outage
    assert any(int(r["unpriced"]) > 0 for r in steps)  # the frozen WBTC feed went stale
    assert any(r["WETH_src"] == "I" for r in steps)
    changes = {lp["change_ppm"] for lp in summary["per_lp"]}
    assert max(changes) - min(changes) <= 1  # pro rata: every LP the same fraction (to rounding)


def test_replay__resend_baseline_reproduced_the_run(tiny_run):
    _, summary = tiny_run
    measures = summary["run"]["measures"]
    assert measures["resend"]["transactions"] == summary["run"]["transactions"]
    assert measures["resend"]["resend_s"] > 0 and measures["model_speedup"] > 1


def test_replay__malformed_scenario_deploys_nothing(project, accounts, chain, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.read_text().replace("step: 5 min", "step: 5"))
    deployer = accounts[0]
    nonce = deployer.nonce
    with pytest.raises(click.ClickException, match=r"bad\.yaml:\d+: step: bad units"):
        replay_command(bad, tmp_path / "out", "chain", project, deployer, chain.provider, True, True)
    assert deployer.nonce == nonce
    assert not (tmp_path / "out").exists()


def test_sweep__grid_on_local_dask_cluster_verified_on_chain(project, accounts, chain, tmp_path):
    out = tmp_path / "sweep"
    params = ["liquidation_threshold=0.78:0.80:0.02", "reserve_factor=0.1,0.2"]
    checks = sweep_command(TINY, params, out, None, 2, 1, project, accounts[0], chain.provider)
    assert checks == {0: True}
    rows = read_csv(out / "sweep.csv")
    assert len(rows) == 4
    assert {r["verified_on_chain"] for r in rows} == {"equal", ""}
    for name in ("sweep.md", "sweep.json", "heatmap_lp_haircut.png", "heatmap_reserve_burned.png"):
        assert (out / name).stat().st_size > 0


def test_sweep__params_parse_and_fail_clearly():
    assert parse_param("liquidation_threshold=0.70:0.85:0.05") == ("liquidation_threshold", [0.7, 0.75, 0.8, 0.85])
    assert parse_param("reserve_factor=0.1,0.2") == ("reserve_factor", [0.1, 0.2])
    assert len(make_grid(["close_factor=0.5,1", "slippage=0.01:0.03:0.01"]).cells) == 6
    assert verify_sample(make_grid(["close_factor=0.1:0.9:0.1"]), 3) == [0, 4, 8]
    with pytest.raises(ScenarioError, match="unknown parameter"):
        parse_param("ltv=0.5")
    scenario = load_scenario(TINY)
    assert apply_overrides(scenario, {"seed": 8}).population.seed == 8
    assert (
        apply_overrides(scenario, {"liquidation_threshold": 0.78}).collaterals["WBTC"].liquidation_threshold
        == 78 * 10**16
    )
    with pytest.raises(ScenarioError, match="whole number"):
        apply_overrides(scenario, {"seed": 1.5})
    with pytest.raises(ScenarioError, match="max LTV would exceed its LT"):
        apply_overrides(scenario, {"liquidation_threshold": 0.72})
    with pytest.raises(ScenarioError, match="start ≤ stop"):
        parse_param("close_factor=0.9:0.1:0.1")


def test_replay__model_engine_alone_writes_the_same_summary(tiny_run, project, accounts, chain, tmp_path):
    out, chain_summary = tiny_run
    summary = replay_command(TINY, tmp_path / "model", "model", project, accounts[0], chain.provider, True, False)
    assert summary["run"]["engine"] == "model" and summary["run"]["measures"] == {}
    assert comparable(summary) == comparable(chain_summary)
    assert read_csv(tmp_path / "model" / "steps.csv") == read_csv(out / "steps.csv")
    assert not (tmp_path / "model" / "prices.png").exists()  # --no-charts


def test_sweep__runs_on_an_existing_scheduler(project, accounts, chain, tmp_path):
    """--scheduler: the same code path on a cluster it did not start (here an in-process one)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        params = ["close_factor=0.5,1.0"]
        checks = sweep_command(
            TINY, params, tmp_path, cluster.scheduler_address, None, 0, project, accounts[0], chain.provider
        )
        assert checks == {}
        assert cluster.scheduler.status.name == "running"  # the sweep closed its client, not the cluster
    rows = read_csv(tmp_path / "sweep.csv")
    assert [r["close_factor"] for r in rows] == ["0.5", "1.0"]
