"""`ape run sweep SCENARIO --param name=start:stop:step ...`: a parameter grid on Dask (model engine),
with `--verify N` cells re-run on chain."""

from pathlib import Path

import click
from ape import accounts, project
from ape.cli import ConnectedProviderCommand

from scripts._common import is_local
from shortfall.replay.cli import sweep_command


@click.command(cls=ConnectedProviderCommand)
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--param", "params", multiple=True, required=True, help="name=start:stop:step or name=v1,v2 (repeat).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder (default runs/sweep-<name>).")
@click.option("--scheduler", help="Address of an existing Dask scheduler (default: a local cluster).")
@click.option("--workers", type=int, help="Local cluster size (default: one per CPU).")
@click.option(
    "--verify", type=int, default=0, show_default=True, help="Cells to re-run on chain; fails if any differs."
)
def cli(provider, scenario: Path, params, out, scheduler, workers, verify: int) -> None:
    """Sweep SCENARIO over a grid of parameters; writes sweep.csv, sweep.md, sweep.json and heatmaps."""
    if verify and not is_local(provider):
        raise click.UsageError("--verify replays cells on chain with mock tokens: use a local network")
    sweep_command(scenario, list(params), out, scheduler, workers, verify, project, accounts.test_accounts[0], provider)
