"""The measured gate with the `llm` method: `validate --llm` against an "oracle" stub server answering from the
sample corpus's gold codings, then `autocode` (auto) choosing the model for the codes where it earned it, leaving
them off when the project names another model or the server is gone, and validating again when codings change.

The sample corpus's interviews carry the gold codings of their tuning and dev parts as coder ann. The oracle's
validation trains classifiers too: sentence embeddings are replaced by hashed bags of words there, which keeps it
fast and is no part of what is tested here."""

from __future__ import annotations

import csv
import json
import re
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.llm_stub import StubServer
from tests.processes import free_port
from workbench.cli import cli
from workbench.llm.config import save_config
from workbench.llm.prompt import TEMPLATE_VERSION
from workbench.store.llm_answers import answer_counts

ROOT = Path(__file__).resolve().parents[1]
DIGEST = "sha256:" + "ab" * 32


def invoke(path, *args, code=0):
    result = CliRunner().invoke(cli, ["--db", str(path), *map(str, args)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


# ------------------------------------------------------------------------ the measured gate (validate --llm)

# Marked slow: the sample codebook (spaCy patterns) and a cross-validation make the module fixture take ~10 s.
GATE_CODES = ["skills", "skills_shortage", "skills_ageing", "demand_signals", "demand_weak"]
LLM_CODES = ["skills_shortage", "skills_ageing", "demand_weak"]  # the oracle answers these exactly


def hashed_embeddings(texts, batch_size=64, progress=None, name=None):
    """Unit vectors of hashed word counts: stands in for the sentence encoder (see the module's docstring)."""
    import numpy as np

    from workbench.embeddings import encoders

    out = np.zeros((len(texts), encoders.encoder(name or encoders.MODEL_NAME).dim), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z]{3,}", text.lower()):
            out[i, zlib.crc32(word.encode()) % out.shape[1]] += 1.0
    out[:, 0] += 1e-3
    if progress:
        progress(len(texts), len(texts))
    return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    """(project path, {segment text: gold codes of every split}) for the sample interviews, with the tuning and dev
    gold codings entered as coder ann; sentence embeddings hashed for the module."""
    from workbench.embeddings import encoders
    from workbench.project import Project

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(encoders, "embed_texts", hashed_embeddings)
        path = tmp_path_factory.mktemp("gold") / "project.db"
        codes_of = {}
        with Project(path) as project:
            project.documents.ingest([ROOT / "corpus" / "sources" / "interviews"],
                                     manifest=ROOT / "corpus" / "manifest.csv")
            project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
            project.codings.add_coder("ann")
            titles = {d["title"]: d["id"] for d in project.documents.list()}
            texts = {(d, s["start"], s["end"]): s["text"] for d in titles.values()
                     for s in project.documents.segments(d)}
            with open(ROOT / "corpus" / "gold" / "gold_codings.csv", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    if row["document"] not in titles or not row["code"]:
                        continue
                    span = (titles[row["document"]], int(row["start"]), int(row["end"]))
                    codes_of.setdefault(texts.get(span), []).append(row["code"])
                    if row["split"] in ("tuning", "dev"):
                        project.codings.code(*span, row["code"], "ann")
        codes_of.pop(None, None)
        yield path, codes_of


@pytest.fixture(scope="module")
def oracle(gold):
    """A stub answering every passage with its gold codes, each quoted from the passage's first words."""
    _, codes_of = gold

    def answer(passage, payload):
        return json.dumps({"codes": [{"code": c, "quote": passage[:40], "rationale": "as the gold has it",
                                      "confidence": "high"} for c in codes_of.get(passage, [])]})
    with StubServer(answer, models=["stub-model", "other-model"]) as server:
        yield server


@pytest.fixture(scope="module")
def validated(gold, oracle):
    from workbench.project import Project

    path, _ = gold
    with Project(path) as project:
        result = project.validation.run(codes=GATE_CODES, folds=3, llm=True,
                                        llm_overrides={"url": oracle.url, "model": "stub-model"})
        save_config(project.db, url=oracle.url, model="stub-model")
    return result


@pytest.fixture
def gold_project(gold, validated, oracle):
    from workbench.project import Project

    with Project(gold[0]) as project:
        save_config(project.db, url=oracle.url, model="stub-model")
        yield project


@pytest.mark.slow
def test_the_prompt_carries_the_whole_sample_codebook(gold_project):
    from workbench.llm.prompt import build_messages
    from workbench.store.codes import scope_codes

    codes = scope_codes(gold_project.db, None)
    system, _ = build_messages(codes, "A passage.")
    assert len(codes) == 23
    for code in codes:
        assert f"- {code['id']} (" in system["content"]
        assert f"Definition: {' '.join(code['description'].split())}" in system["content"]
        for item in code["include"]:
            assert f"Code when: {' '.join(item.split())}" in system["content"]
        for item in code["exclude"]:
            assert f"Do not code when: {' '.join(item.split())}" in system["content"]
        for example in code["examples"][:3]:
            assert f'Example: "{" ".join(example.split())}"' in system["content"]


@pytest.mark.slow
def test_validation_measures_the_model_on_every_passage(validated, oracle):
    measured = validated["settings"]["llm"]
    assert measured["model"] == "stub-model" and measured["url"] == oracle.url and measured["remote"] is False
    assert measured["prompt_template"] == TEMPLATE_VERSION and len(measured["prompt_key"]) == 64
    assert measured["stats"]["asked"] == validated["results"]["segments"] and measured["stats"]["failed"] == 0
    assert "llm" in validated["settings"]["methods"]
    codes = validated["results"]["codes"]
    assert set(codes) == set(GATE_CODES)
    for code_id, entry in codes.items():
        llm = entry["methods"]["llm"]
        assert llm["precision"] == 1.0, code_id  # answered from the gold: never wrong
    for code_id in LLM_CODES:
        entry = codes[code_id]
        assert entry["methods"]["llm"]["recall"] == 1.0 and entry["method"] == "llm" and entry["passed"]
        assert entry["threshold"] == 1.0


@pytest.mark.slow
def test_auto_suggests_the_codes_the_model_earned_with_the_validations_threshold_and_trust(gold_project, gold,
                                                                                           validated, oracle):
    _, codes_of = gold
    key = validated["settings"]["llm"]["prompt_key"]
    stored_before = sum(answer_counts(gold_project.db, key).values())
    n_before = len(oracle.requests)
    auto = gold_project.suggestions.run()["auto"]
    assert auto["validation"] == validated["id"] and not auto["revalidated"]
    chosen = {c: e for c, e in validated["results"]["codes"].items() if e["passed"]}
    assert set(auto["per_code"]) == set(chosen) and not auto["off"]
    for code_id in LLM_CODES:
        assert auto["per_code"][code_id]["method"] == "llm"
        assert auto["per_code"][code_id]["threshold"] == chosen[code_id]["threshold"]
    asked = len(oracle.requests) - n_before  # the passages of documents ann did not code; none asked twice
    assert asked > 0 and sum(answer_counts(gold_project.db, key).values()) == stored_before + asked

    rows = gold_project.suggestions.list(method="llm", limit=None)
    assert rows and {r["code_id"] for r in rows} <= set(LLM_CODES)
    for row in rows:
        text = gold_project.db.execute("SELECT text FROM segments WHERE id = ?", [row["segment_id"]]).fetchone()[0]
        assert row["code_id"] in codes_of[text]  # the oracle's suggestions are all right
        assert row["reason"].startswith(f"«{text[:40].strip()}» — as the gold has it (high confidence, stub-model)")
        assert f"(at least 1.00, set by validation {validated['id']})" in row["reason"]
        assert "suggestions like this were right 100% of the time" in row["reason"]
        assert row["trust"].startswith("suggestions like this were right 100% of the time")
        assert row["score"] == 1.0 and row["threshold"] == 1.0

    n_after = len(oracle.requests)
    again = gold_project.suggestions.run()["auto"]
    assert again["new"] == 0 and len(oracle.requests) == n_after


@pytest.mark.slow
def test_auto_leaves_the_models_codes_off_when_the_project_names_another_model(gold_project, oracle):
    save_config(gold_project.db, model="other-model")
    n_before = len(oracle.requests)
    auto = gold_project.suggestions.run()["auto"]
    for code_id in LLM_CODES:
        assert code_id not in auto["per_code"]
        assert "validate again with --llm" in auto["off"][code_id]
    assert set(auto["per_code"]) | set(auto["off"]) == set(GATE_CODES)
    assert len(oracle.requests) == n_before  # nothing is asked of a model that was not measured


@pytest.mark.slow
def test_auto_leaves_the_models_codes_off_when_the_server_is_gone(gold_project, oracle):
    url = f"http://127.0.0.1:{free_port()}/v1"
    save_config(gold_project.db, url=url)
    out = invoke(gold_project.path, "autocode", "--json")
    auto = json.loads(out.stdout)["auto"]
    for code_id in LLM_CODES:
        assert code_id not in auto["per_code"]
        assert auto["off"][code_id].startswith("measured with a language model, which cannot be asked now: "
                                               f"no language-model server answers at {url}")
    text = invoke(gold_project.path, "autocode").stdout
    assert "Not suggested by default" in text and "cannot be asked now" in text


@pytest.mark.slow
def test_validate_llm_on_the_command_line_reuses_the_stored_answers(gold_project, validated, oracle):
    n_before = len(oracle.requests)
    out = invoke(gold_project.path, "validate", "--llm", "--llm-url", oracle.url, "--llm-model", "stub-model",
                 "--codes", ",".join(GATE_CODES), "--folds", 3).stdout
    assert len(oracle.requests) == n_before
    assert (f"Language model stub-model at {oracle.url} (prompt {TEMPLATE_VERSION}): 0 segments asked, "
            f"{validated['results']['segments']} answered before") in out
    latest = gold_project.validation.latest()
    assert latest["settings"]["llm"]["prompt_key"] == validated["settings"]["llm"]["prompt_key"]
    assert {c: e["method"] for c, e in latest["results"]["codes"].items()} == {
        c: e["method"] for c, e in validated["results"]["codes"].items()}


@pytest.mark.slow
def test_when_codings_change_auto_validates_again_with_the_model_or_without_it_when_it_is_gone(gold_project, oracle):
    """Last in the module: it changes ann's codings."""
    from workbench.store.codings import documents_coded_by

    def code_one_more(ordinal):
        document = documents_coded_by(gold_project.db, ["ann"])[0]
        segment = gold_project.documents.segments(document)[ordinal]
        gold_project.codings.code(document, segment["start"], segment["end"], "demand_signals", "ann")

    code_one_more(-1)
    assert gold_project.validation.latest()["stale"]
    n_before = len(oracle.requests)
    auto = gold_project.suggestions.run()["auto"]
    latest = gold_project.validation.latest()
    assert auto["revalidated"] and auto["validation"] == latest["id"] and not latest["stale"]
    assert "llm" in latest["settings"]["methods"] and latest["settings"]["llm"]["stats"]["asked"] == 0
    assert len(oracle.requests) == n_before  # every passage was answered before
    assert any(e["method"] == "llm" for e in auto["per_code"].values())

    code_one_more(-2)
    save_config(gold_project.db, url=f"http://127.0.0.1:{free_port()}/v1")
    auto = gold_project.suggestions.run()["auto"]
    latest = gold_project.validation.latest()
    assert auto["revalidated"] and auto["validation"] == latest["id"]
    assert "llm" not in latest["settings"]["methods"] and "llm" not in latest["settings"]
    assert all(e["method"] != "llm" for e in auto["per_code"].values())
    assert set(auto["per_code"]) | set(auto["off"]) == set(GATE_CODES)

