"""Queries over codings: excerpts, code x document / attribute matrices, co-occurrence."""

from __future__ import annotations

from typing import Any

from workbench.store.attributes import attribute_conditions
from workbench.store.codes import ancestor_chains, code_rows, descendants, get_code

_CODED_SEGMENTS = """
    SELECT DISTINCT s.id AS segment_id, s.document_id, g.code_id
    FROM codings g JOIN segments s
      ON s.document_id = g.document_id AND g.start < s."end" AND s.start < g."end"
    {where}"""


def code_paths(db) -> dict[str, str]:
    """Code id -> 'Parent label / Child label'."""
    rows = code_rows(db)
    by_id = {r["id"]: r for r in rows}
    paths = {}
    for r in rows:
        parts, node = [], r
        while node is not None:
            parts.append(node["label"])
            node = by_id.get(node["parent_id"])
        paths[r["id"]] = " / ".join(reversed(parts))
    return paths



def excerpts(db, code: str | None = None, with_subcodes: bool = True, coder: str | None = None,
             doc_type: str | None = None, attributes: dict[str, str] | None = None,
             speaker: str | None = None):
    """Coded excerpts as a pandas DataFrame, one row per coding, with document attributes as columns."""
    import pandas as pd

    where, params = [], []
    if code:
        get_code(db, code)
        ids = descendants(db, code) if with_subcodes else [code]
        where.append(f"g.code_id IN ({','.join('?' * len(ids))})")
        params += ids
    if coder:
        where.append("g.coder = ?")
        params.append(coder)
    if doc_type:
        where.append("d.type = ?")
        params.append(doc_type)
    conditions, values = attribute_conditions(attributes)
    where += conditions
    params += values
    sql = f"""
        SELECT g.id AS coding_id, g.code_id, d.id AS document_id, d.title, d.type,
               s.speaker, s.page, s.time_start, g.start, g."end", g.snippet AS text, g.coder, g.memo, g.source,
               g.created_at
        FROM codings g JOIN documents d ON d.id = g.document_id
        LEFT JOIN segments s ON s.id = (SELECT id FROM segments WHERE document_id = g.document_id
                                        AND start <= g.start AND g.start < "end" ORDER BY ordinal LIMIT 1)
        {'WHERE ' + ' AND '.join(where) if where else ''}
        ORDER BY d.id, g.start, g.code_id"""
    frame = pd.DataFrame(list(db.query(sql, params)),
                         columns=["coding_id", "code_id", "document_id", "title", "type", "speaker", "page",
                                  "time_start", "start", "end", "text", "coder", "memo", "source", "created_at"])
    if speaker:
        frame = frame[frame["speaker"] == speaker]
    paths = code_paths(db)
    frame.insert(2, "code_path", frame["code_id"].map(paths))
    attrs = pd.DataFrame(list(db.query("SELECT document_id, name, value FROM attributes")),
                         columns=["document_id", "name", "value"])
    if not attrs.empty and not frame.empty:
        wide = attrs.pivot(index="document_id", columns="name", values="value")
        frame = frame.merge(wide, how="left", left_on="document_id", right_index=True)
    return frame.reset_index(drop=True)


def coded_segments(db, coder: str | None = None, rollup: bool = True):
    """DataFrame of (segment_id, document_id, code_id); with rollup a sub-code also counts for its parents."""
    import pandas as pd

    where, params = ("WHERE g.coder = ?", [coder]) if coder else ("", [])
    frame = pd.DataFrame(list(db.query(_CODED_SEGMENTS.format(where=where), params)),
                         columns=["segment_id", "document_id", "code_id"])
    if rollup and not frame.empty:
        chains = ancestor_chains(db)
        frame["code_id"] = frame["code_id"].map(lambda c: chains.get(c, [c]))
        frame = frame.explode("code_id").drop_duplicates()
    return frame


def _ordered(frame, db):
    order = [r["id"] for r in code_rows(db)]
    return frame.reindex([c for c in order if c in frame.index])


def matrix(db, cols: str = "document", count: str = "segments", coder: str | None = None, rollup: bool = True):
    """Codes (rows) by documents or by the values of an attribute (`attribute:NAME`), or by document type.

    count: 'segments' (coded segments) or 'documents' (documents with at least one).
    """
    import pandas as pd

    from workbench.errors import InvalidValueError

    if count not in ("segments", "documents"):
        raise InvalidValueError(f"cannot count {count!r}", hint="count segments or documents")
    coded = coded_segments(db, coder, rollup)
    docs = pd.DataFrame(list(db.query("SELECT id AS document_id, title, type FROM documents")),
                        columns=["document_id", "title", "type"])
    coded = coded.merge(docs, on="document_id")
    if cols == "document":
        coded["col"] = coded["document_id"].astype(str) + ": " + coded["title"]
    elif cols == "type":
        coded["col"] = coded["type"]
    elif cols.startswith("attribute:"):
        name = cols.split(":", 1)[1]
        values = pd.DataFrame(list(db.query("SELECT document_id, value AS col FROM attributes WHERE name = ?", [name])),
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


def cooccurrence(db, unit: str = "segment", coder: str | None = None, rollup: bool = False):
    """Codes x codes: how many segments (or documents) carry both codes; the diagonal counts each code."""
    import pandas as pd

    from workbench.errors import InvalidValueError

    if unit not in ("segment", "document"):
        raise InvalidValueError(f"unknown unit {unit!r}", hint="use segment or document")
    coded = coded_segments(db, coder, rollup)
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
