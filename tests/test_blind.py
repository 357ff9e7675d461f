"""Blind coding: a coder who is not a lead sees only their own codings (API, CLI and app) until a lead reveals."""

from __future__ import annotations

import json

import pytest

from tests.test_app import run, small_project_fixture, store  # noqa: F401  (the fixture)
from tests.test_reader import component_data, turns
from workbench.errors import BlindError, CodingError, NotFoundError
from workbench.project import Project
from workbench.store.undo import UndoError


@pytest.fixture(name="blind_project")
def blind_project_fixture(small_project):
    """The small project coded by ann (skills) and bo (demand) on the same turn, with lead lee, blind on."""
    with store(small_project) as project:
        for name in ("bo", "lee"):
            project.codings.add_coder(name)
        a = turns(project)[0]
        project.codings.code(1, a["start"], a["end"], "skills", "ann")
        project.codings.code(1, a["start"], a["end"], "demand", "bo")
        project.codings.set_leads(["lee"])
        project.codings.set_blind(True, by="lee")
    return small_project


def test_a_non_lead_sees_only_their_own_codings_and_no_agreement(blind_project):
    with Project(blind_project, create=False, viewer="ann") as project:
        assert project.codings.blind() == {"blind": True, "codes": None, "leads": ["lee"], "viewer": "ann",
                                           "own_only": True, "private_codes": []}
        assert {c["coder"] for c in project.codings.list()} == {"ann"}
        assert project.codings.list(coder="bo") == []
        assert set(project.codings.excerpts()["coder"]) == {"ann"}
        assert project.codings.excerpts(coder="bo").empty
        assert "demand" not in project.codings.matrix().index or project.codings.matrix().loc["demand"].sum() == 0
        assert [c["name"] for c in project.codings.coders()] == ["ann"]
        assert set(project.exports.excerpt_table()["coder"]) == {"ann"}
        with pytest.raises(BlindError, match="agreement is hidden until a lead reveals the codings") as caught:
            project.codings.agreement("ann", "bo")
        assert caught.value.hint
        with pytest.raises(BlindError):
            project.exports.render("project", "qdpx")
        with pytest.raises(CodingError, match="only a lead"):
            project.codings.set_blind(False)
        with pytest.raises(CodingError, match="only a lead"):
            project.codings.set_leads(["ann"])


def test_a_lead_and_scripts_see_everything_and_a_reveal_shows_all(blind_project):
    with Project(blind_project, create=False, viewer="lee") as project:
        assert {c["coder"] for c in project.codings.list()} == {"ann", "bo"}
        assert project.codings.agreement("ann", "bo")["overall"]
    with Project(blind_project, create=False) as project:
        assert {c["coder"] for c in project.codings.list()} == {"ann", "bo"}
    with Project(blind_project, create=False, viewer="lee") as project:
        assert project.codings.reveal() is False
        change = project.history(limit=1)[0]
        assert change["kind"] == "blind.off" and change["coder"] == "lee"
        with pytest.raises(UndoError, match="blind"):
            project.undo(change["id"])
    with Project(blind_project, create=False, viewer="ann") as project:
        assert {c["coder"] for c in project.codings.list()} == {"ann", "bo"}
        assert project.codings.matrix().loc["demand"].sum() == 1
        assert project.codings.agreement("ann", "bo")["overall"]


