"""`ape run deploy`: deploy Shortfall to the connected network and record it in deployments/<network>.json."""

from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand, account_option
from ape.exceptions import AccountsError

from scripts._common import is_local, out_dir_option
from shortfall.chain.deployment import DeploymentError, deploy_network
from shortfall.chain.network import ConfigError


@click.command(cls=ConnectedProviderCommand)
@account_option(prompt=False)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Deployment config (default: deploy/<network>.yaml; not used on local networks).",
)
@click.option("--redeploy", is_flag=True, help="Deploy anew even if the recorded deployment still exists.")
@click.option(
    "--autosign",
    is_flag=True,
    help="Sign without prompting; the passphrase comes from APE_ACCOUNTS_<alias>_PASSPHRASE.",
)
@out_dir_option
def cli(provider, account, config_path: Path | None, redeploy: bool, autosign: bool, out_dir: Path) -> None:
    """Deploy LendingPool, LPToken and ReserveFund (and, on a local network, mock tokens and feeds)."""
    local = is_local(provider)
    if account is None:
        if not local:
            raise click.UsageError(
                "--account ALIAS is required on a non-local network (an ape account; see `ape accounts`)."
            )
        account = accounts.test_accounts[0]
    if autosign:
        try:
            account.set_autosign(True)
        except (AccountsError, AttributeError) as err:
            raise click.ClickException(f"cannot autosign with {account}: {err}") from err
    network = provider.network.name
    click.echo(f"Deploying to {provider.network.choice} (chain id {chain.chain_id}) from {account.address}")
    try:
        record, created = deploy_network(
            project,
            chain,
            account,
            network,
            out_dir,
            is_local=local,
            accounts=list(accounts.test_accounts)[:10] if local else None,
            config_path=config_path,
            redeploy=redeploy,
            log=click.echo,
        )
    except (ConfigError, DeploymentError) as err:
        raise click.ClickException(str(err)) from err
    click.echo(("Deployed" if created else "Unchanged") + f": LendingPool {record.address('LendingPool')}")
