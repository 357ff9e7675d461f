"""Blind coding: a coder who is not a lead sees only their own codings (API, CLI and app) until a lead reveals."""

from __future__ import annotations

import json

import pytest

from tests.test_app import run, small_project_fixture, store  # noqa: F401  (the fixture)
from tests.test_reader import component_data, turns
from workbench.errors import BlindError, CodingError
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
        assert project.codings.blind() == {"blind": True, "leads": ["lee"], "viewer": "ann", "own_only": True}
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
