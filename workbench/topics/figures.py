"""Plotly figures of a topic run, returned as objects for the app: word bars, topics x attribute heatmap,
topics over time, and BERTopic's intertopic distance map and hierarchy from the saved model."""

from __future__ import annotations

from workbench.errors import TopicError
from workbench.topics.runs import load_model, run_topics

KINDS = ("barchart", "heatmap", "time", "distance", "hierarchy")


def topic_figure(db, project_path, run: dict, kind: str = "barchart", by: str = "type", top_n: int | None = None):
    """A plotly Figure of one kind (see KINDS); `by` names the attribute of the heatmap; the barchart shows
    every topic unless `top_n` limits it to the largest."""
    if kind == "barchart":
        return barchart(db, run, top_n)
    if kind == "heatmap":
        from workbench.topics.compare import topics_by_attribute

        return heatmap(topics_by_attribute(db, run, by), f"Topics by {by}")
    if kind == "time":
        from workbench.topics.compare import topics_over_time

        return heatmap(topics_over_time(db, run), "Topics over time")
    if kind in ("distance", "hierarchy"):
        topics = [t for t in run_topics(db, run["id"], with_text=False) if t["topic"] != -1]
        needed = 3 if kind == "distance" else 2
        if len(topics) < needed:
            raise TopicError(f"the {kind} figure needs at least {needed} topics; run {run['name']!r} has {len(topics)}",
                             hint="fit with more topics (--topics K) or a smaller --min-topic-size")
        model, _ = load_model(project_path, run)
        model.set_topic_labels({t["topic"]: f"{t['topic']}: {t['label']}" for t in topics})
        if kind == "distance":
            return model.visualize_topics(custom_labels=True, title="Intertopic distance map")
        return model.visualize_hierarchy(custom_labels=True, title="Topic hierarchy")
    raise TopicError(f"unknown figure {kind!r}", hint="figures: " + ", ".join(KINDS))


ROW_PX, GAP_PX, HEAD_PX = 230, 90, 80  # one row of small bar charts, the room for its titles, the figure title


def _title(topic: dict, width: int = 28) -> str:
    """A topic's subplot title on at most two lines of `width` characters (plotly does not wrap titles)."""
    import textwrap

    lines = textwrap.wrap(f"{topic['topic']}: {topic['label']}", width) or [str(topic["topic"])]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
    return "<br>".join(lines)


def barchart(db, run: dict, top_n: int | None = None, words: int = 8, cols: int = 3):
    """Horizontal bars of the c-TF-IDF weights of each topic's top words, largest topics first: every topic
    (or the `top_n` largest), one small chart each in a grid, rows spaced in pixels so titles never overlap."""
    from plotly.subplots import make_subplots

    topics = [t for t in run_topics(db, run["id"], with_text=False) if t["topic"] != -1]
    topics = topics[:top_n] if top_n else topics
    if not topics:
        raise TopicError(f"run {run['name']!r} has no topics, only outliers", hint="fit with --clusterer kmeans")
    cols = max(1, min(cols, len(topics)))
    rows = (len(topics) + cols - 1) // cols
    height = HEAD_PX + rows * ROW_PX + (rows - 1) * GAP_PX
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[_title(t) for t in topics],
                        horizontal_spacing=0.16 if cols > 1 else 0,
                        vertical_spacing=GAP_PX / (height - HEAD_PX) if rows > 1 else 0)
    for k, topic in enumerate(topics):
        pairs = topic["words"][:words][::-1]
        fig.add_bar(x=[w for _, w in pairs], y=[w for w, _ in pairs], orientation="h", row=k // cols + 1,
                    col=k % cols + 1, showlegend=False, name=f"{topic['topic']}: {topic['label']}",
                    hovertemplate="%{y}: %{x:.3f}<extra></extra>")
    fig.update_annotations(font_size=12)
    fig.update_yaxes(automargin=True, tickfont_size=11)
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(title=f"Topic words ({run['name']}, {len(topics)} topics)", height=height,
                      template="plotly_white", margin={"t": HEAD_PX, "l": 10, "r": 60, "b": 20})
    return fig


def heatmap(table: dict, title: str):
    """Share of each value's segments in each topic, from topics_by_attribute or topics_over_time."""
    import plotly.graph_objects as go

    topics = [t for t in table["topics"] if t["topic"] != -1]
    z = [[t["shares"][v] for v in table["values"]] for t in topics]
    fig = go.Figure(go.Heatmap(z=z, x=table["values"], y=[f"{t['topic']}: {t['label']}" for t in topics],
                               colorscale="Blues", colorbar={"title": "share"},
                               text=[[t["counts"][v] for v in table["values"]] for t in topics],
                               hovertemplate="%{y}<br>%{x}: %{z:.0%} (%{text} segments)<extra></extra>"))
    fig.update_layout(title=title, template="plotly_white", height=max(300, 28 * len(topics) + 150),
                      yaxis={"autorange": "reversed"})
    return fig
