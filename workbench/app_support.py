"""Plain helpers for the app's pages (no streamlit): sentence spans, code choices, filters, tables."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workbench.errors import InvalidValueError

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Half-open (start, end) document offsets of the sentences of `text`, which starts at `offset`."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() if match.group().isspace() else match.end()
        piece = text[start:end].strip()
        if piece:
            lead = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            spans.append((offset + lead, offset + lead + len(piece)))
        start = match.end()
    tail = text[start:]
    if tail.strip():
        lead = start + (len(tail) - len(tail.lstrip()))
        spans.append((offset + lead, offset + lead + len(tail.strip())))
    return spans


def code_paths(codes: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """{code id: "Parent › Child"} for every code, in tree order (what a searchable picker shows)."""
    labels = {c["id"]: str(c.get("label") or c["id"]) for c in codes}
    parents = {c["id"]: c.get("parent_id") for c in codes}
    paths = {}
    for c in codes:
        chain, seen, node = [], set(), c["id"]
        while node and node not in seen:
            seen.add(node)
            chain.append(labels.get(node, node))
            node = parents.get(node)
        paths[c["id"]] = " › ".join(reversed(chain))
    return paths


def matching_codes(codes: Sequence[Mapping[str, Any]], query: str) -> list[str]:
    """Ids of codes whose id, label, path or description contain every word of `query` (all when empty)."""
    words = query.lower().split()
    paths = code_paths(codes)
    out = []
    for c in codes:
        hay = " ".join(str(v or "") for v in (c["id"], c.get("label"), paths[c["id"]], c.get("description"))).lower()
        if all(w in hay for w in words):
            out.append(c["id"])
    return out


def coded_segment_ids(segments: Sequence[Mapping[str, Any]], codings: Iterable[Mapping[str, Any]]) -> set[int]:
    """Ids of segments that overlap at least one coding."""
    spans = sorted((int(c["start"]), int(c["end"])) for c in codings)
    coded = set()
    for seg in segments:
        if any(s < seg["end"] and e > seg["start"] for s, e in spans):
            coded.add(seg["id"])
    return coded


def next_uncoded(segments: Sequence[Mapping[str, Any]], codings: Iterable[Mapping[str, Any]], after: int,
                 skip_speakers: Iterable[str] = ()) -> int | None:
    """Index of the first segment after index `after` that no coding touches (speakers in skip left out)."""
    coded = coded_segment_ids(segments, codings)
    skip = {s.lower() for s in skip_speakers}
    for i in range(after + 1, len(segments)):
        seg = segments[i]
        if seg["id"] not in coded and (seg.get("speaker") or "").lower() not in skip:
            return i
    return None


def parse_attributes(text: str) -> dict[str, str]:
    """`name=value` lines (blank lines ignored) as a dict; InvalidValueError names a bad line."""
    out = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise InvalidValueError(f"line {number} {line.strip()!r} is not name=value",
                                    hint="write one attribute a line, e.g. region=West Midlands")
        out[name.strip()] = value.strip()
    return out


def filter_documents(documents: Sequence[Mapping[str, Any]], text: str = "", doc_type: str | None = None,
                     attributes: Mapping[str, str] | None = None) -> list[Mapping[str, Any]]:
    """Documents whose title or file name contains `text`, of a type, with these attribute values."""
    needle = text.lower().strip()
    out = []
    for d in documents:
        if doc_type and d.get("type") != doc_type:
            continue
        if needle and needle not in f"{d.get('title', '')} {d.get('file_name', '')}".lower():
            continue
        attrs = d.get("attributes") or {}
        if attributes and any(str(attrs.get(k, "")) != str(v) for k, v in attributes.items()):
            continue
        out.append(d)
    return out


def document_table(documents: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows for the documents table (id, title, type, counts, one column per attribute) and the attribute names."""
    names = sorted({n for d in documents for n in (d.get("attributes") or {})})
    rows = []
    for d in documents:
        attrs = d.get("attributes") or {}
        row = {"id": d["id"], "title": d["title"], "type": d["type"], "segments": d.get("segment_count"),
               "words": d.get("word_count")}
        row.update({n: "" if attrs.get(n) is None else str(attrs[n]) for n in names})
        rows.append(row)
    return rows, names


