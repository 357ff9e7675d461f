"""`workbench topics ...`: topic runs over segments."""

from __future__ import annotations

import click

from workbench.cli._common import Group, cli, json_output, print_table, project_of, shorten


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


def _example(topic: dict) -> str:
    return " ".join((topic["representative"][0]["text"] if topic["representative"] else "").split())


def _print_topics(run: dict, show_text: bool = True) -> None:
    from rich.markup import escape

    print_table(("topic", "size", "label", "top words", *(["example"] if show_text else [])),
                ((str(t["topic"]), str(t["size"]), escape(t["label"]), escape(", ".join(w for w, _ in t["words"][:6])),
                  *([escape(shorten(_example(t), 90))] if show_text else [])) for t in run["topics"]))


def _print_fitted(run: dict) -> None:
    click.echo(f"Run {run['name']}: {run['topic_count']} topics over {run['segment_count']} segments "
               f"({run['outlier_count']} outliers, {run['clusterer']}, {run['embedder']}, {run['seconds']:.1f} s).")
    if run["parameters"].get("note"):
        click.echo(run["parameters"]["note"])
    _print_topics(run, show_text=False)


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
@click.option("--include-structure", is_flag=True,
              help="Also model headings, captions, source notes, references and front matter.")
@click.option("--reduce-outliers", is_flag=True, help="Move outlier segments to their nearest topic.")
@click.option("--min-words", type=int, default=3, show_default=True, help="Leave out segments shorter than this.")
@click.option("--stop-word", "stop_words", multiple=True, help="An extra word to leave out of topic words (repeatable).")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed (same seed, same topics).")
@click.option("--replace", is_flag=True, help="Replace a run of the same name.")
@json_output(text=_print_fitted)
@click.pass_context
def topics_fit(ctx, name, embedder, min_topic_size, n_topics, clusterer, filters, include_interviewer,
               include_structure, reduce_outliers, min_words, stop_words, seed, replace, as_json):
    """Fit a topic model over segments and store it as a run (Ctrl-C leaves nothing behind)."""
    bar, update = _progress(as_json)
    project = project_of(ctx)
    try:
        with bar:
            fitted = project.topics.fit(name, embedder, min_topic_size, n_topics, clusterer, list(filters),
                                       include_interviewer, reduce_outliers, min_words, seed, list(stop_words),
                                       replace, progress=update, include_structure=include_structure)
    except KeyboardInterrupt:
        click.echo("Interrupted: no topic run was written.", err=True)
        ctx.exit(130)
    return project.topics.run(fitted["name"])


def _print_runs(runs) -> None:
    from rich.markup import escape

    if not runs:
        click.echo("No topic runs yet; fit one with `workbench topics fit`.")
        return
    print_table(("name", "created", "embedder", "clusterer", "segments", "topics", "outliers", "filters"),
                ((escape(r["name"]), r["created_at"], r["embedder"], r["clusterer"], str(r["segment_count"]),
                  str(r["topic_count"]), str(r["outlier_count"]),
                  escape(" ".join(f"{k}={v}" for k, vs in r["filters"].items() for v in vs))) for r in runs))


@topics.command(name="list")
@json_output(text=_print_runs)
@click.pass_context
def topics_list(ctx):
    """Stored topic runs with their parameters."""
    return project_of(ctx).topics.runs()


def _print_run(run: dict) -> None:
    click.echo(f"Run {run['name']} ({run['embedder']}, {run['clusterer']}): {run['topic_count']} topics, "
               f"{run['segment_count']} segments, {run['outlier_count']} outliers.")
    _print_topics(run)


@topics.command(name="show")
@click.argument("run")
@json_output(text=_print_run)
@click.pass_context
def topics_show(ctx, run):
    """A run's topics: label, size, top words and an example segment."""
    return project_of(ctx).topics.run(run)


