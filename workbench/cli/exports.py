"""`workbench export ...` and `workbench import ...`: excerpts, briefings, REFI-QDA."""

from __future__ import annotations

import click

from workbench.cli._common import Group, cli, json_output, parse_where, project_of, pseudonymiser_of, split_list
from workbench.store.documents import DOCUMENT_TYPES


def _print_written(result, output) -> None:
    if "rows" in result:
        what = f"{result['rows']} excerpt{'s' if result['rows'] != 1 else ''}"
    else:
        themes, quotes = len(result["themes"]), result["quotes"]
        what = f"{themes} theme{'s' if themes != 1 else ''}, {quotes} quotation{'s' if quotes != 1 else ''}"
    click.echo(f"Wrote {output} ({what}).")
    if result.get("replacements") is not None:
        click.echo(f"Pseudonymised: {len(result['replacements'])} names replaced; "
                   f"review them in {result['pseudonym_report']}.")


def _filters(func):
    """The excerpt filters shared by `export excerpts` and `export briefing`, and their --json."""
    options = [
        click.option("--coder", help="Only this coder's codings."),
        click.option("--type", "doc_type", type=click.Choice(DOCUMENT_TYPES), help="Only documents of this type."),
        click.option("--where", multiple=True, metavar="NAME=VALUE", help="Only documents with this attribute value (repeatable)."),
        click.option("--speaker", help="Only excerpts from this speaker's turns."),
        click.option("--pseudonymise", is_flag=True, help="Replace names of people, firms and places with pseudonyms."),
        click.option("--pseudonym-map", type=click.Path(dir_okay=False, exists=True),
                     help="CSV term,replacement[,category] that always wins (implies --pseudonymise)."),
        click.option("--pseudonym-terms", type=click.Path(dir_okay=False, exists=True),
                     help="Extra names to replace, one a line, optionally name,category (implies --pseudonymise)."),
        click.option("--pseudonym-report", type=click.Path(dir_okay=False),
                     help="Where to write the replacement report (CSV, or JSON for .json; default OUTPUT.pseudonyms.csv)."),
        json_output(text=_print_written),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _export(ctx, scope, output, fmt, where, pseudonymise, pseudonym_map, pseudonym_terms, pseudonym_report,
            **options) -> dict:
    """Write excerpts or a briefing (options: the command's filters), pseudonymised when asked, with its report."""
    from workbench.privacy.pseudonymise import write_report

    project = project_of(ctx)
    pseudonymiser = pseudonymiser_of(project, pseudonymise, pseudonym_map, pseudonym_terms)
    result = getattr(project.exports, scope)(output, fmt, attributes=parse_where(where), pseudonymiser=pseudonymiser,
                                             **options)
    if result.get("replacements") is not None:
        report_path = pseudonym_report or f"{output}.pseudonyms.csv"
        write_report(result["replacements"], report_path)
        result["pseudonym_report"] = str(report_path)
    return result


class ExportGroup(Group):
    """`workbench export`: one command per scope or whole-project format, built from the exporter registry
    when asked for, so that every registered exporter is offered."""

    def list_commands(self, ctx):
        from workbench.export.registry import exporters

        return list(dict.fromkeys(e.fmt if e.scope == "project" else e.scope for e in exporters()))

    def get_command(self, ctx, name):
        from workbench.export.registry import exporters

        if name in ("excerpts", "briefing") and exporters(name):
            return _excerpts_command() if name == "excerpts" else _briefing_command()
        found = [e for e in exporters("project") if e.fmt == name]
        return _project_command(found[0]) if found else None

    def format_epilog(self, ctx, formatter):
        from workbench.export.registry import SCOPES, formats

        with formatter.section("Formats"):
            formatter.write_dl([(scope, ", ".join(formats(scope))) for scope in SCOPES if formats(scope)])


@cli.group(cls=ExportGroup, name="export")
def export_group():
    """Export coded excerpts, briefings, or the project as REFI-QDA (qdpx/qdc)."""


def _format_option(scope: str, default: str, help_text: str):
    from workbench.export.registry import formats

    return click.option("--format", "fmt", type=click.Choice(formats(scope)), default=default, show_default=True,
                        help=help_text)


def _excerpts_command() -> click.Command:
    @click.command(name="excerpts")
    @_format_option("excerpts", "csv", "CSV, or XLSX with a summary sheet and one sheet per top-level code.")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write.")
    @click.option("--code", "code_id", help="Only this code (and its sub-codes unless --exact).")
    @click.option("--exact", is_flag=True, help="With --code: leave sub-codes out.")
    @_filters
    @click.pass_context
    def export_excerpts(ctx, code_id, exact, **shared):
        """Coded excerpts, one row per coding, with code path, document, speaker, page or time, attributes."""
        return _export(ctx, "excerpts", code=code_id, with_subcodes=not exact, **shared)
    return export_excerpts


def _briefing_command() -> click.Command:
    @click.command(name="briefing")
    @_format_option("briefing", "md", "Markdown, Word or HTML.")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write.")
    @click.option("--codes", multiple=True, help="Themes to brief on (code ids, repeatable or comma-separated); "
                                                 "default: every top-level code with codings.")
    @click.option("--max-quotes", type=click.IntRange(min=0), default=5, show_default=True,
                  help="Quotations per theme (0: no limit).")
    @click.option("--select", type=click.Choice(["longest", "all", "memo", "picked"]), default="longest",
                  show_default=True, help="Which quotations: the longest, all, those with a memo, or --pick ones.")
    @click.option("--pick", multiple=True, type=int, help="A coding id to quote (repeatable; implies --select picked).")
    @click.option("--by", multiple=True, help="Attributes to count documents by (default: region and role).")
    @click.option("--max-chars", type=click.IntRange(min=0), default=700, show_default=True,
                  help="Shorten longer quotations at a word boundary (0: never).")
    @click.option("--title", help="The briefing's title.")
    @click.option("--mark-automatic", is_flag=True,
                  help="Mark (†) quotations coded by accepting an automatic suggestion, with a note at the end.")
    @_filters
    @click.pass_context
    def export_briefing(ctx, codes, max_quotes, select, pick, by, max_chars, mark_automatic, **shared):
        """A briefing per theme: definition, counts by region and firm type, quotations with citations."""
        return _export(ctx, "briefing", codes=split_list(",".join(codes)) or None, max_quotes=max_quotes or None,
                       select="picked" if pick else select, picked=list(pick) or None,
                       by=tuple(by) or ("region", "role"), max_quote_chars=max_chars or None,
                       mark_automatic=mark_automatic, **shared)
    return export_briefing


def _project_command(found) -> click.Command:
    def print_written(result, output) -> None:
        if found.fmt == "qdc":
            click.echo(f"Wrote {output}: {result['codes']} codes.")
        else:
            click.echo(f"Wrote {output}: {result['sources']} sources, {result['codes']} codes, "
                       f"{result['codings']} codings.")

    @click.command(name=found.fmt, help=found.description + ".")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
                  help=f"The .{found.fmt} file to write.")
    @click.option("--name", help="Project name in the file (default: the project file's name); GUIDs derive from it.")
    @json_output(text=print_written)
    @click.pass_context
    def export_project(ctx, output, name):
        return project_of(ctx).exports.write(output, "project", found.fmt, name)
    return export_project


