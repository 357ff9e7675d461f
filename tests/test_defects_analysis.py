"""Defects found on the analysis pages: codebook counts, search listing, compare's default matrix, topic word bars,
and agreement over chosen documents."""

from __future__ import annotations

import json
import re

from tests.test_app import button, html_of, run, small_project_fixture, store  # noqa: F401  (the fixture)
from tests.test_clickthrough_analysis import coded_project_fixture  # noqa: F401  (the fixture)


def _figure(app, index: int = 0) -> dict:
    return json.loads(app.get("plotly_chart")[index].proto.spec)


def test_codebook_counts_include_sub_codes_like_compare(small_project):
    with store(small_project) as project:  # only the sub-code is used: its parent held "· 0" before
        for doc in (1, 2):
            turn = [s for s in project.documents.segments(doc) if s["speaker"] == "Respondent"][0]
            project.codings.code_segment(turn["id"], "skills_ageing", "ann")
        totals = project.codings.matrix().sum(axis=1).to_dict()
    app = run("codebook.py")
    assert not app.exception
    table = app.dataframe[0].value
    counts = dict(zip(table["id"], table["coded segments"]))
    assert counts == {"skills": 2, "skills_ageing": 2, "demand": 0}
    assert {k: v for k, v in counts.items() if v} == totals  # the same numbers as Compare's matrix
    assert any("include sub-codes" in c.value for c in app.caption)
    assert re.search(r">Skills · 2</span>", html_of(app))


def test_search_lists_each_hit_once_with_a_blank_page_where_there_is_none(small_project):
    app = run("search.py")
    app.text_input[0].set_value("apprentices")
    button(app, "Search").click().run()
    assert not app.exception
    with store(small_project) as project:
        hits = project.documents.search("apprentices")
    assert len(hits) == 2 and all(h["page"] is None for h in hits)
    assert app.caption[0].value == "2 results"
    assert len(app.get("dataframe")) == 1 and not app.get("html")  # one table, no second list of the same hits
    table = app.dataframe[0].value
    assert len(table) == 2 and list(table["match"]) == ["apprentices", "apprentices"]
    assert list(table["page"]) == ["", ""] and "None" not in table.to_string()


def test_compare_defaults_to_a_codes_by_documents_matrix_with_human_titles(coded_project):
    app = run("compare.py")
    assert not app.exception
    assert app.selectbox(key="compare_cols").value == "document"
    figure = _figure(app)
    layout = figure["layout"]
    assert layout["xaxis"]["title"]["text"] == "Document" and layout["yaxis"]["title"]["text"] == "Code"
    assert list(figure["data"][0]["x"]) == ["firm_a", "firm_b"]  # several columns, titled by document
    assert list(figure["data"][0]["y"]) == ["Skills", "Skills › Ageing workforce", "Demand"]
    assert "code_id" not in json.dumps(layout) and '"col"' not in json.dumps(layout)
    assert app.selectbox(key="cell_column").format_func("1: firm_a") == "firm_a"


def test_compare_default_with_many_documents_splits_by_an_attribute(small_project):
    """Past 25 documents a column each is unreadable: the default is the attribute with a few values."""
    folder = small_project.parent / "more"
    folder.mkdir()
    for i in range(26):
        (folder / f"extra_{i:02d}.txt").write_text(f"Interviewer: Orders?\n\nRespondent: Orders are fine, number {i}.")
    regions = ["Wales", "Tees", "Fife"]
    with store(small_project) as project:
        for outcome in project.documents.ingest([folder]):
            project.documents.set_attribute(outcome.document_id, "region", regions[outcome.document_id % 3])
        for doc in project.documents.list():
            turn = [s for s in project.documents.segments(doc["id"]) if s["speaker"] == "Respondent"][-1]
            project.codings.code_segment(turn["id"], "demand", "ann")
    app = run("compare.py")
    assert not app.exception and app.selectbox(key="compare_cols").value == "attribute:region"
    figure = _figure(app)
    assert figure["layout"]["xaxis"]["title"]["text"] == "Region"
    assert len(figure["data"][0]["x"]) == 5  # three regions, and the two first firms' own


def _fake_topics(n: int) -> list[dict]:
    words = ["apprenticeship", "welders", "college", "training", "shortage", "retirement", "pipeline", "grid"]
    return [{"topic": i, "label": f"{words[i % 8]}, {words[(i + 3) % 8]} programmes, {words[(i + 5) % 8]} worries",
             "size": 40 - i, "words": [(w, 0.1 * (8 - k)) for k, w in enumerate(words)]} for i in range(n)]


def test_topic_word_bars_chart_every_topic_with_titles_that_do_not_overlap(monkeypatch):
    from workbench.topics import figures

    topics = _fake_topics(13)
    monkeypatch.setattr(figures, "run_topics", lambda db, run_id, with_text=True: [
        {"topic": -1, "label": "outliers", "size": 9, "words": []}, *topics])
    fig = figures.topic_figure(None, None, {"id": 1, "name": "r"}, "barchart")
    assert len(fig.data) == 13  # not the first 8
    titles = [a.text for a in fig.layout.annotations]
    assert len(titles) == 13 and titles[12].startswith("12: ")
    assert all(len(line) <= 28 for t in titles for line in t.split("<br>")) and all(t.count("<br>") <= 1 for t in titles)
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    domains = sorted({tuple(fig.layout[name].domain) for name in fig.layout if name.startswith("yaxis")}, reverse=True)
    assert len(domains) == 5  # 13 topics in rows of 3
    for upper, lower in zip(domains, domains[1:]):
        assert (upper[0] - lower[1]) * plot_px >= 2 * 12 * 1.4 + 10  # room for a two-line title above each row
    lefts = sorted({fig.layout[name].domain[0] for name in fig.layout if name.startswith("xaxis")})
    assert min(b - a for a, b in zip(lefts, lefts[1:])) * 700 >= 28 * 7  # titles side by side fit a 700 px page
    assert len(figures.topic_figure(None, None, {"id": 1, "name": "r"}, "barchart", top_n=4).data) == 4


def test_the_topics_accessor_charts_every_topic_by_default():
    import inspect

    from workbench.topics.accessor import Topics

    assert inspect.signature(Topics.figure).parameters["top_n"].default is None


def test_agreement_page_compares_the_chosen_documents_and_names_them(coded_project):
    app = run("agreement.py", agree_a="ann", agree_b="bo")
    assert "Disagreements (2)" in app.subheader[-1].value
    app.multiselect(key="agree_docs").set_value([1, 2]).run()
    assert not app.exception
    assert app.caption[0].value.replace("\\", "") == "Over 2 chosen documents: firm_a; firm_b (8 segments)."
    assert "Disagreements (4)" in app.subheader[-1].value  # firm_b's two are ann's only: bo never coded it


def test_compare_default_with_many_documents_of_several_types_splits_by_type(small_project):
    folder = small_project.parent / "many"
    folder.mkdir()
    for i in range(26):
        (folder / f"extra_{i:02d}.txt").write_text(f"Meeting notes {i}. Orders are fine this year.")
    with store(small_project) as project:
        for outcome in project.documents.ingest([folder]):
            project.documents.set_type(outcome.document_id, "notes")
    app = run("compare.py")
    assert not app.exception and app.selectbox(key="compare_cols").value == "type"
