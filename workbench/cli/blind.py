"""`workbench blind on|off|status` and `workbench leads NAME...`: blind coding and the coders who lead it."""

from __future__ import annotations

import click

from workbench.cli._common import cli, coder_option, json_output, project_of


def _print_status(status) -> None:
    click.echo(f"Blind coding: {'on' if status['blind'] else 'off'}.")
    click.echo(f"Leads: {', '.join(status['leads']) or 'none named'}.")
    if status["own_only"]:
        click.echo(f"{status['viewer']} sees only their own codings.")


@cli.command("blind")
@click.argument("state", type=click.Choice(["on", "off", "status"]), default="status")
@coder_option("Who turns it on or off (a lead, once leads are named).")
@json_output(text=_print_status)
@click.pass_context
def blind(ctx, state, coder):
    """Blind coding: while on, a coder who is not a lead sees only their own codings and no agreement figures."""
    project = project_of(ctx, viewer=coder)
    if state != "status":
        project.codings.set_blind(state == "on", by=project.viewer)
    return project.codings.blind()


@cli.command("leads")
@click.argument("names", nargs=-1)
@json_output(text=lambda names: click.echo(f"Leads: {', '.join(names) or 'none named'}."))
@click.pass_context
def leads(ctx, names):
    """Show the leads, or name them: registered coders who see everyone's codings and turn blind coding off."""
    codings = project_of(ctx).codings
    return codings.set_leads(list(names)) if names else codings.leads()
