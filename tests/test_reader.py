"""The reader's data and actions (workbench.ui.reader.model) and the Reader page under AppTest."""

from __future__ import annotations

import json

import pytest

from tests.test_app import run, small_project_fixture, store  # noqa: F401  (the fixture)
from workbench.errors import CodingError, NotFoundError, WorkbenchError
from workbench.ui.reader.model import ReaderView, apply_action, reader_data


def turns(project, speaker="Respondent", doc=1):
    return [s for s in project.documents.segments(doc) if s["speaker"] == speaker]


def selection(project, *spans, doc=1):
    """The action the browser sends for a selection made of (start, end) pieces, each inside one segment."""
    text = project.documents.get(doc)["text"]
    parts = [{"segment": 0, "start": a, "end": b, "text": text[a:b]} for a, b in spans]
    return {"type": "code", "start": spans[0][0], "end": spans[-1][1], "parts": parts}


def test_reader_data_is_the_document_its_codings_suggestions_and_codes(small_project):
    with store(small_project) as project:
        project.suggestions.run("rules")
        first = turns(project)[0]
        project.codings.code(1, first["start"], first["start"] + 6, "skills_ageing", "ann", memo="note")
        project.codings.add_coder("bo")
        project.codings.code(1, first["start"], first["end"], "demand", "bo")
        data = reader_data(project, 1, "ann")
        text = project.documents.get(1)["text"]
        assert json.loads(json.dumps(data)) == data  # JSON-ready
        assert all(text[s["start"]:s["end"]] == s["text"] for s in data["segments"])
        assert {s["speaker"] for s in data["segments"]} == {"Interviewer", "Respondent"}
        assert {(c["code"], c["coder"], c["memo"]) for c in data["codings"]} == {("skills_ageing", "ann", "note"),
                                                                                 ("demand", "bo", "")}
        assert data["suggestions"] and all(s["reason"] for s in data["suggestions"])
        codes = {c["id"]: c for c in data["codes"]}
        assert codes["skills_ageing"]["path"] == "Skills › Ageing workforce"
        assert all(c["color"].startswith("#") and c["ink"] in ("#1f1f1f", "#ffffff") for c in codes.values())
        assert data["recent"] == ["skills_ageing"] and data["coder"] == "ann"

        only_skills = reader_data(project, 1, "ann", ReaderView(codes=["skills"], suggestions=False))
        assert [c["code"] for c in only_skills["codings"]] == ["skills_ageing"]  # sub-codes come with their parent
        assert only_skills["suggestions"] == []
        assert [c["coder"] for c in reader_data(project, 1, "ann", ReaderView(coders=["bo"]))["codings"]] == ["bo"]


def test_a_selection_is_coded_at_exactly_its_offsets_even_across_turns(small_project):
    with store(small_project) as project:
        a, b = turns(project)
        text = project.documents.get(1)["text"]
        action = selection(project, (a["start"] + 8, a["end"]), (b["start"], b["start"] + 6))
        message = apply_action(project, 1, "ann", {**action, "code": "demand", "memo": "  spans two turns "})
        assert message == "Coded with Demand."
        [coding] = project.codings.list(document=1)
        assert (coding["start"], coding["end"]) == (a["start"] + 8, b["start"] + 6)
        assert coding["snippet"] == text[a["start"] + 8:b["start"] + 6] and "Interviewer: And demand?" in coding["snippet"]
        assert coding["memo"] == "spans two turns" and coding["coder"] == "ann"


def test_a_selection_that_no_longer_matches_the_text_is_refused(small_project):
    with store(small_project) as project:
        a = turns(project)[0]
        action = selection(project, (a["start"], a["start"] + 6))
        action["parts"][0]["text"] = "Twelvf"
        with pytest.raises(CodingError, match="not what the page showed"):
            apply_action(project, 1, "ann", {**action, "code": "skills"})
        with pytest.raises(CodingError, match="incomplete"):
            apply_action(project, 1, "ann", {"type": "code", "code": "skills", "start": a["start"], "end": a["end"],
                                             "parts": []})
        with pytest.raises(CodingError, match="no coder"):
            apply_action(project, 1, None, {**selection(project, (a["start"], a["end"])), "code": "skills"})
        assert project.codings.list() == []


def test_remove_recode_and_memo_only_on_ones_own_codings(small_project):
    with store(small_project) as project:
        a = turns(project)[0]
        mine = project.codings.code(1, a["start"], a["end"], "skills", "ann")
        project.codings.add_coder("bo")
        theirs = project.codings.code(1, a["start"], a["end"], "demand", "bo")
        assert apply_action(project, 1, "ann", {"type": "recode", "coding": mine, "code": "skills_ageing"}).startswith(
            "Recoded as Ageing workforce")
        apply_action(project, 1, "ann", {"type": "memo", "coding": mine, "memo": "retirements"})
        [coding] = project.codings.list(coder="ann")
        assert (coding["id"], coding["code_id"], coding["memo"]) == (mine, "skills_ageing", "retirements")
        for kind in ("remove", "recode", "memo"):
            with pytest.raises(CodingError, match="made by bo"):
                apply_action(project, 1, "ann", {"type": kind, "coding": theirs, "code": "skills", "memo": "x"})
        apply_action(project, 1, "ann", {"type": "remove", "coding": mine})
        assert [c["coder"] for c in project.codings.list()] == ["bo"]
        with pytest.raises(NotFoundError):
            apply_action(project, 1, "ann", {"type": "remove", "coding": mine})


