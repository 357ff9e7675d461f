"""Semantic suggestions: cached embeddings, similarity to a code's definition, and the classifier path."""

import pytest

pytestmark = pytest.mark.slow

CODEBOOK = """\
version: 1
name: tiny
codes:
  - id: skills_ageing
    label: Ageing skilled workforce
    description: >
      Experienced skilled workers such as welders and machinists retiring, with nobody trained to replace them.
    include: [retirements of skilled trades staff, loss of experience as older workers leave]
    examples: ["half my welders will retire in five years"]
  - id: demand_orders
    label: Customer demand and orders
    description: Orders from customers, the order book, sales volumes and whether demand is rising or falling.
    include: [order intake, customer forecasts, sales]
    examples: ["the order book is full until spring"]
"""

SKILLS = [
    "Our two best welders are retiring next year and nobody can replace them.",
    "Most of the machinists on the shop floor are over sixty now.",
    "When the old toolmakers go, thirty years of know-how walks out of the door.",
    "We lost our senior fabricator to retirement and the young lads cannot do his work yet.",
    "Experienced platers are leaving faster than we can train apprentices.",
    "The welding bay is full of people close to retirement age.",
    "Half our skilled fitters will have retired within five years.",
    "Nobody younger knows how to set up the old lathes once Dave retires.",
    "Our most experienced engineers are all approaching retirement.",
    "Older craftsmen are leaving and their skills go with them.",
    "The average age of our welders is fifty-eight.",
    "Every retirement leaves a hole in the skills of the team.",
]
DEMAND = [
    "The order book is full until the spring.",
    "Customers have cut their forecasts for next quarter.",
    "Sales to the automotive sector fell by a third this year.",
    "We have more orders than we can handle at the moment.",
    "Demand from aerospace customers is picking up again.",
    "Our biggest client doubled its order volumes.",
    "Order intake has been weak since the summer.",
    "Customers keep asking for shorter delivery dates on new orders.",
    "The export orders from Germany have dried up.",
    "We expect demand to rise when the new rail contracts start.",
    "A customer cancelled a large order last month.",
    "Sales are up twelve percent on last year.",
]


@pytest.fixture
def semantic_project(project, tmp_path):
    (tmp_path / "tiny.yaml").write_text(CODEBOOK)
    turns = [f"I: Could you say more?\n\nR: {s}\n\nI: Right.\n\nR: {d}" for s, d in zip(SKILLS, DEMAND)]
    (tmp_path / "int01.txt").write_text("\n\n".join(turns) + "\n")
    project.codebook.load(tmp_path / "tiny.yaml")
    [outcome] = project.documents.ingest([tmp_path / "int01.txt"])
    project.segment_ids = {s["text"]: s["id"] for s in project.documents.segments(outcome.document_id)}
    return project


def test_segment_embeddings_are_cached_and_recomputed_when_the_text_changes(semantic_project, monkeypatch):
    import numpy as np

    from workbench.embeddings import cache as embeddings
    from workbench.embeddings import encoders

    db = semantic_project.db
    ids = [semantic_project.segment_ids[t] for t in SKILLS[:4] + DEMAND[:4]]
    computed = []
    original = encoders.embed_texts

    def counting(texts, *args, **kwargs):
        computed.extend(texts)
        return original(texts, *args, **kwargs)
    monkeypatch.setattr(encoders, "embed_texts", counting)
    first = embeddings.segment_embeddings(db, ids)
    assert first.shape == (8, embeddings.DIM) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-4)
    assert len(computed) == 8 and embeddings.cached_count(db) == 8
    computed.clear()
    second = embeddings.segment_embeddings(db, list(reversed(ids)))
    assert computed == [] and np.array_equal(second, first[::-1])
    db.execute("UPDATE segments SET text = 'A different text now.' WHERE id = ?", [ids[0]])
    third = embeddings.segment_embeddings(db, ids)
    assert computed == ["A different text now."] and not np.allclose(third[0], first[0])
    assert np.array_equal(third[1:], first[1:]) and embeddings.cached_count(db) == 8


def test_a_segment_about_welders_retiring_is_closer_to_skills_than_to_demand(semantic_project):
    from workbench.autocode.semantic import suggest_semantic
    from workbench.autocode.suggestions import list_suggestions

    result = suggest_semantic(semantic_project.db, threshold=-1.0)  # every pair, to compare scores
    assert result["per_code"]["skills_ageing"]["method"] == "semantic" and result["new"] > 0
    welders = semantic_project.segment_ids[SKILLS[0]]
    scores = {s["code_id"]: s for s in list_suggestions(semantic_project.db) if s["segment_id"] == welders}
    assert scores["skills_ageing"]["score"] > scores["demand_orders"]["score"] + 0.1
    assert scores["skills_ageing"]["source"] == "semantic" and "similarity" in scores["skills_ageing"]["reason"]
    # With the default threshold the skills code's suggestions are mostly skills turns.
    semantic_project.db.execute("DELETE FROM suggestions")
    suggest_semantic(semantic_project.db, code_ids=["skills_ageing"])
    texts = [s["snippet"] for s in list_suggestions(semantic_project.db)]
    assert texts and sum(t in SKILLS for t in texts) >= 0.8 * len(texts)
    assert "Could you say more?" not in texts  # no suggestion for short interviewer prompts


