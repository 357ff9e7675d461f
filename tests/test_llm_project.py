"""The `llm` method in a project, against the stub server of tests/llm_stub.py: asking segments (concurrency cap,
answers stored as they arrive, resumable runs, prompt keys, failures counted), `autocode --method llm` with its
provenance, and the measured gate (`validate --llm`, then `autocode` choosing the model where it earned it).

A tiny interview with a four-code codebook serves the first parts; the sample corpus's interviews with the gold
codings of their tuning and dev parts (coder ann) and an "oracle" stub answering from the gold serve the last.
The oracle's validation trains classifiers too: sentence embeddings are replaced by hashed bags of words there,
which keeps it fast and is no part of what is tested here."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.llm_stub import StubServer
from tests.processes import free_port
from workbench.cli import cli
from workbench.llm.client import ChatClient, LLMServerError
from workbench.llm.config import save_config
from workbench.llm.method import scoped_segments
from workbench.llm.prompt import TEMPLATE_VERSION
from workbench.llm.session import ask_segments, open_session
from workbench.store.llm_answers import answer_counts, stored_answers

ROOT = Path(__file__).resolve().parents[1]
DIGEST = "sha256:" + "ab" * 32


CODEBOOK = """\
version: 1
name: tiny
codes:
  - id: skills
    label: Skills
    description: Getting and keeping the people a firm needs.
    include: [General statements that people are a constraint.]
    children:
      - id: skills_ageing
        label: Ageing workforce
        description: Retirements and an older workforce.
        exclude: [Recruitment of the young; use skills_shortage.]
        examples: [Our welders are all over 55.]
      - id: skills_shortage
        label: Shortage
        description: Vacancies that stay open.
  - id: demand
    label: Demand
    description: Orders from customers.
