"""Which segments automatic suggestions look at: by default not the interviewer's or moderator's turns.

Researchers code what respondents say; questions are context. A speaker is taken as the
interviewer when the label is a usual one (I, Q, Interviewer, Moderator, Facilitator,
Researcher) or matches the document's `interviewer` attribute (full name or first name).
"""

from __future__ import annotations

from workbench.store.segments import speaker_segments

INTERVIEWER_LABELS = {"i", "q", "int", "interviewer", "moderator", "facilitator", "researcher"}


def is_interviewer(speaker: str | None, interviewer: str | None) -> bool:
    """True when a speaker label names the interviewer or moderator."""
    if not speaker:
        return False
    label = " ".join(speaker.split()).casefold()
    if label in INTERVIEWER_LABELS:
        return True
    name = " ".join((interviewer or "").split()).casefold()
    if not name:
        return False
    words = name.split()
    return label == name or label == words[0] or (len(words) > 1 and label.endswith(" " + words[-1]))


def interviewer_segment_ids(db, document_ids: list[int] | None = None) -> set[int]:
    """Ids of segments spoken by an interviewer or moderator."""
    return {seg_id for seg_id, speaker, interviewer in speaker_segments(db, document_ids)
            if is_interviewer(speaker, interviewer)}