def attribute_changes(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]],
                      names: Sequence[str]) -> list[tuple[int, str, str | None]]:
    """(document id, attribute, new value or None to delete) for every attribute cell edited in a table."""
    old = {r["id"]: r for r in before}
    changes = []
    for row in after:
        prior = old.get(row["id"])
        if prior is None:
            continue
        for name in names:
            new = row.get(name)
            new = None if new is None or str(new).strip() == "" else str(new).strip()
            was = prior.get(name) or None
            if new != was:
                changes.append((row["id"], name, new))
    return changes


def hits_with_codes(hits: Sequence[Mapping[str, Any]], codings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Search hits whose segment overlaps one of these codings."""
    by_doc: dict[int, list[tuple[int, int]]] = {}
    for c in codings:
        by_doc.setdefault(c["document_id"], []).append((c["start"], c["end"]))
    out = []
    for h in hits:
        spans = by_doc.get(h["document_id"], [])
        if any(s < h["end"] and e > h["start"] for s, e in spans):
            out.append(h)
    return out


def outcome_rows(outcomes: Iterable[Any]) -> list[dict[str, Any]]:
    """An ingest report as table rows: file, status, document, type, segments and the reason."""
    rows = []
    for o in outcomes:
        reason = o.error or ""
        if o.hint:
            reason = f"{reason} ({o.hint})" if reason else o.hint
        if not reason and o.warnings:
            reason = "; ".join(o.warnings)
        name = o.path.rsplit("/", 1)[-1] + (f" [{o.part}]" if o.part else "")
        rows.append({"file": name, "status": o.status, "document": o.document_id, "title": o.title or "",
                     "type": o.type or "", "segments": o.segments, "reason": reason})
    return rows


def disagreement_label(item: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """One line naming a disagreement: the code, who coded it and who did not."""
    code = labels.get(item["code"], item["code"])
    return f"{code}: coded by {item['coded_by']}, not by {item['not_coded_by']}"


EXPORTS = {
    "excerpts.csv": "text/csv",
    "excerpts.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "briefing.md": "text/markdown",
    "briefing.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "briefing.html": "text/html",
    "project.qdpx": "application/zip",
    "codebook.qdc": "application/xml",
}


def export_bytes(db_path, name: str, code: str | None = None, coder: str | None = None, doc_type: str | None = None,
                 attributes: Mapping[str, str] | None = None, speaker: str | None = None, pseudonymise: bool = False,
                 max_quotes: int = 5) -> bytes:
    """One export file (a key of EXPORTS) of the project at db_path, made through the Project API, as bytes."""
    import tempfile
    from pathlib import Path

    from workbench.project import Project

    if name not in EXPORTS:
        raise InvalidValueError(f"unknown export {name!r}", hint="exports: " + ", ".join(EXPORTS))
    kind, fmt = name.rsplit(".", 1)
    with Project(db_path, create=False) as project, tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / name
        pseudonymiser = project.pseudonymiser() if pseudonymise else None
        filters = {"coder": coder, "doc_type": doc_type, "attributes": dict(attributes or {}) or None,
                   "speaker": speaker, "pseudonymiser": pseudonymiser}
        if kind == "excerpts":
            project.export_excerpts(output, fmt, code=code, **filters)
        elif kind == "briefing":
            project.export_briefing(output, fmt, codes=[code] if code else None, max_quotes=max_quotes, **filters)
        elif fmt == "qdpx":
            project.export_qdpx(output)
        else:
            project.export_qdc(output)
        return output.read_bytes()
