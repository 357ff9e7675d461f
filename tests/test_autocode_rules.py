"""Rule-based suggestions: keyword, phrase, lemma and token patterns, provenance, coded segments, re-runs."""

import pytest

from workbench.autocode.rules import compile_rules, match_texts, suggest_rules
from workbench.autocode.suggestions import list_suggestions

CODEBOOK = """\
version: 1
name: tiny
codes:
  - id: skills
    label: Skills
    children:
      - id: skills_ageing
        label: Ageing workforce
        patterns:
          keywords: [welder]
          lemmas: [retire]
          tokens:
            - [{LOWER: {IN: [ageing, aging]}}, {LOWER: workforce}]
      - id: skills_gap
        label: Skills gap
        patterns:
          phrases: [skills gap]
  - id: demand
    label: Demand
    patterns:
      keywords: [orders]
      phrases: [order book]
"""

TRANSCRIPT = """\
I: How is recruitment going these days?

R: Badly. Our best welder is retiring next year and nobody can replace him.

I: And the younger ones?

R: There is a real Skills Gap in fabrication, and the ageing workforce makes it worse.

I: What about orders?

R: The order book is full until spring, but lead times keep slipping.

R: Retiring is all the older lads talk about.

R: We cannot complain about the weather.
"""


@pytest.fixture
def coded_project(project, tmp_path):
    (tmp_path / "tiny.yaml").write_text(CODEBOOK)
    (tmp_path / "int01.txt").write_text(TRANSCRIPT)
    project.codebook.load(tmp_path / "tiny.yaml")
    [outcome] = project.documents.ingest([tmp_path / "int01.txt"])
    assert outcome.status == "ingested"
    project.segment_ids = {s["text"].split()[0].strip(".,"): s["id"] for s in project.documents.segments(outcome.document_id)}
    return project


def pairs(project):
    return {(s["segment_id"], s["code_id"], s["source"]) for s in list_suggestions(project.db)}


def test_rules_suggest_each_matching_segment_and_code_with_the_rule_as_source(coded_project):
    seg = coded_project.segment_ids
    calls = []
    result = suggest_rules(coded_project.db, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(len(seg), len(seg))]
    assert pairs(coded_project) == {
        (seg["Badly"], "skills_ageing", "rule:skills_ageing:keyword:welder"),  # welder comes before retiring
        (seg["There"], "skills_gap", "rule:skills_gap:phrase:skills gap"),  # phrases ignore case
        (seg["There"], "skills_ageing", "rule:skills_ageing:token:1"),
        (seg["The"], "demand", "rule:demand:phrase:order book"),
        (seg["Retiring"], "skills_ageing", "rule:skills_ageing:lemma:retire"),  # capitalised inflection
    }
    # The interviewer's question "What about orders?" is left out by default...
    assert result["segments"] == len(seg) and result["new"] == 5 and result["interviewer_segments_skipped"] == 3
    assert result["per_code"] == {"skills_ageing": 3, "skills_gap": 1, "demand": 1}
    assert result["candidates"] < len(seg)  # the pre-check kept some segments away from spaCy
    [both] = [s for s in list_suggestions(coded_project.db) if s["segment_id"] == seg["Badly"]]
    assert both["method"] == "rules" and both["score"] == 0.75 and both["score"] > 0.5
    assert "keyword 'welder'" in both["reason"] and "lemma 'retire' (retiring)" in both["reason"]
    assert both["snippet"].startswith("Badly. Our best welder") and both["title"] == "int01"
    # ...and suggested when interviewer turns are included.
    again = suggest_rules(coded_project.db, include_interviewer=True)
    assert again["new"] == 1 and (seg["What"], "demand", "rule:demand:keyword:orders") in pairs(coded_project)


def test_lemma_rule_catches_an_inflected_form_with_the_blank_pipeline():
    from workbench.nlp.pipelines import blank_pipeline

    rules = compile_rules([{"id": "ageing", "patterns": {"lemmas": ["retire"]}}], blank_pipeline())
    found, _ = match_texts(rules, ["He is retiring soon.", "She retired in May.", "Retirement age.", "A tire."])
    assert [sorted(f) for f in found] == [["ageing"], ["ageing"], [], []]
    assert found[0]["ageing"] == [(6, "rule:ageing:lemma:retire", "retiring")]


def test_a_lemma_the_tables_lack_still_matches_its_regular_inflections():
    from workbench.nlp.pipelines import blank_pipeline

    rules = compile_rules([{"id": "local", "patterns": {"lemmas": ["reshore", "upskill"]}}], blank_pipeline())
    found, _ = match_texts(rules, ["Reshoring is talk.", "We reshored two lines.", "Upskilling staff.", "A shore."])
    assert [[h[1:] for h in f.get("local", [])] for f in found] == [
        [("rule:local:lemma:reshore", "Reshoring")], [("rule:local:lemma:reshore", "reshored")],
        [("rule:local:lemma:upskill", "Upskilling")], []]


def test_segments_already_coded_with_the_code_get_no_suggestion(coded_project):
    seg = coded_project.segment_ids
    coded_project.codings.add_coder("alice")
    coded_project.codings.code_segment(seg["Badly"], "skills_ageing", "alice")
    coded_project.codings.code_segment(seg["The"], "skills_gap", "alice")  # another code: does not block demand
    suggest_rules(coded_project.db)
    found = {(s, c) for s, c, _ in pairs(coded_project)}
    assert (seg["Badly"], "skills_ageing") not in found
    assert (seg["The"], "demand") in found and len(found) == 4


