"""`workbench topics ...`: topic runs over segments."""

from __future__ import annotations

import click

from workbench.cli._common import Group, cli, console, emit_json, project_of


@cli.group(cls=Group)
def topics():
    """Find themes with topic models (BERTopic), compare them with codes and attributes, promote them to codes."""


def _progress(as_json: bool):
    """A rich progress bar on stderr and the callback that drives it: progress(stage, done, total)."""
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True, disable=as_json)
    task = bar.add_task("Topics", total=None)

    def update(stage: str, done: int, total: int) -> None:
        bar.update(task, description=stage, completed=done, total=total or None)

    return bar, update


def _topic_table(run: dict, show_text: bool = True):
    from rich.markup import escape
    from rich.table import Table

    table = Table("topic", "size", "label", "top words", *(["example"] if show_text else []))
    for t in run["topics"]:
        example = t["representative"][0]["text"] if t["representative"] else ""
        example = " ".join(example.split())
        table.add_row(str(t["topic"]), str(t["size"]), escape(t["label"]),
                      escape(", ".join(w for w, _ in t["words"][:6])),
                      *([escape(example if len(example) <= 90 else example[:87] + "...")] if show_text else []))
    return table


@topics.command(name="fit")
@click.option("--name", help="Name of the run (default topics-N).")
@click.option("--embedder", type=click.Choice(["minilm", "tfidf"]), default="minilm", show_default=True,
              help="Sentence embeddings (cached), or TF-IDF + SVD (no torch, fast for large corpora).")
@click.option("--min-topic-size", type=int, default=10, show_default=True, help="Smallest topic HDBSCAN keeps.")
@click.option("--topics", "n_topics", type=int, help="Number of topics for k-means (default: from corpus size).")
@click.option("--clusterer", type=click.Choice(["auto", "hdbscan", "kmeans"]), default="auto", show_default=True,
              help="auto: k-means below 300 distinct segments (or when HDBSCAN finds fewer than 2 topics).")
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE",
              help="Only segments with type, kind, speaker, document or an attribute equal to VALUE (repeatable).")
@click.option("--include-interviewer", is_flag=True, help="Also model interviewer/moderator turns.")
@click.option("--reduce-outliers", is_flag=True, help="Move outlier segments to their nearest topic.")
@click.option("--min-words", type=int, default=3, show_default=True, help="Leave out segments shorter than this.")
@click.option("--stop-word", "stop_words", multiple=True, help="An extra word to leave out of topic words (repeatable).")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed (same seed, same topics).")
@click.option("--replace", is_flag=True, help="Replace a run of the same name.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def topics_fit(ctx, name, embedder, min_topic_size, n_topics, clusterer, filters, include_interviewer,
               reduce_outliers, min_words, stop_words, seed, replace, as_json):
    """Fit a topic model over segments and store it as a run (Ctrl-C leaves nothing behind)."""
    bar, update = _progress(as_json)
    project = project_of(ctx)
    try:
        with bar:
            fitted = project.fit_topics(name, embedder, min_topic_size, n_topics, clusterer, list(filters),
                                       include_interviewer, reduce_outliers, min_words, seed, list(stop_words),
                                       replace, progress=update)
    except KeyboardInterrupt:
        click.echo("Interrupted: no topic run was written.", err=True)
        ctx.exit(130)
    run = project.topic_run(fitted["name"])
    if as_json:
        emit_json(run)
        return
    click.echo(f"Run {run['name']}: {run['topic_count']} topics over {run['segment_count']} segments "
               f"({run['outlier_count']} outliers, {run['clusterer']}, {run['embedder']}, {run['seconds']:.1f} s).")
    if run["parameters"].get("note"):
        click.echo(run["parameters"]["note"])
    console().print(_topic_table(run, show_text=False))


@topics.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def topics_list(ctx, as_json):
    """Stored topic runs with their parameters."""
    from rich.markup import escape
    from rich.table import Table

    runs = project_of(ctx).topic_runs()
    if as_json:
        emit_json(runs)
        return
    if not runs:
        click.echo("No topic runs yet; fit one with `workbench topics fit`.")
        return
    table = Table("name", "created", "embedder", "clusterer", "segments", "topics", "outliers", "filters")
    for r in runs:
        shown = " ".join(f"{k}={v}" for k, vs in r["filters"].items() for v in vs)
        table.add_row(escape(r["name"]), r["created_at"], r["embedder"], r["clusterer"], str(r["segment_count"]),
                      str(r["topic_count"]), str(r["outlier_count"]), escape(shown))
    console().print(table)


@topics.command(name="show")
@click.argument("run")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def topics_show(ctx, run, as_json):
    """A run's topics: label, size, top words and an example segment."""
    found = project_of(ctx).topic_run(run)
    if as_json:
        emit_json(found)
        return
    click.echo(f"Run {found['name']} ({found['embedder']}, {found['clusterer']}): {found['topic_count']} topics, "
               f"{found['segment_count']} segments, {found['outlier_count']} outliers.")
    console().print(_topic_table(found))


