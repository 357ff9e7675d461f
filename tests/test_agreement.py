"""Inter-coder agreement: textbook values for the statistics, then real projects end to end."""

from __future__ import annotations

import pytest

from workbench.coding.agreement import (
    agreement,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.errors import CodingError, InvalidValueError, WorkbenchError

TRANSCRIPT = (
    "Interviewer: How is hiring going?\n\n"
    "Alice: We cannot find welders anywhere.\n\n"
    "Interviewer: And the orders?\n\n"
    "Alice: Orders are up this year.\n"
)
CODEBOOK = """\
version: 1
name: tiny
codes:
  - id: skills
    label: Skills
    children:
      - id: welding
        label: Welding
  - id: demand
    label: Demand
"""


def _table(both_yes: int, a_only: int, b_only: int, both_no: int) -> tuple[list[int], list[int]]:
    """Two coders' judgements laid out from a 2x2 contingency table."""
    a = [1] * both_yes + [1] * a_only + [0] * b_only + [0] * both_no
    b = [1] * both_yes + [0] * a_only + [1] * b_only + [0] * both_no
    return a, b


# The statistics against published values

def test_cohen_kappa_wikipedia_example():
    a, b = _table(20, 5, 10, 15)
    assert percent_agreement(a, b) == pytest.approx(0.70)
    assert cohen_kappa(a, b) == pytest.approx(0.40)


def test_krippendorff_alpha_binary_two_observers_example():
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha(a, b), 3) == pytest.approx(0.095)


def test_undefined_statistics_follow_the_documented_conventions():
    assert cohen_kappa([0, 0, 0], [0, 0, 0]) == 1.0  # sklearn alone gives nan here
    assert krippendorff_alpha([1, 1], [1, 1]) == 1.0  # krippendorff alone raises here
    assert percent_agreement([], []) is None and cohen_kappa([], []) is None and krippendorff_alpha([], []) is None
    assert krippendorff_alpha(["x", "y", "x"], ["x", "y", "x"]) == 1.0
    assert krippendorff_alpha(["x", "y", "x", "y"], ["x", "y", "y", "y"]) == pytest.approx(
        krippendorff_alpha([0, 1, 0, 1], [0, 1, 1, 1]))
    with pytest.raises(InvalidValueError, match="equal-length"):
        cohen_kappa([0, 1], [0])


# Through a project

@pytest.fixture
def coded(project, tmp_path):
    """A project with one four-turn interview, a tiny codebook and coders alice and bob."""
    src = tmp_path / "interview.txt"
    src.write_text(TRANSCRIPT)
    book = tmp_path / "tiny.yaml"
    book.write_text(CODEBOOK)
    doc_id = project.documents.ingest([src])[0].document_id
    project.codebook.load(book)
    project.codings.add_coder("alice")
    project.codings.add_coder("bob")
    segments = project.documents.segments(doc_id)
    assert [s["text"] for s in segments] == ["How is hiring going?", "We cannot find welders anywhere.",
                                             "And the orders?", "Orders are up this year."]
    return project, doc_id, [s["id"] for s in segments], segments


def test_identical_codings_agree_perfectly(coded):
    project, _, seg, _ = coded
    for coder in ("alice", "bob"):
        project.codings.code_segment(seg[1], "skills", coder)
        project.codings.code_segment(seg[3], "demand", coder)
    result = agreement(project.db, "alice", "bob")
    assert result["units"] == 4
    assert [c["code"] for c in result["codes"]] == ["skills", "demand"]
    skills = result["codes"][0]
    assert (skills["n"], skills["coded_by_a"], skills["coded_by_b"], skills["coded_by_both"]) == (4, 1, 1, 1)
    assert all(c["kappa"] == 1.0 and c["alpha"] == 1.0 and c["percent_agreement"] == 1.0 for c in result["codes"])
    assert result["overall"]["n"] == 8
    assert result["overall"]["kappa"] == 1.0 and result["overall"]["alpha"] == 1.0
    assert result["overall"]["mean_kappa"] == 1.0 and result["overall"]["mean_alpha"] == 1.0
    assert result["disagreements"] == []


