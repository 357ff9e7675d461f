"""`workbench validate`, `next` and `similar`: how far suggestions can be trusted, what to code next, and
passages like a given one."""

from __future__ import annotations

import click

from workbench.cli._common import cli, json_output, project_of, split_list
from workbench.cli.llm import llm_options, llm_overrides
from workbench.cli.tables import Column, clip, print_rows
from workbench.llm.session import describe_stats

SHORT = {"classifier": "clf", "classifier+context": "clf+ctx", "rules+classifier": "rules+clf"}  # theme headers


def _pct(value) -> str:
    return f"{value:.2f}"


def _interval(figures: dict, name: str) -> str:
    low, high = figures["ci"][name]
    return f"{figures[name]:.2f} ({low:.2f}–{high:.2f})"


def _print_validation(result) -> None:
    res = result["results"]
    click.echo(f"Validation {result['id']}: {result['codings']} codings by {result['coder']} in "
               f"{result['documents']} documents ({res['segments']} passages), {res['folds']}-fold cross-validation "
               f"grouped by document; target precision {result['target_precision']:.2f}, at least "
               f"{result['min_support']} coded passages per code. Intervals: 95%, bootstrap over documents.")
    columns = [Column("code", max_width=28), Column("coded", "right"), Column("method"), Column("threshold", "right"),
               Column("precision", "right"), Column("recall", "right"), Column("F1", "right"), Column("on")]
    rows = []
    for code_id, entry in res["codes"].items():
        figures = entry["methods"][entry["method"]]
        rows.append([code_id, entry["support"], entry["method"], _pct(entry["threshold"]),
                     _interval(figures, "precision"), _interval(figures, "recall"), _pct(figures["f1"]),
                     "yes" if entry["passed"] else "no"])
    print_rows(columns, rows, empty="No codes.")
    off = {c: e["message"] for c, e in res["codes"].items() if not e["passed"]}
    if off:
        click.echo("\nNot suggested by default:")
        for code_id, message in off.items():
            click.echo(f"  {code_id}: {message}")
    methods = list(next(iter(res["themes"].values()))["methods"]) if res["themes"] else []
    click.echo("\nThemes (passages carrying the theme or any of its codes): F1 of each method alone (clf: classifier, "
               "ctx: with the turns around), and the gated default (the theme's passed codes together):")
    theme_columns = [Column("theme", max_width=24), Column("coded", "right"),
                     *[Column(SHORT.get(m, m), "right") for m in methods], Column("gated precision", "right"),
                     Column("gated recall", "right"), Column("gated F1", "right")]
    print_rows(theme_columns, ([theme, entry["support"], *[_pct(entry["methods"][m]["f1"]) for m in methods],
                                _interval(entry["gated"], "precision"), _interval(entry["gated"], "recall"),
                                _pct(entry["gated"]["f1"])] for theme, entry in res["themes"].items()),
               empty="No themes.")
    click.echo("\nTheme macro F1: " + ", ".join(f"{m} {v['f1']:.2f}" for m, v in res["macro"].items()))
    if (result.get("settings") or {}).get("llm"):
        measured = result["settings"]["llm"]
        click.echo(f"Language model {measured['model']} at {measured['url']} (prompt {measured['prompt_template']}): "
                   + describe_stats(measured.get("stats") or {}).removeprefix("llm: "))
    passed = sum(e["passed"] for e in res["codes"].values())
    click.echo(f"{passed} of {len(res['codes'])} codes are suggested by default (`workbench autocode`); "
               "the others only when a method is asked for (e.g. `--method rules`).")


@cli.command("validate")
@click.option("--coder", help="Whose codings are the evidence (default: the only coder with codings; for a team, "
                              "the name the agreed codings are under).")
@click.option("--codes", help="Comma-separated code ids (default: every code).")
@click.option("--target", type=float, help="Precision a code must reach (default: the project's, else 0.8); "
                                           "with --save-target it becomes the project's.")
@click.option("--save-target", is_flag=True, help="Keep --target as the project's target precision.")
@click.option("--folds", type=int, help="Cross-validation folds (default 5, at most one per document).")
@click.option("--llm", "with_llm", is_flag=True,
              help="Measure the language model too (the project's `workbench llm` settings, or --llm-url and "
                   "--llm-model): it is asked about every passage not answered before.")
@llm_options
@json_output(text=_print_validation, help="Print every figure as JSON.")
@click.pass_context
def validate(ctx, coder, codes, target, save_target, folds, with_llm, llm_url, llm_model, allow_remote):
    """Measure each suggestion method per code on the project's own coding, and set which codes are suggested.

    Cross-validation grouped by document: no passage of a held-out document is learnt from. Per code and theme:
    precision, recall and F1 with 95% intervals (bootstrap over documents) at the threshold that reaches the
    target precision. A code is suggested by default once it has at least 20 coded passages and reaches it."""
    from rich.console import Console
    from rich.progress import Progress

    project = project_of(ctx)
    if save_target:
        if target is None:
            raise click.UsageError("--save-target needs --target")
        project.validation.set_target(target)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Cross-validating", total=None)
        return project.validation.run(coder, split_list(codes), target, folds=folds,
                                       progress=lambda done, total: bar.update(task, completed=done, total=total),
                                       llm=with_llm or bool(llm_url or llm_model),
                                       llm_overrides=llm_overrides(llm_url, llm_model), allow_remote=allow_remote)


def _print_passages(rows, score_header: str, why: bool) -> None:
    columns = [Column("segment", "right"), Column("document", max_width=28), Column("start", "right"),
               Column(score_header, "right"), Column("passage", max_width=70, wrap=True)]
    if why:
        columns.append(Column("why", max_width=40, wrap=True))
    print_rows(columns, ([r["segment_id"], r["title"], r["start"], f"{r.get('score', r.get('similarity')):.2f}",
                          clip(r["text"], 240), *([r["why"]] if why else [])] for r in rows),
               empty="No passages.")


@cli.command("next")
@click.option("--n", "count", type=int, default=10, show_default=True, help="How many passages.")
@click.option("--coder", help="Whose coding the classifiers learn from (default: the only coder with codings).")
@json_output(text=lambda rows: _print_passages(rows, "unsure", True), help="Print the passages as JSON.")
@click.pass_context
def next_(ctx, count, coder):
    """Passages to code next: those the classifiers are least sure about, spread over documents."""
    return project_of(ctx).validation.next(count, coder)


@cli.command("similar")
@click.argument("item", type=int)
@click.option("--coding", "is_coding", is_flag=True, help="ITEM is a coding id (default: a segment id).")
@click.option("--n", "count", type=int, default=10, show_default=True, help="How many passages.")
@json_output(text=lambda rows: _print_passages(rows, "similarity", False), help="Print the passages as JSON.")
@click.pass_context
def similar(ctx, item, is_coding, count):
    """Passages most like a segment (or, with --coding, a coding), ready to code."""
    project = project_of(ctx)
    return project.validation.similar(coding=item, n=count) if is_coding else project.validation.similar(
        segment=item, n=count)