def test_rerunning_adds_nothing_and_scope_limits_codes(coded_project):
    first = suggest_rules(coded_project.db, code_ids=["demand"])
    assert first["new"] == 1 and {c for _, c, _ in pairs(coded_project)} == {"demand"}
    assert suggest_rules(coded_project.db, code_ids=["demand"])["new"] == 0
    assert suggest_rules(coded_project.db)["new"] == 4
    again = suggest_rules(coded_project.db)
    assert again["new"] == 0 and again["candidates"] == 0
    assert len(list_suggestions(coded_project.db)) == 5


def test_unknown_code_or_document_is_an_error(coded_project):
    from workbench.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no code 'nope'"):
        suggest_rules(coded_project.db, code_ids=["nope"])
    with pytest.raises(NotFoundError, match="no document 99"):
        suggest_rules(coded_project.db, document_ids=[99])
    assert suggest_rules(coded_project.db, document_ids=[])["segments"] == 0


def test_pre_check_never_drops_a_match_spacy_would_find():
    """Matching only pre-checked segments gives what matching every segment with the full pipeline gives."""
    from workbench.nlp.pipelines import blank_pipeline

    pipeline = blank_pipeline()
    codes = [{"id": "a", "patterns": {"keywords": ["not", "km", "co"], "lemmas": ["go", "child", "be"]}},
             {"id": "b", "patterns": {"phrases": ["skills gap", "co - op"],
                                      "tokens": [[{"LEMMA": {"IN": ["good", "well"]}}, {"OP": "?"}, {"LOWER": "gap"}],
                                                 [{"IS_DIGIT": True}, {"LOWER": "km"}]]}}]
    texts = ["We cannot go on.", "They went home", "Children's wages", "a 10km run", "the co-op shop",
             "skills-gap", "Skills gap", "a better skills gap", "isn't it", "nothing here", "GONE", "wasn't"]
    rules = compile_rules(codes, pipeline)
    found, sent = match_texts(rules, texts)
    expected = []
    for text in texts:
        doc = pipeline(text)
        matches = rules.lower(doc) + rules.lemma(doc) + [m for t in rules.tokens.values() for m in t(doc)]
        by_code = {}
        for match_id, start, end in matches:
            rule = rules.rules[pipeline.vocab.strings[match_id]]
            by_code.setdefault(rule.code_id, set()).add((doc[start].idx, rule.id, doc[start:end].text))
        expected.append(by_code)
    assert [{c: set(h) for c, h in f.items()} for f in found] == expected
    assert sent < len(texts) and expected[0]["a"] >= {(6, "rule:a:keyword:not", "not"), (10, "rule:a:lemma:go", "go")}


def test_lemma_forms_invert_the_rule_lemmatizer_of_the_small_model():
    import spacy

    from workbench.nlp.pipelines import lemma_forms

    pipeline = spacy.blank("en")
    lemmatizer = pipeline.add_pipe("lemmatizer", config={"mode": "rule"})
    pipeline.initialize()
    doc = pipeline.make_doc("retiring retires went children mice recruited")
    for token, pos in zip(doc, ["VERB", "VERB", "VERB", "NOUN", "NOUN", "VERB"]):
        token.pos_ = pos
    for token in doc:
        lemma = lemmatizer.rule_lemmatize(token)[0]
        assert token.lower_ in lemma_forms(pipeline, lemma), (token.text, lemma)


def test_token_patterns_needing_the_model_are_reported_with_the_blank_pipeline():
    from workbench.nlp.pipelines import blank_pipeline

    codes = [{"id": "a", "patterns": {"tokens": [[{"POS": "NOUN"}, {"LOWER": "gap"}]]}}]
    rules = compile_rules(codes, blank_pipeline())
    assert not rules.rules and "install en_core_web_sm" in rules.warnings[0]


@pytest.mark.parametrize("speaker,interviewer,expected", [
    ("I", None, True), ("Interviewer", None, True), ("Moderator", None, True), ("Q", None, True),
    ("R", None, False), ("P3", None, False), ("Tom Brannigan", "Tom Brannigan", True), ("Sam", "Sam Whitcombe", True),
    ("Dr Kerr", "Aisling Kerr", True), ("Priya", "Sam Whitcombe", False), (None, "Sam", False),
])
def test_interviewer_speakers(speaker, interviewer, expected):
    from workbench.autocode.scope import is_interviewer

    assert is_interviewer(speaker, interviewer) is expected


def test_plain_patterns_use_lookup_lemmas_and_part_of_speech_patterns_the_small_model(project, tmp_path):
    from workbench.nlp.pipelines import MODEL_NAMES

    pytest.importorskip(MODEL_NAMES[1], reason="the small English model package is not installed")
    (tmp_path / "tiny.yaml").write_text(CODEBOOK)
    (tmp_path / "int01.txt").write_text(TRANSCRIPT)
    project.codebook.load(tmp_path / "tiny.yaml")
    project.documents.ingest([tmp_path / "int01.txt"])
    plain = project.suggestions.run(method="rules")["rules"]
    assert plain["pipeline"] == "blank English + lookup lemmas"
    (tmp_path / "pos.yaml").write_text("version: 1\nname: pos\ncodes:\n  - id: demand_verbs\n    label: Complaints\n"
                                       "    patterns:\n      tokens:\n        - [{LEMMA: complain, POS: VERB}]\n")
    project.codebook.load(tmp_path / "pos.yaml")
    result = project.suggestions.run(method="rules", codes=["demand_verbs"])["rules"]
    assert result["pipeline"].startswith("en_core_web_sm")
    [hit] = project.suggestions.list(code="demand_verbs")
    assert "complain" in hit["reason"] or "complain" in hit["snippet"]
