"""Topic runs: planted themes found, stored, compared with codes and attributes, promoted, applied, reproducible."""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests import processes
from tests.conftest import ROOT
from tests.topics_fixtures import THEMES, build, interview, theme_of
from workbench.errors import TopicError
from workbench.topics.runs import models_root


@pytest.fixture
def themed(project, tmp_path):
    build(project, tmp_path / "corpus")
    return project


def fit_small(project, **kwargs):
    options = {"embedder": "tfidf", "n_topics": 3, "name": "small"}
    options.update(kwargs)
    return project.topics.fit(**options)


def purity(project, run) -> dict[int, Counter]:
    texts = {r["id"]: r["text"] for r in project.db.query("SELECT id, text FROM segments")}
    out: dict[int, Counter] = defaultdict(Counter)
    for row in project.topics.assignments(run):
        out[row["topic"]][theme_of(texts[row["segment_id"]])] += 1
    return out


def test_tfidf_kmeans_finds_the_planted_themes_and_stores_the_run(themed):
    run = fit_small(themed)
    assert run["clusterer"] == "kmeans" and run["topic_count"] == 3 and run["outlier_count"] == 0
    assert run["segment_count"] == 6 * 12  # respondent turns only
    by_topic = purity(themed, "small")
    assert sorted(c.most_common(1)[0][0] for c in by_topic.values()) == sorted(THEMES)
    for counts in by_topic.values():
        assert counts.most_common(1)[0][1] == sum(counts.values())  # every topic holds one theme
    shown = themed.topics.run("small")
    for topic in shown["topics"]:
        theme = theme_of(topic["representative"][0]["text"])
        words = " ".join(w for w, _ in topic["words"])
        assert any(word in words for phrase in THEMES[theme] for word in phrase.split() if len(word) > 4)
        assert topic["label"] and topic["words"][0][1] >= topic["words"][-1][1]
        assert len(topic["representative"]) == 5
    assert (models_root(themed.path) / "small" / "bertopic" / "topics.json").exists()
    assert shown["versions"]["bertopic"] and shown["parameters"]["n_topics"] == 3


def test_interviewer_turns_are_left_out_unless_asked_and_filters_select(themed):
    def speakers(name):
        return {r["speaker"] for r in themed.db.query(
            "SELECT DISTINCT s.speaker FROM segment_topics t JOIN segments s ON s.id = t.segment_id "
            "WHERE t.run_id = (SELECT id FROM topic_runs WHERE name = ?)", [name])}

    fit_small(themed)
    assert speakers("small") == {"R"}
    run = fit_small(themed, name="all", include_interviewer=True)
    assert run["segment_count"] == 6 * 24 and speakers("all") == {"I", "R"}
    fit_small(themed, name="small2", filters=["region=North East"])
    segs = themed.db.query("""SELECT DISTINCT s.speaker, a.value FROM segment_topics t JOIN segments s ON s.id = t.segment_id
                              JOIN attributes a ON a.document_id = s.document_id AND a.name = 'region'
                              WHERE t.run_id = (SELECT id FROM topic_runs WHERE name = 'small2')""")
    assert {(r["speaker"], r["value"]) for r in segs} == {("R", "North East")}
    assert themed.topics.run("small2")["filters"] == {"region": ["North East"]}


@pytest.mark.parametrize("filters, message", [
    (["region=Atlantis"], "no segment passes the filter region=Atlantis"),
    (["planet=Mars"], "no document has an attribute 'planet'"),
    (["region"], "is not KEY=VALUE"),
])
def test_filters_that_select_nothing_say_so(themed, filters, message):
    with pytest.raises(TopicError, match=message):
        fit_small(themed, filters=filters)
    assert themed.topics.runs() == []


