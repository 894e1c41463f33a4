"""`ape run gas`: the gas table, printed and written to reports/gas.{md,json}."""

import subprocess
from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from shortfall.bench.gas import build_bench, code_sizes, measure_all, write_report


@click.command(cls=ConnectedProviderCommand)
@click.option("--decimals", default=6, show_default=True, help="Loan asset decimals.")
@click.option("--out", default="reports", show_default=True, type=click.Path(path_type=Path))
def cli(decimals: int, out: Path) -> None:
    """Measure receipt gasUsed of deposit, withdraw, borrow, repay and liquidations in the steady state, and
    every contract's runtime code size."""
    anvil = subprocess.run(["anvil", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    click.echo("Building the steady state ...")
    bench = build_bench(project, chain, accounts.test_accounts, decimals)
    rows = measure_all(bench)
    path = write_report(rows, out, anvil.replace("anvil Version: ", ""), code_sizes(project))
    click.echo(path.read_text())
    click.echo(f"Written: {path} and {path.with_suffix('.json')}")
