"""`ape run verify-deployment`: re-read a recorded deployment over plain JSON-RPC; fail on any mismatch."""

from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand

from scripts._common import out_dir_option
from shortfall.chain.deployment import DeploymentError, DeploymentRecord, record_path, verify_record
from shortfall.chain.rpc import Rpc, provider_url


@click.command(cls=ConnectedProviderCommand)
@click.option(
    "--file",
    "file_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record to verify (default: <out-dir>/<network>.json).",
)
@out_dir_option
def cli(provider, file_path: Path | None, out_dir: Path) -> None:
    """Check code, parameters, owners and wiring of LendingPool, LPToken and ReserveFund against the record."""
    path = file_path or record_path(out_dir, provider.network.name)
    if not path.exists():
        raise click.ClickException(f"{path}: no deployment recorded for {provider.network.name}")
    try:
        record = DeploymentRecord.load(path)
    except DeploymentError as err:
        raise click.ClickException(str(err)) from err
    problems = verify_record(record, Rpc(provider_url(provider)))
    if problems:
        click.echo(f"{path}: {len(problems)} mismatch(es):", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1)
    click.echo(
        f"{path}: verified: code, owners, wiring and parameters all match (LendingPool {record.address('LendingPool')})"
    )
