"""Unit tests of the `llm` suggestion method's parts: the prompt, the tolerant answer parser and quote check, the
settings (loopback only unless allowed), the `workbench llm` commands and the chat client against the stub server
of tests/llm_stub.py (JSON-constraint fallback, retries, timeouts, no server)."""

from __future__ import annotations

import json
import re
import socket
import sys
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.llm_stub import StubServer, passage_of
from workbench.cli import cli
from workbench.llm import answers, prompt
from workbench.llm.client import ChatClient, LLMRequestError, LLMServerError
from workbench.llm.config import (
    LLMConfig,
    LLMConfigError,
    RemoteHostError,
    check_host,
    host_of,
    is_loopback,
    load_config,
    require_model,
    save_config,
)

CODES = [
    {"id": "skills", "label": "Skills", "parent_id": None, "description": "Getting and keeping\n  people.",
     "include": ["General skills statements."], "exclude": ["Wages alone; use pay."],
     "examples": ["We cannot find people.", "Skills are the constraint.", "Nobody applies.", "A fourth example."]},
    {"id": "skills_ageing", "label": "Ageing workforce", "parent_id": "skills",
     "description": "Retirements and an older workforce.", "include": ["Staff retiring without successors."],
     "exclude": ["Recruitment of the young; use skills_shortage."], "examples": ["Our welders are all over 55."]},
    {"id": "demand", "label": "Demand", "parent_id": None, "description": "Orders from customers.",
     "include": [], "exclude": [], "examples": []},
]
IDS = [c["id"] for c in CODES]
PASSAGE = "Our welder retires next year \u2014 and no apprentice wants the job, so we’re stuck."


def free_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def config_for(server, **values) -> LLMConfig:
    return LLMConfig(**{"url": server.url, "model": "stub-model", "retries": 2, "timeout": 10.0, **values})


def reply(*codes) -> str:
    return json.dumps({"codes": list(codes)})


# ------------------------------------------------------------------------------------------------- the prompt


def test_the_codebook_text_has_every_code_with_its_path_definition_criteria_and_up_to_three_examples():
    text = prompt.codebook_text(CODES)
    for code in CODES:
        assert f"- {code['id']} (" in text
    assert "- skills_ageing (Skills > Ageing workforce)" in text and "- skills (Skills)" in text
    assert "Definition: Getting and keeping people." in text  # white space folded
    assert "Definition: Retirements and an older workforce." in text
    assert "Code when: General skills statements." in text and "Code when: Staff retiring without successors." in text
    assert "Do not code when: Wages alone; use pay." in text
    assert "Do not code when: Recruitment of the young; use skills_shortage." in text
    assert 'Example: "We cannot find people."' in text and 'Example: "Our welders are all over 55."' in text
    assert 'Example: "Nobody applies."' in text and "A fourth example." not in text
    assert text.index("- skills (") < text.index("- skills_ageing (") < text.index("- demand (")


def test_the_messages_carry_the_codebook_the_passage_and_its_neighbours_marked_as_context():
    before = {"speaker": "I", "text": "Tell me   about\nyour staff."}
    after = {"speaker": None, "text": "x " * 1000}
    system, user = prompt.build_messages(CODES, PASSAGE, "R", before, after, title="int01")
    assert system["role"] == "system" and user["role"] == "user"
    assert prompt.codebook_text(CODES) in system["content"] and "never code them" in system["content"]
    assert user["content"].startswith("Document: int01\n")
    assert "Turn before (context, do not code): I: Tell me about your staff.\n" in user["content"]
    assert f"PASSAGE (R):\n{PASSAGE}\n" in user["content"]
    turn_after = next(line for line in user["content"].splitlines() if line.startswith("Turn after"))
    assert turn_after.startswith("Turn after (context, do not code): x x") and turn_after.endswith(" …")
    assert len(turn_after) < prompt.MAX_CONTEXT_CHARS + 60
    assert user["content"].index("Turn before") < user["content"].index("PASSAGE") < user["content"].index("Turn after")
    assert passage_of({"messages": [system, user]}) == PASSAGE  # what the stub reads back


