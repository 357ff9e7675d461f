"""Typed case attributes: numbers and dates are stored so they can be compared."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def typed_value(value: Any) -> dict[str, Any]:
    """Columns value, value_type, value_number, value_date for one attribute value.

    Dates: ISO (2024, 2024-03, 2024-03-12) or day/month/year; numbers: integers
    and decimals (thousands separators removed). Everything else is text.
    """
    if isinstance(value, (dt.date, dt.datetime)):
        iso = value.isoformat()[:10]
        return {"value": iso, "value_type": "date", "value_number": None, "value_date": iso}
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = " ".join(str(value).split())
    row = {"value": text, "value_type": "text", "value_number": None, "value_date": None}
    if _ISO_DATE.match(text) and _valid_date(text):
        row.update(value_type="date", value_date=text)
    elif m := _UK_DATE.match(text):
        day, month, year = (int(x) for x in m.groups())
        if _valid_date(f"{year:04d}-{month:02d}-{day:02d}"):
            row.update(value_type="date", value_date=f"{year:04d}-{month:02d}-{day:02d}")
    elif _NUMBER.match(text.replace(",", "")) and not re.match(r"^0\d", text):
        row.update(value_type="number", value_number=float(text.replace(",", "")))
    return row


def _valid_date(iso: str) -> bool:
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return 1800 <= parts[0] <= 2200


def set_attributes(db, document_id: int, attributes: dict[str, Any], by: str | None = None,
                   record: bool = True) -> None:
    """Insert or replace attributes of one document (call inside a transaction); each change is logged as
    attribute.set unless `record` is False (a document's first attributes, written with it at ingest)."""
    rows = []
    for name, value in attributes.items():
        name = str(name).strip()
        if not name or value is None or str(value).strip() == "":
            continue
        rows.append({"document_id": document_id, "name": name, **typed_value(value)})
    if not rows:
        return
    from workbench.store.changes import capture, record_changes

    old = {r["name"]: r for r in capture(db, {"attributes": ("document_id = ?", [document_id])}).get("attributes", [])}
    db["attributes"].upsert_all(rows, pk=("document_id", "name"))
    if record:
        record_changes(db, [("attribute.set", "attributes", f"{document_id}:{row['name']}",
                             {"attributes": [old[row["name"]]]} if row["name"] in old else None,
                             {"attributes": [row]}, by)
                            for row in rows if old.get(row["name"]) != row])


def attributes_of(db, document_id: int) -> dict[str, Any]:
    """An attribute dict with numbers as numbers and dates as ISO strings."""
    out: dict[str, Any] = {}
    for row in db.query("SELECT * FROM attributes WHERE document_id = ? ORDER BY name", [document_id]):
        out[row["name"]] = _python_value(row)
    return out


def attribute_rows(db, name: str | None = None) -> list[dict]:
    """[{document_id, name, value, value_type, value_number}] of every attribute (or of one name), by document."""
    where, params = ("WHERE name = ?", [name]) if name is not None else ("", [])
    return list(db.query(f"SELECT document_id, name, value, value_type, value_number FROM attributes {where} "
                         "ORDER BY document_id, name", params))


def _python_value(row: dict) -> Any:
    if row["value_type"] == "number":
        number = row["value_number"]
        return int(number) if float(number).is_integer() and "." not in row["value"] else number
    return row["value"]


def attribute_conditions(attributes: dict[str, str] | None, document: str = "d.id") -> tuple[list[str], list]:
    """SQL conditions (and their parameters) that keep documents having every NAME = VALUE."""
    conditions, params = [], []
    for name, value in (attributes or {}).items():
        conditions.append(f"EXISTS (SELECT 1 FROM attributes a WHERE a.document_id = {document} "
                          "AND a.name = ? AND a.value = ?)")
        params += [name, value]
    return conditions, params


def delete_attribute(db, document_id: int, name: str, by: str | None = None) -> bool:
    """Remove one attribute of a document (logged as attribute.delete); False when it had none of that name."""
    from workbench.store.changes import capture, record_change
    from workbench.store.database import writing

    with writing(db):
        old = capture(db, {"attributes": ("document_id = ? AND name = ?", [document_id, name])})
        if not old:
            return False
        db.execute("DELETE FROM attributes WHERE document_id = ? AND name = ?", [document_id, name])
        record_change(db, "attribute.delete", "attributes", f"{document_id}:{name}", old, None, by)
    return True


def attribute_exists(db, name: str) -> bool:
    """True when some document has an attribute of this name."""
    return bool(list(db.query("SELECT 1 FROM attributes WHERE name = ? LIMIT 1", [name])))


def attribute_names(db) -> list[str]:
    """The distinct attribute names, sorted."""
    return [r["name"] for r in db.query("SELECT DISTINCT name FROM attributes ORDER BY name")]


def first_date_attribute(db) -> str | None:
    """The first (by name) attribute holding a date, or None."""
    first = list(db.query("SELECT name FROM attributes WHERE value_type = 'date' GROUP BY name ORDER BY name LIMIT 1"))
    return first[0]["name"] if first else None