def test_cli_blind_leads_and_codings_as_the_coder(blind_project, monkeypatch):
    from click.testing import CliRunner

    from workbench.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["blind", "status", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["own_only"] is True  # $WORKBENCH_CODER is ann
    result = runner.invoke(cli, ["codings", "--json"])
    assert {c["coder"] for c in json.loads(result.output)} == {"ann"}
    result = runner.invoke(cli, ["agreement", "--coder", "ann", "--coder", "bo"])
    assert result.exit_code != 0 and "agreement is hidden" in result.output
    assert runner.invoke(cli, ["blind", "off"]).exit_code != 0  # ann is not a lead
    assert runner.invoke(cli, ["leads"]).output.strip() == "Leads: lee."
    result = runner.invoke(cli, ["blind", "off", "--coder", "lee"])
    assert result.exit_code == 0 and "Blind coding: off." in result.output
    result = runner.invoke(cli, ["codings", "--json"])
    assert {c["coder"] for c in json.loads(result.output)} == {"ann", "bo"}
    monkeypatch.delenv("WORKBENCH_CODER")
    assert runner.invoke(cli, ["blind", "on"]).exit_code == 0  # no viewer: a script


def test_reader_and_agreement_pages_hide_other_coders(blind_project):
    app = run("reader.py")
    assert not app.exception
    assert {c["coder"] for c in component_data(app)["codings"]} == {"ann"}
    app = run("agreement.py")
    assert not app.exception
    assert "agreement is hidden until a lead reveals the codings" in app.info[0].value
    assert not app.metric
    app = run("project.py")
    assert "Blind coding is on: you see only your own codings" in app.info[0].value
    app = run("reader.py", coder="lee")
    assert {c["coder"] for c in component_data(app)["codings"]} == {"ann", "bo"}


def test_a_lead_reveals_on_the_project_page(blind_project):
    app = run("project.py", coder="lee")
    [button] = [b for b in app.button if b.label.startswith("Reveal codings")]
    button.click().run()
    assert not app.exception
    with store(blind_project) as project:
        assert project.codings.blind()["blind"] is False


def test_history_and_undo_keep_to_ones_own_changes_while_blind(tmp_path):
    path = tmp_path / "p.db"
    (tmp_path / "t.txt").write_text("Interviewer: Why?\n\nRespondent: The welders are retiring and orders are thin.")
    with Project(path) as project:
        project.documents.ingest([tmp_path / "t.txt"])
        project.codebook.add_code("skills", "Skills")
        for name in ("ann", "bo", "lee"):
            project.codings.add_coder(name)
        project.codings.set_leads(["lee"])
        project.codings.code(1, 30, 37, "skills", "ann")
        project.codings.code(1, 30, 37, "skills", "bo")
        theirs = next(c["id"] for c in project.history() if c["coder"] == "bo")
        project.view_as("lee").codings.set_blind(True, by="lee")
        project.view_as("ann")
        assert {c["coder"] for c in project.history()} == {"ann"}
        with pytest.raises(BlindError, match="not yours"):
            project.undo(change_id=theirs)
        [done] = project.undo(last=1)
        assert done["kind"] == "coding.add" and [c["coder"] for c in project.view_as("lee").codings.list()] == ["bo"]


@pytest.fixture(name="code_set_project")
def code_set_project_fixture(small_project):
    """ann codes skills, bo its sub-code skills_ageing and demand on the same turn; lead lee blinds skills."""
    with store(small_project) as project:
        for name in ("bo", "lee"):
            project.codings.add_coder(name)
        a = turns(project)[0]
        project.codings.code(1, a["start"], a["end"], "skills", "ann")
        project.codings.code(1, a["start"], a["end"], "skills_ageing", "bo")
        project.codings.code(1, a["start"], a["end"], "demand", "bo")
        project.codings.set_leads(["lee"])
        project.codings.set_blind(True, by="lee", codes=["skills"])
    return small_project


def _pairs(rows) -> set[tuple[str, str]]:
    return {(r["coder"], r["code_id"]) for r in rows}


MINE_AND_OPEN = {("ann", "skills"), ("bo", "demand")}


def test_a_code_set_hides_only_other_coders_codings_of_those_codes(code_set_project):
    from workbench.ui.reader.model import reader_data

    with Project(code_set_project, create=False, viewer="ann") as project:
        status = project.codings.blind()
        assert status["codes"] == ["skills"] and not status["own_only"]
        assert set(status["private_codes"]) == {"skills", "skills_ageing"}
        assert _pairs(project.codings.list()) == MINE_AND_OPEN
        assert project.codings.list(coder="bo") == [c for c in project.codings.list() if c["coder"] == "bo"]
        assert project.codings.list(code="skills", with_subcodes=True, coder="bo") == []
        assert _pairs(project.codings.excerpts().to_dict("records")) == MINE_AND_OPEN
        matrix = project.codings.matrix()
        assert matrix.loc["skills"].sum() == 1 and matrix.loc["demand"].sum() == 1
        assert "skills_ageing" not in matrix.index
        assert project.codings.matrix(coder="bo").index.tolist() == ["demand"]
        assert "skills_ageing" not in project.codings.cooccurrence().index
        assert {c["name"]: c["codings"] for c in project.codings.coders()} == {"ann": 1, "bo": 1, "lee": 0}
        assert _pairs(project.exports.excerpt_table().to_dict("records")) == MINE_AND_OPEN
        briefing = project.exports.briefing_content()
        assert {t.code_id: t.codings for t in briefing.themes} == {"skills": 1, "demand": 1}
        data = reader_data(project, 1, "ann")
        assert {(c["coder"], c["code"]) for c in data["codings"]} == MINE_AND_OPEN
        assert {c["coder"] for c in project.history()} == {"ann"}  # the change log cannot tell codes apart
        with pytest.raises(BlindError):
            project.exports.render("project", "qdpx")
    with Project(code_set_project, create=False, viewer="bo") as project:
        assert _pairs(project.codings.list()) == {("bo", "skills_ageing"), ("bo", "demand")}
    for viewer in ("lee", None):
        with Project(code_set_project, create=False, viewer=viewer) as project:
            assert len(project.codings.list()) == 3 and len(project.exports.excerpt_table()) == 3
            assert project.codings.matrix().loc["skills"].sum() == 1  # the one turn, by ann and bo


def test_agreement_leaves_out_the_blind_codes_and_a_reveal_shows_them(code_set_project):
    with Project(code_set_project, create=False, viewer="ann") as project:
        result = project.codings.agreement("ann", "bo")
        assert [c["code"] for c in result["codes"]] == ["demand"]
        assert set(result["hidden_codes"]) == {"skills", "skills_ageing"}
        assert {d["code"] for d in result["disagreements"]} == {"demand"}
        assert result["overall"]["disagreements"] == 1
        with pytest.raises(BlindError, match="agreement on skills is hidden"):
            project.codings.agreement("ann", "bo", codes=["skills", "demand"])
        with pytest.raises(BlindError, match="agreement on skills"):  # its blind sub-code rolls up into it
            project.codings.agreement("ann", "bo", codes=["skills"], with_subcodes=True)
    with Project(code_set_project, create=False, viewer="lee") as project:
        assert [c["code"] for c in project.codings.agreement("ann", "bo")["codes"]] == \
            ["skills", "skills_ageing", "demand"]
        assert project.codings.reveal() is False
    with Project(code_set_project, create=False, viewer="ann") as project:
        assert project.codings.blind()["codes"] is None
        assert len(project.codings.list()) == 3
        assert "hidden_codes" not in project.codings.agreement("ann", "bo")


def test_the_code_set_is_logged_and_checked(code_set_project):
    with Project(code_set_project, create=False, viewer="lee") as project:
        change = project.history(limit=1)[0]
        assert change["kind"] == "blind.on" and change["coder"] == "lee"
        project.codings.set_blind(True, codes=["skills", "demand", "skills"])
        assert project.codings.blind()["codes"] == ["skills", "demand"]
        assert project.history(limit=1)[0]["id"] != change["id"]  # a new code set is a new change
        project.codings.set_blind(True)
        assert project.codings.blind()["codes"] is None
        with pytest.raises(NotFoundError):
            project.codings.set_blind(True, codes=["nosuch"])
    with Project(code_set_project, create=False, viewer="ann") as project:
        assert project.codings.blind()["own_only"] and project.codings.list(coder="bo") == []


def test_cli_blind_on_codes_and_status(code_set_project):
    from click.testing import CliRunner

    from workbench.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["blind", "status"])  # $WORKBENCH_CODER is ann
    assert result.exit_code == 0, result.output
    assert "Blind coding: on, for codes skills (and their sub-codes)." in result.output
    assert "ann sees only their own codings of skills, skills_ageing." in result.output
    result = runner.invoke(cli, ["codings", "--json"])
    assert _pairs(json.loads(result.output)) == MINE_AND_OPEN
    result = runner.invoke(cli, ["blind", "on", "--codes", "demand", "--coder", "lee", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["codes"] == ["demand"]
    result = runner.invoke(cli, ["codings", "--json"])
    assert _pairs(json.loads(result.output)) == {("ann", "skills"), ("bo", "skills_ageing")}
    result = runner.invoke(cli, ["blind", "off", "--codes", "demand", "--coder", "lee"])
    assert result.exit_code != 0 and "--codes goes with" in result.output
    result = runner.invoke(cli, ["blind", "on", "--coder", "lee"])
    assert "Blind coding: on, for the whole project." in result.output


def test_reader_and_project_pages_under_a_code_set(code_set_project):
    app = run("reader.py")
    assert not app.exception
    assert {(c["coder"], c["code"]) for c in component_data(app)["codings"]} == MINE_AND_OPEN
    app = run("project.py")
    assert not app.exception
    assert "Blind coding is on for codes skills (and their sub-codes): you see only your own codings of them" \
        in app.info[0].value
    app = run("reader.py", coder="lee")
    assert len(component_data(app)["codings"]) == 3


def test_agreement_page_and_a_lead_blinding_a_code_set_on_the_project_page(code_set_project):
    app = run("agreement.py")
    assert not app.exception
    [table] = app.dataframe
    assert list(table.value["code"]) == ["Demand"]
    with store(code_set_project) as project:
        project.codings.reveal(by="lee")
    app = run("project.py", coder="lee")
    app.multiselect(key="blind_codes").set_value(["demand"]).run()
    [button] = [b for b in app.button if b.label == "Turn blind coding on"]
    button.click().run()
    assert not app.exception
    with store(code_set_project) as project:
        assert project.codings.blind()["codes"] == ["demand"]


def _code_counts(path, viewer):
    from workbench.project import Project

    with Project(path, create=False, viewer=viewer) as project:
        return {c["id"]: c["codings"] for c in project.codebook.codes() if c["codings"]}


def test_code_counts_in_the_codebook_follow_blind_coding_of_the_whole_project(blind_project):
    assert _code_counts(blind_project, "ann") == {"skills": 1}
    assert _code_counts(blind_project, "lee") == {"skills": 1, "demand": 1}


def test_code_counts_in_the_codebook_follow_blind_coding_of_a_code_set(code_set_project):
    counts = _code_counts
    assert counts(code_set_project, "ann") == {"skills": 1, "demand": 1}  # bo's skills_ageing is private
    assert counts(code_set_project, "lee") == {"skills": 1, "skills_ageing": 1, "demand": 1}
    assert counts(code_set_project, None) == {"skills": 1, "skills_ageing": 1, "demand": 1}
