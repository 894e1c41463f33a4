"""`ape run replay SCENARIO`: a crash scenario walked on a local Anvil (or on the reference model)."""

from pathlib import Path

import click
from ape import accounts, project
from ape.cli import ConnectedProviderCommand

from scripts._common import is_local
from shortfall.replay.cli import replay_command


@click.command(cls=ConnectedProviderCommand)
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Run folder (default runs/<name>-<engine>)."
)
@click.option("--engine", type=click.Choice(["chain", "model"]), default="chain", show_default=True)
@click.option("--no-baseline", is_flag=True, help="Skip the pre-signed resend that measures engine efficiency.")
@click.option("--no-charts", is_flag=True, help="Write the CSV, JSON and Markdown only.")
def cli(provider, scenario: Path, out: Path | None, engine: str, no_baseline: bool, no_charts: bool) -> None:
    """Replay SCENARIO (a scenarios/*.yaml file) and write report.md, steps.csv, summary.json and charts."""
    if engine == "chain" and not is_local(provider):
        raise click.UsageError("the chain engine mints mock tokens and moves settable feeds: use a local network")
    replay_command(scenario, out, engine, project, accounts.test_accounts[0], provider, not no_baseline, not no_charts)