def test_a_passage_without_neighbours_or_speaker_has_no_context_lines():
    _, user = prompt.build_messages(CODES, "Just this.", None, None, {"speaker": "R", "text": "   "})
    assert "context" not in user["content"] and "Document:" not in user["content"]
    assert user["content"].startswith("PASSAGE:\nJust this.\n")


def test_the_answer_schema_limits_codes_to_the_codebooks_ids():
    schema = prompt.answer_schema(IDS)
    item = schema["properties"]["codes"]["items"]
    assert item["properties"]["code"]["enum"] == IDS
    assert item["properties"]["confidence"]["enum"] == list(prompt.CONFIDENCE)
    assert set(item["required"]) == {"code", "quote", "rationale", "confidence"}
    assert schema["required"] == ["codes"]
    json.dumps(schema)  # serialisable as it is sent


def test_the_prompt_key_includes_the_template_version_and_every_setting_that_changes_answers(monkeypatch):
    from workbench.llm import session

    base = LLMConfig(url="http://127.0.0.1:1/v1", model="m")
    key = session.prompt_key("c" * 64, base, "sha256:" + "a" * 64)
    assert key == session.prompt_key("c" * 64, LLMConfig(url="http://127.0.0.1:1/v1", model="m"), "sha256:" + "a" * 64)
    changed = [session.prompt_key("d" * 64, base, "sha256:" + "a" * 64),
               session.prompt_key("c" * 64, base, "sha256:" + "b" * 64),
               session.prompt_key("c" * 64, base, None)]
    for name, value in (("model", "other"), ("temperature", 0.7), ("seed", 7), ("url", "http://127.0.0.1:2/v1"),
                        ("max_tokens", 100), ("prompt", "compact"),
                        ("json_constraint", False)):
        changed.append(session.prompt_key("c" * 64, LLMConfig(**{**base.__dict__, name: value}), "sha256:" + "a" * 64))
    # timeout, retries and concurrency do not change what the model answers
    for name, value in (("timeout", 5.0), ("retries", 0), ("concurrency", 9)):
        assert session.prompt_key("c" * 64, LLMConfig(**{**base.__dict__, name: value}), "sha256:" + "a" * 64) == key
    assert len(set(changed) | {key}) == len(changed) + 1
    monkeypatch.setattr(prompt, "TEMPLATE_VERSION", "codes-json-999")
    assert session.prompt_key("c" * 64, base, "sha256:" + "a" * 64) != key


# ------------------------------------------------------------------------------ the tolerant parser and quotes

ITEM = {"code": "skills_ageing", "quote": "Our welder retires next year", "rationale": "a retirement",
        "confidence": "high"}


@pytest.mark.parametrize("text", [
    json.dumps({"codes": [ITEM]}),
    "```json\n" + json.dumps({"codes": [ITEM]}, indent=2) + "\n```",
    "```\n" + json.dumps({"codes": [ITEM]}) + "\n```\n",
    "Sure! Here is my answer:\n" + json.dumps({"codes": [ITEM]}) + "\nI hope this helps {not json}.",
    "Thinking [about it]... " + json.dumps([ITEM]),
    json.dumps([ITEM]),
    json.dumps(ITEM),
    json.dumps({"labels": [ITEM]}),
    json.dumps({"codes": [{**ITEM, "quote": None, "quotes": ["not in it at all", ITEM["quote"]]}]}),
    json.dumps({"codes": [{"id": "skills_ageing", "evidence": ITEM["quote"], "reason": "a retirement",
                           "confidence": "HIGH "}]}),
])
def test_the_first_json_answer_is_read_wherever_it_is(text):
    answer = answers.read_answer(text, PASSAGE, IDS)
    assert answer.status == "ok" and answer.dropped == {}
    [code] = answer.codes
    assert code["code"] == "skills_ageing" and code["quote"] == "Our welder retires next year"
    assert PASSAGE[code["start"]:code["end"]] == code["quote"] and code["start"] == 0
    assert code["rationale"] == "a retirement" and code["confidence"] == "high"
    assert answers.score_of(code) == 1.0


