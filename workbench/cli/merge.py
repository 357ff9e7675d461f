"""`workbench merge` and `workbench split`: working apart on copies of a project and bringing them together."""

from __future__ import annotations

import click

from workbench.cli._common import cli, json_output, project_of


def _print_merge(report) -> None:
    verb = "Would add" if report["dry_run"] else "Added"
    for label, key in ((verb, "added"), ("Matched (already here)", "matched"), ("Skipped", "skipped")):
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in report[key].items() if n)
        click.echo(f"{label}: {counts or 'nothing'}.")
    for conflict in report["conflicts"]:
        click.echo(f"Conflict: code {conflict['id']} differs in {', '.join(conflict['fields'])}; kept "
                   f"{conflict['kept']}.")
    for item in report["not_placed"]:
        where = f" (document {item['document_id']})" if item.get("document_id") is not None else ""
        click.echo(f"Not placed: {item['item']}{where}: {item['reason']}")
    if report["dry_run"]:
        click.echo("Dry run: nothing was written.")


def _print_split(result) -> None:
    which = "every coding" if result["all_codings"] else f"{result['coder']}'s codings and memos"
    click.echo(f"Wrote {result['output']} for {result['coder']} ({which}): {result['documents']} documents, "
               f"{result['codes']} codes, {result['codings']} codings, {result['memos']} memos. "
               f"Merge it back with `workbench merge {result['output']}`.")


@cli.command("merge")
@click.argument("other", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what the merge would do; write nothing.")
@json_output(text=_print_merge, help="Print the merge report as JSON.")
@click.pass_context
def merge(ctx, other, dry_run):
    """Bring another copy of this project (OTHER.db, e.g. from `workbench split`) in: its coders, new documents,
    new codes, codings, memos, attributes and suggestion decisions, in one transaction. Running it twice adds
    nothing; every item not placed is listed with the reason."""
    return project_of(ctx).merge(other, dry_run=dry_run)


@cli.command("split")
@click.option("--coder", required=True, help="The coder the copy is for.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The copy's project file.")
@click.option("--all", "all_codings", is_flag=True, help="Keep every coder's codings and memos, not just theirs.")
@click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
@json_output(text=_print_split, help="Print what the copy holds as JSON.")
@click.pass_context
def split(ctx, coder, output, all_codings, overwrite):
    """Write a copy of the project for one coder's laptop (documents, codebook, their codings and memos), to
    merge back later with `workbench merge`."""
    return project_of(ctx).split(coder, output, all_codings=all_codings, overwrite=overwrite)
