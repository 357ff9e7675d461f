"""Commands that query codings: excerpts, matrices, co-occurrence."""

from __future__ import annotations

import click

from workbench.cli._common import cli, json_output, parse_where, project_of, shorten, split_list
from workbench.store.documents import DOCUMENT_TYPES


def _print_frame(frame) -> None:
    import pandas as pd

    with pd.option_context("display.max_rows", 200, "display.max_columns", 50, "display.width", 200,
                           "display.max_colwidth", 60):
        click.echo(frame.to_string() if not frame.empty else "(nothing coded)")


def _frame_records(frame):
    from workbench.coding.queries import frame_records

    return frame_records(frame)


def _print_excerpts(frame) -> None:
    _print_frame(frame[["coding_id", "code_id", "title", "speaker", "coder", "text"]])


@cli.command()
@click.option("--code", "code_id", help="Only this code (and its sub-codes unless --exact).")
@click.option("--exact", is_flag=True, help="With --code: leave sub-codes out.")
@click.option("--coder", help="Only this coder.")
@click.option("--type", "doc_type", type=click.Choice(DOCUMENT_TYPES), help="Only this document type.")
@click.option("--where", multiple=True, metavar="NAME=VALUE", help="Attribute filter, repeatable.")
@click.option("--speaker", help="Only excerpts from this speaker's turns.")
@json_output(text=_print_excerpts, data=_frame_records)
@click.pass_context
def excerpts(ctx, code_id, exact, coder, doc_type, where, speaker):
    """Coded excerpts with their document, speaker, page and attributes."""
    return project_of(ctx).codings.excerpts(code=code_id, with_subcodes=not exact, coder=coder, doc_type=doc_type,
                                            attributes=parse_where(where), speaker=speaker)


@cli.command()
@click.option("--rows", type=click.Choice(["code"]), default="code", show_default=True, help="What the rows are.")
@click.option("--cols", default="document", show_default=True, help="document, type or attribute:NAME.")
@click.option("--count", type=click.Choice(["segments", "documents"]), default="segments", show_default=True,
              help="Count coded segments or documents.")
@click.option("--coder", help="Only this coder's codings.")
@click.option("--no-rollup", is_flag=True, help="Do not count sub-code codings for their parents.")
@json_output(text=_print_frame, data=lambda frame: {"rows": list(frame.index), "cols": [str(c) for c in frame.columns],
                                                    "counts": frame.values.tolist()})
@click.pass_context
def matrix(ctx, rows, cols, count, coder, no_rollup):
    """Code x document (or x attribute value) matrix of counts."""
    return project_of(ctx).codings.matrix(cols, count, coder, not no_rollup)


@cli.command()
@click.option("--unit", type=click.Choice(["segment", "document"]), default="segment", show_default=True,
              help="Count segments or documents that carry both codes.")
@click.option("--coder", help="Only this coder's codings.")
@click.option("--rollup", is_flag=True, help="Count sub-code codings for their parents too.")
@json_output(text=_print_frame, data=lambda frame: {"codes": list(frame.index), "counts": frame.values.tolist()})
@click.pass_context
def cooccurrence(ctx, unit, coder, rollup):
    """Code co-occurrence: how often two codes are on the same segment or document."""
    return project_of(ctx).codings.cooccurrence(unit, coder, rollup)


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
@click.option("--method", type=click.Choice(["rules", "semantic", "classifier", "both"]),
              help="Evaluate only suggestions of this method (default: all).")
@click.option("--split", help="Only gold rows of this split (e.g. test).")
@json_output(text=_print_evaluation)
@click.pass_context
def evaluate(ctx, gold_path, gold_coder, coder, method, split):
    """Precision, recall and F1 per code and per theme against a gold standard."""
    return project_of(ctx).suggestions.evaluate(gold_path, gold_coder, coder, method, split)


def _print_agreement(result, unit) -> None:
    def fmt(value):
        return "  n/a" if value is None else f"{value:5.2f}"
    click.echo(f"{result['coder_a']} vs {result['coder_b']}, {result['units']} {unit}s "
               f"in {len(result['documents'])} documents")
    click.echo(f"{'code':<28} {'n':>6} {'A':>5} {'B':>5} {'both':>5} {'agree':>6} {'kappa':>6} {'alpha':>6}")
    for c in result["codes"]:
        click.echo(f"{c['code']:<28} {c['n']:>6} {c['coded_by_a']:>5} {c['coded_by_b']:>5} {c['coded_by_both']:>5} "
                   f"{fmt(c['percent_agreement']):>6} {fmt(c['kappa']):>6} {fmt(c['alpha']):>6}")
    o = result["overall"]
    click.echo(f"{'overall (pooled)':<28} {o['n']:>6} {'':>5} {'':>5} {'':>5} {fmt(o['percent_agreement']):>6} "
               f"{fmt(o['kappa']):>6} {fmt(o['alpha']):>6}")
    if result["disagreements"]:
        click.echo(f"\n{len(result['disagreements'])} disagreements:")
        for d in result["disagreements"][:50]:
            click.echo(f"  doc {d['document_id']} {d['start']}-{d['end']} {d['code']}: only {d['coded_by']}: "
                       + shorten(d["text"], 70))


@cli.command()
@click.option("--coder", "coders", multiple=True, required=True, help="A coder; give exactly two.")
@click.option("--unit", type=click.Choice(["segment", "character"]), default="segment", show_default=True,
              help="Compare per segment or per character.")
@click.option("--codes", help="Comma-separated code ids (default: every code either coder used).")
@click.option("--with-subcodes", is_flag=True, help="A sub-code's coding counts for its listed parent.")
@click.option("--skip-uncoded", is_flag=True, help="Leave out units neither coder coded.")
@json_output(text=_print_agreement)
@click.pass_context
def agreement(ctx, coders, unit, codes, with_subcodes, skip_uncoded):
    """Inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha, disagreements."""
    if len(coders) != 2:
        raise click.UsageError("give --coder twice, e.g. --coder ann --coder bo")
    return project_of(ctx).codings.agreement(coders[0], coders[1], unit, split_list(codes), skip_uncoded, with_subcodes)
