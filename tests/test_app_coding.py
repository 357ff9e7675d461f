"""AppTest of the Codebook, Search and Suggestions pages: each interaction is checked in the store."""

from __future__ import annotations

import pytest

from tests.test_app import button, html_of, run, small_project_fixture, store  # noqa: F401  (the fixture)


def test_codebook_add_edit_move_merge_delete(small_project):
    app = run("codebook.py")
    assert not app.exception
    assert list(app.dataframe[0].value["id"]) == ["skills", "skills_ageing", "demand"]
    form_inputs = [t for t in app.text_input if t.label.startswith("Id")]
    form_inputs[0].set_value("skills_pay")
    next(t for t in app.text_input if t.label == "Label" and t.value == "").set_value("Pay <and> wages")
    button(app, "Add code").click().run()
    with store(small_project) as project:
        added = {c["id"]: c for c in project.codebook.codes()}["skills_pay"]
        assert added["label"] == "Pay <and> wages" and added["parent_id"] is None
    app.selectbox(key="codebook_code").set_value("skills_pay").run()
    app.selectbox(key="move_parent").set_value("skills").run()
    button(app, "Move").click().run()
    with store(small_project) as project:
        assert {c["id"]: c for c in project.codebook.codes()}["skills_pay"]["parent_id"] == "skills"
        project.codings.code(1, 0, 5, "skills_pay", "ann")
    app.selectbox(key="codebook_code").set_value("skills_pay").run()
    button(app, "Delete code").click().run()
    assert "has 1 codings" in app.error[0].value
    app.selectbox(key="merge_target").set_value("skills_ageing").run()
    button(app, "Merge").click().run()
    with store(small_project) as project:
        ids = [c["id"] for c in project.codebook.codes()]
        assert "skills_pay" not in ids
        assert [c["code_id"] for c in project.codings.list(document=1)] == ["skills_ageing"]
    assert app.get("download_button")


def test_codebook_edit_a_definition(small_project):
    app = run("codebook.py")
    app.text_area[0].set_value("Anything about skills, <b>training</b> included.")
    button(app, "Save").click().run()
    with store(small_project) as project:
        assert project.codebook.codes()[0]["description"] == "Anything about skills, <b>training</b> included."
    assert "<b>training" not in html_of(app)


def test_search_with_filters_and_code_all_results(small_project):
    app = run("search.py")
    app.text_input[0].set_value("apprentices")
    button(app, "Search").click().run()
    assert not app.exception
    assert list(app.dataframe[0].value["match"]) == ["apprentices", "apprentices"]  # one row per hit, once
    app.text_area[0].set_value("region=North East")
    button(app, "Search").click().run()
    assert len(app.dataframe[0].value) == 1
    assert button(app, "Code all 1 results").disabled  # no code chosen yet: nothing is coded by one click
    app.selectbox(key="search_code").set_value("skills").run()
    button(app, "Code all 1 results").click().run()
    with store(small_project) as project:
        codings = project.codings.list(code="skills")
        assert [c["document_id"] for c in codings] == [2] and "apprentices" in codings[0]["snippet"]


def test_search_bad_query_is_an_error_with_a_hint(small_project):
    app = run("search.py")
    app.text_input[0].set_value('"unbalanced')
    button(app, "Search").click().run()
    assert not app.exception and app.error and "Hint" in app.error[0].value


def test_suggestions_run_rules_then_accept_all_shown_for_one_code(small_project):
    app = run("suggestions.py")
    button(app, "Run").click().run()
    assert not app.exception
    with store(small_project) as project:
        pending = project.suggestions.list()
        assert {s["code_id"] for s in pending} == {"skills", "demand"}
    app.selectbox(key="review_code").set_value("demand").run()
    demand = [s for s in pending if s["code_id"] == "demand"]
    button(app, f"Accept all {len(demand)} shown").click().run()
    with store(small_project) as project:
        assert len(project.suggestions.list()) == len(pending)  # asked first, nothing done yet
    button(app, "Confirm: accept").click().run()
    assert not app.exception
    with store(small_project) as project:
        assert {s["code_id"] for s in project.suggestions.list()} == {"skills"}
        coded = project.codings.list(coder="ann")
        assert len(coded) == len(demand) and {c["code_id"] for c in coded} == {"demand"}
    button(app, "Reject all").click().run()
    button(app, "Confirm: reject").click().run()
    with store(small_project) as project:
        assert project.suggestions.list() == [] and len(project.suggestions.list(status="rejected")) == len(pending) - len(demand)


def test_suggestions_evaluation_against_a_second_coder(small_project):
    with store(small_project) as project:
        project.suggestions.run("rules")
        project.codings.add_coder("gold")
        for s in project.suggestions.list(code="demand"):
            project.codings.code(s["document_id"], s["start"], s["end"], "demand", "gold")
    app = run("suggestions.py")
    app.selectbox[-2].set_value("gold")
    button(app, "Evaluate").click().run()
    assert not app.exception
    per_label = app.dataframe[-2].value
    row = per_label[per_label["label"] == "demand"].iloc[0]
    assert row["recall"] == 1.0 and row["precision"] == 1.0


@pytest.mark.slow
def test_suggestions_run_both_methods(small_project):
    app = run("suggestions.py")
    app.radio[0].set_value("both")
    button(app, "Run").click().run()
    assert not app.exception and not app.error
    assert "rules:" in app.success[0].value and "semantic:" in app.success[0].value
    with store(small_project) as project:
        assert {s["method"] for s in project.suggestions.list()} <= {"rules", "semantic", "classifier"}
        assert project.suggestions.list(method="rules")
