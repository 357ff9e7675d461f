"""`workbench blind on|off|status` and `workbench leads NAME...`: blind coding and the coders who lead it."""

from __future__ import annotations

import click

from workbench.cli._common import cli, coder_option, json_output, project_of
from workbench.errors import InvalidValueError


def _print_status(status) -> None:
    scope = f"for codes {', '.join(status['codes'])} (and their sub-codes)" if status.get("codes") \
        else "for the whole project"
    click.echo(f"Blind coding: {'on, ' + scope if status['blind'] else 'off'}.")
    click.echo(f"Leads: {', '.join(status['leads']) or 'none named'}.")
    if status["own_only"]:
        click.echo(f"{status['viewer']} sees only their own codings.")
    elif status.get("private_codes"):
        click.echo(f"{status['viewer']} sees only their own codings of {', '.join(status['private_codes'])}.")


@cli.command("blind")
@click.argument("state", type=click.Choice(["on", "off", "status"]), default="status")
@click.option("--codes", help="With on: blind only these codes (comma-separated ids, sub-codes included); "
                              "without it the whole project is blind.")
@coder_option("Who turns it on or off (a lead, once leads are named).")
@json_output(text=_print_status)
@click.pass_context
def blind(ctx, state, codes, coder):
    """Blind coding: while on, a coder who is not a lead sees only their own codings (of every code, or of the
    codes given with --codes) and no agreement figures on them."""
    project = project_of(ctx, viewer=coder)
    chosen = [c.strip() for c in (codes or "").split(",") if c.strip()]
    if chosen and state != "on":
        raise InvalidValueError("--codes goes with `blind on`",
                                hint="turn blind coding on for those codes with `workbench blind on --codes ...`")
    if state != "status":
        project.codings.set_blind(state == "on", by=project.viewer, codes=chosen or None)
    return project.codings.blind()


@cli.command("leads")
@click.argument("names", nargs=-1)
@json_output(text=lambda names: click.echo(f"Leads: {', '.join(names) or 'none named'}."))
@click.pass_context
def leads(ctx, names):
    """Show the leads, or name them: registered coders who see everyone's codings and turn blind coding off."""
    codings = project_of(ctx).codings
    return codings.set_leads(list(names)) if names else codings.leads()
