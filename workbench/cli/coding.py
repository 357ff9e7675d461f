"""Commands for the codebook, coders, hand coding and memos."""

from __future__ import annotations

import click

from workbench.cli._common import (
    Group,
    cli,
    coder_option,
    console,
    echo_lines,
    json_output,
    print_table,
    project_of,
    shorten,
)


@cli.group(cls=Group)
def codebook():
    """Load, show, edit and export the project's codebook."""


def _print_loaded(result) -> None:
    click.echo(f"Codebook {result['codebook']}: {result['added']} codes added, {result['updated']} updated.")
    if result["examples_file"]:
        click.echo(f"Training examples: {result['training_examples']} from {result['examples_file']}")
    if result["not_in_file"]:
        click.echo("Kept (not in the file, may hold codings): " + ", ".join(result["not_in_file"]))


@codebook.command(name="load")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--examples", type=click.Path(dir_okay=False),
              help="Training examples for the semantic classifier (default: NAME.examples.yaml beside the codebook).")
@json_output(text=_print_loaded)
@click.pass_context
def codebook_load(ctx, path, examples):
    """Validate a codebook YAML file and load its codes (and training examples) into the project."""
    return project_of(ctx).codebook.load(path, examples)


@codebook.command(name="examples")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--name", help="Which codebook, when the project holds several.")
@click.pass_context
def codebook_examples(ctx, path, name):
    """Replace a codebook's training examples (YAML list of `text` + `codes`) for the semantic classifier."""
    count = project_of(ctx).codebook.load_training_examples(path, name)
    click.echo(f"Training examples: {count} loaded from {path}")


def _print_code_tree(rows) -> None:
    from rich.markup import escape

    out = console()
    for r in rows:
        swatch = f"[{r['color']}]■[/] " if r["color"] else ""
        out.print(f"{'  ' * r['depth']}{swatch}[bold]{escape(r['id'])}[/] {escape(r['label'])} "
                  f"[dim]({r['codings']} codings)[/]")


@codebook.command(name="show")
@json_output(text=_print_code_tree)
@click.pass_context
def codebook_show(ctx):
    """The code tree with definitions and coding counts."""
    return project_of(ctx).codebook.codes()