def test_empty_project_and_bad_parameters_are_clear_errors(project, themed):
    with pytest.raises(TopicError, match="no segments") as info:
        project.__class__(project.path.with_name("empty.db")).topics.fit(embedder="tfidf")
    assert "ingest" in info.value.hint
    with pytest.raises(TopicError, match="unknown embedder"):
        fit_small(themed, embedder="word2vec")
    with pytest.raises(TopicError, match="below 2"):
        fit_small(themed, min_topic_size=1)
    with pytest.raises(TopicError, match="not usable"):
        fit_small(themed, name="../escape")
    fit_small(themed)
    with pytest.raises(TopicError, match="exists already"):
        fit_small(themed)
    assert fit_small(themed, replace=True)["name"] == "small"
    assert [r["name"] for r in themed.topics.runs()] == ["small"]
    with pytest.raises(TopicError, match="no topic run 'nope'") as info:
        themed.topics.run("nope")
    assert "small" in info.value.hint


def _ingest_texts(project, folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert all(o.status == "ingested" for o in project.documents.ingest([folder]))


def test_duplicates_tiny_corpora_and_non_english_text_give_sensible_results(project, tmp_path):
    same = "R: We keep talking about energy costs and the furnace every single week here."
    _ingest_texts(project, tmp_path / "dup", {"a.txt": "\n\n".join(["I: Why?", same] * 10) + "\n"})
    with pytest.raises(TopicError, match="only 1 distinct segment"):
        project.topics.fit(embedder="tfidf")
    _ingest_texts(project, tmp_path / "more", {
        "b.txt": "I: And?\n\nR: Apprentices and welders leave for the big firms in the city.\n\n"
                 "I: Then?\n\nR: Export orders to customers in Germany fell with the euro.\n\n"
                 "I: Finally?\n\nR: Die Energiekosten sind für unsere Gießerei viel zu hoch geworden.\n\n"
                 "I: Und?\n\nR: Les apprentis et les soudeurs partent vers les grandes entreprises.\n"})
    run = project.topics.fit(embedder="tfidf", min_topic_size=10, name="tiny")
    assert run["clusterer"] == "kmeans" and run["parameters"]["distinct_texts"] == 5
    assert run["segment_count"] == 14 and 1 <= run["topic_count"] <= 2 and run["outlier_count"] == 0
    dup_topics = {r["topic"] for r in project.db.query(
        "SELECT t.topic FROM segment_topics t JOIN segments s ON s.id = t.segment_id WHERE s.text LIKE '%furnace%'")}
    assert len(dup_topics) == 1  # identical segments share their topic


def test_an_interrupted_or_failed_fit_leaves_no_run_and_no_model_folder(themed, monkeypatch):
    from workbench.topics import embedders

    def interrupt(self, folder):
        (folder / "half-written").write_text("x")
        raise KeyboardInterrupt

    monkeypatch.setattr(embedders.TfidfEmbedder, "save", interrupt)
    with pytest.raises(KeyboardInterrupt):
        fit_small(themed)
    monkeypatch.undo()
    assert themed.topics.runs() == [] and list(models_root(themed.path).iterdir()) == []

    fit_small(themed)
    before = themed.topics.run("small")
    original = Path.rename

    failures = []

    def failing_rename(self, target):  # the new model folder cannot be moved into place (once)
        if Path(target).name == "small" and self.name.startswith(".tmp-") and not failures:
            failures.append(target)
            raise OSError("disk full")
        return original(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    with pytest.raises(OSError):
        fit_small(themed, n_topics=2, replace=True)
    monkeypatch.undo()
    after = themed.topics.run("small")
    assert failures
    assert after["id"] == before["id"] and after["topic_count"] == 3  # the old run survives whole
    assert [p.name for p in models_root(themed.path).iterdir()] == ["small"]


def test_topics_by_codes_flags_themes_the_codebook_misses(themed):
    fit_small(themed)
    themed.codebook.add_code("energy", "Energy costs")
    themed.codings.add_coder("ana")
    energy = [r["id"] for r in themed.db.query("SELECT id, text FROM segments WHERE speaker = 'R'")
              if theme_of(r["text"]) == "energy"]
    for segment_id in energy:
        themed.codings.code_segment(segment_id, "energy", "ana")
    result = themed.topics.by_codes("small")
    by_theme = {theme_of(themed.topics.run("small")["topics"][k]["representative"][0]["text"]): t
                for k, t in enumerate(result["topics"])}
    assert by_theme["energy"]["coverage"] == 1.0 and not by_theme["energy"]["uncovered"]
    assert by_theme["energy"]["codes"] == [{"code": "energy", "label": "Energy costs", "count": len(energy) and
                                            by_theme["energy"]["size"], "share": 1.0}]
    assert sorted(result["uncovered"]) == sorted([by_theme["skills"]["topic"], by_theme["export"]["topic"]])
    assert themed.topics.by_codes("small", coder="nobody")["uncovered"] == [0, 1, 2]


def test_topics_by_attribute_type_and_time(themed):
    fit_small(themed)
    region = themed.topics.by_attribute("small", "region")
    assert region["values"] == ["North East", "West Midlands"]
    assert region["totals"] == {"North East": 36, "West Midlands": 36}
    for value in region["values"]:
        assert sum(t["counts"][value] for t in region["topics"]) == 36
        assert sum(t["shares"][value] for t in region["topics"]) == pytest.approx(1.0, abs=1e-3)
    by_type = themed.topics.by_attribute("small", "type")
    assert by_type["values"] == ["interview"]
    over_time = themed.topics.over_time("small")
    assert over_time["values"] == ["2023", "2024"] and over_time["by"] == "date"
    quarters = themed.topics.over_time("small", freq="quarter")
    assert quarters["values"] == ["2023-Q1", "2023-Q2", "2024-Q1", "2024-Q2"]  # dates 2023-01, 2024-02, 2023-03 ...
    assert quarters["totals"] == {"2023-Q1": 24, "2023-Q2": 12, "2024-Q1": 12, "2024-Q2": 24}
    with pytest.raises(TopicError, match="no document has an attribute 'sector'"):
        themed.topics.by_attribute("small", "sector")


def test_promote_makes_a_draft_code_and_suggestions_that_can_be_accepted(themed):
    fit_small(themed)
    themed.codebook.add_code("emerging", "Emerging themes")
    run = themed.topics.run("small")
    topic = run["topics"][0]
    result = themed.topics.promote("small", topic["topic"], parent="emerging")
    code = next(c for c in themed.codebook.codes() if c["id"] == result["code_id"])
    assert code["parent_id"] == "emerging" and code["label"].casefold() == topic["label"].casefold()
    assert topic["words"][0][0] in code["description"]
    stored = json.loads(next(themed.db.query("SELECT examples FROM codes WHERE id = ?", [result["code_id"]]))["examples"])
    assert len(stored) == 3 and stored[0] == " ".join(topic["representative"][0]["text"].split())
    pending = themed.suggestions.list(code=result["code_id"])
    assert len(pending) == result["suggestions"] == topic["size"]
    assert {s["source"] for s in pending} == {f"topic:small:{topic['topic']}"} and {s["method"] for s in pending} == {"topic"}
    themed.codings.add_coder("ana")
    coding_ids = themed.suggestions.accept([s["id"] for s in pending], "ana")
    assert {c["source"] for c in themed.codings.list(code=result["code_id"])} == {f"topic:small:{topic['topic']}"}
    assert len(coding_ids) == topic["size"]
    again = themed.topics.promote("small", topic["topic"])
    assert again["code_id"] == result["code_id"] + "_2"
    with pytest.raises(TopicError, match="outliers"):
        themed.topics.promote("small", -1)
    with pytest.raises(TopicError, match="no topic 9"):
        themed.topics.promote("small", 9)


def test_apply_assigns_new_documents_to_the_saved_topics(themed, tmp_path):
    import random

    fit_small(themed)
    themes_of_topics = {t["topic"]: theme_of(t["representative"][0]["text"]) for t in themed.topics.run("small")["topics"]}
    text, _ = interview(random.Random(7), ["export", "skills"], 6)
    _ingest_texts(themed, tmp_path / "new", {"late.txt": text})
    result = themed.topics.apply("small")
    assert result["applied"] == 6
    rows = themed.db.query("""SELECT s.text, t.topic FROM segment_topics t JOIN segments s ON s.id = t.segment_id
                              WHERE t.applied = 1""")
    assert all(themes_of_topics[r["topic"]] == theme_of(r["text"]) for r in rows)
    assert themed.topics.apply("small")["applied"] == 0


def test_figures_are_plotly_objects(themed):
    fit_small(themed)
    bars = themed.topics.figure("small", "barchart")
    assert len(bars.data) == 3 and bars.data[0].orientation == "h"
    heat = themed.topics.figure("small", "heatmap", by="region")
    assert list(heat.data[0].x) == ["North East", "West Midlands"] and len(heat.data[0].z) == 3
    assert themed.topics.figure("small", "hierarchy").layout.title.text == "Topic hierarchy"
    fit_small(themed, name="two", n_topics=2)
    with pytest.raises(TopicError, match="at least 3 topics"):
        themed.topics.figure("two", "distance")
    with pytest.raises(TopicError, match="unknown figure"):
        themed.topics.figure("small", "pie")


def test_coherence_prefers_planted_topics_to_shuffled_words(themed):
    from workbench.topics.coherence import npmi

    fit_small(themed)
    texts = [r["text"] for r in themed.db.query("SELECT text FROM segments WHERE speaker = 'R'")]
    planted = [[w for p in phrases for w in p.split() if len(w) > 3][:10] for phrases in THEMES.values()]
    mixed = [list(words) for words in zip(*planted)][:3]
    assert npmi(texts, planted)["mean"] > 0.1
    assert npmi(texts, mixed)["mean"] < -0.5  # words of different themes never meet in one turn
    assert themed.topics.coherence("small")["mean"] > 0


def test_cli_fit_list_show_compare_promote_and_errors(themed, tmp_path):
    from click.testing import CliRunner

    from workbench.cli import cli

    db = str(themed.path)
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", db, "topics", "fit", "--embedder", "tfidf", "--topics", "3", "--json"])
    assert out.exit_code == 0, out.output
    fitted = json.loads(out.output)
    assert fitted["name"] == "topics-1" and len(fitted["topics"]) == 3
    listed = json.loads(runner.invoke(cli, ["--db", db, "topics", "list", "--json"]).output)
    assert [r["name"] for r in listed] == ["topics-1"]
    shown = runner.invoke(cli, ["--db", db, "topics", "show", "topics-1"])
    assert shown.exit_code == 0 and fitted["topics"][0]["label"].split(",")[0] in shown.output
    compared = runner.invoke(cli, ["--db", db, "topics", "compare", "topics-1", "--by", "code"])
    assert "Themes the codebook misses: topics 0, 1, 2" in compared.output
    by_region = json.loads(runner.invoke(cli, ["--db", db, "topics", "compare", "topics-1", "--by", "region",
                                               "--json"]).output)
    assert by_region["values"] == ["North East", "West Midlands"]
    explicit = json.loads(runner.invoke(cli, ["--db", db, "topics", "compare", "topics-1", "--by", "attribute:region",
                                              "--json"]).output)
    assert explicit["topics"] == by_region["topics"]
    promoted = runner.invoke(cli, ["--db", db, "topics", "promote", "topics-1", "1", "--code-id", "new_theme"])
    assert promoted.exit_code == 0 and "Added code new_theme" in promoted.output
    bad = runner.invoke(cli, ["--db", db, "topics", "fit", "--embedder", "tfidf", "--filter", "region=Mars"])
    assert bad.exit_code == 1 and "Error: no segment passes the filter region=Mars" in bad.output
    assert "Traceback" not in bad.output and "Hint:" in bad.output
    missing = runner.invoke(cli, ["--db", db, "topics", "show", "nope"])
    assert missing.exit_code == 1 and "Error: no topic run 'nope'" in missing.output
    html = tmp_path / "bars.html"
    assert runner.invoke(cli, ["--db", db, "topics", "figure", "topics-1", "-o", str(html)]).exit_code == 0
    assert "plotly" in html.read_text(encoding="utf-8")[:5000].lower()
    deleted = runner.invoke(cli, ["--db", db, "topics", "delete", "topics-1"])
    assert deleted.exit_code == 0 and not (models_root(themed.path) / "topics-1").exists()


FIT_SCRIPT = """
import json, sys
from workbench.project import Project
with Project(sys.argv[1]) as p:
    run = p.topics.fit(name=sys.argv[2], embedder=sys.argv[3], clusterer=sys.argv[4], n_topics=3)
    print(json.dumps([[r["segment_id"], r["topic"], r["score"]] for r in p.topics.assignments(run["name"])]))
"""


def _fit_in_subprocess(db: Path, name: str, embedder: str, clusterer: str) -> list:
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = processes.run([sys.executable, "-c", FIT_SCRIPT, str(db), name, embedder, clusterer],
                         timeout=300, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_same_project_and_parameters_give_identical_topics_in_a_new_process(themed):
    themed.close()
    first = _fit_in_subprocess(themed.path, "one", "tfidf", "kmeans")
    second = _fit_in_subprocess(themed.path, "two", "tfidf", "kmeans")
    assert first == second and len({t for _, t, _ in first}) == 3


@pytest.mark.slow
def test_minilm_hdbscan_splits_long_turns_reuses_cached_embeddings_and_repeats(project, tmp_path):
    import random

    from tests.topics_fixtures import turn

    folder = tmp_path / "corpus"
    build(project, folder, documents=6, turns=12)
    rng = random.Random(3)
    long_turn = " ".join(turn(rng, "skills") for _ in range(14))  # about 1,300 characters: two chunks
    _ingest_texts(project, tmp_path / "long", {"long.txt": f"I: Tell me more.\n\nR: {long_turn}\n"})
    first = project.topics.fit(name="a", embedder="minilm", clusterer="hdbscan", min_topic_size=5,
                               reduce_outliers=True)
    chunks = project.db.execute("SELECT count(*) FROM segment_chunk_embeddings").fetchone()[0]
    cached = project.db.execute("SELECT count(*) FROM segment_embeddings").fetchone()[0]
    assert chunks == 2 and cached == 6 * 12
    assert first["clusterer"] == "hdbscan" and first["outlier_count"] == 0 and first["segment_count"] == 73
    by_topic = purity(project, "a")
    assert {c.most_common(1)[0][0] for c in by_topic.values()} == set(THEMES)
    assert sum(c.most_common(1)[0][1] for c in by_topic.values()) >= 0.9 * 73
    long_topic = next(r["topic"] for r in project.db.query(
        "SELECT t.topic FROM segment_topics t JOIN segments s ON s.id = t.segment_id WHERE length(s.text) > 1000"))
    assert by_topic[long_topic].most_common(1)[0][0] == "skills"
    second = project.topics.fit(name="b", embedder="minilm", clusterer="hdbscan", min_topic_size=5,
                                reduce_outliers=True)
    assert second["parameters"]["embed_seconds"] < 1.0  # every vector came from the cache
    assert project.db.execute("SELECT count(*) FROM segment_chunk_embeddings").fetchone()[0] == chunks
    strip = [(r["segment_id"], r["topic"]) for r in project.topics.assignments("a")]
    assert strip == [(r["segment_id"], r["topic"]) for r in project.topics.assignments("b")]


def test_labels_skip_repeated_and_inflected_words():
    from workbench.topics.representation import label_of, stop_words

    assert label_of(["welder", "welders", "welding", "apprentices"], ["pay"]) == "welder, apprentices, pay"
    assert label_of(["supply chain", "supply", "buyers"], []) == "supply chain, buyers"
    assert label_of([], []) == "(no words)"
    assert {"yeah", "know", "interviewer"} <= set(stop_words()) and "welding" not in stop_words()
    assert "plant" in stop_words(["Plant"])
