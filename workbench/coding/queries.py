"""Queries over codings: excerpts, code x document / attribute matrices, co-occurrence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workbench.coding.filters import ExcerptFilter
from workbench.store.attributes import attribute_rows
from workbench.store.codes import ancestor_chains, code_rows, descendants, get_code
from workbench.store.codings import coded_segment_rows, excerpt_rows
from workbench.store.documents import document_types
from workbench.store.sql import Private


def code_paths(db, separator: str = " / ", codes: Sequence[Mapping[str, Any]] | None = None) -> dict[str, str]:
    """Code id -> 'Parent label / Child label', for the project's codes or the given code rows (db unused then).

    A code without a label shows its id, and so does a parent missing from the rows.
    """
    rows = code_rows(db) if codes is None else codes
    labels = {c["id"]: str(c.get("label") or c["id"]) for c in rows}
    parents = {c["id"]: c.get("parent_id") for c in rows}
    paths = {}
    for c in rows:
        chain, seen, node = [], set(), c["id"]
        while node and node not in seen:
            seen.add(node)
            chain.append(labels.get(node, node))
            node = parents.get(node)
        paths[c["id"]] = separator.join(reversed(chain))
    return paths


def excerpts(db, filters: ExcerptFilter | None = None, private: Private | None = None):
    """Coded excerpts as a pandas DataFrame, one row per coding, with document attributes as columns; without
    the codings `private` hides (by default those an enclosing `blind.reading_as` block hides)."""
    import pandas as pd

    from workbench.coding.blind import reading_private

    filters = filters or ExcerptFilter()
    code, speaker = filters.code, filters.speaker
    ids = None
    if code:
        get_code(db, code)
        ids = descendants(db, code) if filters.with_subcodes else [code]
    frame = pd.DataFrame(excerpt_rows(db, ids, filters.coder, filters.doc_type, filters.attributes,
                                              private or reading_private(db)),
                         columns=["coding_id", "code_id", "document_id", "title", "type", "speaker", "page",
                                  "time_start", "start", "end", "text", "coder", "memo", "source", "created_at"])
    if speaker:
        frame = frame[frame["speaker"] == speaker]
    paths = code_paths(db)
    frame.insert(2, "code_path", frame["code_id"].map(paths))
    attrs = pd.DataFrame(attribute_rows(db), columns=["document_id", "name", "value"])
    if not attrs.empty and not frame.empty:
        wide = attrs.pivot(index="document_id", columns="name", values="value")
        frame = frame.merge(wide, how="left", left_on="document_id", right_index=True)
    return frame.reset_index(drop=True)


def coded_segments(db, coder: str | None = None, rollup: bool = True, private: Private | None = None):
    """DataFrame of (segment_id, document_id, code_id); with rollup a sub-code also counts for its parents
    (the codings `private` hides count for nothing)."""
    import pandas as pd

    frame = pd.DataFrame(coded_segment_rows(db, coder, private), columns=["segment_id", "document_id", "code_id"])
    if rollup and not frame.empty:
        chains = ancestor_chains(db)
        frame["code_id"] = frame["code_id"].map(lambda c: chains.get(c, [c]))
        frame = frame.explode("code_id").drop_duplicates()
    return frame


def _ordered(frame, db):
    order = [r["id"] for r in code_rows(db)]
    return frame.reindex([c for c in order if c in frame.index])


def matrix(db, cols: str = "document", count: str = "segments", coder: str | None = None, rollup: bool = True,
           private: Private | None = None):
    """Codes (rows) by documents or by the values of an attribute (`attribute:NAME`), or by document type.

    count: 'segments' (coded segments) or 'documents' (documents with at least one); `private`: codings left out.
    """
    import pandas as pd

    from workbench.errors import InvalidValueError

    if count not in ("segments", "documents"):
        raise InvalidValueError(f"cannot count {count!r}", hint="count segments or documents")
    coded = coded_segments(db, coder, rollup, private)
    docs = pd.DataFrame(document_types(db), columns=["document_id", "title", "type"])
    coded = coded.merge(docs, on="document_id")
    if cols == "document":
        coded["col"] = coded["document_id"].astype(str) + ": " + coded["title"]
    elif cols == "type":
        coded["col"] = coded["type"]
    elif cols.startswith("attribute:"):
        name = cols.split(":", 1)[1]
        values = pd.DataFrame([(r["document_id"], r["value"]) for r in attribute_rows(db, name)],
                              columns=["document_id", "col"])
        if values.empty:
            raise InvalidValueError(f"no document has an attribute {name!r}", hint="list attributes with `workbench summary`")
        coded = coded.merge(values, on="document_id", how="left").fillna({"col": "(none)"})
    else:
        raise InvalidValueError(f"unknown columns {cols!r}", hint="use document, type or attribute:NAME")
    key = "segment_id" if count == "segments" else "document_id"
    table = coded.groupby(["code_id", "col"])[key].nunique().unstack(fill_value=0) if not coded.empty \
        else pd.DataFrame()
    return _ordered(table, db).fillna(0).astype(int)


def cooccurrence(db, unit: str = "segment", coder: str | None = None, rollup: bool = False,
                 private: Private | None = None):
    """Codes x codes: how many segments (or documents) carry both codes; the diagonal counts each code (the
    codings `private` hides left out)."""
    import pandas as pd

    from workbench.errors import InvalidValueError

    if unit not in ("segment", "document"):
        raise InvalidValueError(f"unknown unit {unit!r}", hint="use segment or document")
    coded = coded_segments(db, coder, rollup, private)
    key = "segment_id" if unit == "segment" else "document_id"
    pairs = coded[[key, "code_id"]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame()
    joined = pairs.merge(pairs, on=key)
    table = joined.groupby(["code_id_x", "code_id_y"])[key].nunique().unstack(fill_value=0)
    table = _ordered(table, db)
    return table[[c for c in table.index if c in table.columns]].fillna(0).astype(int)


def frame_records(frame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-ready records (NaN becomes None)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