def test_codes_are_dropped_and_counted_by_reason():
    items = [
        ITEM,
        {"code": "pay", "quote": "Our welder", "confidence": "high"},  # not in the codebook
        {"code": "", "quote": "Our welder"},
        {"code": "demand", "rationale": "no quote given"},
        {"code": "demand", "quote": "   "},
        "skills",  # a bare id: no quote to check
        {"code": "skills", "quote": "the order book is full"},  # not in the passage
        {"code": "skills", "quote": "Our"},  # three characters: enough
        {"code": "skills", "quote": "no"},  # too short
        42,
        ["skills"],
        {**ITEM, "quote": "and no apprentice"},  # a duplicate of a code already given: not kept twice
    ]
    answer = answers.read_answer(json.dumps({"codes": items}), PASSAGE, IDS)
    assert answer.status == "ok"
    assert [c["code"] for c in answer.codes] == ["skills_ageing", "skills"]
    assert answer.codes[0]["quote"] == ITEM["quote"] and answer.codes[1]["quote"] == "Our"
    assert answer.dropped == {"unknown code": 2, "no quote": 3, "quote not in passage": 2, "malformed": 2}
    assert answer.as_dict() == {"codes": answer.codes, "dropped": answer.dropped}


@pytest.mark.parametrize("quote", [
    "Our  welder\nretires   next year",  # white space
    "Our welder retires next year - and no apprentice",  # a hyphen for the em dash
    "Our welder retires next year – and no apprentice",  # an en dash for it
    "so we're stuck",  # a straight apostrophe for the typographic one
    "\u201cOur welder retires next year\u201d",  # wrapped in typographic quotes
    "'so we’re stuck.'",
])
def test_quotes_are_found_despite_white_space_typographic_quotes_and_dashes(quote):
    span = answers.find_quote(quote, PASSAGE)
    assert span is not None
    found = PASSAGE[span[0]:span[1]]
    assert found.startswith(("Our welder", "so we")) and found == found.strip()
    answer = answers.read_answer(reply({"code": "demand", "quote": quote}), PASSAGE, IDS)
    assert [c["quote"] for c in answer.codes] == [found] and answer.codes[0]["confidence"] == "medium"


def test_the_span_of_a_normalised_quote_is_that_of_the_passages_own_words():
    passage = "He said:  \u201cthe lads\u2019 tools\u201d are\n\ngone \u2014 all of them."
    start, end = answers.find_quote('the lads\' tools" are gone - all', passage)
    assert passage[start:end] == "the lads\u2019 tools\u201d are\n\ngone \u2014 all"


@pytest.mark.parametrize("quote", ["", "  ", "no", "“ab”", "welders retire", "OUR WELDER RETIRES", "year and no"])
def test_quotes_not_in_the_passage_or_too_short_are_not_found(quote):
    assert answers.find_quote(quote, PASSAGE) is None


@pytest.mark.parametrize("text", ["", "   ", "I think skills applies.", "{not json}", "[unclosed", "null", "42",
                                  '"codes"', '{"answer": "skills"}', '{"codes": null}', "```json\n```",
                                  '{"codes": "skills"}'])
def test_garbage_is_malformed_and_never_raises(text):
    answer = answers.read_answer(text, PASSAGE, IDS)
    assert answer.status == "malformed" and answer.codes == [] and answer.dropped == {"malformed": 1}


def test_an_empty_list_of_codes_is_a_valid_answer():
    for text in ('{"codes": []}', "[]", "```json\n{\"codes\": []}\n```"):
        answer = answers.read_answer(text, PASSAGE, IDS)
        assert answer.status == "ok" and answer.codes == [] and answer.dropped == {}


