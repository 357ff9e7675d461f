"""The Streamlit app under AppTest: navigation, the project page, the password gate, import and documents."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests import processes
from tests.conftest import ROOT

INTERVIEW = """Interviewer: How many welders do you employ?

Respondent: Twelve, and most are over fifty. We cannot find apprentices; the college course is too theoretical.

Interviewer: And demand?

Respondent: Orders are weak this year. <script>alert('x')</script> is what I'd write in the margin."""

CODEBOOK = """name: mini
version: 1
codes:
  - id: skills
    label: Skills
    description: Talk about skills.
    patterns:
      keywords: [welders, apprentices]
    children:
      - id: skills_ageing
        label: Ageing workforce
        description: Older workers retiring.
  - id: demand
    label: Demand
    description: Orders and demand.
    patterns:
      keywords: [orders]
"""


def page(name: str) -> str:
    return str(ROOT / "app_pages" / name) if name != "app" else str(ROOT / "streamlit_app.py")


def run(name: str, **state) -> AppTest:
    app = AppTest.from_file(page(name), default_timeout=60)
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()


def button(app: AppTest, label: str):
    """The (first) button or form submit button whose label starts with `label`."""
    found = [b for b in app.button if b.label.startswith(label)]
    assert found, f"no button {label!r} among {[b.label for b in app.button]}"
    return found[0]


def html_of(app: AppTest) -> str:
    return "\n".join(e.proto.body for e in app.get("html"))


@pytest.fixture(name="small_project")
def small_project_fixture(tmp_path, monkeypatch):
    """A project with two interviews, a small codebook and coder ann; the pages find it through $WORKBENCH_DB."""
    from workbench.project import Project

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "firm_a.txt").write_text(INTERVIEW)
    (tmp_path / "sources" / "firm_b.txt").write_text(INTERVIEW.replace("Twelve", "Forty").replace("weak", "strong"))
    (tmp_path / "mini.yaml").write_text(CODEBOOK)
    db = tmp_path / "project.db"
    with Project(db) as project:
        project.documents.ingest([tmp_path / "sources"])
        project.codebook.load(tmp_path / "mini.yaml")
        project.codings.add_coder("ann")
        project.documents.set_attribute(1, "region", "West Midlands")
        project.documents.set_attribute(2, "region", "North East")
    monkeypatch.setenv("WORKBENCH_DB", str(db))
    monkeypatch.setenv("WORKBENCH_CODER", "ann")
    monkeypatch.delenv("WORKBENCH_PASSWORD_ENV", raising=False)
    return db


def store(db):
    from workbench.project import Project

    return Project(db, create=False)


def test_navigation_opens_the_project_page_with_counts(small_project):
    app = run("app")
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Documents"] == "2" and metrics["Codes"] == "3" and metrics["Suggestions waiting"] == "0"
    assert app.text_input(key="_coder_input").label == "Your coder name"


