"""`workbench export ...` and `workbench import ...`: excerpts, briefings, REFI-QDA."""

from __future__ import annotations

import click

from workbench.cli._common import DOC_TYPES, Group, cli, emit_json, project_of


def _filters(func):
    """The excerpt filters shared by `export excerpts` and `export briefing`."""
    options = [
        click.option("--coder", help="Only this coder's codings."),
        click.option("--type", "doc_type", type=click.Choice(DOC_TYPES), help="Only documents of this type."),
        click.option("--where", multiple=True, metavar="NAME=VALUE", help="Only documents with this attribute value (repeatable)."),
        click.option("--speaker", help="Only excerpts from this speaker's turns."),
        click.option("--pseudonymise", is_flag=True, help="Replace names of people, firms and places with pseudonyms."),
        click.option("--pseudonym-map", type=click.Path(dir_okay=False, exists=True),
                     help="CSV term,replacement[,category] that always wins (implies --pseudonymise)."),
        click.option("--pseudonym-terms", type=click.Path(dir_okay=False, exists=True),
                     help="Extra names to replace, one a line, optionally name,category (implies --pseudonymise)."),
        click.option("--pseudonym-report", type=click.Path(dir_okay=False),
                     help="Where to write the replacement report (CSV, or JSON for .json; default OUTPUT.pseudonyms.csv)."),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON document."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _pseudonymiser(project, enabled, mapping, terms):
    if not (enabled or mapping or terms):
        return None
    return project.pseudonymiser(mapping, terms)


def _report(result, output, report_path, as_json) -> None:
    from workbench.privacy.pseudonymise import write_report

    replacements = result.get("replacements")
    if replacements is not None:
        report_path = report_path or f"{output}.pseudonyms.csv"
        write_report(replacements, report_path)
        result["pseudonym_report"] = str(report_path)
    if as_json:
        emit_json(result)
        return
    if "rows" in result:
        what = f"{result['rows']} excerpt{'s' if result['rows'] != 1 else ''}"
    else:
        themes, quotes = len(result["themes"]), result["quotes"]
        what = f"{themes} theme{'s' if themes != 1 else ''}, {quotes} quotation{'s' if quotes != 1 else ''}"
    click.echo(f"Wrote {output} ({what}).")
    if replacements is not None:
        click.echo(f"Pseudonymised: {len(replacements)} names replaced; review them in {report_path}.")


@cli.group(cls=Group, name="export")
def export_group():
    """Export coded excerpts, briefings, or the project as REFI-QDA (qdpx/qdc)."""


@export_group.command(name="excerpts")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True,
              help="CSV, or XLSX with a summary sheet and one sheet per top-level code.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--code", "code_id", help="Only this code (and its sub-codes unless --exact).")
@click.option("--exact", is_flag=True, help="With --code: leave sub-codes out.")
@_filters
@click.pass_context
def export_excerpts(ctx, fmt, output, code_id, exact, coder, doc_type, where, speaker, pseudonymise, pseudonym_map,
                    pseudonym_terms, pseudonym_report, as_json):
    """Coded excerpts, one row per coding, with code path, document, speaker, page or time, attributes."""
    from workbench.cli.analysis import parse_where

    project = project_of(ctx)
    pseudonymiser = _pseudonymiser(project, pseudonymise, pseudonym_map, pseudonym_terms)
    result = project.export_excerpts(output, fmt, code_id, not exact, coder, doc_type, parse_where(where), speaker,
                                     pseudonymiser)
    _report(result, output, pseudonym_report, as_json)


@export_group.command(name="briefing")
@click.option("--format", "fmt", type=click.Choice(["md", "docx", "html"]), default="md", show_default=True,
              help="Markdown, Word or HTML.")
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
@_filters
@click.pass_context
def export_briefing(ctx, fmt, output, codes, max_quotes, select, pick, by, max_chars, title, coder, doc_type, where,
                    speaker, pseudonymise, pseudonym_map, pseudonym_terms, pseudonym_report, as_json):
    """A briefing per theme: definition, counts by region and firm type, quotations with citations."""
    from workbench.cli.analysis import parse_where

    project = project_of(ctx)
    codes = [c.strip() for item in codes for c in item.split(",") if c.strip()] or None
    pseudonymiser = _pseudonymiser(project, pseudonymise, pseudonym_map, pseudonym_terms)
    result = project.export_briefing(
        output, fmt, codes=codes, max_quotes=max_quotes or None, select="picked" if pick else select,
        picked=list(pick) or None, coder=coder, doc_type=doc_type, attributes=parse_where(where), speaker=speaker,
        by=tuple(by) or ("region", "role"), max_quote_chars=max_chars or None, title=title,
        pseudonymiser=pseudonymiser)
    _report(result, output, pseudonym_report, as_json)


@export_group.command(name="qdpx")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .qdpx file to write.")
@click.option("--name", help="Project name in the file (default: the project file's name); GUIDs derive from it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def export_qdpx(ctx, output, name, as_json):
    """The whole project as REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA or QualCoder."""
    result = project_of(ctx).export_qdpx(output, name)
    if as_json:
        emit_json(result)
        return
    click.echo(f"Wrote {output}: {result['sources']} sources, {result['codes']} codes, {result['codings']} codings.")


@export_group.command(name="qdc")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .qdc file to write.")
@click.option("--name", help="Project name the code GUIDs derive from (default: the project file's name).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def export_qdc(ctx, output, name, as_json):
    """The code tree as a REFI-QDA codebook (.qdc)."""
    result = project_of(ctx).export_qdc(output, name)
    if as_json:
        emit_json(result)
        return
    click.echo(f"Wrote {output}: {result['codes']} codes.")


@cli.group(cls=Group, name="import")
def import_group():
    """Import a REFI-QDA project (.qdpx) or codebook (.qdc) from another QDA tool."""


def _import(ctx, kind, path, new_project, as_json):
    from pathlib import Path

    from workbench.errors import WorkbenchError
    from workbench.project import Project

    target = Path(new_project) if new_project else None
    created = target is not None and not target.exists()
    project = Project(target) if target is not None else project_of(ctx)
    try:
        result = project.import_refi(path, kind)
    except WorkbenchError:
        project.close()
        if created:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        raise
    project.close()
    if as_json:
        emit_json(result)
        return
    click.echo(f"Imported {path} into {project.path}: {result['codes_added']} codes added "
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


@import_group.command(name="qdpx")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--project", "new_project", type=click.Path(dir_okay=False),
              help="Import into this project file (created if missing) instead of --db.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def import_qdpx(ctx, path, new_project, as_json):
    """Codes, sources, codings, notes and variables of a .qdpx; all or nothing."""
    _import(ctx, "qdpx", path, new_project, as_json)


@import_group.command(name="qdc")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--project", "new_project", type=click.Path(dir_okay=False),
              help="Import into this project file (created if missing) instead of --db.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def import_qdc(ctx, path, new_project, as_json):
    """The code tree of a .qdc codebook (nested codes, descriptions, colours)."""
    _import(ctx, "qdc", path, new_project, as_json)
