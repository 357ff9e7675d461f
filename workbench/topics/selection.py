"""Which segments a topic run sees (filters by document type, kind, speaker, attribute; respondents only)
and how long segments are cut into chunks the embedding model reads whole."""

from __future__ import annotations

from workbench.errors import TopicError
from workbench.store.attributes import attribute_exists
from workbench.store.segments import STRUCTURE_KINDS, filtered_segments, segment_count
from workbench.topics._base import CHUNK_CHARS, Unit

DEFAULT_SKIPPED_KINDS = STRUCTURE_KINDS
FILTER_KEYS = ("type", "kind", "speaker", "document")


def parse_filters(items) -> dict[str, list[str]]:
    """`KEY=VALUE` strings (or a dict) as {key: [values]}; keys are type, kind, speaker, document or an attribute
    name (`attribute:NAME` also works). Values of one key are alternatives; different keys must all hold."""
    if not items:
        return {}
    if isinstance(items, dict):
        return {str(k): [str(v) for v in (vs if isinstance(vs, (list, tuple, set)) else [vs])]
                for k, vs in items.items()}
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = str(item).partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise TopicError(f"filter {item!r} is not KEY=VALUE",
                             hint="e.g. --filter type=interview --filter region='North East' --filter kind=turn")
        out.setdefault(key, []).append(value)
    return out


def select_segments(db, filters: dict[str, list[str]] | None = None, include_interviewer: bool = False,
                    min_words: int = 3, exclude_ids: set[int] | None = None,
                    include_structure: bool = False) -> list[dict]:
    """Segments passing the filters, in document order: id, document_id, text. Structure (headings, captions,
    source notes, references, front matter) is left out unless include_structure or a kind filter is given."""
    from workbench.autocode.scope import interviewer_segment_ids

    filters = filters or {}
    if not segment_count(db):
        raise TopicError("the project has no segments", hint="ingest documents first with `workbench ingest PATH`")
    for key in filters:
        if key.startswith("attribute:") or key not in FILTER_KEYS:
            name = key.removeprefix("attribute:")
            if not attribute_exists(db, name):
                raise TopicError(f"no document has an attribute {name!r} (filter {key}=...)",
                                 hint="filter keys: type, kind, speaker, document or an attribute name")
    rows = filtered_segments(db, filters, () if "kind" in filters or include_structure else DEFAULT_SKIPPED_KINDS)
    if not rows:
        shown = " ".join(f"{k}={v}" for k, vs in filters.items() for v in vs)
        raise TopicError(f"no segment passes the filter {shown}" if shown else "no segment to model",
                         hint="check values with `workbench documents` and `workbench attributes`")
    skip = set(exclude_ids or ())
    if not include_interviewer:
        skip |= interviewer_segment_ids(db, sorted({r["document_id"] for r in rows}))
    return [r for r in rows if r["id"] not in skip and len(r["text"].split()) >= min_words]


def units_of(segments: list[dict], limit: int = CHUNK_CHARS) -> list[Unit]:
    """One unit per segment; segments longer than the embedding window are cut at sentence boundaries."""
    from workbench.ingest.segment import pack_sentences

    units: list[Unit] = []
    for seg in segments:
        text = seg["text"]
        spans = pack_sentences(text, limit) if len(text) > limit else []
        if len(spans) <= 1:
            units.append(Unit(seg["id"], 0, 1, text))
            continue
        units += [Unit(seg["id"], k, len(spans), text[s:e]) for k, (s, e) in enumerate(spans, start=1)]
    return units


def distinct_key(text: str) -> str:
    """Texts that differ only in case and spacing count as one when fitting."""
    return " ".join(text.split()).casefold()
