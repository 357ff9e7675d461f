"""`workbench resegment`: cut documents into segments again after an upgrade, keeping every coding."""

from __future__ import annotations

import click

from workbench.cli._common import cli, console, json_output, project_of


def _print_resegmented(outcomes) -> None:
    out = console()
    for o in outcomes:
        if o["status"] == "resegmented":
            line = (f"{o['document_id']}: {o['title']}: {o['segments_before']} -> {o['segments_after']} segments "
                    f"({o['kept']} kept, {o['added']} new, {o['removed']} removed"
                    + (f", {o['suggestions_removed']} suggestions on removed segments dropped" if o["suggestions_removed"] else "")
                    + f"); {o['codings']} codings kept")
        else:
            line = f"{o['document_id']}: {o['title']}: unchanged ({o['reason']}); {o['codings']} codings kept"
        out.print(line, markup=False)
        for m in o["mismatched_codings"]:
            out.print(f"  coding {m['coding_id']} ({m['code']}, {m['coder']}) at {m['start']}-{m['end']}: snippet "
                      f"{m['snippet'][:60]!r} no longer matches the text {m['text'][:60]!r}", markup=False)
    mismatched = sum(len(o["mismatched_codings"]) for o in outcomes)
    out.print(f"{sum(o['status'] == 'resegmented' for o in outcomes)} of {len(outcomes)} documents re-segmented; "
              f"{sum(o['codings'] for o in outcomes)} codings kept, {mismatched} with a snippet that no longer matches.")


@cli.command("resegment")
@click.argument("documents", nargs=-1)
@json_output(text=_print_resegmented)
@click.pass_context
def resegment(ctx, documents):
    """Cut DOCUMENTS (ids or titles; default all) into segments again with today's rules.

    The stored text does not change, so every coding stays where it is; a coding whose snippet no
    longer matches the text is reported, never dropped.
    """
    with project_of(ctx) as project:
        return project.documents.resegment(list(documents) or None)
