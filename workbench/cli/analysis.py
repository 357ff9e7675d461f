"""Commands that query codings: excerpts, matrices, co-occurrence."""

from __future__ import annotations

import math

import click

from workbench.cli._common import (
    cli,
    console,
    json_output,
    parse_where,
    project_of,
    shorten,
    split_list,
)
from workbench.cli.tables import (
    LABEL_WIDTH,
    Column,
    clip,
    csv_option,
    echo_csv,
    one_format,
    print_counts,
    print_rows,
)
from workbench.render import clock
from workbench.store.documents import DOCUMENT_TYPES

EXCERPT_CHARS = 280  # a longer excerpt is cut with an ellipsis on the terminal (--json and --csv keep it whole)


def _frame_records(frame):
    from workbench.coding.queries import frame_records

    return frame_records(frame)


def _where(row) -> str:
    """The document's title, then the speaker and the page or time where the excerpt starts, where known."""
    place = [str(row.speaker) if _known(row.speaker) else "",
             f"p. {int(row.page)}" if _known(row.page) else clock(row.time_start) if _known(row.time_start) else ""]
    return clip(row.title, 2 * LABEL_WIDTH) + ("\n" + " · ".join(p for p in place if p) if any(place) else "")


def _known(value) -> bool:
    """Not None, NaN or empty."""
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value != ""


