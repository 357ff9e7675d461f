"""`workbench check` and `workbench backup`: project health and safe copies."""

from __future__ import annotations

import click

from workbench.cli._common import cli, console, json_output, project_of


def _print_report(report) -> None:
    out = console()
    for name, result in report["checks"].items():
        status = "ok" if result["ok"] else f"{result['count']} problem(s)"
        out.print(f"{name.replace('_', ' '):<14} {status}")
        for problem in result["problems"]:
            out.print(f"  - {problem}", markup=False)
    out.print("The project is healthy." if report["ok"] else "Problems found (see above).")


@cli.command("check")
@click.option("--repair", is_flag=True, help="Rebuild the full-text index before checking.")
@json_output(text=_print_report, fails=lambda report: not report["ok"], help="Print the report as JSON.")
@click.pass_context
def check(ctx, repair):
    """Check the project: SQLite integrity, links, search index, offsets, snippets, orphans.

    Exits with status 1 when a problem is found.
    """
    with project_of(ctx) as project:
        return project.check(repair=repair)


@cli.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write the copy to.")
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
@click.pass_context
def backup(ctx, output, overwrite):
    """Copy the project with SQLite's online backup (safe while others are coding)."""
    with project_of(ctx) as project:
        result = project.backup(output, overwrite=overwrite)
    click.echo(f"Backed up to {result['backup']} ({result['bytes']:,} bytes).")
