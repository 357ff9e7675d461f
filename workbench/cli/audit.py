"""`workbench audit`: the provenance trail of every automatic suggestion and the coding accepted from it."""

from __future__ import annotations

import click

from workbench.cli._common import cli, json_output, project_of


def audit_csv(rows) -> bytes:
    """The trail as CSV (UTF-8 with a BOM, for spreadsheets): AUDIT_COLUMNS, settings as JSON."""
    import csv
    import io
    import json

    from workbench.autocode.provenance import AUDIT_COLUMNS

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        writer.writerow([json.dumps(row[c], sort_keys=True) if c == "settings" and row[c] is not None
                         else ("" if row[c] is None else row[c]) for c in AUDIT_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _print_audit(result) -> None:
    from workbench.cli.tables import Column, print_rows

    if isinstance(result, dict):
        click.echo(f"Wrote {result['path']} ({result['rows']} suggestion{'s' if result['rows'] != 1 else ''}).")
        return
    columns = [Column("id", "right"), Column("document", max_width=16), Column("code", max_width=16),
               Column("method"), Column("score", "right"), Column("thr.", "right"), Column("status"),
               Column("by", max_width=12), Column("coding", "right"), Column("run", "right")]
    print_rows(columns, ((r["suggestion_id"], r["document"], r["code_id"], r["method"], f"{r['score']:.2f}",
                          "" if r["threshold"] is None else f"{r['threshold']:.2f}", r["status"], r["decided_by"],
                          r["coding_id"], r["run_id"]) for r in result), empty="No suggestions.")
    runs = {r["run_id"]: r for r in result if r["run_id"] is not None}
    for run_id, r in sorted(runs.items()):
        by = f" by {r['run_by']}" if r["run_by"] else ""
        click.echo(f"Run {run_id}: {r['run_method']} at {r['run_started_at']}{by}; model {_model(r) or '(none)'}; "
                   f"codebook {(r['codebook_sha256'] or '')[:12]}")


def _model(row) -> str:
    if not row["model"]:
        return ""
    return row["model"] + (f" (sha256 {row['model_sha256'][:12]})" if row["model_sha256"] else "")


@cli.command()
@click.option("--status", type=click.Choice(["pending", "accepted", "rejected", "all"]), default="all",
              show_default=True, help="Which suggestions.")
@click.option("--code", "code_id", help="Only this code.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the trail to this CSV file instead.")
@json_output(text=_print_audit)
@click.pass_context
def audit(ctx, status, code_id, output):
    """The provenance of every suggestion: method, settings, model and its hash, codebook hash, threshold, score,
    run, and who accepted or rejected it when (and the coding it became)."""
    rows = project_of(ctx).suggestions.audit(None if status == "all" else status, code_id)
    if output:
        from workbench.files.atomic import write_file

        write_file(output, audit_csv(rows))
        return {"path": str(output), "rows": len(rows)}
    return rows