@topics.command(name="compare")
@click.argument("run")
@click.option("--by", default="code", show_default=True, metavar="code|type|attribute:NAME|time",
              help="Compare topics with codes, document types, an attribute or dates.")
@click.option("--coder", help="With --by code: only this coder's codings.")
@click.option("--min-coverage", type=float, default=0.2, show_default=True,
              help="With --by code: a topic with a smaller coded share is a theme the codebook misses.")
@click.option("--freq", type=click.Choice(["year", "quarter", "month"]), default="year", show_default=True,
              help="With --by time: the period.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def topics_compare(ctx, run, by, coder, min_coverage, freq, as_json):
    """Topics x codes (flags themes no code covers), x document types or attribute values, or over time."""
    from rich.markup import escape
    from rich.table import Table

    project = project_of(ctx)
    if by == "code":
        result = project.topics_by_codes(run, coder, min_coverage)
        if as_json:
            emit_json(result)
            return
        table = Table("topic", "size", "coded", "label", "codes (share of the topic's segments)")
        for t in result["topics"]:
            codes = ", ".join(f"{c['code']} {c['share']:.0%}" for c in t["codes"][:4])
            mark = " [bold red]not covered[/]" if t["uncovered"] else ""
            table.add_row(str(t["topic"]), str(t["size"]), f"{t['coverage']:.0%}", escape(t["label"]) + mark,
                          escape(codes))
        console().print(table)
        if result["uncovered"]:
            click.echo("Themes the codebook misses: topics " + ", ".join(map(str, result["uncovered"]))
                       + f" (coded share below {min_coverage:.0%}); promote one with `workbench topics promote`.")
        return
    if by == "time":
        result = project.topics_over_time(run, None, freq)
    else:
        result = project.topics_by_attribute(run, by)
    if as_json:
        emit_json(result)
        return
    table = Table("topic", "label", *[escape(str(v)) for v in result["values"]])
    for t in result["topics"]:
        table.add_row(str(t["topic"]), escape(t["label"]),
                      *[f"{t['counts'][v]} ({t['shares'][v]:.0%})" for v in result["values"]])
    console().print(table)
    click.echo(f"Counts, and in brackets the share of each {result['by']} value's segments in the topic.")


@topics.command(name="promote")
@click.argument("run")
@click.argument("topic", type=int)
@click.option("--parent", help="Parent code of the new code (default: top level).")
@click.option("--code-id", help="Id of the new code (default: from the topic's label).")
@click.option("--label", help="Label of the new code (default: the topic's label).")
@click.option("--examples", type=int, default=3, show_default=True, help="Example quotations to copy into the code.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def topics_promote(ctx, run, topic, parent, code_id, label, examples, as_json):
    """Turn a topic into a draft code; its segments become suggestions to accept or reject."""
    result = project_of(ctx).promote_topic(run, topic, parent, code_id, label, examples)
    if as_json:
        emit_json(result)
        return
    click.echo(f"Added code {result['code_id']} ({result['label']}) with {result['suggestions']} suggestions "
               f"from {result['source']}.")
    click.echo(f"Review them with `workbench suggestions --code {result['code_id']}`.")


@topics.command(name="apply")
@click.argument("run")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def topics_apply(ctx, run, as_json):
    """Give segments ingested after the run was fitted the topic of its saved model."""
    bar, update = _progress(as_json)
    with bar:
        result = project_of(ctx).apply_topics(run, progress=update)
    if as_json:
        emit_json(result)
        return
    shown = ", ".join(f"topic {t}: {n}" for t, n in result["by_topic"].items())
    click.echo(f"Assigned {result['applied']} new segments to topics of {result['run']}" + (f" ({shown})." if shown else "."))


@topics.command(name="delete")
@click.argument("run")
@click.pass_context
def topics_delete(ctx, run):
    """Delete a run and its saved model (suggestions it made stay)."""
    found = project_of(ctx).delete_topic_run(run)
    click.echo(f"Deleted topic run {found['name']}.")


@topics.command(name="figure")
@click.argument("run")
@click.option("--kind", type=click.Choice(["barchart", "heatmap", "time", "distance", "hierarchy"]),
              default="barchart", show_default=True, help="Which figure.")
@click.option("--by", default="type", show_default=True, help="With --kind heatmap: type or an attribute name.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="HTML file to write.")
@click.pass_context
def topics_figure(ctx, run, kind, by, output):
    """Write a figure of a run as a standalone HTML file (plotly)."""
    fig = project_of(ctx).topic_figure(run, kind, by)
    fig.write_html(output, include_plotlyjs=True)
    click.echo(f"Wrote {output}")
