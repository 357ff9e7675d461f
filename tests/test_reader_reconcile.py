"""Reconcile mode of the reader (workbench.ui.reader.reconcile through the model): the disagreements of a document,
each decision written as the team's codings by the coder, undo, blind refusal, errors as messages; the page."""

from __future__ import annotations

import json

import pytest

from tests.test_app import run, small_project_fixture, store  # noqa: F401  (the fixture)
from tests.test_app_analysis import coded_project_fixture  # noqa: F401  (the fixture)
from workbench.errors import BlindError, CodingError, WorkbenchError
from workbench.ui.reader.model import ReaderView, apply_action, reader_data

PAIR = {"a": "ann", "b": "bo"}


def rec(project, doc=1, coder="lee", **chosen):
    return reader_data(project, doc, coder, ReaderView(reconcile={**PAIR, **chosen}))["reconcile"]


def decision(item, verb, **extra):
    return {"type": "reconcile", "item": item["id"], "decision": verb, "a": "ann", "b": "bo", "team": None, **extra}


def team(project, doc=1):
    return sorted((c["start"], c["end"], c["code_id"]) for c in project.codings.list(coder="team", document=doc))


def test_reconcile_mode_lists_the_documents_disagreements_with_both_sides(coded_project):
    with store(coded_project) as project:
        data = reader_data(project, 1, "lee", ReaderView(reconcile=PAIR))
        assert json.loads(json.dumps(data)) == data
        queue = project.codings.reconciliation_queue("ann", "bo", documents=[1])
        got = data["reconcile"]
        assert [i["id"] for i in got["items"]] == [i["id"] for i in queue] and len(queue) == 2
        assert (got["a"], got["b"], got["team"], got["open"], got["decided"], got["refused"]) == \
            ("ann", "bo", "team", 2, 0, "")
        for item, core in zip(got["items"], queue, strict=True):
            assert (item["start"], item["end"], item["code"], item["coded_by"], item["state"]) == \
                (core["start"], core["end"], core["code"], core["coded_by"], "open")
            for side in ("a", "b"):
                assert [(s["start"], s["end"], s["text"]) for s in item[side]] == \
                    [(c["start"], c["end"], c["text"]) for c in core[side]]
        assert data["suggestions"] == [] and data["suggestions_shown"] is False  # n moves through disagreements
        assert {c["coder"] for c in data["codings"]} == {"ann", "bo"}  # the two coders (and the team) only
        assert all(i["id"].startswith("2:") for i in rec(project, doc=2)["items"])  # only the shown document's
        assert reader_data(project, 1, "lee")["reconcile"] is None  # not in reconcile mode


@pytest.mark.parametrize("verb", ["keep_a", "keep_b", "keep_both", "reject"])
def test_each_decision_writes_the_teams_codings_and_settles_the_item(coded_project, verb):
    with store(coded_project) as project:
        project.codings.add_coder("lee")
        item = next(i for i in rec(project)["items"] if i["coded_by"] == "ann")
        message = apply_action(project, 1, "lee", decision(item, verb))
        kept = {"keep_a": item["a"], "keep_b": item["b"], "keep_both": item["a"] + item["b"], "reject": []}[verb]
        assert team(project) == sorted((s["start"], s["end"], item["code"]) for s in kept)
        assert item["label"] in message and "team has" in message
        after = rec(project)
        assert (after["open"], after["decided"]) == (1, 1)
        assert next(i for i in after["items"] if i["id"] == item["id"])["state"] == verb
        assert project.changes.history(limit=1)[0]["kind"] == f"reconcile.{verb}"


def test_agree_on_selected_words_and_undo(coded_project):
    with store(coded_project) as project:
        project.codings.add_coder("lee")
        item = rec(project)["items"][0]
        start, end = item["start"] + 2, item["start"] + 9
        apply_action(project, 1, "lee", decision(item, "agree_custom", start=start, end=end))
        assert team(project) == [(start, end, item["code"])]
        assert "team" in reader_data(project, 1, "lee", ReaderView(reconcile=PAIR))["codings"][-1]["coder"]
        assert apply_action(project, 1, "lee", {"type": "undo"}).startswith("Undone: reconcile agree_custom")
        assert team(project) == [] and rec(project)["open"] == 2
        with pytest.raises(CodingError, match="not inside the passage"):
            apply_action(project, 1, "lee", decision(item, "agree_custom", start=item["end"], end=item["end"] + 5))
        with pytest.raises(CodingError, match="no words selected"):
            apply_action(project, 1, "lee", decision(item, "agree_custom"))


