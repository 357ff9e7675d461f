"""Commands for the project and its documents: init, ingest, documents, segments, search, attributes."""

from __future__ import annotations

import click

from workbench.cli._common import (
    Group,
    cli,
    console,
    echo_lines,
    json_output,
    parse_where,
    print_table,
    project_of,
    pseudonymiser_of,
    shorten,
)
from workbench.errors import WorkbenchError
from workbench.render import clock
from workbench.store.documents import DOCUMENT_TYPES


@cli.command()
@click.pass_context
def init(ctx):
    """Create a project file (or bring an old one up to date)."""
    project = project_of(ctx, create=True)
    click.echo(f"Project ready: {project.path}")


LIST_ALL_UP_TO = 200  # outcomes; above this the table lists only what was not ingested


def _nothing_new(outcomes) -> str | None:
    """One line for a batch where every file was already in the project; None when anything else happened."""
    if not outcomes or any(o.status != "duplicate" for o in outcomes):
        return None
    files = len({o.path for o in outcomes})
    if files == 1:
        o = outcomes[0]
        return (f"Nothing new: {o.path.rsplit('/', 1)[-1]} is already in the project as document {o.document_id} "
                "(1 duplicate).")
    return f"Nothing new: all {files} files are already in the project ({files} duplicates)."


def _print_outcomes(outcomes, debug: bool) -> None:
    from collections import Counter
    from itertools import groupby

    from rich.markup import escape
    from rich.table import Table

    out = console()
    nothing_new = _nothing_new(outcomes)
    if nothing_new:
        out.print(nothing_new, markup=False)
        return
    table = Table("file", "status", "doc", "type", "segments", "note")
    listed = outcomes if len(outcomes) <= LIST_ALL_UP_TO else [o for o in outcomes if o.status != "ingested"]
    # Survey rows of one file with the same status share a line.
    for (path, status), group in groupby(listed, key=lambda o: (o.path, o.status)):
        group = list(group)
        o = group[0]
        name = base = path.rsplit("/", 1)[-1]
        ids = [str(g.document_id) for g in group if g.document_id]
        if len(group) > 1:
            name += f" ({len(group)} rows)"
        elif o.part:
            name += f" ({o.part})"
        note = o.error or "; ".join(dict.fromkeys(w for g in group for w in g.warnings))
        note = note.replace(f"{path}: ", "").replace(f"{base}: ", "")  # the file column already names it
        style = {"failed": "red", "duplicate": "yellow", "skipped": "dim"}.get(status, "")
        table.add_row(escape(name), f"[{style}]{status}[/]" if style else status,
                      "-".join(dict.fromkeys([ids[0], ids[-1]])) if ids else "", o.type or "",
                      str(sum(g.segments for g in group) or ""), escape(note))
    if listed:
        out.print(table)
    if len(listed) < len(outcomes):
        out.print(f"({len(outcomes) - len(listed)} ingested files not listed; --json lists every file)")
    counts = Counter(o.status for o in outcomes)
    out.print(", ".join(f"{counts[s]} {s}" for s in ("ingested", "duplicate", "skipped", "failed")))
    for o in outcomes:
        if o.status == "failed":
            click.echo(f"failed: {o.error}" + (f" ({o.hint})" if o.hint else ""), err=True)
            if debug and o.detail:
                click.echo(o.detail, err=True)


def _outcome_records(outcomes) -> list[dict]:
    from dataclasses import asdict

    return [{k: v for k, v in asdict(o).items() if k != "detail"} for o in outcomes]


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--type", "doc_type", type=click.Choice(DOCUMENT_TYPES), help="Document type for every file.")
@click.option("--attributes", "manifest", type=click.Path(exists=True, dir_okay=False),
              help="Manifest (CSV or YAML) with file, title, type and attribute columns.")
@click.option("--password", help="Password for encrypted PDFs.")
@click.option("--time-limit", default=120.0, show_default=True, help="Seconds allowed per PDF.")
@click.option("--survey-mode", type=click.Choice(["row", "file"]), default="row", show_default=True,
              help="CSV/XLSX surveys: one document per row or per file.")
@click.option("--text-column", help="CSV/XLSX column holding the answers (default: detected).")
@click.option("--pseudonymise", is_flag=True, help="Replace names of people, firms and places before storing anything.")
@click.option("--pseudonym-map", type=click.Path(exists=True, dir_okay=False),
              help="CSV term,replacement[,category] that always wins (implies --pseudonymise).")
@click.option("--pseudonym-terms", type=click.Path(exists=True, dir_okay=False),
              help="Extra names to replace, one a line (implies --pseudonymise).")
@click.option("--workers", type=click.IntRange(0), default=0, show_default=True,
              help="Processes reading files (0: every core for batches of 64 files or more).")
