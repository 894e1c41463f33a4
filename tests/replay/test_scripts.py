"""The thin `ape run replay` and `ape run sweep` scripts, run as a user runs them: a subprocess on a
node of its own (APE_FOUNDRY_HOST on a spare port, started and stopped by ape-foundry)."""

import os
import subprocess
import sys
from pathlib import Path

TINY = Path(__file__).parent / "data" / "tiny.yaml"
APE = str(Path(sys.executable).parent / "ape")


def ape_run(*args: str, port: int = 8551) -> subprocess.CompletedProcess:
    env = os.environ | {"APE_FOUNDRY_HOST": f"http://127.0.0.1:{port}"}
    command = [APE, "run", *args, "--network", "ethereum:local:foundry"]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)


def test_replay_script__writes_the_run_and_prints_the_summary(tmp_path):
    done = ape_run("replay", str(TINY), "--out", str(tmp_path / "run"), "--no-charts")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bad debt            51,697.11 USDC" in done.stdout
    assert "engines agree: yes" in done.stdout
    assert {p.name for p in (tmp_path / "run").iterdir()} == {
        "report.md", "steps.csv", "lps.csv", "summary.json", "model-engine",
    }  # fmt: skip


def test_replay_script__malformed_scenario_exits_1_naming_file_line_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.read_text().replace("step: 5 min", "step: 5"))
    done = ape_run("replay", str(bad), "--out", str(tmp_path / "run"))
    assert done.returncode == 1
    assert f"{bad}:11: step: bad units" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "run").exists()


def test_sweep_script__grid_on_dask(tmp_path):
    done = ape_run("sweep", str(TINY), "--param", "close_factor=0.5,1", "--workers", "1", "--out", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 cells of tiny on a local Dask cluster (1)" in done.stdout
    assert (tmp_path / "sweep.csv").read_text().count("\n") == 3