@cli.group(cls=Group, name="import")
def import_group():
    """Import a REFI-QDA project (.qdpx) or codebook (.qdc) from another QDA tool."""


def _print_imported(result, path, new_project, db) -> None:
    from workbench.store.database import resolve_db_path

    click.echo(f"Imported {path} into {resolve_db_path(new_project or db)}: {result['codes_added']} codes added "
               f"({result['codes_reused']} reused), {result['documents_added']} sources added "
               f"({result['documents_reused']} already there), {result['codings']} codings "
               f"({result['codings_new']} new), {result['memos']} memos.")
    for warning in result["warnings"]:
        click.echo(f"Adapted: {warning}")
    if result["codings_adapted"]:
        click.echo(f"{result['codings_adapted']} codings were mapped onto the stored text by line endings or by their text.")
    if result["unmapped_count"]:
        click.echo(f"{result['unmapped_count']} codings could not be mapped:")
        for item in result["unmapped"][:20]:
            where = f" {item['start']}-{item['end']}" if "start" in item else ""
            click.echo(f"  {item['source']}{where}: {item['why']}" + (f" {item['text']!r}" if item.get("text") else ""))


def _import_command(kind: str, help_text: str) -> click.Command:
    @import_group.command(name=kind, help=help_text)
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--project", "new_project", type=click.Path(dir_okay=False),
                  help="Import into this project file (created if missing) instead of --db.")
    @json_output(text=_print_imported)
    @click.pass_context
    def import_refi(ctx, path, new_project):
        from pathlib import Path

        from workbench.errors import WorkbenchError
        from workbench.project import Project

        target = Path(new_project) if new_project else None
        created = target is not None and not target.exists()
        project = Project(target) if target is not None else project_of(ctx)
        try:
            result = project.exports.import_refi(path, kind)
        except WorkbenchError:
            project.close()
            if created:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
            raise
        project.close()
        return result
    return import_refi


import_qdpx = _import_command("qdpx", "Codes, sources, codings, notes and variables of a .qdpx; all or nothing.")
import_qdc = _import_command("qdc", "The code tree of a .qdc codebook (nested codes, descriptions, colours).")
