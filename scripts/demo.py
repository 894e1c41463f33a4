"""`ape run demo`: a collateral crash on a local node, and who bears the loss."""

from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from scripts._common import is_local, out_dir_option
from shortfall.demo import render, run_demo, write


@click.command(cls=ConnectedProviderCommand)
@out_dir_option
@click.option("--report-dir", default="reports", show_default=True, type=click.Path(file_okay=False, path_type=Path))
def cli(provider, out_dir: Path, report_dir: Path) -> None:
    """Deploy, fund LPs and borrowers, crash WETH, liquidate, and print who bore the loss."""
    if not is_local(provider):
        raise click.UsageError("the demo mints mock tokens and moves settable feeds: run it on a local network")

    def progress(labels):
        return click.progressbar(labels, label="demo", item_show_func=lambda s: s or "", show_pos=True)

    result = run_demo(project, chain, list(accounts.test_accounts)[:10], out_dir, progress=progress, log=lambda m: None)
    click.echo("")
    click.echo(render(result))
    path = write(result, report_dir)
    click.echo(f"Written: {path} and {path.with_suffix('.json')}")
    if not all(result.checks().values()):
        raise SystemExit(1)