def test_odd_field_values_never_raise():
    items = [{"code": {"nested": 1}, "quote": "Our welder"}, {"code": "skills", "quote": 12},
             {"code": "skills", "quote": ["", None, 3]}, {"code": "skills", "quote": []},
             {"code": "demand", "quote": "Our welder", "confidence": 0.9, "rationale": ["a", "list"]},
             {"code": "skills_ageing", "quote": "Our welder", "confidence": None, "rationale": None}]
    answer = answers.read_answer(json.dumps({"codes": items}), PASSAGE, IDS)
    assert [c["code"] for c in answer.codes] == ["demand", "skills_ageing"]
    assert all(c["confidence"] == "medium" for c in answer.codes)
    assert answer.dropped == {"unknown code": 1, "no quote": 3}


def test_deeply_nested_brackets_are_malformed_not_a_crash():
    depth = sys.getrecursionlimit() + 200  # deeper than the JSON decoder goes
    for text in ("[" * depth, '{"codes": ' + "[" * depth, '{"a": ' * depth):
        answer = answers.read_answer(text, PASSAGE, IDS)
        assert answer.status == "malformed"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(IDS + ["codes", "quote", PASSAGE[:20], "Our welder"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["codes", "code", "id", "quote", "quotes", "evidence", "rationale", "reason", "confidence",
                         "labels", "x"]), children, max_size=5),
    max_leaves=20)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300), passage=st.text(max_size=200))
def test_any_text_is_read_without_raising(text, passage):
    answer = answers.read_answer(text, passage, IDS)
    assert answer.status in ("ok", "malformed")
    for code in answer.codes:
        assert code["code"] in IDS and passage[code["start"]:code["end"]] == code["quote"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, prose=st.text(max_size=30), fenced=st.booleans())
def test_any_json_shape_is_read_without_raising_and_every_code_kept_is_quoted_from_the_passage(value, prose, fenced):
    body = json.dumps(value)
    text = prose + ("```json\n" + body + "\n```" if fenced else body)
    answer = answers.read_answer(text, PASSAGE, IDS)
    assert answer.status in ("ok", "malformed")
    assert len({c["code"] for c in answer.codes}) == len(answer.codes)
    for code in answer.codes:
        assert code["code"] in IDS and PASSAGE[code["start"]:code["end"]] == code["quote"]
        assert len(code["quote"]) >= answers.MIN_QUOTE_CHARS and code["confidence"] in prompt.CONFIDENCE
    assert all(n > 0 for n in answer.dropped.values())


QUOTES = "\"'\u201c\u201d\u2018\u2019"  # what find_quote strips from a quote's ends


@settings(max_examples=200, deadline=None)
@given(passage=st.text(min_size=1, max_size=120), data=st.data())
def test_any_slice_of_a_passage_is_found_where_it_is(passage, data):
    start = data.draw(st.integers(0, len(passage) - 1))
    end = data.draw(st.integers(start + 1, len(passage)))
    core = passage[start:end].strip().strip(QUOTES).strip()
    span = answers.find_quote(passage[start:end], passage)
    assert (span is None) == (len(core) < answers.MIN_QUOTE_CHARS)
    if span is not None:
        assert passage[span[0]:span[1]] == core


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.text("abcé’—-'", min_size=1, max_size=6), min_size=1, max_size=12),
       gaps=st.lists(st.sampled_from([" ", "  ", "\n", " \n\t", "\u00a0"]), min_size=12, max_size=12),
       data=st.data())
def test_a_slice_with_other_white_space_and_plain_punctuation_is_found_at_the_same_words(words, gaps, data):
    passage = "".join(w + g for w, g in zip(words, gaps)).strip()
    start = data.draw(st.integers(0, len(passage) - 1))
    end = data.draw(st.integers(start + 1, len(passage)))
    core = passage[start:end].strip()
    altered = re.sub(r"\s+", " ", core).replace("\u2019", "'").replace("\u2014", "-")
    span = answers.find_quote(altered, passage)
    flat = answers._normalised(altered.strip(QUOTES).strip())[0]
    if len(flat) < answers.MIN_QUOTE_CHARS:
        return
    assert span is not None
    assert answers._normalised(passage[span[0]:span[1]])[0] == flat


