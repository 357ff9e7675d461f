"""`workbench history` and `workbench undo`: the change log read back, and changes reversed."""

from __future__ import annotations

import click

from workbench.cli._common import cli, json_output, project_of
from workbench.cli.tables import Column, print_rows


def _print_history(rows) -> None:
    columns = [Column("id", "right"), Column("at (UTC)", min_width=16), Column("coder"), Column("kind"),
               Column("what", max_width=60, wrap=True, min_width=20),
               Column("undone by", "right", min_width=9)]
    print_rows(columns, ([r["id"], r["at"][:16].replace("T", " "), r["coder"] or "",
                          r["kind"] + (f" of {r['undoes']}" if r["undoes"] else ""),
                          r["summary"], r["undone_by"] or ""]
                         for r in rows), empty="No changes.")


def _print_undone(rows) -> None:
    for r in rows:
        click.echo(f"Undid change {r['undone']} ({r['kind']}: {r['summary']}) as change {r['undo']}.")


@cli.command("history")
@click.option("--coder", help="Only the changes this coder made.")
@click.option("--since", metavar="ISO", help="Only changes at or after this date or time (UTC), e.g. 2026-03-01.")
@click.option("--limit", type=int, default=50, show_default=True, help="Show at most N changes, newest first.")
@json_output(text=_print_history, help="Print the changes as JSON, with their rows before and after.")
@click.pass_context
def history(ctx, coder, since, limit):
    """List changes to codings, memos, codes, attributes and suggestion decisions, newest first."""
    return project_of(ctx).history(coder=coder, since=since, limit=limit)


@cli.command("undo")
@click.argument("change_id", type=int, required=False)
@click.option("--last", type=int, metavar="N", help="Undo the last N changes still in effect, newest first.")
@click.option("--coder", help="With --last: only this coder's changes. Also recorded as who undid them.")
@json_output(text=_print_undone, help="Print what was undone as JSON.")
@click.pass_context
def undo(ctx, change_id, last, coder):
    """Undo a change (CHANGE_ID from `workbench history`) or the last N; refused where a later change depends
    on it. An undo is itself a change: undo it to redo."""
    if (change_id is None) == (last is None):
        raise click.UsageError("give a CHANGE_ID or --last N")
    return project_of(ctx).undo(change_id, last=last, coder=coder)