@click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=512, show_default=True,
              help="Refuse files larger than this.")
@click.option("--create", is_flag=True, help="Create the project file (--db) if it does not exist yet.")
@json_output(text=_print_outcomes, data=_outcome_records,
             fails=lambda outcomes: any(o.status == "failed" for o in outcomes))
@click.pass_context
def ingest(ctx, paths, doc_type, manifest, password, time_limit, survey_mode, text_column, pseudonymise,
           pseudonym_map, pseudonym_terms, workers, max_file_mb, create, as_json):
    """Ingest files and folders (recursively) into the project (made by `workbench init`, or here with --create)."""
    from rich.console import Console
    from rich.progress import Progress

    project = project_of(ctx, create=create, hint="create it with `workbench init` or ingest with --create; "
                                                  "or check --db (or $WORKBENCH_DB)")
    pseudonymiser = pseudonymiser_of(project, pseudonymise, pseudonym_map, pseudonym_terms)
    with Progress(console=Console(stderr=True), transient=True, disable=as_json) as bar:
        task = bar.add_task("Ingesting", total=None)
        return project.documents.ingest(paths, doc_type, manifest, password, time_limit, survey_mode, text_column,
                                        progress=lambda p: bar.update(task, advance=1, description=p[-60:]),
                                        pseudonymiser=pseudonymiser, workers=workers, max_file_mb=max_file_mb)


def _inferred(value: str, inferred: bool) -> str:
    """A title or type the workbench guessed (from a heading line, the file name or the speakers), marked so."""
    return value + (" (inferred)" if inferred else "")


def _print_documents(rows) -> None:
    from rich.markup import escape

    print_table(("id", "title", "type", "segments", "words", "attributes", "warnings"),
                ((str(r["id"]), escape(_inferred(r["title"], r["title_inferred"])),
                  _inferred(r["type"], r["type_inferred"]),
                  str(r["segment_count"]), str(r["word_count"]),
                  escape(", ".join(f"{k}={v}" for k, v in r["attributes"].items())), str(len(r["warnings"]) or ""))
                 for r in rows))


@cli.command()
@click.option("--type", "doc_type", type=click.Choice(DOCUMENT_TYPES), help="Only this document type.")
@json_output(text=_print_documents,
             data=lambda rows: [{k: r[k] for k in ("id", "title", "title_inferred", "type", "type_inferred", "format",
                                                   "file_name", "attributes", "segment_count", "char_count",
                                                   "word_count", "warnings")} for r in rows])
@click.pass_context
def documents(ctx, doc_type):
    """List documents with type, attributes and counts."""
    return project_of(ctx).documents.list(doc_type)


def _print_document(d) -> None:
    click.echo(f"{d['id']}: {_inferred(d['title'], d['title_inferred'])}  "
               f"[{_inferred(d['type'], d['type_inferred'])}, {d['format']}]")
    for k, v in d["attributes"].items():
        click.echo(f"  {k}: {v}")
    for w in d["warnings"]:
        click.echo(f"  warning: {w}")
    for m in d["memos"]:
        click.echo(f"  memo ({m['author'] or 'unknown'}): {m['text']}")
    click.echo("")
    click.echo(d["text"])


@cli.command()
@click.argument("doc")
@json_output(text=_print_document)
@click.pass_context
def show(ctx, doc):
    """Show a document: metadata, warnings, memos and its text."""
    return project_of(ctx).documents.get(doc)


def _print_segments(rows) -> None:
    from rich.markup import escape

    print_table(("id", "kind", "speaker", "time", "page", "start-end", "section", "text"),
                ((str(r["id"]), r["kind"] + (f" {r['level']}" if r["level"] else ""), escape(r["speaker"] or ""),
                  clock(r["time_start"]), str(r["page"] or ""), f"{r['start']}-{r['end']}",
                  escape(shorten(r["section"] or "", 40)), escape(shorten(r["text"], 100))) for r in rows))


@cli.command()
@click.argument("doc")
@json_output(text=_print_segments,
             data=lambda rows: [{k: r[k] for k in ("id", "ordinal", "start", "end", "kind", "speaker", "time_start",
                                                   "time_end", "page", "section", "level", "context", "text")}
                                for r in rows])
@click.pass_context
def segments(ctx, doc):
    """List the segments (turns, paragraphs, headings with their level, list items, table rows...) of a document."""
    return project_of(ctx).documents.segments(doc)