def test_accept_and_reject_suggestions_in_place(small_project):
    with store(small_project) as project:
        project.suggestions.run("rules")
        first, second = project.suggestions.list(document=1)[:2]
        assert apply_action(project, 1, "ann", {"type": "accept", "suggestion": first["id"]}) == "Suggestion accepted."
        assert apply_action(project, 1, "ann", {"type": "reject", "suggestion": second["id"]}) == "Suggestion rejected."
        [accepted] = project.suggestions.list(status="accepted")
        assert accepted["id"] == first["id"] and accepted["decided_by"] == "ann"
        assert [s["id"] for s in project.suggestions.list(status="rejected")] == [second["id"]]
        assert [c["code_id"] for c in project.codings.list(coder="ann")] == [first["code_id"]]
        with pytest.raises(NotFoundError, match="no longer waiting"):
            apply_action(project, 1, "ann", {"type": "reject", "suggestion": first["id"]})


def test_pinned_codes_per_coder(small_project):
    with store(small_project) as project:
        apply_action(project, 1, "ann", {"type": "pin", "code": "demand"})
        apply_action(project, 1, "ann", {"type": "pin", "code": "skills"})
        assert project.codings.pinned_codes("ann") == ["demand", "skills"]
        assert reader_data(project, 1, "ann")["pinned"] == ["demand", "skills"]
        apply_action(project, 1, "ann", {"type": "unpin", "code": "demand"})
        assert project.codings.pinned_codes("ann") == ["skills"] and project.codings.pinned_codes("bo") == []
        with pytest.raises(CodingError, match="nine"):
            project.codings.set_pinned_codes("ann", [f"c{i}" for i in range(10)])


def component_data(app) -> dict:
    [element] = app.get("bidi_component")
    return json.loads(element.proto.json)


def test_reader_page_shows_the_document_asked_for_with_the_span(small_project):
    app = run("reader.py", reader_target={"doc": 2, "start": 20, "end": 30})
    assert not app.exception
    data = component_data(app)
    assert data["doc"]["id"] == 2 and data["target"] == {"start": 20, "end": 30} and data["coder"] == "ann"
    assert app.selectbox(key="reader_document").value == 2


def test_reader_page_filters_and_reads_without_a_coder(small_project, monkeypatch):
    with store(small_project) as project:
        project.suggestions.run("rules")
    app = run("reader.py")
    assert component_data(app)["suggestions"]
    app.toggle(key="reader_suggestions").set_value(False).run()
    assert component_data(app)["suggestions"] == []
    monkeypatch.delenv("WORKBENCH_CODER")
    app = run("reader.py")
    assert "coder name" in app.warning[0].value and component_data(app)["coder"] is None


def test_two_coders_in_two_sessions_do_not_overwrite_each_other(small_project, monkeypatch):
    monkeypatch.delenv("WORKBENCH_CODER")
    sessions = {name: run("reader.py", coder=name) for name in ("ann", "bo")}
    with store(small_project) as project:
        a = turns(project)[0]
        for name, code in (("ann", "skills"), ("bo", "demand")):
            assert component_data(sessions[name])["coder"] == name
            apply_action(project, 1, name, {**selection(project, (a["start"], a["end"])), "code": code})
        assert sorted((c["coder"], c["code_id"]) for c in project.codings.list()) == [("ann", "skills"), ("bo", "demand")]
    sessions["ann"].run()  # ann's reader re-reads the project and shows bo's coding too
    assert {c["coder"] for c in component_data(sessions["ann"])["codings"]} == {"ann", "bo"}


def test_coding_the_same_span_again_says_so(small_project):
    with store(small_project) as project:
        a = turns(project)[0]
        action = {**selection(project, (a["start"], a["end"])), "code": "skills"}
        assert apply_action(project, 1, "ann", action) == "Coded with Skills."
        assert apply_action(project, 1, "ann", action) == "Already coded with Skills: nothing changed."
        assert len(project.codings.list()) == 1


def test_undo_reverses_the_coders_last_change(small_project):
    with store(small_project) as project:
        a = turns(project)[0]
        apply_action(project, 1, "ann", {**selection(project, (a["start"], a["end"])), "code": "skills"})
        project.codings.add_coder("bo")
        project.codings.code(1, a["start"], a["end"], "demand", "bo")  # someone else's later change stays
        assert apply_action(project, 1, "ann", {"type": "undo"}).startswith("Undone: coding add")
        assert [c["coder"] for c in project.codings.list()] == ["bo"]
        with pytest.raises(WorkbenchError, match="no change to undo by ann"):
            apply_action(project, 1, "ann", {"type": "undo"})


