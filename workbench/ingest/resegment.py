"""Re-segment stored documents after an upgrade of the segmentation, keeping every coding.

The stored text does not change (blocks are cut from it again, repaired paragraphs keep their blank line),
so codings, which are offsets into that text, stay where they are. Transcripts (speaker turns, caption
cues) keep their segments. A coding whose stored snippet no longer matches the text is reported.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from workbench.ingest._base import Block
from workbench.ingest.segment import SEPARATOR, build_document
from workbench.store.documents import coding_snippets, document_for_resegment, document_segments
from workbench.store.segments import replace_segments

_BLOCK_KINDS = {"heading": "heading", "list_item": "bullet", "bullet": "bullet", "table_row": "table_row",
                "footnote": "footnote", "endnote": "endnote"}
_EXPECT_TURNS = {"interview": True, "focus_group": True, "document": False, "survey": False}


@dataclass
class ResegmentOutcome:
    """What re-segmenting one document did."""

    document_id: int
    title: str
    status: str  # resegmented | kept (transcript, or text would change)
    segments_before: int
    segments_after: int
    kept: int = 0
    added: int = 0
    removed: int = 0
    suggestions_removed: int = 0
    codings: int = 0
    mismatched_codings: list[dict] = field(default_factory=list)
    reason: str | None = None


def stored_blocks(text: str, segments: list[dict]) -> list[Block]:
    """The blocks of a stored text: its blank-line separated parts, each with the reader's kind (heading, list
    item, table row, note) and page of the old segment that covers it whole; other kinds come from the shape."""
    ordered = sorted(segments, key=lambda s: (s["start"], s["ordinal"]))
    starts = [s["start"] for s in ordered]
    blocks, pos = [], 0
    for part in text.split(SEPARATOR):
        k = bisect_right(starts, pos) - 1
        seg = ordered[k] if k >= 0 and pos < ordered[k]["end"] else None
        if seg and (seg["start"], seg["end"]) != (pos, pos + len(part)) and seg["kind"] != "footnote":
            seg = None if seg["kind"] in _BLOCK_KINDS else seg  # a block cut in pieces: its kinds come from its shape
        kind = _BLOCK_KINDS.get(seg["kind"], "paragraph") if seg else "paragraph"
        blocks.append(Block(part, kind, page=seg["page"] if seg else None,
                            level=seg.get("level") if seg and kind == "heading" else None,
                            starts_table=kind == "table_row" and not seg.get("context")))
        pos += len(part) + len(SEPARATOR)
    return blocks


def resegment_document(db, document_id: int) -> ResegmentOutcome:
    """Cut one document into segments again with today's rules; its text and codings stay as they are."""
    doc = document_for_resegment(db, document_id)
    old = document_segments(db, document_id)
    outcome = ResegmentOutcome(doc["id"], doc["title"], "kept", len(old), len(old))
    codings = coding_snippets(db, document_id)
    outcome.codings = len(codings)
    outcome.mismatched_codings = [
        {"coding_id": c["id"], "start": c["start"], "end": c["end"], "code": c["code_id"], "coder": c["coder"],
         "snippet": c["snippet"], "text": doc["text"][c["start"]:c["end"]]}
        for c in codings if c["snippet"] is not None and doc["text"][c["start"]:c["end"]] != c["snippet"]]
    if any(s["kind"] in ("turn", "cue", "answer") or s["speaker"] for s in old):
        outcome.reason = "speaker turns and caption cues keep their segments"
        return outcome
    built = build_document(stored_blocks(doc["text"], old), expect_turns=_EXPECT_TURNS.get(doc["type"], False),
                           keep_text=True)
    if built.text != doc["text"] or built.speakers:
        outcome.reason = "the segmentation would change the stored text; segments kept"
        return outcome
    counts = replace_segments(db, document_id, doc["text"], built.segments)
    outcome.status, outcome.segments_after = "resegmented", len(built.segments)
    for key, value in counts.items():
        setattr(outcome, key, value)
    return outcome