@cli.command()
@click.argument("doc")
@click.option("--rename", nargs=2, metavar="OLD NEW", help="Rename a speaker (or merge it into another).")
@json_output(text=lambda rows: echo_lines(f"{r['speaker']}\t{r['turns']} turns\t{r['words']} words" for r in rows))
@click.pass_context
def speakers(ctx, doc, rename, as_json):
    """List the speakers of a document, or rename one."""
    project = project_of(ctx)
    if rename:
        changed = project.documents.rename_speaker(doc, *rename)
        if not as_json:
            click.echo(f"Renamed {rename[0]!r} to {rename[1]!r} in {changed} turns.")
    return project.documents.speakers(doc)


@cli.command(name="set-type")
@click.argument("doc")
@click.argument("doc_type", type=click.Choice(DOCUMENT_TYPES))
@click.pass_context
def set_type(ctx, doc, doc_type):
    """Set a document's type (replaces an inferred type)."""
    project_of(ctx).documents.set_type(doc, doc_type)
    click.echo(f"Document {doc} is now {doc_type}.")


def _print_hits(hits) -> None:
    from rich.markup import escape

    out = console()
    for h in hits:
        where_ = ", ".join(x for x in (h["speaker"], f"p. {h['page']}" if h["page"] else "",
                                       clock(h["time_start"])) if x)
        out.print(f"[bold]{escape(h['title'])}[/] (doc {h['document_id']}, segment {h['segment_id']}, "
                  f"chars {h['start']}-{h['end']}{', ' + escape(where_) if where_ else ''})")
        out.print(f"  {escape(h['left'])}[reverse]{escape(h['match'])}[/]{escape(h['right'])}")
    out.print(f"{len(hits)} result{'s' if len(hits) != 1 else ''}")
    if hits:
        out.print('Code a hit: workbench code DOC CODE --segment SEGMENT [--text "its exact words"]', markup=False)


@cli.command()
@click.argument("query")
@click.option("--type", "doc_type", type=click.Choice(DOCUMENT_TYPES), help="Only this document type.")
@click.option("--speaker", help="Only turns of this speaker.")
@click.option("--document", "document", help="Only this document (id or title).")
@click.option("--where", "where", multiple=True, metavar="NAME=VALUE", help="Attribute filter, repeatable.")
@click.option("--limit", default=50, show_default=True, help="Most results to show.")
@click.option("--rank", is_flag=True, help="Best matches first (BM25) instead of document order; slower on large projects.")
@json_output(text=_print_hits)
@click.pass_context
def search(ctx, query, doc_type, speaker, document, where, limit, rank):
    """Full-text search (FTS5 syntax: "phrase", AND, OR, NOT, prefix*)."""
    attributes = parse_where(where)
    return project_of(ctx).documents.search(query, limit, doc_type, speaker, document, attributes,
                                            order="relevance" if rank else "document")


@cli.group(cls=Group)
def attributes():
    """Case attributes of documents (region, sector, firm size, date...)."""


@attributes.command(name="list")
@click.argument("doc")
@json_output(text=lambda attrs: echo_lines(f"{k}\t{v}" for k, v in attrs.items()))
@click.pass_context
def attributes_list(ctx, doc):
    """List the attributes of a document."""
    return project_of(ctx).documents.attributes(doc)


@attributes.command(name="set")
@click.argument("doc")
@click.argument("name")
@click.argument("value")
@click.pass_context
def attributes_set(ctx, doc, name, value):
    """Set one attribute; numbers and dates are typed for comparison."""
    project_of(ctx).documents.set_attribute(doc, name, value)
    click.echo(f"{name} = {value}")


@attributes.command(name="unset")
@click.argument("doc")
@click.argument("name")
@click.pass_context
def attributes_unset(ctx, doc, name):
    """Remove one attribute from a document."""
    if not project_of(ctx).documents.delete_attribute(doc, name):
        raise WorkbenchError(f"document {doc} has no attribute {name!r}")
    click.echo(f"removed {name}")


@attributes.command(name="import")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False))
@json_output(text=lambda applied, manifest: click.echo(f"Updated {len(applied)} documents from {manifest}."))
@click.pass_context
def attributes_import(ctx, manifest):
    """Apply a manifest's titles, types and attributes to ingested documents."""
    return project_of(ctx).documents.apply_manifest(manifest)


def _print_summary(data) -> None:
    click.echo(f"Project {data['project']}: {data['documents']} documents, {data['segments']} segments, "
               f"{data['words']} words")
    for t, n in data["documents_by_type"].items():
        click.echo(f"  {t}: {n}")
    if data["attributes"]:
        click.echo("Attributes (distinct values): " + ", ".join(f"{k} ({v})" for k, v in data["attributes"].items()))
    if data["documents_with_warnings"]:
        click.echo(f"{data['documents_with_warnings']} documents have warnings (see `workbench documents`).")


@cli.command()
@json_output(text=_print_summary)
@click.pass_context
def summary(ctx):
    """Counts of documents, segments, words and attributes in the project."""
    return project_of(ctx).summary()
