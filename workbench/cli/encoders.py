"""`workbench encoder [NAME]`: show the project's sentence encoder and the registered ones, or choose one."""

from __future__ import annotations

import click

from workbench.cli._common import cli, json_output, print_table, project_of


def _print_overview(overview) -> None:
    click.echo(f"Encoder: {overview['current']} (new projects start with {overview['default']}).")
    print_table(["encoder", "dim", "installed", "cached segments", "notes"],
                [[("* " if e["current"] else "") + e["name"], str(e["dim"]), "yes" if e["installed"] else "no",
                  str(e["cached_segments"]), e["note"] if e["installed"] else e["install"]]
                 for e in overview["encoders"]])


@cli.command("encoder")
@click.argument("name", required=False)
@json_output(text=_print_overview)
@click.pass_context
def encoder(ctx, name):
    """Show the project's sentence encoder and the registered ones, or choose NAME (vectors are cached per encoder:
    switching back reuses them)."""
    from workbench.embeddings.encoders import encoder_overview, set_project_encoder

    db = project_of(ctx).db
    return set_project_encoder(db, name) if name else encoder_overview(db)
