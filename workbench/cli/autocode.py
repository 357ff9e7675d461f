"""Commands for automatic suggestions: autocode, suggestions, accept, reject."""

from __future__ import annotations

import click

from workbench.cli._common import cli, coder_option, json_output, print_table, project_of, shorten, split_list
from workbench.cli.llm import llm_options, llm_overrides
from workbench.llm.session import describe_stats

MEASURED = ["rules", "semantic", "classifier", "classifier+context", "rules+classifier", "llm", "topic"]


def describe_pending(pending: dict[str, int]) -> str:
    """One line: how many suggestions wait for review, in all and per code (most first)."""
    total = sum(pending.values())
    if not total:
        return "Waiting for review: no suggestions."
    per_code = ", ".join(f"{code} {n}" for code, n in pending.items())
    return f"Waiting for review: {total} suggestion{'s' if total != 1 else ''} — {per_code}"


def _print_run(result) -> None:
    from workbench.autocode.combine import describe_withdrawn

    withdrawn = describe_withdrawn(result.pop("withdrawn", None))
    pending = result.pop("pending", {})
    run_id = result.pop("run_id", None)
    auto = result.pop("auto", None)
    if auto is not None:
        _print_gated(auto)
    for name, stats in result.items():
        click.echo(f"{name}: {stats.get('new', stats.get('suggestions', 0))} new suggestions "
                   f"over {stats.get('segments', 0)} segments")
        if name == "llm":
            click.echo(describe_stats(stats))
    if withdrawn:
        click.echo(withdrawn)
    if run_id is not None:
        click.echo(f"Recorded as run {run_id} (see `workbench audit`).")
    click.echo(describe_pending(pending))
    if pending:
        click.echo("Review them with `workbench suggestions`.")


def _print_gated(auto: dict) -> None:
    if auto.get("revalidated"):
        click.echo(f"Codings changed since the last validation: validated again (validation {auto['validation']}).")
    on = auto["per_code"]
    click.echo(f"auto: {auto['new']} new suggestions for {len(on)} code{'s' if len(on) != 1 else ''} that passed "
               "the measured gate" + (f" (validation {auto['validation']})" if auto.get("validation") else ""))
    for code_id, how in on.items():
        click.echo(f"  {code_id}: {how['suggested']} by {how['method']} at {how['threshold']:.2f}")
    if not on and not auto["off"]:
        click.echo("The project has no codes yet: load a codebook first (`workbench codebook load FILE`).")
    if auto["off"]:
        click.echo(f"Not suggested by default ({len(auto['off'])} codes; `--method rules` runs the rules anyway):")
        for code_id, why in auto["off"].items():
            click.echo(f"  {code_id}: {why}")


@cli.command()
@click.option("--method", type=click.Choice(["auto", "rules", "semantic", "both", "llm"]), default="auto",
              show_default=True,
              help="auto: each code that passed the measured gate of `workbench validate`, with the method and "
                   "threshold it measured best with; rules: codebook patterns (spaCy); semantic: classifiers and "
                   "embedding similarity; both: rule suggestions the theme's classifier gives at least 0.4, "
                   "classifier suggestions at 0.8 or more alone; llm: a language model on an OpenAI-compatible "
                   "server reads each segment with the codebook (see `workbench llm`).")
@click.option("--codes", help="Comma-separated code ids (default: every code).")
@click.option("--document", "documents", multiple=True, help="Only this document (repeatable).")
@click.option("--threshold", type=float, help="Semantic: similarity threshold for every code.")
@click.option("--include-interviewer", is_flag=True, help="Also suggest codes for interviewer/moderator turns.")
@click.option("--include-structure", is_flag=True,
              help="Also suggest codes for headings, captions, source notes, references and front matter.")
