"""Click-through from the analysis pages: every excerpt shown opens the reader at its document and span.

The reader page may not be registered while these pages are tested one file at a time, so the tests
record the switch that `workbench.ui.links.open_in_reader` asks for instead of landing on the page."""

from __future__ import annotations

import pytest

from tests.test_app import button, run, small_project_fixture, store  # noqa: F401  (the fixture)
from tests.test_app_analysis import coded_project_fixture, three_theme_interviews  # noqa: F401  (the fixture)
from workbench.ui.links import READER_PAGE, TARGET_KEY


@pytest.fixture
def switches(monkeypatch):
    """The reader switches requested, as (page, query params)."""
    calls = []
    monkeypatch.setattr("workbench.ui.links.st.switch_page",
                        lambda page, query_params=None: calls.append((page, dict(query_params or {}))))
    return calls


def _opened(app, switches, document_id, start, end):
    assert not app.exception, app.exception
    target = {"doc": document_id, "start": start, "end": end}
    assert switches == [(READER_PAGE, {k: str(v) for k, v in target.items()})]
    assert app.session_state[TARGET_KEY] == target


def test_search_result_opens_the_reader_at_its_segment(small_project, switches):
    app = run("search.py")
    app.text_input[0].set_value("apprentices")
    button(app, "Search").click().run()
    assert not [b for b in app.button if b.label.startswith("Open in reader")]  # nothing picked yet
    with store(small_project) as project:
        hits = project.documents.search("apprentices")
    app.session_state["search_hits"] = {"selection": {"rows": [1], "columns": []}}
    app.run()
    [opener] = [b for b in app.button if b.label.startswith("Open in reader")]
    assert hits[1]["title"] in opener.label
    opener.click().run()
    _opened(app, switches, hits[1]["document_id"], hits[1]["match_start"], hits[1]["match_end"])
    with store(small_project) as project:  # the reader lands on the words found, not the whole turn
        text = project.documents.get(hits[1]["document_id"])["text"]
        assert text[hits[1]["match_start"]:hits[1]["match_end"]] == hits[1]["match"]


def test_compare_cell_excerpt_opens_the_reader_at_the_coding(coded_project, switches):
    app = run("compare.py", compare_cols="type", compare_coder="ann")
    app.selectbox(key="cell_code").set_value("demand").run()
    openers = [b for b in app.button if b.label == "Open in reader"]
    with store(coded_project) as project:
        shown = project.codings.excerpts(code="demand", with_subcodes=True, coder="ann").to_dict("records")
    assert len(openers) == len(shown) == 2
    openers[1].click().run()
    _opened(app, switches, shown[1]["document_id"], shown[1]["start"], shown[1]["end"])


def test_export_preview_row_opens_the_reader_at_the_excerpt(coded_project, switches):
    app = run("export.py")
    table = app.dataframe[0].value
    assert {"document_id", "start", "end"} <= set(table.columns)
    app.session_state["export_preview"] = {"selection": {"rows": [3], "columns": []}}
    app.run()
    row = table.iloc[3]
    _opened(app, switches, int(row["document_id"]), int(row["start"]), int(row["end"]))


def test_agreement_disagreement_opens_the_reader_at_it(coded_project, switches):
    app = run("agreement.py", agree_a="ann", agree_b="bo")
    with store(coded_project) as project:
        first = project.codings.agreement("ann", "bo")["disagreements"][0]
    button(app, "Open in reader").click().run()
    _opened(app, switches, first["document_id"], first["start"], first["end"])


@pytest.mark.slow
def test_topic_representative_segment_opens_the_reader(small_project, switches):
    from pathlib import Path

    folder = three_theme_interviews(Path(small_project).parent / "many")
    with store(small_project) as project:
        project.documents.ingest([folder])
        project.topics.fit("tiny", embedder="tfidf", n_topics=3, min_topic_size=3)
        topic = project.topics.run("tiny")["topics"][0]
    app = run("topics.py")
    app.selectbox(key="topic_segments").set_value(topic["topic"]).run()
    openers = [b for b in app.button if b.label == "Open in reader"]
    assert len(openers) == len(topic["representative"]) > 0
    openers[0].click().run()
    seg = topic["representative"][0]
    _opened(app, switches, seg["document_id"], seg["start"], seg["end"])