def test_one_disagreement_is_listed_with_segment_code_and_coder(coded):
    project, doc_id, seg, _ = coded
    project.codings.code_segment(seg[1], "skills", "alice")
    project.codings.code_segment(seg[3], "demand", "alice")
    project.codings.code_segment(seg[1], "skills", "bob")
    result = agreement(project.db, "alice", "bob")
    assert result["disagreements"] == [{
        "document_id": doc_id, "document": "interview", "segment_id": seg[3], "start": 113, "end": 137,
        "code": "demand", "coded_by": "alice", "not_coded_by": "bob", "text": "Orders are up this year."}]
    demand = next(c for c in result["codes"] if c["code"] == "demand")
    assert demand["percent_agreement"] == pytest.approx(0.75)
    assert demand["kappa"] == pytest.approx(0.0)  # p_o = p_e = 0.75
    assert demand["disagreements"] == 1
    assert result["overall"]["percent_agreement"] == pytest.approx(7 / 8)
    assert result["overall"]["mean_kappa"] == pytest.approx(0.5)  # skills 1.0, demand 0.0
    swapped = agreement(project.db, "bob", "alice")
    assert swapped["disagreements"][0]["coded_by"] == "alice"
    assert swapped["codes"][1]["coded_by_b"] == 1


def test_segment_unit_counts_a_partial_span_as_coding_the_overlapped_segments(coded):
    project, doc_id, seg, _ = coded
    project.codings.code(doc_id, 57, 64, "skills", "alice")  # "welders", inside turn 2
    project.codings.code(doc_id, 70, 95, "demand", "alice")  # from the end of turn 2 into turn 3
    project.codings.code_segment(seg[1], "skills", "bob")
    project.codings.code_segment(seg[1], "demand", "bob")
    project.codings.code_segment(seg[2], "demand", "bob")
    result = agreement(project.db, "alice", "bob")
    assert result["disagreements"] == []
    assert result["overall"]["percent_agreement"] == 1.0


def test_character_unit_counts_characters_and_merges_ranges(coded):
    project, doc_id, seg, _ = coded
    project.codings.code(doc_id, 57, 64, "skills", "alice")  # "welders"
    project.codings.code_segment(seg[1], "skills", "bob")  # [42, 74): the whole turn
    result = agreement(project.db, "alice", "bob", unit="character")
    skills = result["codes"][0]
    n = len(TRANSCRIPT.rstrip("\n"))
    assert result["units"] == skills["n"] == n
    assert (skills["coded_by_a"], skills["coded_by_b"], skills["coded_by_both"]) == (7, 32, 7)
    assert skills["percent_agreement"] == pytest.approx((n - 25) / n)
    ranges = [(d["start"], d["end"], d["coded_by"], d["text"], d["segment_id"]) for d in result["disagreements"]]
    assert ranges == [(42, 57, "bob", "We cannot find ", None), (64, 74, "bob", " anywhere.", None)]


def test_skip_uncoded_leaves_out_units_nobody_coded(coded):
    project, _, seg, _ = coded
    project.codings.code_segment(seg[1], "skills", "alice")
    project.codings.code_segment(seg[3], "demand", "alice")
    project.codings.code_segment(seg[1], "skills", "bob")
    assert agreement(project.db, "alice", "bob")["units"] == 4
    skipped = agreement(project.db, "alice", "bob", skip_uncoded=True)
    assert skipped["units"] == 2 and skipped["codes"][1]["n"] == 2
    assert skipped["codes"][1]["percent_agreement"] == pytest.approx(0.5)
    assert agreement(project.db, "alice", "bob", unit="character", skip_uncoded=True)["units"] == 32 + 24


def test_codes_restrict_and_with_subcodes_counts_subcodes_as_their_parent(coded):
    project, _, seg, _ = coded
    project.codings.code_segment(seg[1], "welding", "alice")
    project.codings.code_segment(seg[1], "skills", "bob")
    plain = agreement(project.db, "alice", "bob")
    assert [c["code"] for c in plain["codes"]] == ["skills", "welding"]
    assert len(plain["disagreements"]) == 2
    rolled = agreement(project.db, "alice", "bob", codes=["skills"], with_subcodes=True)
    assert [c["code"] for c in rolled["codes"]] == ["skills"]
    assert rolled["disagreements"] == [] and rolled["overall"]["kappa"] == 1.0
    only = agreement(project.db, "alice", "bob", codes=["skills"])
    assert only["codes"][0]["coded_by_a"] == 0 and only["codes"][0]["coded_by_b"] == 1


def test_documents_neither_coder_touched_are_left_out(coded, tmp_path):
    project, doc_id, seg, _ = coded
    other = tmp_path / "other.txt"
    other.write_text("Interviewer: Anything else?\n\nBob: No.\n")
    project.documents.ingest([other])
    project.codings.code_segment(seg[0], "skills", "alice")
    project.codings.code_segment(seg[0], "skills", "bob")
    result = agreement(project.db, "alice", "bob")
    assert result["documents"] == [doc_id] and result["units"] == 4


