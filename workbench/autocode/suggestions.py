"""Suggested codings awaiting review: saved by rules and semantic search, applied only when a coder accepts them."""

from __future__ import annotations

from workbench.errors import CodingError, InvalidValueError, NotFoundError
from workbench.store import suggestions as store
from workbench.store.database import writing

# Saving and the decided pairs are plain store calls, still importable from here as before.
from workbench.store.suggestions import COLUMNS, decided_pairs, save_suggestions  # noqa: F401

STATUSES = ("pending", "accepted", "rejected")


def list_suggestions(db, status: str | None = "pending", code_id: str | None = None, min_score: float | None = None,
                     document_id: int | None = None, method: str | None = None, limit: int | None = None) -> list[dict]:
    """Suggestions, best first, with document title, code label, the suggested text and the reason."""
    if status is not None and status not in STATUSES:
        raise InvalidValueError(f"unknown suggestion status {status!r}", hint="statuses: " + ", ".join(STATUSES))
    return store.suggestion_rows(db, status, code_id, min_score, document_id, method, limit)


def _rows(db, ids) -> list[dict]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    found = store.suggestions_by_id(db, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise NotFoundError(f"no suggestion {shown}", hint="list suggestions with `workbench suggestions`")
    return [found[i] for i in ids]


def accept(db, ids, coder: str) -> list[int]:
    """Turn suggestions into codings by `coder` (source = the suggestion's rule or method); all or nothing.

    Read inside the write transaction, so a suggestion another coder accepted a moment ago is skipped,
    not coded twice.
    """
    from workbench.store.codings import code_spans

    with writing(db):
        rows = [r for r in _rows(db, ids) if r["status"] != "accepted"]
        coding_ids = code_spans(db, [(r["document_id"], r["start"], r["end"], r["code_id"], None, r["source"], None)
                                     for r in rows], coder)
        store.mark_accepted(db, coder, [(r["id"], c) for r, c in zip(rows, coding_ids)])
    return coding_ids


def reject(db, ids, coder: str) -> int:
    """Mark suggestions rejected by `coder`; an accepted one must be uncoded first. Returns how many changed."""
    from workbench.store.codings import check_coder

    rows = _rows(db, ids)
    check_coder(db, coder)
    accepted = [r for r in rows if r["status"] == "accepted" and r["coding_id"] is not None]
    if accepted:
        raise CodingError(f"suggestion {accepted[0]['id']} was accepted as coding {accepted[0]['coding_id']}",
                          hint=f"uncode it first with `workbench uncode {accepted[0]['coding_id']}`")
    store.mark_rejected(db, coder, [row["id"] for row in rows])
    return len(rows)


def accept_where(db, coder: str, code_id: str | None = None, min_score: float | None = None,
                 method: str | None = None, document_id: int | None = None) -> list[int]:
    """Accept every pending suggestion that passes the filters; returns the coding ids."""
    ids = [r["id"] for r in list_suggestions(db, "pending", code_id, min_score, document_id, method)]
    return accept(db, ids, coder) if ids else []