def test_project_page_without_a_project_says_what_to_do_and_creates_one(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    app = run("project.py")
    assert not app.exception
    assert "no project at workbench" in app.error[0].value
    assert not (tmp_path / "workbench.db").exists()
    app.text_input[0].set_value(str(tmp_path / "team.db"))
    button(app, "Create project").click().run()
    assert not app.exception and (tmp_path / "team.db").exists()
    assert app.session_state["db_path"] == str(tmp_path / "team.db")
    assert {m.label: m.value for m in app.metric}["Documents"] == "0"


def test_coder_name_is_asked_once_and_kept(small_project, monkeypatch):
    monkeypatch.delenv("WORKBENCH_CODER", raising=False)
    app = run("app")
    app.text_input(key="_coder_input").set_value("  bo   smith ").run()
    assert app.session_state["coder"] == "bo smith"
    app = run("project.py", coder=app.session_state["coder"])
    assert any("bo smith" in c.value.replace("\\", "") for c in app.main.get("caption"))
    with store(small_project) as project:  # registered only when the coder first writes
        assert [c["name"] for c in project.codings.coders()] == ["ann"]


def test_password_gate_comes_before_everything(small_project, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PASSWORD_ENV", "TEAM_PW")
    monkeypatch.setenv("TEAM_PW", "s3cret")
    app = run("app")
    assert not app.metric and len(app.text_input) == 1
    app.text_input[0].set_value("wrong")
    button(app, "Enter").click().run()
    assert not app.metric and "not the team password" in app.error[0].value
    app.text_input[0].set_value("s3cret")
    button(app, "Enter").click().run()
    assert {m.label: m.value for m in app.metric}["Documents"] == "2"


def test_import_a_server_folder_with_attributes_and_a_failure(small_project, tmp_path):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "notes.txt").write_text("Meeting notes. The LEP wants a skills plan.\n\nNext meeting in May.")
    (folder / "empty.txt").write_text("")
    app = run("import_files.py")
    app.text_input[0].set_value(str(folder))
    app.text_area[0].set_value("region=Wales\nsector=rail")
    button(app, "Import").click().run()
    assert not app.exception
    table = app.dataframe[0].value
    assert sorted(table["status"]) == ["failed", "ingested"]
    assert "empty" in table[table["status"] == "failed"]["reason"].iloc[0]
    with store(small_project) as project:
        new = [d for d in project.documents.list() if d["title"] == "notes"]
        assert new and new[0]["attributes"] == {"region": "Wales", "sector": "rail"}
        assert len(project.documents.list()) == 3


def test_import_bad_attribute_line_is_an_error_and_nothing_is_ingested(small_project, tmp_path):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "notes.txt").write_text("Meeting notes.")
    app = run("import_files.py")
    app.text_input[0].set_value(str(folder))
    app.text_area[0].set_value("region Wales")
    button(app, "Import").click().run()
    assert not app.exception and "not name=value" in app.error[0].value
    with store(small_project) as project:
        assert len(project.documents.list()) == 2


def test_documents_page_shows_codings_escaped_with_memos(small_project, monkeypatch):
    with store(small_project) as project:
        text = project.documents.get(1)["text"]
        start = text.index("Orders")
        project.codings.code(1, start, start + 30, "demand", "ann", memo="<b>bold</b> memo")
        project.codings.code(1, start + 10, start + 40, "skills", "ann")
    app = run("documents.py", open_document=1)
    assert not app.exception
    body = html_of(app)
    assert "&lt;b&gt;bold&lt;/b&gt; memo" in body and "<b>bold" not in body  # the memo, escaped
    assert "2 codings by ann" in " ".join(c.value for c in app.caption)
    switches = []  # the way to the reader (recorded: a page under AppTest has no navigation to switch with)
    monkeypatch.setattr("workbench.ui.links.st.switch_page", lambda page, query_params=None: switches.append(page))
    next(b for b in app.button if b.label == "Open in the reader").click().run()
    assert switches == ["app_pages/reader.py"] and app.session_state["reader_target"] == {"doc": 1}
    reader = run("reader.py", open_document=1, reader_target=app.session_state["reader_target"])
    data = json.loads(reader.get("bidi_component")[0].proto.json)
    assert data["doc"]["id"] == 1 and len(data["codings"]) == 2
    assert any("<script>alert('x')</script>" in s["text"] for s in data["segments"])  # text goes as data


def test_serve_binds_localhost_unless_a_team_password_is_set(tmp_path, monkeypatch):
    from workbench.cli.serve import serve_command
    from workbench.errors import WorkbenchError

    monkeypatch.setenv("WORKBENCH_PASSWORD_ENV", "LEFT_OVER")
    argv, env = serve_command(str(tmp_path / "p.db"), port=8611, max_upload_mb=50)
    flags = dict(zip(argv[5::2], argv[6::2]))
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4].endswith("streamlit_app.py")
    assert flags["--server.address"] == "127.0.0.1" and flags["--server.port"] == "8611"
    assert flags["--server.maxUploadSize"] == "50"
    assert env["WORKBENCH_DB"] == str((tmp_path / "p.db").resolve()) and "WORKBENCH_PASSWORD_ENV" not in env

    monkeypatch.setenv("TEAM_PW", "s3cret")
    argv, env = serve_command(str(tmp_path / "p.db"), password_env="TEAM_PW")
    assert dict(zip(argv[5::2], argv[6::2]))["--server.address"] == "0.0.0.0"
    assert env["WORKBENCH_PASSWORD_ENV"] == "TEAM_PW"

    monkeypatch.delenv("TEAM_PW")
    with pytest.raises(WorkbenchError, match="TEAM_PW is empty"):
        serve_command(str(tmp_path / "p.db"), password_env="TEAM_PW")
    with pytest.raises(WorkbenchError, match="port"):
        serve_command(str(tmp_path / "p.db"), port=0)