def test_errors_name_the_problem_and_give_a_hint(coded):
    project, _, seg, _ = coded
    project.codings.add_coder("dora")
    project.codings.code_segment(seg[0], "skills", "alice")
    project.codings.code_segment(seg[0], "skills", "dora")
    cases = [("alice", "carol", {}, CodingError, "unknown coder 'carol'"),
             ("alice", "alice", {}, CodingError, "'alice' twice"),
             ("alice", "bob", {}, CodingError, "'bob' has no codings"),
             ("alice", "dora", {"unit": "word"}, InvalidValueError, "unknown unit 'word'"),
             ("alice", "dora", {"codes": ["nope"]}, CodingError, "unknown code 'nope'")]
    for a, b, kwargs, error, message in cases:
        with pytest.raises(error, match=message) as raised:
            agreement(project.db, a, b, **kwargs)
        assert isinstance(raised.value, WorkbenchError) and raised.value.hint


def test_character_unit_on_a_long_document(project, tmp_path):
    src = tmp_path / "long.txt"
    src.write_text("\n\n".join(f"Paragraph {i} about welders, orders and supply chains." * 4 for i in range(500)))
    book = tmp_path / "tiny.yaml"
    book.write_text(CODEBOOK)
    doc_id = project.documents.ingest([src])[0].document_id
    project.codebook.load(book)
    length = project.documents.get(doc_id)["char_count"]
    assert length > 100_000
    for coder, shift in (("alice", 0), ("bob", 3)):
        project.codings.add_coder(coder)
        for start in range(0, length - 200, 1000):
            project.codings.code(doc_id, start + shift, start + 150, "skills", coder)
            project.codings.code(doc_id, start + 400, start + 480 + shift, "demand", coder)
    result = agreement(project.db, "alice", "bob", unit="character")
    assert result["units"] == length
    assert [d["end"] - d["start"] for d in result["disagreements"]] == [3, 3] * len(range(0, length - 200, 1000))
    assert 0.9 < result["overall"]["kappa"] < 1.0


def test_only_documents_both_coders_coded_are_compared(coded, tmp_path):
    """Coder B coded only one of the documents coder A coded: A's other documents are not B's disagreements."""
    project, doc_id, seg, _ = coded
    other = tmp_path / "other.txt"
    other.write_text("Interviewer: Anything else?\n\nBob: Orders are down.\n")
    other_id = project.documents.ingest([other])[0].document_id
    project.codings.code_segment(seg[1], "skills", "alice")
    project.codings.code_segment(seg[1], "skills", "bob")
    for s in project.documents.segments(other_id):
        project.codings.code_segment(s["id"], "demand", "alice")  # bob never opened this one
    result = project.codings.agreement("alice", "bob")
    assert result["documents"] == [doc_id] and result["document_titles"] == ["interview"]
    assert result["units"] == 4 and result["disagreements"] == []
    assert result["overall"]["percent_agreement"] == 1.0
    assert [c["code"] for c in result["codes"]] == ["skills"]  # demand was used only where bob never coded
    # naming the documents compares exactly those, the other coder's silence included
    both = project.codings.agreement("alice", "bob", documents=[doc_id, "other"])
    assert both["documents"] == [doc_id, other_id] and both["document_titles"] == ["interview", "other"]
    assert {d["document_id"] for d in both["disagreements"]} == {other_id}
    assert all(d["coded_by"] == "alice" for d in both["disagreements"])
    assert both["units"] == 4 + 2 and both["overall"]["percent_agreement"] < 1.0


def test_coders_without_a_document_in_common_is_an_error_with_a_hint(coded, tmp_path):
    project, _, seg, _ = coded
    other = tmp_path / "other.txt"
    other.write_text("Interviewer: Anything else?\n\nBob: No.\n")
    other_id = project.documents.ingest([other])[0].document_id
    project.codings.code_segment(seg[1], "skills", "alice")
    project.codings.code_segment(project.documents.segments(other_id)[1]["id"], "skills", "bob")
    with pytest.raises(CodingError, match="no document in common") as raised:
        project.codings.agreement("alice", "bob")
    assert raised.value.hint
    with pytest.raises(InvalidValueError, match="no documents"):
        project.codings.agreement("alice", "bob", documents=[])
    from workbench.errors import NotFoundError

    with pytest.raises(NotFoundError):
        project.codings.agreement("alice", "bob", documents=["no such title"])
