"""Trust in suggestions on the pages, under AppTest: the Validate section of the Suggestions page (its table, the
gate's message, the stale warning), the auto method and the codes it left off, the trust line on the review card,
and the machine as a second coder on the Agreement page."""

from __future__ import annotations

import json

import pytest

from tests.test_app import button, run, small_project_fixture, store  # noqa: F401  (the fixture)

MACHINE = "machine (suggestions, held out)"


def code_respondents(db, coder: str = "ann") -> None:
    """ann codes each respondent turn of both interviews: the first with skills, the second with demand."""
    with store(db) as project:
        for doc in (1, 2):
            first, second = [s for s in project.documents.segments(doc) if s["speaker"] == "Respondent"]
            project.codings.code(doc, first["start"], first["end"], "skills", coder)
            project.codings.code(doc, second["start"], second["end"], "demand", coder)


def validation_table(app) -> list[dict]:
    [table] = [d for d in app.dataframe if "suggested by default" in d.value.columns]
    return table.value.to_dict("records")


@pytest.fixture
def coded(small_project):
    code_respondents(small_project)
    return small_project


def test_validate_runs_and_says_every_code_needs_more_evidence(coded):
    app = run("suggestions.py")
    assert not app.exception
    assert any("No validation yet" in c.value for c in app.caption)
    assert app.selectbox(key="validate_coder").options == ["ann"]
    assert app.number_input(key="validate_target").value == pytest.approx(0.8)
    app.number_input(key="validate_target").set_value(0.75)
    button(app, "Validate").click().run()
    assert not app.exception, app.exception
    assert any("Validation 1 of ann's 4 codings in 2 documents: 0 of 3 codes" in s.value for s in app.success)
    rows = {r["code"]: r for r in validation_table(app)}
    assert set(rows) == {"Skills", "Skills › Ageing workforce", "Demand"}
    skills = rows["Skills"]
    assert skills["coded passages"] == 2
    assert skills["suggested by default"] == "no: not enough evidence yet: code 18 more passages"
    assert rows["Skills › Ageing workforce"]["suggested by default"] == "no: not enough evidence yet: code 20 more passages"
    assert skills["method"] and skills["precision (95% interval)"].count("–") == 1  # "1.00 (1.00–1.00)"
    assert any(c.value.startswith("Theme macro F1: gated") for c in app.caption)
    assert any("target precision 0.75" in m.value for m in app.markdown)
    assert not app.warning
    with store(coded) as project:
        assert project.validation.latest()["target_precision"] == pytest.approx(0.75)


def test_a_validation_older_than_the_codings_is_marked_stale(coded):
    with store(coded) as project:
        project.validation.run(coder="ann")
        segment = project.documents.segments(1)[0]
        project.codings.code(1, segment["start"], segment["end"], "skills", "ann")
    app = run("suggestions.py")
    assert not app.exception
    assert any("Codings changed since this validation (ann has 5 codings now, 4 then)" in w.value for w in app.warning)


def test_without_codings_the_section_says_what_to_do(small_project):
    app = run("suggestions.py")
    assert not app.exception
    assert any("Nobody has coded anything yet" in i.value for i in app.info)
    assert not [b for b in app.button if b.label == "Validate"]


def test_the_review_card_says_how_often_suggestions_like_it_were_right(small_project):
    coded = small_project
    with store(coded) as project:
        project.suggestions.run("rules")
    code_respondents(coded)  # after the suggestions: a span coded already is not suggested
    with store(coded) as project:
        assert project.suggestions.pending_count()
    app = run("suggestions.py")
    [element] = [e for e in app.get("bidi_component") if e.proto.component_name == "wb_review_card"]
    assert json.loads(element.proto.json)["item"]["trust"] == ""  # nothing measured yet
    with store(coded) as project:
        project.validation.run(coder="ann")
    app.run()
    [element] = [e for e in app.get("bidi_component") if e.proto.component_name == "wb_review_card"]
    item = json.loads(element.proto.json)["item"]
    assert item["trust"] == "too few suggestions like this measured yet (n=2)"