def test_serve_command_line(tmp_path):
    from click.testing import CliRunner

    from workbench.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "serve", "--print-command", "--port", "8622"])
    assert result.exit_code == 0 and "--server.port 8622" in result.output and "127.0.0.1" in result.output
    result = CliRunner().invoke(cli, ["serve", "--password-env", "SURELY_NOT_SET_PW"])
    assert result.exit_code == 1 and "Error: the environment variable SURELY_NOT_SET_PW" in result.output


@pytest.mark.slow
def test_serve_stopped_with_sigterm_stops_streamlit_and_frees_the_port(tmp_path):
    port = processes.free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env.pop("WORKBENCH_PASSWORD_ENV", None)
    log = (tmp_path / "serve.log").open("wb")
    serve = None
    try:
        serve = processes.start([sys.executable, "-c", "from workbench.cli import main; main()", "--db",
                                 str(tmp_path / "p.db"), "serve", "--port", str(port)],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
        assert processes.wait_for_streamlit(f"http://127.0.0.1:{port}", serve, timeout=60), \
            (tmp_path / "serve.log").read_text()
        serve.send_signal(signal.SIGTERM)  # the workbench process only, as a process manager stops it
        serve.wait(timeout=30)
        deadline = time.monotonic() + 10
        while processes.ps(session=serve.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes.ps(session=serve.pid) == []  # no streamlit of it left, not even a zombie
        with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        if serve is not None:
            processes.stop(serve, signal.SIGKILL)
        log.close()


def test_password_from_streamlit_secrets(small_project):
    app = AppTest.from_file(page("project.py"), default_timeout=60)
    app.secrets["password"] = "from-secrets"
    app.run()
    assert not app.metric and app.text_input[0].label == "Team password"
    app.text_input[0].set_value("from-secrets")
    button(app, "Enter").click().run()
    assert {m.label: m.value for m in app.metric}["Documents"] == "2"


def test_page_helpers_for_tables_and_codes():
    from workbench.errors import InvalidValueError
    from workbench.ui.pickers import code_paths
    from workbench.ui.tables import attribute_changes, document_table, filter_documents, parse_attributes

    docs = [{"id": 1, "title": "Firm A", "type": "interview", "attributes": {"region": "Wales"}},
            {"id": 2, "title": "Notes", "type": "notes", "attributes": {"region": "Tees", "size": 10}}]
    rows, names = document_table(docs)
    assert names == ["region", "size"] and rows[0]["size"] == "" and rows[1]["size"] == "10"
    edited = [dict(rows[0], region="North Wales"), dict(rows[1], size=" ")]
    assert attribute_changes(rows, edited, names) == [(1, "region", "North Wales"), (2, "size", None)]
    assert [d["id"] for d in filter_documents(docs, "firm")] == [1]
    assert [d["id"] for d in filter_documents(docs, attributes={"region": "Tees"})] == [2]
    assert [d["id"] for d in filter_documents(docs, doc_type="interview")] == [1]
    assert parse_attributes("region = West Midlands\n\nsize=small") == {"region": "West Midlands", "size": "small"}
    with pytest.raises(InvalidValueError, match="line 2"):
        parse_attributes("a=b\nno equals sign")
    codes = [{"id": "skills", "label": "Skills", "parent_id": None, "description": "training"},
             {"id": "skills_age", "label": "Ageing", "parent_id": "skills", "description": "retirements"}]
    assert code_paths(codes)["skills_age"] == "Skills › Ageing"