def test_errors_are_workbench_errors_with_messages(coded_project):
    with store(coded_project) as project:
        item = rec(project)["items"][0]
        for coder, action in [(None, decision(item, "keep_a")),
                              ("lee", decision(item, "keep_some")),
                              ("lee", {**decision(item, "keep_a"), "item": "2:0-5:demand"}),
                              ("lee", {**decision(item, "keep_a"), "b": ""})]:
            with pytest.raises(WorkbenchError) as caught:
                apply_action(project, 1, coder, action)
            assert caught.value.message
        apply_action(project, 1, "lee", decision(item, "reject"))
        with pytest.raises(WorkbenchError, match="already decided|not a disagreement"):
            apply_action(project, 1, "lee", decision(item, "keep_a"))
        assert "one of the coders" in rec(project, team="ann")["refused"]
        assert rec(project, b="")["refused"] and rec(project, b="")["items"] == []


def test_blind_coding_refuses_reconciliation_to_non_leads(coded_project):
    with store(coded_project) as project:
        project.codings.add_coder("lee")
        project.codings.set_leads(["lee"])
        project.codings.set_blind(True, by="lee")
        item = rec(project)["items"][0]  # a project opened without a viewer sees everything
    with store(coded_project) as project:
        as_ann = project.view_as("ann")
        refused = rec(as_ann, coder="ann")
        assert "lead" in refused["refused"] and refused["items"] == []
        with pytest.raises(BlindError):
            apply_action(as_ann, 1, "ann", decision(item, "keep_a"))
        assert rec(project.view_as("lee"))["open"] == 2


def test_the_page_in_reconcile_mode_shows_agreement_before_and_after(coded_project):
    app = run("reader.py", coder="lee", reader_reconcile=True, reader_rec_a="ann", reader_rec_b="bo")
    assert not app.exception
    figures = app.dataframe[-1].value
    assert {"ann vs bo kappa", "ann vs team kappa", "bo vs team kappa"} <= set(figures.columns)
    assert any("2 open, 0 decided" in m.value for m in app.markdown)
    app = run("reader.py", coder="ann", reader_reconcile=True, reader_rec_a="ann", reader_rec_b="bo")
    assert not app.exception  # the same pair, reconciling their own work: allowed while not blind


def test_the_page_tells_a_non_lead_that_reconciliation_is_for_leads_while_blind(coded_project):
    with store(coded_project) as project:
        project.codings.add_coder("lee")
        project.codings.set_leads(["lee"])
        project.codings.set_blind(True, by="lee")
    app = run("reader.py", coder="ann", reader_reconcile=True, reader_rec_a="ann", reader_rec_b="bo")
    assert not app.exception and any("lead" in i.value for i in app.info)


def test_a_document_only_one_coder_coded_is_not_reconciled(tmp_path):
    from workbench.project import Project
    from workbench.ui.reader.reconcile import reconcile_entries

    (tmp_path / "t.txt").write_text("I: How is it?\n\nR: Welders are hard to find.\n")
    (tmp_path / "u.txt").write_text("I: And you?\n\nR: Welders retire early here.\n")
    with Project(tmp_path / "p.db") as project:
        project.documents.ingest([tmp_path / "t.txt", tmp_path / "u.txt"])
        project.codebook.add_code("skills", "Skills")
        for name in ("ann", "bo"):
            project.codings.add_coder(name)
        for doc in (1, 2):
            other = project.documents.get(doc)["text"]
            project.codings.code(doc, other.index("Welders"), other.index("Welders") + 7, "skills", "ann")
        project.codings.code(2, other.index("Welders"), other.index("Welders") + 7, "skills", "bo")
        entries = reconcile_entries(project, 1, {"a": "ann", "b": "bo"})
        assert entries["items"] == [] and entries["refused"].startswith("bo has not coded this document yet")