def test_auto_comes_first_and_the_codes_it_left_off_are_listed(coded, monkeypatch):
    from workbench.autocode import accessor

    calls = []

    def gated_run(self, method, **options):
        calls.append(method)
        return {"auto": {"validation": 1, "new": 0, "per_code": {}, "revalidated": True,
                         "off": {"skills": "not enough evidence yet: code 20 more passages",
                                 "demand": "measured precision stays below 0.80 at every threshold"}}, "run_id": 7}

    if "auto" not in accessor.METHODS:
        monkeypatch.setattr(accessor, "METHODS", ("auto", *accessor.METHODS))
    monkeypatch.setattr(accessor.Suggestions, "run", gated_run)
    app = run("suggestions.py")
    assert not app.exception
    radio = app.radio(key="autocode_method")
    assert radio.options[0] == "auto: codes that passed the measured gate" and radio.value == "auto"
    button(app, "Run").click().run()
    assert not app.exception, app.exception
    assert calls == ["auto"]
    assert any("auto: 0 new suggestions (validated again first" in s.value for s in app.success)
    assert any("2 codes were left off by the last auto run" in i.value for i in app.info)
    [off] = [d for d in app.dataframe if list(d.value.columns) == ["code", "why"]]
    assert off.value.to_dict("records") == [
        {"code": "Skills", "why": "not enough evidence yet: code 20 more passages"},
        {"code": "Demand", "why": "measured precision stays below 0.80 at every threshold"}]


def test_a_real_auto_run_without_codings_lists_every_code_off(small_project):
    from workbench.autocode.accessor import METHODS

    if "auto" not in METHODS:
        pytest.skip("the gated method is not wired yet")
    app = run("suggestions.py")
    assert app.radio(key="autocode_method").value == "rules"  # nothing coded yet: auto would suggest nothing
    app.radio(key="autocode_method").set_value("auto")
    button(app, "Run").click().run()
    assert not app.exception, app.exception
    assert any("3 codes were left off" in i.value for i in app.info)
    [off] = [d for d in app.dataframe if list(d.value.columns) == ["code", "why"]]
    assert set(off.value["why"]) == {"not enough evidence yet: code 20 more passages"}


def test_without_auto_the_methods_are_the_three_of_before(small_project):
    from workbench.autocode.accessor import METHODS

    app = run("suggestions.py")
    expected = ["rules", "semantic", "both"] if "auto" not in METHODS else ["auto: codes that passed the measured gate",
                                                                             "rules", "semantic", "both"]
    if "llm" in METHODS:  # the language-model method comes last (tests/test_app_llm.py)
        expected.append("llm: a language model on a server")
    assert app.radio(key="autocode_method").options == expected


def test_the_machine_is_a_second_coder_on_the_agreement_page(coded):
    app = run("agreement.py")
    assert not app.exception
    assert app.selectbox(key="agree_b").options == [MACHINE]  # ann is the only coder
    assert any("no validation yet of ann's codings" in e.value for e in app.error)
    with store(coded) as project:
        project.validation.run(coder="ann")
        expected = project.validation.machine_agreement("ann")
    app.run()
    assert not app.exception and not app.error
    assert any("never saw its document" in c.value for c in app.caption)
    assert any("Over 2 validated documents (validation 1)" in c.value for c in app.caption)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Disagreements"] == str(expected["overall"]["disagreements"])
    rows = app.dataframe[0].value.to_dict("records")
    assert [r["code"] for r in rows] == ["Skills", "Skills › Ageing workforce", "Demand"]
    assert rows[0]["machine"] == expected["codes"][0]["coded_by_b"] and rows[0]["suggested by default"] == "no"
    assert not [s for s in app.subheader if s.value.startswith("Disagreements")]


def test_two_coders_can_still_be_compared_with_each_other(coded):
    with store(coded) as project:
        project.codings.add_coder("bo")
        first = [s for s in project.documents.segments(1) if s["speaker"] == "Respondent"][0]
        project.codings.code(1, first["start"], first["end"], "skills", "bo")
    app = run("agreement.py", agree_a="ann")
    assert app.selectbox(key="agree_b").options == ["bo", MACHINE]
    assert app.selectbox(key="agree_b").value == "bo"
    assert not app.exception and app.radio(key="agree_unit")
    assert [s for s in app.subheader if s.value.startswith("Disagreements")]