@codebook.command(name="export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
@click.option("--name", help="Which codebook, when the project holds several.")
@click.pass_context
def codebook_export(ctx, output, name):
    """Write the project's codebook back to YAML."""
    text = project_of(ctx).codebook.to_yaml(name)
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
        click.echo(f"Wrote {output}")
    else:
        click.echo(text, nl=False)


@codebook.command(name="add")
@click.argument("code_id")
@click.argument("label")
@click.option("--parent", help="Parent code id (default: top level).")
@click.option("--description", default="", help="The definition a coder applies.")
@click.option("--color", help="Colour as #RRGGBB.")
@click.pass_context
def codebook_add(ctx, code_id, label, parent, description, color):
    """Add a code."""
    project_of(ctx).codebook.add_code(code_id, label, parent, description=description, color=color)
    click.echo(f"Added {code_id}.")


@codebook.command(name="edit")
@click.argument("code_id")
@click.option("--label", help="New label.")
@click.option("--description", help="New definition.")
@click.option("--color", help="New colour as #RRGGBB.")
@click.pass_context
def codebook_edit(ctx, code_id, label, description, color):
    """Rename a code or change its definition or colour."""
    fields = {k: v for k, v in (("label", label), ("description", description), ("color", color)) if v is not None}
    project_of(ctx).codebook.update_code(code_id, **fields)
    click.echo(f"Updated {code_id}.")


@codebook.command(name="move")
@click.argument("code_id")
@click.option("--parent", help="New parent code id.")
@click.option("--top", is_flag=True, help="Move to the top level.")
@click.pass_context
def codebook_move(ctx, code_id, parent, top):
    """Move a code (with its sub-codes) under another parent."""
    if bool(parent) == top:
        raise click.UsageError("give exactly one of --parent CODE or --top")
    project_of(ctx).codebook.move_code(code_id, None if top else parent)
    click.echo(f"Moved {code_id}.")


@codebook.command(name="merge")
@click.argument("source")
@click.argument("target")
@click.pass_context
def codebook_merge(ctx, source, target):
    """Merge SOURCE into TARGET: its codings, memos and sub-codes move, SOURCE is deleted."""
    moved = project_of(ctx).codebook.merge_codes(source, target)
    click.echo(f"Merged {source} into {target} ({moved} codings moved).")


@codebook.command(name="delete")
@click.argument("code_id")
@click.option("--delete-codings", is_flag=True, help="Also delete the code's codings.")
@click.option("--to-parent", is_flag=True, help="Move the code's codings to its parent.")
@click.pass_context
def codebook_delete(ctx, code_id, delete_codings, to_parent):
    """Delete a code; its sub-codes move up. A code with codings needs one of the options."""
    if delete_codings and to_parent:
        raise click.UsageError("give at most one of --delete-codings and --to-parent")
    mode = "delete" if delete_codings else "parent" if to_parent else "refuse"
    count = project_of(ctx).codebook.delete_code(code_id, mode)
    click.echo(f"Deleted {code_id}" + (f" ({count} codings {'deleted' if delete_codings else 'moved'})." if count else "."))


@cli.group(cls=Group, invoke_without_command=True)
@json_output(text=lambda rows: echo_lines(f"{r['name']}\t{r['codings']} codings" for r in rows))
@click.pass_context
def coders(ctx):
    """List coders (each coding records who made it), add one, or set the project's default coder."""
    if not ctx.invoked_subcommand:
        return project_of(ctx).codings.coders()


@coders.command(name="add")
@click.argument("name")
@click.pass_context
def coders_add(ctx, name):
    """Register a coder."""
    click.echo(f"Coder {project_of(ctx).codings.add_coder(name)} ready.")


@coders.command(name="default")
@click.argument("name", required=False)
@click.option("--clear", is_flag=True, help="Remove the project's default coder.")
@click.pass_context
def coders_default(ctx, name, clear):
    """Show the project's default coder, or set it (used when --coder and $WORKBENCH_CODER are absent)."""
    codings = project_of(ctx).codings
    if clear or name:
        if clear and name:
            raise click.UsageError("give a NAME or --clear, not both")
        set_to = codings.set_default_coder(None if clear else name)
        click.echo(f"Default coder: {set_to}." if set_to else "No default coder.")
    else:
        current = codings.default_coder()
        click.echo(current if current else "No default coder (set one with `workbench coders default NAME`).")


def _span_arguments(rest: tuple[str, ...], segment: int | None, phrase: str | None) -> tuple:
    """START, END and CODE from the positional arguments of `code` (only CODE with --segment)."""
    if phrase is not None and segment is None:
        raise click.UsageError("--text needs --segment: the words are looked for in that segment")
    if segment is not None:
        if len(rest) != 1:
            raise click.UsageError("with --segment give DOC and CODE only, "
                                   "e.g. `workbench code 3 skills --segment 120`")
        return None, None, rest[0]
    if len(rest) != 3:
        raise click.UsageError("give DOC START END CODE, or DOC CODE with --segment ID [--text WORDS]")
    try:
        return int(rest[0]), int(rest[1]), rest[2]
    except ValueError:
        raise click.UsageError(f"START and END are character offsets (whole numbers), not {rest[0]!r} and "
                               f"{rest[1]!r}; `workbench segments DOC` shows them") from None


@cli.command()
@click.argument("doc")
@click.argument("rest", nargs=-1, metavar="[START END] CODE")
@click.option("--segment", type=int, help="Code this segment (ids and offsets: `workbench segments DOC`, "
                                          "`workbench search`) instead of START END.")
@click.option("--text", "phrase", help="With --segment: code only these exact words of it (any spacing or line "
                                       "breaks match; capitals count).")
@coder_option("Who is coding (see `workbench coders`).")
@click.option("--memo", help="A memo on this coding.")
@click.pass_context
def code(ctx, doc, rest, segment, phrase, coder, memo):
    """Code characters START to END (exclusive) of a document with CODE, or a segment (--segment), or words
    in it (--segment with --text). Offsets are those `workbench segments DOC` and `workbench search` show."""
    start, end, code_id = _span_arguments(rest, segment, phrase)
    codings = project_of(ctx).codings
    coder = codings.coder_for(coder)
    if segment is None:
        coding_id = codings.code(doc, start, end, code_id, coder, memo)
    else:
        coding_id = codings.code_phrase(segment, phrase, code_id, coder, memo, document=doc)
    click.echo(f"Coding {coding_id}.")


@cli.command(name="code-segment")
@click.argument("segment", type=int)
@click.argument("code_id", metavar="CODE")
@coder_option("Who is coding (see `workbench coders`).")
@click.option("--memo", help="A memo on this coding.")
@click.pass_context
def code_segment(ctx, segment, code_id, coder, memo):
    """Code a whole segment (turn, paragraph, cue) with CODE."""
    codings = project_of(ctx).codings
    coding_id = codings.code_segment(segment, code_id, codings.coder_for(coder), memo)
    click.echo(f"Coding {coding_id}.")


@cli.command()
@click.argument("coding_ids", nargs=-1, type=int)
@click.option("--document", help="Uncode by place: document id or title.")
@click.option("--start", type=int, help="With --document: start offset.")
@click.option("--end", type=int, help="With --document: end offset.")
@click.option("--code", "code_id", help="With --document: only this code.")
@click.option("--coder", help="With --document: only this coder's codings.")
@click.pass_context
def uncode(ctx, coding_ids, document, start, end, code_id, coder):
    """Delete codings by id, or every coding at a place of a document."""
    project = project_of(ctx)
    ids = list(coding_ids)
    if document is not None:
        ids += project.codings.find(document=document, start=start, end=end, code_id=code_id, coder=coder)
    if not ids:
        raise click.UsageError("give coding ids, or --document with --start/--end/--code/--coder")
    for coding_id in ids:
        project.codings.uncode(coding_id)
    click.echo(f"Removed {len(ids)} coding{'s' if len(ids) != 1 else ''}.")


def _print_codings(rows) -> None:
    from rich.markup import escape

    print_table(("id", "doc", "start-end", "code", "coder", "source", "text"),
                ((str(r["id"]), str(r["document_id"]), f"{r['start']}-{r['end']}", escape(r["code_id"]),
                  escape(r["coder"]), escape(r["source"]), escape(shorten(r["snippet"], 90))) for r in rows))


@cli.command()
@click.option("--code", "code_id", help="Only this code.")
@click.option("--with-subcodes", is_flag=True, help="With --code: include its sub-codes.")
@click.option("--coder", help="Only this coder.")
@click.option("--document", help="Only this document (id or title).")
@click.option("--source", help="Only this source (manual, a rule id, semantic, import...).")
@json_output(text=_print_codings)
@click.pass_context
def codings(ctx, code_id, with_subcodes, coder, document, source):
    """List codings with their text."""
    return project_of(ctx, viewer=coder).codings.list(code_id, coder, document, with_subcodes, source)


@cli.group(cls=Group)
def memo():
    """Memos on documents, codes and codings."""


@memo.command(name="add")
@click.argument("text")
@click.option("--document", help="Document id or title.")
@click.option("--code", "code_id", help="Code id.")
@click.option("--coding", type=int, help="Coding id.")
@click.option("--author", help="Who wrote it. Default: $WORKBENCH_CODER, else the project's default coder, "
                               "else nobody.")
@click.pass_context
def memo_add(ctx, text, document, code_id, coding, author):
    """Add a memo to one document, code or coding."""
    codings = project_of(ctx).codings
    memo_id = codings.add_memo(text, document, code_id, coding, codings.coder_for(author, required=False))
    click.echo(f"Memo {memo_id}.")


def _print_memos(rows) -> None:
    for r in rows:
        target = (f"coding {r['coding_id']}" if r["coding_id"] else f"code {r['code_id']}" if r["code_id"]
                  else f"document {r['document_id']}")
        click.echo(f"{r['id']}\t{target}\t{r['author'] or ''}\t{r['text']}")


@memo.command(name="list")
@click.option("--document", help="Only memos of this document.")
@click.option("--code", "code_id", help="Only memos of this code.")
@json_output(text=_print_memos)
@click.pass_context
def memo_list(ctx, document, code_id):
    """List memos."""
    return project_of(ctx).codings.memos(document, code_id)

