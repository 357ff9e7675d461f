"""The command line: help for every command, JSON output, errors as `Error:` lines, exit codes."""

import json

import click
import pytest
from click.testing import CliRunner

from workbench.cli import cli

TRANSCRIPT = ("[00:00:05] I: How is the order book?\n\n[00:00:09] R: Thin since the OEM cut volumes.\n\n"
              "I: And hiring?\n\nR: No welders to be had in the Black Country.")


def all_commands(group=cli, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # groups may build their commands on demand (e.g. `export`)
        command = group.get_command(ctx, name)
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


@pytest.mark.parametrize("path,command", list(all_commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_has_help(path, command):
    assert command.help and command.help.strip(), f"`workbench {' '.join(path)}` has no help text"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"--{param.name} of `workbench {' '.join(path)}` has no help"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "env.db"))

    def invoke(*args):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return invoke


def test_ingest_json_documents_segments_speakers(run, tmp_path):
    (tmp_path / "int.txt").write_text(TRANSCRIPT)
    (tmp_path / "bad.txt").write_bytes(b"")
    result = run("ingest", tmp_path / "int.txt", tmp_path / "bad.txt", "--create", "--json")
    assert result.exit_code == 1  # something failed
    outcomes = json.loads(result.stdout)
    assert [(o["status"], o["segments"]) for o in outcomes] == [("ingested", 4), ("failed", 0)]
    assert outcomes[1]["error"] == "bad.txt: empty file (0 bytes)"
    assert (tmp_path / "env.db").exists()  # WORKBENCH_DB was used

    docs = json.loads(run("documents", "--json").stdout)
    assert docs[0]["type"] == "interview" and docs[0]["type_inferred"] is True
    assert docs[0]["segment_count"] == 4 and docs[0]["char_count"] > 0

    segs = json.loads(run("segments", "1", "--json").stdout)
    assert segs[1]["speaker"] == "R" and segs[1]["text"] == "Thin since the OEM cut volumes."
    assert segs[1]["time_start"] == 9.0

    speakers = json.loads(run("speakers", "1", "--rename", "I", "Interviewer", "--json").stdout)
    assert [s["speaker"] for s in speakers] == ["Interviewer", "R"]


def test_global_db_option_and_all_ok_exit_code(run, tmp_path):
    (tmp_path / "a.txt").write_text("Paragraph one.")
    run("--db", tmp_path / "other.db", "init")
    result = run("--db", tmp_path / "other.db", "ingest", tmp_path / "a.txt")
    assert result.exit_code == 0
    assert "1 ingested" in result.stdout
    assert (tmp_path / "other.db").exists()
    again = run("--db", tmp_path / "other.db", "ingest", tmp_path / "a.txt")
    assert again.exit_code == 0 and "1 duplicate" in again.stdout


def test_search_kwic_filters_and_bad_query(run, tmp_path):
    (tmp_path / "int.txt").write_text(TRANSCRIPT)
    run("init")
    run("ingest", tmp_path / "int.txt")
    run("attributes", "set", "1", "region", "West Midlands")
    hits = json.loads(run("search", "welders", "--where", "region=West Midlands", "--json").stdout)
    assert len(hits) == 1 and hits[0]["speaker"] == "R" and hits[0]["match"] == "welders"
    assert json.loads(run("search", "welders", "--where", "region=Wales", "--json").stdout) == []
    assert json.loads(run("search", "welders", "--speaker", "I", "--json").stdout) == []
    text = run("search", "order book").stdout
    assert "int (doc 1" in text and "order" in text
    bad = run("search", 'AND "open')
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: cannot search for")
    assert "Hint:" in bad.stderr and "Traceback" not in bad.output


def test_attributes_set_list_unset(run, tmp_path):
    (tmp_path / "a.txt").write_text("Paragraph.")
    run("init")
    run("ingest", tmp_path / "a.txt")
    run("attributes", "set", "a", "date", "2024-05-01")
    run("attributes", "set", "a", "employees", "120")
    assert json.loads(run("attributes", "list", "a", "--json").stdout) == {"date": "2024-05-01", "employees": 120}
    assert run("attributes", "unset", "a", "date").exit_code == 0
    missing = run("attributes", "unset", "a", "date")
    assert missing.exit_code == 1 and "has no attribute 'date'" in missing.stderr


def test_unknown_document_is_a_clear_error(run):
    run("init")
    result = run("segments", "42")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "Error: no document '42'"


def test_summary_json(run, tmp_path):
    (tmp_path / "a.txt").write_text(TRANSCRIPT)
    run("init")
    run("ingest", tmp_path / "a.txt", "--type", "interview")
    data = json.loads(run("summary", "--json").stdout)
    assert data["documents"] == 1 and data["documents_by_type"] == {"interview": 1} and data["segments"] == 4
