"""Hand coding: spans and segments, checks on write, memos, uncoding, two processes at once."""

import multiprocessing

import pytest

from tests.processes import end_processes
from workbench.errors import CodingError, NotFoundError

CODEBOOK = """version: 1
name: t
codes:
  - id: skills
    label: Skills
    children:
      - id: skills_ageing
        label: Ageing
  - id: demand
    label: Demand
"""
TRANSCRIPT = "I: How are the welders?\n\nR: All retiring soon, and the order book is thin.\n\nI: Why?\n\nR: The OEM cut volumes."


def two_coder_project(project, tmp_path):
    """The transcript and the small codebook in `project`, with coders ann and bo."""
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    (tmp_path / "t.txt").write_text(TRANSCRIPT)
    project.documents.ingest([tmp_path / "t.txt"])
    project.codebook.load(tmp_path / "cb.yaml")
    project.codings.add_coder("ann")
    project.codings.add_coder("bo")
    return project


@pytest.fixture
def setup(project, tmp_path):
    return two_coder_project(project, tmp_path)


def test_code_span_stores_snippet_and_hash(setup):
    project = setup
    text = project.documents.get(1)["text"]
    start = text.index("All retiring")
    coding = project.codings.code(1, start, start + len("All retiring soon"), "skills_ageing", "ann", memo="clear case")
    [row] = project.codings.list()
    assert row["id"] == coding and row["snippet"] == "All retiring soon" and row["memo"] == "clear case"
    assert row["source"] == "manual" and row["coder"] == "ann"
    stored = project.db["codings"].get(coding)
    assert stored["text_sha256"] == project.documents.get(1)["text_sha256"]
    # Coding the same span again returns the same coding; overlapping and nested codings are allowed.
    assert project.codings.code(1, start, start + len("All retiring soon"), "skills_ageing", "ann") == coding
    project.codings.code(1, start, start + 3, "skills", "ann")
    project.codings.code(1, start + 4, start + 30, "demand", "bo")
    assert len(project.codings.list()) == 3


@pytest.mark.parametrize("args,error,message", [
    ((1, 10, 5, "skills", "ann"), CodingError, "outside document 1"),
    ((1, 0, 10_000, "skills", "ann"), CodingError, "outside document 1"),
    ((1, -1, 5, "skills", "ann"), CodingError, "outside document 1"),
    ((1, 0, 5, "nope", "ann"), CodingError, "unknown code 'nope'"),
    ((1, 0, 5, "skills", "zed"), CodingError, "unknown coder 'zed'"),
    ((99, 0, 5, "skills", "ann"), NotFoundError, "no document '99'"),
])
def test_bad_codings_write_nothing(setup, args, error, message):
    with pytest.raises(error, match=message):
        setup.codings.code(*args)
    assert setup.codings.list() == []


def test_code_segment_and_uncode(setup):
    project = setup
    seg = project.documents.segments(1)[1]
    coding = project.codings.code_segment(seg["id"], "skills", "ann")
    assert project.codings.list()[0]["snippet"] == seg["text"]
    memo = project.codings.add_memo("why this is skills", coding=coding, author="ann")
    assert project.codings.memos(document=1)[0]["id"] == memo
    project.codings.uncode(coding)
    assert project.codings.list() == [] and project.codings.memos(document=1) == []
    with pytest.raises(NotFoundError):
        project.codings.uncode(coding)
    with pytest.raises(NotFoundError, match="no segment 999"):
        project.codings.code_segment(999, "skills", "ann")


def test_codings_filters_and_memos(setup):
    project = setup
    segs = project.documents.segments(1)
    project.codings.code_segment(segs[1]["id"], "skills_ageing", "ann")
    project.codings.code_segment(segs[3]["id"], "demand", "bo")
    assert [c["code_id"] for c in project.codings.list(code="skills")] == []
    assert [c["code_id"] for c in project.codings.list(code="skills", with_subcodes=True)] == ["skills_ageing"]
    assert [c["coder"] for c in project.codings.list(coder="bo")] == ["bo"]
    project.codings.add_memo("a code memo", code="demand")
    project.codings.add_memo("a document memo", document=1)
    assert [m["text"] for m in project.codings.memos(code="demand")] == ["a code memo"]
    with pytest.raises(CodingError, match="exactly one"):
        project.codings.add_memo("x", document=1, code="demand")


def _code_many(db_path, coder, segment_ids, code):
    from workbench.project import Project

    with Project(db_path) as project:
        for seg in segment_ids:
            project.codings.code_segment(seg, code, coder)


def test_two_processes_coding_at_once_lose_nothing(setup, tmp_path):
    project = setup
    many = tmp_path / "many.txt"
    many.write_text("\n\n".join(f"Paragraph {i} about welders and orders." for i in range(150)))
    [outcome] = project.documents.ingest([many])
    segment_ids = [s["id"] for s in project.documents.segments(outcome.document_id)]
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_code_many, args=(str(project.path), coder, segment_ids, code))
               for coder, code in (("ann", "skills"), ("bo", "demand"))]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join(120)
    finally:
        end_processes(workers)
    for w in workers:
        assert w.exitcode == 0
    rows = list(project.db.query("SELECT coder, count(*) AS n FROM codings GROUP BY coder ORDER BY coder"))
    assert rows == [{"coder": "ann", "n": 150}, {"coder": "bo", "n": 150}]
