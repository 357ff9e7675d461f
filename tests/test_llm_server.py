"""`autocode --method llm` end to end through a real local model: Gemma 3 270M served by llama-cpp-python's
OpenAI-compatible server on a free loopback port, started and stopped here. A model this small codes badly; what
is checked is the path: the server is asked about every segment once, its answers are constrained to JSON and
read, every suggestion's quote is in its segment, the run records the model and server, and a second run asks
nothing again."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests import llm_server
from workbench.cli import cli

pytestmark = [pytest.mark.slow, pytest.mark.skipif(llm_server.available() is not None,
                                                    reason=llm_server.available() or "")]

CODEBOOK = """\
version: 1
name: tiny
title: A tiny codebook (fictional, for tests)
codes:
  - id: skills_shortage
    label: Skills shortage
    description: Employers cannot find or keep people with the skills they need, such as welders or machinists.
    include: [Vacancies that stay open, recruitment difficulty]
    exclude: [Training courses in general]
    examples: ["We advertised for a welder three times and nobody suitable applied."]
  - id: buyer_demand
    label: Demand from large buyers
    description: Large customers' orders, forecasts or requirements shape what a supplier makes or invests in.
    examples: ["The prime gave us a five-year forecast, so we bought the second machine."]
"""

INTERVIEW = """\
Interviewer: How is recruitment going?

Respondent: We have had a vacancy for a CNC machinist open since March and nobody suitable has applied.

Interviewer: And your customers?

Respondent: Our biggest customer doubled its forecast for next year, so we are buying another press.
"""


def run_cli(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_autocode_llm_through_a_real_local_model(tmp_path):
    from workbench.project import Project

    db = tmp_path / "project.db"
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (tmp_path / "int_fictional.txt").write_text(INTERVIEW, encoding="utf-8")
    run_cli("--db", db, "init")
    run_cli("--db", db, "ingest", tmp_path / "int_fictional.txt")
    run_cli("--db", db, "codebook", "load", tmp_path / "codebook.yaml")
    with llm_server.gemma_server() as url:
        first = run_cli("--db", db, "autocode", "--method", "llm", "--llm-url", url, "--llm-model", llm_server.MODEL,
                        "--json")
        again = run_cli("--db", db, "autocode", "--method", "llm", "--llm-url", url, "--llm-model",
                        llm_server.MODEL, "--json")
    stats = json.loads(first.output)["llm"]
    assert stats["segments"] == 2 and stats["asked"] == 2 and stats["failed"] == 0  # the respondent's two turns
    assert json.loads(again.output)["llm"]["asked"] == 0 and json.loads(again.output)["llm"]["reused"] == 2
    with Project(db) as project:
        answers = project.db.execute("SELECT status, answer, raw FROM llm_answers").fetchall()
        assert len(answers) == 2
        for status, answer, raw in answers:
            assert raw  # the model said something, read into codes or counted as dropped or malformed
            assert status in ("ok", "malformed")
            assert json.loads(answer)["format"] == "json_object"  # llama-cpp-python takes the schema this way
        texts = {s["id"]: s["text"] for s in project.db.query("SELECT id, text FROM segments")}
        for suggestion in project.suggestions.list(method="llm", limit=None):
            quote = suggestion["reason"].split("«", 1)[1].split("»", 1)[0]
            assert quote in texts[suggestion["segment_id"]]
        from workbench.store.suggestions import get_run

        run = get_run(project.db, json.loads(first.output)["run_id"])
    assert run["method"] == "llm" and run["model"] == f"{llm_server.MODEL} at {url}" and run["finished_at"]
    recorded = run["settings"]["llm"]
    assert recorded["url"] == url and recorded["model"] == llm_server.MODEL and recorded["listed"]
    assert recorded["prompt_template"] and recorded["temperature"] == 0.0 and recorded["seed"] == 42