def test_history_page_lists_changes_and_undoes_the_one_chosen(small_project):
    with store(small_project) as project:
        a = turns(project)[0]
        first = project.codings.code(1, a["start"], a["end"], "skills", "ann")
        project.codings.code(1, a["start"], a["end"], "demand", "ann")
    app = run("history.py")
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["what"])[:2] == ["coding add", "coding add"] and list(table["who"])[:2] == ["ann", "ann"]
    app.session_state["history_table"] = {"selection": {"rows": [1], "columns": []}}  # the older one
    app.run()
    next(b for b in app.button if b.label.startswith("Undo change")).click().run()
    assert not app.exception
    with store(small_project) as project:
        assert [c["code_id"] for c in project.codings.list()] == ["demand"]
        assert first not in {c["id"] for c in project.codings.list()}
    assert "undone by" in " ".join(app.dataframe[0].value["state"])


def code_respondents(project, coder="ann"):
    """Each respondent turn of both interviews coded: the first with skills, the second with demand."""
    for doc in (1, 2):
        first, second = turns(project, doc=doc)
        project.codings.code(doc, first["start"], first["end"], "skills", coder)
        project.codings.code(doc, second["start"], second["end"], "demand", coder)


def test_each_suggestion_says_how_often_ones_like_it_were_right_once_validated(small_project):
    with store(small_project) as project:
        project.suggestions.run("rules")
        code_respondents(project)
        before = reader_data(project, 1, "ann")["suggestions"]
        assert before and all(s["trust"] == "" for s in before)  # nothing measured yet
        project.validation.run(coder="ann")
        after = reader_data(project, 1, "ann")["suggestions"]
        assert [s["id"] for s in after] == [s["id"] for s in before]
        assert {s["trust"] for s in after} == {"too few suggestions like this measured yet (n=2)"}
        expected = project.validation.trust(after[0]["code"], after[0]["method"], after[0]["score"])
        assert after[0]["trust"] == expected
        assert json.loads(json.dumps(after)) == after


def test_more_like_this_finds_passages_like_a_coding_or_a_selection(small_project):
    with store(small_project) as project:
        first = turns(project)[0]
        coding = project.codings.code(1, first["start"], first["end"], "skills", "ann")
        found = apply_action(project, 1, None, {"type": "similar", "coding": coding})  # no coder needed to look
        assert found["about"].startswith("Skills: “Twelve, and most are over fifty")
        assert found["message"].endswith("listed below the reader.") and found["document"] == 1
        passages = found["passages"]
        assert passages and all({"document_id", "start", "end", "text", "title", "similarity"} <= set(p)
                                for p in passages)
        assert first["id"] not in {p["segment_id"] for p in passages}  # not the coded passage itself
        assert [p["similarity"] for p in passages] == sorted((p["similarity"] for p in passages), reverse=True)

        by_text = apply_action(project, 1, "ann", {"type": "similar", "text": "Orders are weak this year."})
        assert by_text["about"] == "“Orders are weak this year.”"
        assert by_text["passages"][0]["text"].startswith("Orders are weak this year.")
        with pytest.raises(CodingError, match="nothing selected"):
            apply_action(project, 1, "ann", {"type": "similar", "text": "  "})
        with pytest.raises(NotFoundError, match="no coding 999 in this document"):
            apply_action(project, 1, "ann", {"type": "similar", "coding": 999})
        assert project.codings.list() and len(project.codings.list()) == 1  # looking changes nothing


def test_reader_page_lists_passages_like_this_each_opening_the_reader(small_project, monkeypatch):
    switches = []
    monkeypatch.setattr("workbench.ui.links.st.switch_page",
                        lambda page, query_params=None: switches.append(dict(query_params or {})))
    with store(small_project) as project:
        found = apply_action(project, 1, "ann", {"type": "similar", "text": "Orders are weak this year."})
    app = run("reader.py", reader_similar=found)
    assert not app.exception
    assert any(m.value.startswith("**More like “Orders are weak this year") for m in app.markdown)
    openers = [b for b in app.button if b.label == "Open" and b.key.startswith("reader_similar_open")]
    assert len(openers) == len(found["passages"])
    assert any(c.value.startswith("similarity ") for c in app.caption)
    openers[1].click().run()
    second = found["passages"][1]
    assert switches == [{"doc": str(second["document_id"]), "start": str(second["start"]), "end": str(second["end"])}]
    [clear] = [b for b in app.button if b.label == "Clear"]
    clear.click().run()
    assert "reader_similar" not in app.session_state


def test_reader_page_lists_the_passages_to_code_next(small_project):
    app = run("reader.py")
    assert not app.exception
    assert not [b for b in app.button if b.key and b.key.startswith("reader_next_open")]
    next(b for b in app.button if b.label == "Find passages to code next").click().run()
    assert not app.exception, app.exception
    picked = app.session_state["reader_next"]
    assert picked and all(p["why"].startswith("nothing coded yet: close to the definition of") for p in picked)
    openers = [b for b in app.button if b.key and b.key.startswith("reader_next_open")]
    assert len(openers) == len(picked)
    assert any(c.value.startswith("nothing coded yet") for c in app.caption)
