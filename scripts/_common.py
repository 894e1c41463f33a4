"""Shared click options of the scripts (the leading underscore keeps it out of `ape run`'s list)."""

from pathlib import Path

import click

out_dir_option = click.option(
    "--out-dir",
    default="deployments",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of deployments/<network>.json.",
)


def is_local(provider) -> bool:
    """Local networks get mock tokens, settable feeds and funded test accounts."""
    return provider.network.name == "local"