"""

FILLER = [f"Point number {n} has nothing more to add here." for n in range(6, 13)]
TRANSCRIPT = "\n\n".join([
    "I: Tell me about your staff.",
    "R: Our welder retires next year and nobody wants to learn the trade.",
    "I: And customers?",
    "R: The order book is full until the spring, thankfully.",
    "I: Recruitment?",
    "R: We cannot find a machinist anywhere in the county.",
    "I: Anything else?",
    "R: Prices are fine and the weather was grim all month.",
    "I: And the age of the workforce?",
    "R: Half the shop floor is over sixty now, to be honest.",
    *[f"I: Next?\n\nR: {line}" for line in FILLER],
]) + "\n"

SCRIPT = {  # a word of the passage -> the codes the stub gives it
    "welder": [{"code": "skills", "quote": "welder retires", "rationale": "people", "confidence": "high"},
               {"code": "skills_ageing", "quote": "Our welder retires next year",
                "rationale": "a retirement with no successor", "confidence": "high"}],
    "order book": [{"code": "demand", "quote": "order book is full", "rationale": "orders", "confidence": "medium"}],
    "machinist": [{"code": "skills_shortage", "quote": "cannot  find a\nmachinist", "rationale": "a vacancy",
                   "confidence": "low"}],
    "weather": [{"code": "demand", "quote": "orders fell", "rationale": "invented", "confidence": "high"},
                {"code": "weather", "quote": "weather was grim", "rationale": "no such code", "confidence": "high"}],
    "sixty": [{"code": "skills_ageing", "rationale": "an old workforce", "confidence": "high"}],
}


def scripted(passage: str, payload: dict) -> str:
    for word, codes in SCRIPT.items():
        if word in passage:
            return "```json\n" + json.dumps({"codes": codes}) + "\n```"
    return '{"codes": []}'


def invoke(path, *args, code=0):
    result = CliRunner().invoke(cli, ["--db", str(path), *map(str, args)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch):
    monkeypatch.setattr(ChatClient, "backoff", 0.001)


@pytest.fixture(scope="module")
def tiny_template(tmp_path_factory):
    from workbench.project import Project

    folder = tmp_path_factory.mktemp("tiny")
    (folder / "tiny.yaml").write_text(CODEBOOK)
    (folder / "int01.txt").write_text(TRANSCRIPT)
    with Project(folder / "template.db") as project:
        project.codebook.load(folder / "tiny.yaml")
        project.documents.ingest([folder / "int01.txt"])
        project.codings.add_coder("alice")
    return folder / "template.db"


@pytest.fixture
def tiny(tiny_template, tmp_path):
    """A fresh copy of the tiny project for each test."""
    from workbench.project import Project

    shutil.copy(tiny_template, tmp_path / "project.db")
    with Project(tmp_path / "project.db") as project:
        yield project


def segments_of(project):
    return scoped_segments(project.db, None)


def session_for(project, server, **overrides):
    return open_session(project.db, {"url": server.url, "model": "stub-model", **overrides})


# -------------------------------------------------------------------------------- asking segments (session)


def test_the_tiny_interview_is_asked_about_its_answer_turns_only(tiny):
    texts = [s["text"] for s in segments_of(tiny)]
    assert len(texts) == 12 and texts[0].startswith("Our welder") and texts[-1] == FILLER[-1]
    assert not any(t.startswith(("Tell me", "Next?")) for t in texts)


def test_the_prompt_sent_has_the_codebook_and_the_turns_around_the_passage(tiny):
    with StubServer(scripted) as server:
        session = session_for(tiny, server)
        try:
            ask_segments(tiny.db, session, segments_of(tiny)[:1])
        finally:
            session.close()
        [payload] = server.requests
    system, user = (m["content"] for m in payload["messages"])
    for code_id, description in (("skills", "Getting and keeping the people a firm needs."),
                                 ("skills_ageing", "Retirements and an older workforce."),
                                 ("skills_shortage", "Vacancies that stay open."),
                                 ("demand", "Orders from customers.")):
        assert f"- {code_id} (" in system and f"Definition: {description}" in system
    assert "Code when: General statements that people are a constraint." in system
    assert "Do not code when: Recruitment of the young; use skills_shortage." in system
    assert 'Example: "Our welders are all over 55."' in system
    assert "Turn before (context, do not code): I: Tell me about your staff.\n" in user
    assert "PASSAGE (R):\nOur welder retires next year and nobody wants to learn the trade.\n" in user
    assert "Turn after (context, do not code): I: And customers?\n" in user
    enum = payload["response_format"]["json_schema"]["schema"]["properties"]["codes"]["items"]["properties"]["code"]
    assert sorted(enum["enum"]) == ["demand", "skills", "skills_ageing", "skills_shortage"]


def test_requests_stay_under_the_concurrency_cap_and_answers_are_stored_as_they_arrive(tiny):
    def slow(passage, payload):
        time.sleep(0.05)
        return scripted(passage, payload)
    segments = segments_of(tiny)
    seen = []
    with StubServer(slow) as server:
        session = session_for(tiny, server, concurrency=3)
        try:
            answers = ask_segments(tiny.db, session, segments,
                                   progress=lambda done, total: seen.append(
                                       (done, total, sum(answer_counts(tiny.db, session.key).values()))))
        finally:
            session.close()
        assert 1 < server.most_in_flight <= 3 and len(server.requests) == len(segments)
    assert set(answers) == {s["segment_id"] for s in segments}
    assert seen[0] == (0, 12, 0) and seen[-1][:2] == (12, 12)
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert any(stored and done < 12 for done, _, stored in seen)  # written while the run went on, not at its end
    stats = session.stats
    assert (stats["asked"], stats["reused"], stats["failed"], stats["malformed"]) == (12, 0, 0, 0)
    assert stats["dropped"] == {"no quote": 1, "quote not in passage": 1, "unknown code": 1}
    assert stats["system_fingerprint"] == "stub-1" and stats["segments_per_minute"] > 0
    assert answer_counts(tiny.db, session.key) == {"ok": 12}


def test_a_second_run_asks_nothing_and_reads_the_stored_answers(tiny):
    segments = segments_of(tiny)
    with StubServer(scripted) as server:
        first = session_for(tiny, server)
        try:
            answers = ask_segments(tiny.db, first, segments)
        finally:
            first.close()
        second = session_for(tiny, server, concurrency=5, timeout=30, retries=0)  # pacing is not in the key
        try:
            again = ask_segments(tiny.db, second, segments)
        finally:
            second.close()
        assert len(server.requests) == 12 and second.key == first.key
    assert (second.stats["asked"], second.stats["reused"]) == (0, 12)
    assert second.stats["dropped"] == first.stats["dropped"]  # counted over every answer, stored or new
    welder = segments[0]["segment_id"]
    assert again[welder]["answer"] == answers[welder]["answer"]
    assert [c["code"] for c in again[welder]["answer"]["codes"]] == ["skills", "skills_ageing"]
    assert again[welder]["answer"]["format"] == "json_schema" and again[welder]["raw"].startswith("```json")


def test_an_interrupted_run_keeps_what_was_answered_and_the_next_asks_only_the_rest(tiny):
    segments = segments_of(tiny)

    def interrupt(done, total):
        if done == 5:
            raise KeyboardInterrupt
    with StubServer(scripted) as server:
        session = session_for(tiny, server, concurrency=1)
        try:
            with pytest.raises(KeyboardInterrupt):
                ask_segments(tiny.db, session, segments, progress=interrupt)
        finally:
            session.close()
        assert len(stored_answers(tiny.db, session.key, [s["segment_id"] for s in segments])) == 5
        asked = len(server.requests)
        session = session_for(tiny, server, concurrency=1)
        try:
            answers = ask_segments(tiny.db, session, segments)
        finally:
            session.close()
        assert len(server.requests) - asked == 7 and len(answers) == 12
        assert (session.stats["asked"], session.stats["reused"]) == (7, 5)


def test_a_server_that_fails_hard_part_way_keeps_the_answers_given_and_the_next_run_asks_the_rest(tiny):
    state = {"broken": True, "n": 0}

    def breaking(passage, payload):
        state["n"] += 1
        if state["broken"] and state["n"] > 4:
            return 404, {"error": "model 'stub-model' not found"}
        return scripted(passage, payload)
    segments = segments_of(tiny)
    with StubServer(breaking) as server:
        session = session_for(tiny, server, concurrency=1)
        try:
            with pytest.raises(LLMServerError):
                ask_segments(tiny.db, session, segments)
        finally:
            session.close()
        assert answer_counts(tiny.db, session.key) == {"ok": 4} and len(server.requests) == 5
        state["broken"] = False
        again = session_for(tiny, server, concurrency=2)
        try:
            answers = ask_segments(tiny.db, again, segments)
        finally:
            again.close()
        assert again.key == session.key and len(server.requests) == 5 + 8 and len(answers) == 12
        assert (again.stats["asked"], again.stats["reused"]) == (8, 4)


def test_a_slow_answer_times_out_is_counted_as_failed_and_the_run_goes_on(tiny):
    def slow_on_machinist(passage, payload):
        if "machinist" in passage:
            time.sleep(0.6)
        return scripted(passage, payload)
    segments = segments_of(tiny)
    machinist = next(s["segment_id"] for s in segments if "machinist" in s["text"])
    with StubServer(slow_on_machinist) as server:
        session = session_for(tiny, server, timeout=0.2, retries=0)
        try:
            answers = ask_segments(tiny.db, session, segments)
        finally:
            session.close()
        assert machinist not in answers and len(answers) == 11
        assert session.stats["failed"] == 1 and session.stats["asked"] == 11
        assert "Timeout" in session.stats["last_error"]
        session = session_for(tiny, server, timeout=5, retries=0)
        try:
            asked = len(server.requests)
            answers = ask_segments(tiny.db, session, segments)
        finally:
            session.close()
        assert len(server.requests) == asked + 1 and machinist in answers  # only the one that failed


def test_when_no_request_is_answered_the_run_stops_with_a_clear_error(tiny):
    with StubServer(lambda passage, payload: (503, {"error": "loading model"})) as server:
        session = session_for(tiny, server, retries=1)
        try:
            with pytest.raises(LLMServerError) as caught:
                ask_segments(tiny.db, session, segments_of(tiny))
        finally:
            session.close()
        assert len(server.requests) == 24
    assert f"the server at {server.url} answered none of 12 requests" in caught.value.message
    assert "HTTP 503" in caught.value.message and "asks only the rest" in caught.value.hint
    assert answer_counts(tiny.db, session.key) == {}


def test_malformed_answers_never_stop_a_run_and_are_counted(tiny):
    replies = iter(["I think it is about skills.", "{oops", '{"codes": "skills"}'] * 10)
    with StubServer(lambda passage, payload: next(replies)) as server:
        session = session_for(tiny, server, concurrency=1)
        try:
            answers = ask_segments(tiny.db, session, segments_of(tiny))
        finally:
            session.close()
    assert len(answers) == 12 and session.stats["malformed"] == 12 and session.stats["failed"] == 0
    assert session.stats["dropped"] == {"malformed": 12}
    assert answer_counts(tiny.db, session.key) == {"malformed": 12}
    assert all(a["answer"]["codes"] == [] for a in answers.values())


def test_a_run_quicker_than_a_hundredth_of_a_second_does_not_divide_by_zero(tiny, monkeypatch):
    from types import SimpleNamespace

    from workbench.llm import session as session_module

    with StubServer(scripted) as server:
        session = session_for(tiny, server)
        monkeypatch.setattr(session_module, "time", SimpleNamespace(perf_counter=lambda: 100.0))  # no time passes
        try:
            answers = ask_segments(tiny.db, session, segments_of(tiny)[:1])
        finally:
            session.close()
    assert len(answers) == 1 and session.stats["seconds"] == 0 and session.stats["segments_per_minute"] > 0


@pytest.mark.parametrize("change", [{"model": "other-model"}, {"temperature": 0.7}, {"seed": 7}, {"max_tokens": 64},
                                   "codebook", "digest"])
def test_another_model_temperature_seed_or_codebook_is_a_new_prompt_key_and_asks_again(tiny, change):
    from workbench.store.codes import update_code

    segments = segments_of(tiny)[:3]
    with StubServer(scripted, models=["stub-model", "other-model"], digest=DIGEST) as server:
        first = session_for(tiny, server)
        try:
            ask_segments(tiny.db, first, segments)
        finally:
            first.close()
        overrides = change if isinstance(change, dict) else {}
        if change == "codebook":
            update_code(tiny.db, "demand", description="Orders from customers, and their absence.")
        if change == "digest":
            server.digest = "sha256:" + "cd" * 32  # the same name, other weights
        second = session_for(tiny, server, **overrides)
        try:
            ask_segments(tiny.db, second, segments)
        finally:
            second.close()
        assert second.key != first.key and len(server.requests) == 6
        assert (second.stats["asked"], second.stats["reused"]) == (3, 0)


# --------------------------------------------------------------------------------- autocode --method llm


def run_count(project) -> int:
    from workbench.store.suggestions import get_run

    return sum(get_run(project.db, i) is not None for i in range(1, 20))


def test_autocode_llm_suggests_quoted_codes_and_records_its_provenance(tiny):
    from workbench.store.suggestions import get_run

    path = tiny.path
    with StubServer(scripted, digest=DIGEST) as server:
        options = ("--llm-url", server.url, "--llm-model", "stub-model")
        out = invoke(path, "autocode", "--method", "llm", *options, "--coder", "alice").stdout
        assert len(server.requests) == 12
        assert "llm: 3 new suggestions over 12 segments" in out
        assert "llm: 12 segments asked, 0 answered before" in out
        assert "codes dropped: 1 no quote, 1 quote not in passage, 1 unknown code" in out
        assert "Recorded as run 1" in out and "Waiting for review: 3 suggestions" in out

        rows = {r["code_id"]: r for r in tiny.suggestions.list(limit=None)}
        assert set(rows) == {"skills_ageing", "demand", "skills_shortage"}  # skills stands back for skills_ageing
        assert all(r["method"] == "llm" and r["source"] == "llm" and r["run_id"] == 1 for r in rows.values())
        assert {c: r["score"] for c, r in rows.items()} == {"skills_ageing": 1.0, "demand": 0.75,
                                                             "skills_shortage": 0.5}
        assert rows["skills_ageing"]["reason"] == (
            "«Our welder retires next year» — a retirement with no successor (high confidence, stub-model)")
        assert rows["skills_shortage"]["reason"].startswith("«cannot find a machinist» — a vacancy (low confidence")
        assert rows["demand"]["snippet"].startswith("The order book is full")

        again = json.loads(invoke(path, "autocode", "--method", "llm", *options, "--json").stdout)
        assert again["llm"]["new"] == 0 and again["llm"]["asked"] == 0 and again["llm"]["reused"] == 12
        assert len(server.requests) == 12  # nothing asked again, nothing suggested twice
        tiny.suggestions.accept([rows["skills_ageing"]["id"]], "alice")
        tiny.suggestions.reject([rows["demand"]["id"]], "alice")
        third = json.loads(invoke(path, "autocode", "--method", "llm", *options, "--json").stdout)
        assert third["llm"]["new"] == 0 and third["pending"] == {"skills_shortage": 1}

    audit = json.loads(invoke(path, "audit", "--status", "all", "--json").stdout)
    assert len(audit) == 3 and {r["run_id"] for r in audit} == {1}
    row = next(r for r in audit if r["code_id"] == "skills_ageing")
    assert row["status"] == "accepted" and row["decided_by"] == "alice" and row["coding_id"]
    assert row["model"] == f"stub-model at {server.url}" and row["model_sha256"] == "ab" * 32
    llm = row["settings"]["llm"]
    assert llm["url"] == server.url and llm["model"] == "stub-model" and llm["digest"] == DIGEST
    assert llm["prompt_template"] == TEMPLATE_VERSION and llm["temperature"] == 0.0 and llm["seed"] == 42
    assert llm["system_fingerprint"] == "stub-1" and llm["remote"] is False and llm["listed"] is True
    assert len(llm["prompt_key"]) == 64 and "allowed_hosts" not in llm
    assert row["settings"]["method"] == "llm" and row["run_by"] == "alice"
    assert get_run(tiny.db, 3)["settings"]["llm"]["prompt_key"] == llm["prompt_key"]
    text = invoke(path, "audit", "--status", "all").stdout
    assert f"model stub-model at {server.url} (sha256 abababababab)" in text

    listed = json.loads(invoke(path, "suggestions", "--method", "llm", "--status", "all", "--json").stdout)
    assert {r["code_id"] for r in listed} == {"skills_ageing", "demand", "skills_shortage"}
    assert json.loads(invoke(path, "suggestions", "--method", "rules", "--json").stdout) == []
    evaluated = json.loads(invoke(path, "evaluate", "--method", "llm", "--gold-coder", "alice", "--json").stdout)
    assert evaluated["predicted_by"] == "suggestions (llm)"
    assert evaluated["code"]["per_label"]["skills_ageing"]["recall"] == 1.0


def test_the_python_api_offers_only_the_codes_asked_for(tiny):
    with StubServer(scripted) as server:
        result = tiny.suggestions.run("llm", codes=["skills_ageing", "demand"],
                                      llm={"url": server.url, "model": "stub-model"})
        enum = server.requests[0]["response_format"]["json_schema"]["schema"]["properties"]["codes"]["items"]
        assert sorted(enum["properties"]["code"]["enum"]) == ["demand", "skills_ageing"]
    assert result["llm"]["per_code"] == {"skills_ageing": 1, "demand": 1}
    assert result["llm"]["model"] == "stub-model" and result["llm"]["digest"] is None
    # skills and skills_shortage are not offered: a model naming them names an unknown code
    assert result["llm"]["dropped"]["unknown code"] == 3


def test_autocode_llm_sends_nothing_to_a_remote_server_unless_allowed(tiny):
    out = invoke(tiny.path, "autocode", "--method", "llm", "--llm-url", "http://10.0.0.1:9/v1", "--llm-model", "m",
                 code=1)
    assert "Error: http://10.0.0.1:9/v1 is not on this machine" in out.stderr
    assert "Hint:" in out.stderr and "--allow-remote" in out.stderr
    assert run_count(tiny) == 0


def test_allow_remote_and_allowed_hosts_let_a_run_use_another_host(tiny):
    # 0.0.0.0 is not loopback to the check, yet on Linux it reaches this machine's listening sockets
    with StubServer(scripted) as server:
        url = server.url.replace("127.0.0.1", "0.0.0.0")
        try:
            socket.create_connection(("0.0.0.0", int(url.split(":")[2].split("/")[0])), timeout=1).close()
        except OSError:
            pytest.skip("0.0.0.0 does not reach local sockets here")
        refused = invoke(tiny.path, "autocode", "--method", "llm", "--llm-url", url, "--llm-model", "stub-model",
                         code=1)
        assert "is not on this machine" in refused.stderr and server.requests == []
        result = json.loads(invoke(tiny.path, "autocode", "--method", "llm", "--llm-url", url, "--llm-model",
                                   "stub-model", "--allow-remote", "--json").stdout)
        assert result["llm"]["new"] == 3 and len(server.requests) == 12
        from workbench.store.suggestions import get_run

        assert get_run(tiny.db, result["run_id"])["settings"]["llm"]["remote"] is True
        save_config(tiny.db, url=url, model="stub-model", allowed_hosts=["0.0.0.0"])
        allowed = json.loads(invoke(tiny.path, "autocode", "--method", "llm", "--json").stdout)
        assert allowed["llm"]["reused"] == 12 and len(server.requests) == 12


def test_autocode_llm_without_a_server_or_a_model_is_one_clear_error(tiny):
    url = f"http://127.0.0.1:{free_port()}/v1"
    out = invoke(tiny.path, "autocode", "--method", "llm", "--llm-url", url, "--llm-model", "m", code=1)
    assert out.stderr.strip().startswith(f"Error: no language-model server answers at {url} (ConnectError")
    lines = out.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Error", "Hint"] and lines[1].startswith("Hint: start the server")
    nameless = invoke(tiny.path, "autocode", "--method", "llm", "--llm-url", url, code=1)
    assert "Error: no language model is named" in nameless.stderr and "--llm-model" in nameless.stderr
    assert run_count(tiny) == 0


def test_autocode_llm_with_a_model_the_server_lacks_stops_with_a_hint(tiny):
    def unknown(passage, payload):
        return 404, {"error": f"model '{payload['model']}' not found, try pulling it first"}
    with StubServer(unknown) as server:
        out = invoke(tiny.path, "autocode", "--method", "llm", "--llm-url", server.url, "--llm-model", "nope", code=1)
        assert len(server.requests) <= 2  # stopped at the first refusal (one per request in flight)
    lines = out.stderr.strip().splitlines()
    assert lines[0] == (f"Error: {server.url}/chat/completions refused the request: HTTP 404: "
                        '{"error": "model \'nope\' not found, try pulling it first"}')
    assert lines[1] == "Hint: check the model name with `workbench llm check`"
    assert tiny.suggestions.list(status=None) == []
