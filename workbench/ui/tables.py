"""Tables the pages show and edit (no streamlit): documents with attributes, ingest reports, disagreements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workbench.errors import InvalidValueError


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