# ---------------------------------------------------------------------------------------------- the settings


@pytest.mark.parametrize("host, loopback", [
    ("localhost", True), ("127.0.0.1", True), ("::1", True), ("[::1]", True), ("127.5.5.5", True),
    ("api.localhost", True), ("10.0.0.1", False), ("example.com", False), ("0.0.0.0", False),
    ("192.168.1.2", False), ("localhost.example.com", False), ("127.0.0.1.example.com", False), ("::", False),
])
def test_loopback_detection(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("url, host", [
    ("http://127.0.0.1:11434/v1", "127.0.0.1"), ("https://LocalHost:8080/v1", "localhost"),
    ("http://[::1]:8080/v1", "::1"), ("http://user@example.com/v1", "example.com")])
def test_the_host_of_an_address(url, host):
    assert host_of(url) == host


@pytest.mark.parametrize("url", ["127.0.0.1:11434/v1", "ftp://127.0.0.1/v1", "", "http://", "localhost",
                                 "file:///tmp/x"])
def test_an_address_that_is_not_http_is_refused(url):
    with pytest.raises(LLMConfigError) as caught:
        host_of(url)
    assert "http" in caught.value.hint


def test_a_remote_host_is_refused_unless_allowed():
    for url in ("http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://[::1]:1/v1", "http://127.5.5.5/v1"):
        assert check_host(LLMConfig(url=url)) is False
    for url in ("http://10.0.0.1:8080/v1", "https://example.com/v1", "http://0.0.0.0:8080/v1"):
        with pytest.raises(RemoteHostError) as caught:
            check_host(LLMConfig(url=url))
        assert url in caught.value.message and "--allow-remote" in caught.value.hint
        assert check_host(LLMConfig(url=url), allow_remote=True) is True
    assert check_host(LLMConfig(url="https://Example.com/v1", allowed_hosts=["EXAMPLE.com"])) is True
    with pytest.raises(RemoteHostError):
        check_host(LLMConfig(url="https://example.org/v1", allowed_hosts=["example.com"]))


def test_a_run_needs_a_model_name():
    with pytest.raises(LLMConfigError) as caught:
        require_model(LLMConfig())
    assert "--llm-model" in caught.value.hint
    assert require_model(LLMConfig(model="m")).model == "m"


def test_provenance_leaves_out_policy_and_pacing():
    recorded = LLMConfig(model="m", allowed_hosts=["x"]).provenance()
    assert {"url", "model", "temperature", "seed", "timeout", "max_tokens"} <= set(recorded)
    assert not {"allowed_hosts", "retries", "concurrency"} & set(recorded)


def test_settings_are_saved_and_loaded_with_overrides_on_top(project):
    db = project.db
    assert load_config(db) == LLMConfig()
    saved = save_config(db, url="http://127.0.0.1:8080/v1/", model="qwen2.5:7b", temperature=0.2, seed=7,
                        timeout=30, retries=1, concurrency=4, allowed_hosts=["gpu.lab"])
    assert saved.url == "http://127.0.0.1:8080/v1"
    loaded = load_config(db)
    assert loaded == saved and loaded.temperature == 0.2 and loaded.seed == 7 and loaded.allowed_hosts == ["gpu.lab"]
    assert load_config(db, model="other", seed=None).model == "other"  # None leaves the stored value
    assert load_config(db, seed=None).seed == 7
    assert load_config(db, concurrency=0).concurrency == 1
    assert save_config(db, model="llama3.1").url == "http://127.0.0.1:8080/v1"  # only what is given changes
    assert load_config(db).model == "llama3.1"


@pytest.mark.parametrize("values", [{"temperature": "hot"}, {"seed": "x"}, {"url": "127.0.0.1:8080"},
                                    {"colour": "red"}, {"timeout": [1]}])
def test_bad_settings_are_refused_and_nothing_is_stored(project, values):
    before = load_config(project.db)
    with pytest.raises(LLMConfigError):
        save_config(project.db, model="m", **values)
    assert load_config(project.db) == before


def run_cli(project, *args, code=0):
    result = CliRunner().invoke(cli, ["--db", str(project.path), *map(str, args)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def test_workbench_llm_set_show_and_check(project):
    shown = json.loads(run_cli(project, "llm", "show", "--json").stdout)
    assert shown["url"] == "http://127.0.0.1:11434/v1" and shown["model"] == "" and shown["allowed_hosts"] == []
    assert "url: http://127.0.0.1:11434/v1" in run_cli(project, "llm").stdout  # no subcommand: show
    digest = "sha256:" + "ab" * 32
    with StubServer(models=["stub-model", "other"], digest=digest) as server:
        out = run_cli(project, "llm", "set", "--url", server.url + "/", "--model", "stub-model", "--temperature", "0.1",
                      "--seed", "3", "--concurrency", "3", "--allow-host", "gpu.lab", "--allow-host", "Other.Lab")
        assert f"url: {server.url}\n" in out.stdout and "model: stub-model" in out.stdout
        stored = load_config(project.db)
        assert (stored.url, stored.model, stored.temperature, stored.seed, stored.concurrency) == (
            server.url, "stub-model", 0.1, 3, 3)
        assert stored.allowed_hosts == ["gpu.lab", "Other.Lab"]
        check = run_cli(project, "llm", "check").stdout
        assert f"Server {server.url} answers; it lists: stub-model, other." in check
        assert f"Model stub-model: listed; digest {digest}." in check and "Warning" not in check
        info = json.loads(run_cli(project, "llm", "check", "--model", "missing", "--json").stdout)
        assert info["models"] == ["stub-model", "other"] and info["listed"] is False and info["model"] == "missing"
        assert info["remote"] is False
        assert "NOT listed" in run_cli(project, "llm", "check", "--model", "missing").stdout
        assert server.requests == []  # check asks for the list of models only: nothing is sent to be coded


def test_workbench_llm_refuses_bad_settings_and_remote_or_absent_servers(project):
    bad = run_cli(project, "llm", "set", "--url", "localhost:11434", code=1)
    assert "Error: 'localhost:11434' is not an http(s) address" in bad.stderr and "Hint:" in bad.stderr
    assert load_config(project.db).url == "http://127.0.0.1:11434/v1"
    remote = run_cli(project, "llm", "check", "--url", "http://10.9.9.9:8080/v1", code=1)
    assert "is not on this machine" in remote.stderr and "--allow-remote" in remote.stderr
    url = f"http://127.0.0.1:{free_port()}/v1"
    absent = run_cli(project, "llm", "check", "--url", url, code=1)
    assert f"Error: no language-model server answers at {url}" in absent.stderr
    assert "Hint:" in absent.stderr and "ollama serve" in absent.stderr


# ------------------------------------------------------------------------------------------------ the client

MESSAGES = prompt.build_messages(CODES, PASSAGE)
SCHEMA = prompt.answer_schema(IDS)


def test_the_client_sends_the_settings_and_the_schema_and_reads_the_reply():
    with StubServer(answer=lambda passage, payload: reply(ITEM)) as server, \
            ChatClient(config_for(server, temperature=0.3, seed=9, max_tokens=99)) as client:
        text, meta = client.complete(MESSAGES, SCHEMA)
        assert json.loads(text) == {"codes": [ITEM]}
        assert meta == {"system_fingerprint": "stub-1", "model": "stub-model", "format": "json_schema"}
        [payload] = server.requests
        assert payload["model"] == "stub-model" and payload["temperature"] == 0.3 and payload["seed"] == 9
        assert payload["max_tokens"] == 99 and payload["stream"] is False and payload["messages"] == MESSAGES
        assert payload["response_format"]["json_schema"]["schema"] == SCHEMA


@pytest.mark.parametrize("refused, form", [({"json_schema"}, "json_object"), ({"json_schema", "json_object"}, "none")])
def test_a_refused_json_constraint_falls_back_and_the_working_form_is_kept(refused, form):
    with StubServer(answer=lambda passage, payload: reply(), refuse_formats=refused) as server, \
            ChatClient(config_for(server, retries=0)) as client:
        text, meta = client.complete(MESSAGES, SCHEMA)
        assert json.loads(text) == {"codes": []} and meta["format"] == form and client.format == form
        sent = [(r.get("response_format") or {}).get("type") for r in server.requests]
        assert sent == ["json_schema", "json_object", None][:len(refused) + 1]
        if form == "json_object":
            assert server.requests[-1]["response_format"]["schema"] == SCHEMA
        client.complete(MESSAGES, SCHEMA)
        assert len(server.requests) == len(sent) + 1  # the next request goes straight to the working form
        assert (server.requests[-1].get("response_format") or {}).get("type") == (None if form == "none" else form)


def test_without_the_json_constraint_no_response_format_is_sent():
    with StubServer(answer=lambda passage, payload: reply()) as server, \
            ChatClient(config_for(server, retries=0, json_constraint=False)) as client:
        text, meta = client.complete(MESSAGES, SCHEMA)
        assert meta["format"] == "none" and "response_format" not in server.requests[0]


def flaky(statuses):
    """An answer that replies with these HTTP statuses first, then with an empty list of codes."""
    left = list(statuses)

    def answer(passage, payload):
        return (left.pop(0), {"error": "busy"}) if left else reply()
    return answer


@pytest.mark.parametrize("statuses", [[500], [503, 502], [429], [408]])
def test_server_errors_are_tried_again(monkeypatch, statuses):
    monkeypatch.setattr(ChatClient, "backoff", 0.001)
    with StubServer(answer=flaky(statuses)) as server, ChatClient(config_for(server, retries=3)) as client:
        text, meta = client.complete(MESSAGES, SCHEMA)
        assert json.loads(text) == {"codes": []} and len(server.requests) == len(statuses) + 1
        assert meta["format"] == "json_schema"  # an error is not taken for a refused format


def test_when_every_retry_fails_the_request_fails(monkeypatch):
    monkeypatch.setattr(ChatClient, "backoff", 0.001)
    with StubServer(answer=flaky([500] * 10)) as server, ChatClient(config_for(server, retries=2)) as client:
        with pytest.raises(LLMRequestError) as caught:
            client.complete(MESSAGES, SCHEMA)
        assert len(server.requests) == 3 and "no answer after 3 tries" in caught.value.message
        assert "HTTP 500" in caught.value.message


@pytest.mark.parametrize("status", [404, 401, 403])
def test_an_answer_no_retry_can_mend_is_a_server_error_with_a_hint(monkeypatch, status):
    monkeypatch.setattr(ChatClient, "backoff", 0.001)
    answer = (lambda passage, payload: (status, {"error": f"model '{payload['model']}' not found"}))
    with StubServer(answer=answer) as server, ChatClient(config_for(server, model="nope")) as client:
        with pytest.raises(LLMServerError) as caught:
            client.complete(MESSAGES, SCHEMA)
        assert len(server.requests) == 1 and f"HTTP {status}" in caught.value.message
        assert "model 'nope' not found" in caught.value.message and "workbench llm check" in caught.value.hint


def test_a_request_refused_in_every_form_is_a_server_error():
    answer = (lambda passage, payload: (400, {"error": "bad request"}))
    with StubServer(answer=answer) as server, ChatClient(config_for(server)) as client:
        with pytest.raises(LLMServerError):
            client.complete(MESSAGES, SCHEMA)
        assert len(server.requests) == 3 and client.format == "none"


def test_an_answer_slower_than_the_timeout_fails_after_its_retries(monkeypatch):
    monkeypatch.setattr(ChatClient, "backoff", 0.001)

    def slow(passage, payload):
        time.sleep(0.6)
        return reply()
    with StubServer(answer=slow) as server, ChatClient(config_for(server, timeout=0.15, retries=1)) as client:
        started = time.perf_counter()
        with pytest.raises(LLMRequestError) as caught:
            client.complete(MESSAGES, SCHEMA)
        assert "Timeout" in caught.value.message and len(server.requests) == 2
        assert time.perf_counter() - started < 2


def test_a_reply_that_is_not_chat_json_is_passed_on_as_text():
    with StubServer(answer=lambda passage, payload: (200, "plain words, no JSON")) as server, \
            ChatClient(config_for(server)) as client:
        text, meta = client.complete(MESSAGES, SCHEMA)
        assert text == "plain words, no JSON" and meta == {"format": "json_schema"}
    with StubServer(answer=lambda passage, payload: (200, {"choices": []})) as server, \
            ChatClient(config_for(server)) as client:
        text, meta = client.complete(MESSAGES, SCHEMA)
        assert answers.read_answer(text, PASSAGE, IDS).status == "malformed"


def test_server_info_lists_the_models_and_the_digest():
    digest = "sha256:" + "0f" * 32
    with StubServer(models=["a", "stub-model"], digest=digest) as server, ChatClient(config_for(server)) as client:
        info = client.server_info()
        assert info["models"] == ["a", "stub-model"] and info["digest"] == digest
        assert info["details"] == {"owned_by": "stub", "digest": digest}
    with StubServer() as server, ChatClient(config_for(server, model="absent")) as client:
        info = client.server_info()
        assert info["digest"] is None and info["details"] == {}  # not Ollama: /api/tags answers 404


def test_no_server_is_one_clear_error_naming_the_address(monkeypatch):
    monkeypatch.setattr(ChatClient, "backoff", 0.001)
    url = f"http://127.0.0.1:{free_port()}/v1"
    with ChatClient(LLMConfig(url=url, model="m", retries=1)) as client:
        with pytest.raises(LLMServerError) as caught:
            client.server_info()
        assert caught.value.message.startswith(f"no language-model server answers at {url} (ConnectError")
        assert "--llm-url" in caught.value.hint
        with pytest.raises(LLMRequestError) as failed:
            client.complete(MESSAGES, SCHEMA)
        assert "no answer after 2 tries: ConnectError" in failed.value.message


def test_the_compact_prompt_keeps_each_codes_first_sentence_of_definition_only(tmp_path):
    codes = [{"id": "skills", "parent_id": None, "label": "Skills", "description": "Skills in the firm. More words.",
              "include": ["Training"], "exclude": ["Pay"], "examples": ["We train our own."]},
             {"id": "skills_ageing", "parent_id": "skills", "label": "Ageing", "description": "An ageing workforce",
              "include": [], "exclude": [], "examples": []}]
    system = prompt.build_messages(codes, "A passage of text.", compact=True)[0]["content"]
    assert "- skills (Skills): Skills in the firm.\n" in system
    assert "- skills_ageing (Skills > Ageing): An ageing workforce\n" in system
    assert "More words" not in system and "Training" not in system and "We train our own" not in system
    assert prompt.template_name("compact") == prompt.TEMPLATE_VERSION + "-compact"
    assert prompt.template_name("full") == prompt.TEMPLATE_VERSION
    with pytest.raises(LLMConfigError):
        load_config_in(tmp_path / "project.db", prompt="short")


def load_config_in(path, **values):
    from workbench.llm.config import load_config
    from workbench.project import Project

    with Project(path) as project:
        return load_config(project.db, **values)


def test_a_project_without_codes_is_one_clear_error_before_anything_is_asked(tmp_path):
    from workbench.errors import NotFoundError
    from workbench.llm.session import open_session
    from workbench.project import Project

    with Project(tmp_path / "project.db") as project, pytest.raises(NotFoundError) as caught:
        open_session(project.db, {"url": "http://127.0.0.1:9/v1", "model": "m"})
    assert "no codes" in caught.value.message and "codebook load" in caught.value.hint