def _print_comparison(result, by, min_coverage) -> None:
    from rich.markup import escape

    if by == "code":
        print_table(("topic", "size", "coded", "label", "codes (share of the topic's segments)"),
                    ((str(t["topic"]), str(t["size"]), f"{t['coverage']:.0%}",
                      escape(t["label"]) + (" [bold red]not covered[/]" if t["uncovered"] else ""),
                      escape(", ".join(f"{c['code']} {c['share']:.0%}" for c in t["codes"][:4])))
                     for t in result["topics"]))
        if result["uncovered"]:
            click.echo("Themes the codebook misses: topics " + ", ".join(map(str, result["uncovered"]))
                       + f" (coded share below {min_coverage:.0%}); promote one with `workbench topics promote`.")
        return
    print_table(("topic", "label", *[escape(str(v)) for v in result["values"]]),
                ((str(t["topic"]), escape(t["label"]),
                  *[f"{t['counts'][v]} ({t['shares'][v]:.0%})" for v in result["values"]]) for t in result["topics"]))
    click.echo(f"Counts, and in brackets the share of each {result['by']} value's segments in the topic.")


@topics.command(name="compare")
@click.argument("run")
@click.option("--by", default="code", show_default=True, metavar="code|type|attribute:NAME|time",
              help="Compare topics with codes, document types, an attribute or dates.")
@click.option("--coder", help="With --by code: only this coder's codings.")
@click.option("--min-coverage", type=float, default=0.2, show_default=True,
              help="With --by code: a topic with a smaller coded share is a theme the codebook misses.")
@click.option("--freq", type=click.Choice(["year", "quarter", "month"]), default="year", show_default=True,
              help="With --by time: the period.")
@json_output(text=_print_comparison)
@click.pass_context
def topics_compare(ctx, run, by, coder, min_coverage, freq):
    """Topics x codes (flags themes no code covers), x document types or attribute values, or over time."""
    project = project_of(ctx)
    if by == "code":
        return project.topics.by_codes(run, coder, min_coverage)
    if by == "time":
        return project.topics.over_time(run, None, freq)
    return project.topics.by_attribute(run, by)


def _print_promoted(result) -> None:
    click.echo(f"Added code {result['code_id']} ({result['label']}) with {result['suggestions']} suggestions "
               f"from {result['source']}.")
    click.echo(f"Review them with `workbench suggestions --code {result['code_id']}`.")


@topics.command(name="promote")
@click.argument("run")
@click.argument("topic", type=int)
@click.option("--parent", help="Parent code of the new code (default: top level).")
@click.option("--code-id", help="Id of the new code (default: from the topic's label).")
@click.option("--label", help="Label of the new code (default: the topic's label).")
@click.option("--examples", type=int, default=3, show_default=True, help="Example quotations to copy into the code.")
@json_output(text=_print_promoted)
@click.pass_context
def topics_promote(ctx, run, topic, parent, code_id, label, examples):
    """Turn a topic into a draft code; its segments become suggestions to accept or reject."""
    return project_of(ctx).topics.promote(run, topic, parent, code_id, label, examples)


def _print_applied(result) -> None:
    shown = ", ".join(f"topic {t}: {n}" for t, n in result["by_topic"].items())
    click.echo(f"Assigned {result['applied']} new segments to topics of {result['run']}" + (f" ({shown})." if shown else "."))


@topics.command(name="apply")
@click.argument("run")
@json_output(text=_print_applied)
@click.pass_context
def topics_apply(ctx, run, as_json):
    """Give segments ingested after the run was fitted the topic of its saved model."""
    bar, update = _progress(as_json)
    with bar:
        return project_of(ctx).topics.apply(run, progress=update)


@topics.command(name="delete")
@click.argument("run")
@click.pass_context
def topics_delete(ctx, run):
    """Delete a run and its saved model (suggestions it made stay)."""
    found = project_of(ctx).topics.delete(run)
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
    fig = project_of(ctx).topics.figure(run, kind, by)
    fig.write_html(output, include_plotlyjs=True)
    click.echo(f"Wrote {output}")