def _print_excerpts(frame, as_csv) -> None:
    """One row an excerpt: id, code, where it comes from, its text wrapped (and cut when long)."""
    if as_csv:
        echo_csv(frame.assign(page=frame["page"].astype("Int64")))
        return
    side = max(14, min(LABEL_WIDTH, console().width // 5))
    coders = frame["coder"].nunique() > 1
    columns = [Column("id", "right"), Column("code", max_width=side, wrap=True),
               Column("document", max_width=side, wrap=True), *([Column("coder", max_width=12)] if coders else []),
               Column("text", wrap=True, min_width=20)]
    print_rows(columns, ((row.coding_id, row.code_id, _where(row), *([row.coder] if coders else []),
                          clip(row.text, EXCERPT_CHARS)) for row in frame.itertuples(index=False)), lines=True)


def _print_matrix(frame, as_csv, cols) -> None:
    """Codes down, columns across; by document the columns are document ids (in order), their titles listed below."""
    if as_csv:
        echo_csv(frame, "code")
        return
    if cols == "document":
        frame = frame[sorted(frame.columns, key=lambda c: int(str(c).partition(":")[0]))]
    titles = [str(c).partition(": ") for c in frame.columns] if cols == "document" else []
    print_counts([("code", [str(c) for c in frame.index])], [key for key, _, _ in titles] or list(map(str, frame.columns)),
                 frame.values.tolist())
    if titles and not frame.empty:
        click.echo("")
        print_rows([Column("doc", "right"), Column("title")], ((key, title) for key, _, title in titles))


def _print_cooccurrence(frame, as_csv) -> None:
    """Codes numbered down the side; the columns are the same codes by number."""
    if as_csv:
        echo_csv(frame, "code")
        return
    keys = [str(k) for k in range(1, len(frame.index) + 1)]
    print_counts([("#", keys), ("code", [str(c) for c in frame.index])], keys, frame.values.tolist())


@cli.command()
@click.option("--code", "code_id", help="Only this code (and its sub-codes unless --exact).")
@click.option("--exact", is_flag=True, help="With --code: leave sub-codes out.")
@click.option("--coder", help="Only this coder.")
@click.option("--type", "doc_type", type=click.Choice(DOCUMENT_TYPES), help="Only this document type.")
@click.option("--where", multiple=True, metavar="NAME=VALUE", help="Attribute filter, repeatable.")
@click.option("--speaker", help="Only excerpts from this speaker's turns.")
@csv_option
@json_output(text=_print_excerpts, data=_frame_records)
@click.pass_context
def excerpts(ctx, code_id, exact, coder, doc_type, where, speaker, as_csv, as_json):
    """Coded excerpts with their document, speaker, page and attributes."""
    one_format(as_json, as_csv)
    return project_of(ctx, viewer=coder).codings.excerpts(code=code_id, with_subcodes=not exact, coder=coder, doc_type=doc_type,
                                            attributes=parse_where(where), speaker=speaker)


@cli.command()
@click.option("--rows", type=click.Choice(["code"]), default="code", show_default=True, help="What the rows are.")
@click.option("--cols", default="document", show_default=True, help="document, type or attribute:NAME.")
@click.option("--count", type=click.Choice(["segments", "documents"]), default="segments", show_default=True,
              help="Count coded segments or documents.")
@click.option("--coder", help="Only this coder's codings.")
@click.option("--no-rollup", is_flag=True, help="Do not count sub-code codings for their parents.")
@csv_option
@json_output(text=_print_matrix, data=lambda frame: {"rows": list(frame.index), "cols": [str(c) for c in frame.columns],
                                                     "counts": frame.values.tolist()})
@click.pass_context
def matrix(ctx, rows, cols, count, coder, no_rollup, as_csv, as_json):
    """Code x document (or x attribute value) matrix of counts."""
    one_format(as_json, as_csv)
    return project_of(ctx, viewer=coder).codings.matrix(cols, count, coder, not no_rollup)


@cli.command()
@click.option("--unit", type=click.Choice(["segment", "document"]), default="segment", show_default=True,
              help="Count segments or documents that carry both codes.")
@click.option("--coder", help="Only this coder's codings.")
@click.option("--rollup", is_flag=True, help="Count sub-code codings for their parents too.")
@csv_option
@json_output(text=_print_cooccurrence, data=lambda frame: {"codes": list(frame.index),
                                                           "counts": frame.values.tolist()})
@click.pass_context
def cooccurrence(ctx, unit, coder, rollup, as_csv, as_json):
    """Code co-occurrence: how often two codes are on the same segment or document."""
    one_format(as_json, as_csv)
    return project_of(ctx, viewer=coder).codings.cooccurrence(unit, coder, rollup)


def _print_evaluation(result) -> None:
    click.echo(f"{result['predicted_by']} on {result['documents']} documents, {result['segments']} segments"
               + (f" (split {result['split']})" if result["split"] else ""))
    for level in ("theme", "code"):
        click.echo(f"\n{level:<28} {'support':>7} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
        for label, s in result[level]["per_label"].items():
            click.echo(f"{label:<28} {s['support']:>7} {s['predicted']:>5} {s['precision']:>6.2f} "
                       f"{s['recall']:>6.2f} {s['f1']:>6.2f}")
        m = result[level]["macro"]
        click.echo(f"{'macro (codes in gold)':<28} {'':>7} {'':>5} {m['precision']:>6.2f} {m['recall']:>6.2f} {m['f1']:>6.2f}")


@cli.command()
@click.option("--gold", "gold_path", type=click.Path(dir_okay=False, exists=True),
              help="Gold CSV: document (title), start, end, code[, split].")
@click.option("--gold-coder", help="Use another coder in the project as the gold standard.")
@click.option("--coder", help="Evaluate this coder's codings instead of the suggestions.")
@click.option("--method", type=click.Choice(["rules", "semantic", "classifier", "both", "llm"]),
              help="Evaluate only suggestions of this method (default: all).")
@click.option("--split", help="Only gold rows of this split (e.g. test).")
@json_output(text=_print_evaluation)
@click.pass_context
def evaluate(ctx, gold_path, gold_coder, coder, method, split):
    """Precision, recall and F1 per code and per theme against a gold standard."""
    return project_of(ctx).suggestions.evaluate(gold_path, gold_coder, coder, method, split)


def _print_agreement(result, unit, documents=()) -> None:
    def fmt(value):
        return "  n/a" if value is None else f"{value:5.2f}"

    def share(value):  # a percentage that never rounds a disagreement away
        return "n/a" if value is None else ">99.9%" if 0.999 < value < 1 else f"{value:.1%}"
    titles = result.get("document_titles") or [str(d) for d in result["documents"]]
    click.echo(f"{result['coder_a']} vs {result['coder_b']}, {result['units']} {unit}s")
    noun = "document" if len(titles) == 1 else "documents"
    click.echo(f"Over {len(titles)} {'chosen ' + noun if documents else noun + ' both coded'}: " + "; ".join(titles))
    click.echo(f"{'code':<28} {'n':>6} {'A':>5} {'B':>5} {'both':>5} {'agree':>6} {'kappa':>6} {'alpha':>6}")
    for c in result["codes"]:
        click.echo(f"{c['code']:<28} {c['n']:>6} {c['coded_by_a']:>5} {c['coded_by_b']:>5} {c['coded_by_both']:>5} "
                   f"{share(c['percent_agreement']):>6} {fmt(c['kappa']):>6} {fmt(c['alpha']):>6}")
    o = result["overall"]
    click.echo(f"{'overall (pooled)':<28} {o['n']:>6} {'':>5} {'':>5} {'':>5} {share(o['percent_agreement']):>6} "
               f"{fmt(o['kappa']):>6} {fmt(o['alpha']):>6}")
    if result["disagreements"]:
        click.echo(f"\n{len(result['disagreements'])} disagreements:")
        for d in result["disagreements"][:50]:
            click.echo(f"  doc {d['document_id']} {d['start']}-{d['end']} {d['code']}: only {d['coded_by']}: "
                       + shorten(d["text"], 70))


@cli.command()
@click.option("--coder", "coders", multiple=True, required=True,
              help="A coder; give exactly two. `machine` stands for the suggestions at their current thresholds, "
                   "held out as in the newest `workbench validate`.")
@click.option("--unit", type=click.Choice(["segment", "character"]), default="segment", show_default=True,
              help="Compare per segment or per character.")
@click.option("--codes", help="Comma-separated code ids (default: every code either coder used).")
@click.option("--with-subcodes", is_flag=True, help="A sub-code's coding counts for its listed parent.")
@click.option("--skip-uncoded", is_flag=True, help="Leave out units neither coder coded.")
@click.option("--document", "documents", multiple=True,
              help="Compare only this document (id or title); repeat for more (default: every document both coded).")
@json_output(text=_print_agreement)
@click.pass_context
def agreement(ctx, coders, unit, codes, with_subcodes, skip_uncoded, documents):
    """Inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha, disagreements."""
    if len(coders) != 2:
        raise click.UsageError("give --coder twice, e.g. --coder ann --coder bo")
    if "machine" in coders:
        human = [c for c in coders if c != "machine"]
        return project_of(ctx).validation.machine_agreement(human[0] if human else None)
    return project_of(ctx).codings.agreement(coders[0], coders[1], unit, split_list(codes), skip_uncoded, with_subcodes,
                                             list(documents) or None)