def test_the_classifier_ranks_once_a_code_has_enough_codings(semantic_project):
    from workbench.autocode.semantic import suggest_semantic
    from workbench.autocode.suggestions import list_suggestions

    semantic_project.codings.add_coder("alice")
    for text in SKILLS[:8]:
        semantic_project.codings.code_segment(semantic_project.segment_ids[text], "skills_ageing", "alice")
    for text in DEMAND[:8]:
        semantic_project.codings.code_segment(semantic_project.segment_ids[text], "demand_orders", "alice")
    result = suggest_semantic(semantic_project.db, min_codings=8)
    assert {c: v["method"] for c, v in result["per_code"].items()} == {"skills_ageing": "classifier",
                                                                       "demand_orders": "classifier"}
    skills = list_suggestions(semantic_project.db, code_id="skills_ageing")
    assert skills and all(s["method"] == s["source"] == "classifier" for s in skills)
    assert "logistic regression and a vote" in skills[0]["reason"] and "on 8 coded segments" in skills[0]["reason"]
    suggested = {s["snippet"] for s in skills}
    assert suggested & set(SKILLS[8:]) and not suggested & set(SKILLS[:8])  # coded ones are not suggested again
    assert len(suggested & set(SKILLS[8:])) >= len(suggested) * 0.75
    # Fewer positives than needed (8 codings + 1 example quotation < 10): back to similarity for that code.
    semantic_project.db.execute("DELETE FROM suggestions")
    result = suggest_semantic(semantic_project.db, min_codings=10)
    assert result["per_code"]["skills_ageing"]["method"] == "semantic"


NESTED_CODEBOOK = """\
version: 1
name: tiny
codes:
  - id: skills
    label: Skills
    children:
      - id: skills_ageing
        label: Ageing skilled workforce
  - id: demand_orders
    label: Customer demand and orders
"""
NEUTRAL = [
    "We bought a new compressor for the paint shop.",
    "The car park is being resurfaced in August.",
    "Our electricity bill doubled over the winter.",
    "The bank renewed our overdraft facility.",
    "Planning permission for the extension came through.",
    "The roof of unit four leaks when it rains.",
    "We moved the office upstairs last year.",
    "The new forklift arrived on Tuesday.",
]


def test_the_classifier_learns_from_training_examples_before_anything_is_coded(project, tmp_path):
    """No codings yet: the codebook's examples file trains classifiers; a parent stands back where its
    sub-code is suggested."""
    from workbench.autocode.semantic import suggest_semantic
    from workbench.autocode.suggestions import list_suggestions

    book = NESTED_CODEBOOK
    (tmp_path / "tiny.yaml").write_text(book)
    examples = ([{"text": t, "codes": ["skills_ageing"]} for t in SKILLS[:8]]
                + [{"text": t, "codes": ["demand_orders"]} for t in DEMAND[:8]]
                + [{"text": t, "codes": []} for t in NEUTRAL])
    import yaml
    (tmp_path / "tiny.examples.yaml").write_text(yaml.safe_dump(examples))
    assert project.codebook.load(tmp_path / "tiny.yaml")["training_examples"] == 24
    turns = [f"I: Go on.\n\nR: {s}\n\nI: And orders?\n\nR: {d}" for s, d in zip(SKILLS[8:], DEMAND[8:])]
    (tmp_path / "int02.txt").write_text("\n\n".join(turns) + "\n")
    project.documents.ingest([tmp_path / "int02.txt"])
    result = suggest_semantic(project.db)
    assert result["training_examples"] >= 24
    assert {c: v["method"] for c, v in result["per_code"].items()} == {
        "skills": "classifier", "skills_ageing": "classifier", "demand_orders": "classifier"}
    ageing = list_suggestions(project.db, code_id="skills_ageing")
    assert ageing and "example passages" in ageing[0]["reason"]
    assert sum(s["snippet"] in SKILLS for s in ageing) >= 0.75 * len(ageing) and len(ageing) >= 2
    demand = {s["snippet"] for s in list_suggestions(project.db, code_id="demand_orders")}
    assert demand and len(demand & set(DEMAND)) >= 0.75 * len(demand)
    parent = {s["segment_id"] for s in list_suggestions(project.db, code_id="skills")}
    assert parent.isdisjoint(s["segment_id"] for s in ageing)  # the parent stands back for its sub-code