@llm_options
@coder_option("Who runs it (recorded with the run).")
@json_output(text=_print_run)
@click.pass_context
def autocode(ctx, method, codes, documents, threshold, include_interviewer, include_structure, llm_url, llm_model,
             allow_remote, coder, as_json):
    """Suggest codes for segments; suggestions wait for `workbench accept` or `reject`."""
    from rich.console import Console
    from rich.progress import Progress

    project = project_of(ctx)
    with Progress(console=Console(stderr=True), transient=True, disable=as_json) as bar:
        task = bar.add_task(f"Suggesting ({method})", total=None)
        result = project.suggestions.run(
            method, split_list(codes), list(documents) or None, threshold, include_interviewer=include_interviewer,
            include_structure=include_structure, who=project.codings.coder_for(coder, required=False),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            llm=llm_overrides(llm_url, llm_model), allow_remote=allow_remote)
    return {**result, "pending": project.suggestions.pending_by_code()}


def _reason_and_trust(row) -> str:
    """The reason, then how often such suggestions were right when measured (unless the reason says it)."""
    reason, trust = row.get("reason") or "", row.get("trust")
    return f"{reason} — {trust}" if trust and trust not in reason else reason


def _print_suggestions(rows) -> None:
    from rich.markup import escape

    print_table(("id", "doc", "code", "score", "reason", "text"),
                ((str(r["id"]), str(r["document_id"]), escape(r["code_id"]), f"{r['score']:.2f}",
                  escape(_reason_and_trust(r)), escape(shorten(r.get("text") or r.get("snippet") or "", 80)))
                 for r in rows))


@cli.command()
@click.option("--status", type=click.Choice(["pending", "accepted", "rejected", "all"]), default="pending",
              show_default=True, help="Which suggestions.")
@click.option("--code", "code_id", help="Only this code.")
@click.option("--method", type=click.Choice(MEASURED), help="Only this method.")
@click.option("--min-score", type=float, help="Only suggestions scoring at least this.")
@click.option("--document", help="Only this document (id or title).")
@click.option("--limit", type=int, default=200, show_default=True, help="Most rows to show.")
@json_output(text=_print_suggestions)
@click.pass_context
def suggestions(ctx, status, code_id, method, min_score, document, limit):
    """List suggestions with their score and reason, best first."""
    return project_of(ctx).suggestions.list(None if status == "all" else status, code_id, min_score, document, method,
                                            limit)


def _decide(ctx, ids, all_, code_id, min_score, method, coder, accept: bool):
    project = project_of(ctx)
    if ids and all_:
        raise click.UsageError("give suggestion ids or --all, not both")
    if not ids and not all_:
        raise click.UsageError("give suggestion ids, or --all with --code/--min-score/--method")
    coder = project.codings.coder_for(coder)
    if accept:
        done = project.suggestions.accept(list(ids), coder) if ids else project.suggestions.accept_where(coder, code_id, min_score, method)
        click.echo(f"Accepted {len(done)} suggestion{'s' if len(done) != 1 else ''} as codings by {coder}.")
    else:
        if ids:
            count = project.suggestions.reject(list(ids), coder)
        else:
            count = project.suggestions.reject_where(coder, code_id, min_score, method)
        click.echo(f"Rejected {count} suggestion{'s' if count != 1 else ''}.")


@cli.command()
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "all_", is_flag=True, help="Every pending suggestion passing the filters.")
@click.option("--code", "code_id", help="With --all: only this code.")
@click.option("--min-score", type=float, help="With --all: only suggestions scoring at least this.")
@click.option("--method", type=click.Choice(MEASURED), help="With --all: only this method.")
@coder_option("Who accepts (the codings are theirs).")
@click.pass_context
def accept(ctx, ids, all_, code_id, min_score, method, coder):
    """Accept suggestions: each becomes a coding with the rule or method as its source."""
    _decide(ctx, ids, all_, code_id, min_score, method, coder, accept=True)


@cli.command()
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "all_", is_flag=True, help="Every pending suggestion passing the filters.")
@click.option("--code", "code_id", help="With --all: only this code.")
@click.option("--below", "min_score", type=float, help="With --all: only suggestions scoring below this.")
@click.option("--method", type=click.Choice(MEASURED), help="With --all: only this method.")
@coder_option("Who rejects.")
@click.pass_context
def reject(ctx, ids, all_, code_id, min_score, method, coder):
    """Reject suggestions; they stay recorded as rejected and are not suggested again."""
    _decide(ctx, ids, all_, code_id, min_score, method, coder, accept=False)
