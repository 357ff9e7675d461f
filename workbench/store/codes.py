"""The project's code tree: load a codebook, edit codes, read it back as a Codebook."""

from __future__ import annotations

import datetime as dt
import json

from workbench.errors import CodebookError, NotFoundError
from workbench.store.changes import capture, recapture, record_change, record_edits
from workbench.store.code_records import COLOR_RE, ID_RE, Code, Codebook
from workbench.store.database import writing
from workbench.store.sql import one_row


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _row(code: Code, parent: str | None, codebook: str, position: int) -> dict:
    return {"id": code.id, "parent_id": parent, "codebook": codebook, "position": position,
            "label": code.label, "description": code.description,
            "include": json.dumps(code.include, ensure_ascii=False),
            "exclude": json.dumps(code.exclude, ensure_ascii=False),
            "examples": json.dumps(code.examples, ensure_ascii=False),
            "color": code.color, "patterns": json.dumps(code.patterns, ensure_ascii=False), "updated_at": _now()}


def load_codebook(db, codebook: Codebook, source_path: str | None = None, by: str | None = None) -> dict:
    """Add a codebook's codes to the project, or update codes it already holds; all or nothing (each added or
    changed code is logged; a code the file leaves as it was keeps its row untouched).

    Ids clashing with codes of another codebook are refused. Codes of the same codebook that the
    new version no longer lists are kept (they may hold codings) and reported.
    """
    existing = {r["id"]: r for r in db.query("SELECT id, codebook FROM codes")}
    clashes = [c.id for c, _ in codebook.walk() if c.id in existing and existing[c.id]["codebook"] != codebook.name]
    if clashes:
        raise CodebookError(f"{codebook.source}: code id {clashes[0]!r} already belongs to codebook "
                            f"{existing[clashes[0]]['codebook']!r}", hint="rename the code id in one of the codebooks")
    added = updated = 0
    with writing(db):
        db["codebooks"].upsert({"name": codebook.name, "version": codebook.version, "title": codebook.title,
                                "description": codebook.description, "source_path": source_path,
                                "loaded_at": _now()}, pk="name")
        positions: dict[str | None, int] = {}
        for code, parent in codebook.walk():
            position = positions.get(parent, 0)
            positions[parent] = position + 1
            row = _row(code, parent, codebook.name, position)
            old = capture(db, {"codes": ("id = ?", [code.id])}).get("codes")
            updated, added = (updated + 1, added) if old else (updated, added + 1)
            if old and {**old[0], "updated_at": None} == {**row, "updated_at": None}:
                continue  # as it was: the row (and its updated_at) stays, nothing is logged
            db["codes"].upsert(row, pk="id")
            if old:
                record_edits(db, "code.update", "codes", old, by)
            else:
                record_change(db, "code.add", "codes", code.id, None, capture(db, {"codes": ("id = ?", [code.id])}),
                              by)
    listed = {c.id for c, _ in codebook.walk()}
    kept = [cid for cid, r in existing.items() if r["codebook"] == codebook.name and cid not in listed]
    return {"codebook": codebook.name, "added": added, "updated": updated, "not_in_file": kept}


def code_rows(db, private=None) -> list[dict]:
    """Every code with its parent, position and coding count, in tree order; `private` (a `sql.Private`) leaves
    other coders' codings of its codes out of the counts (blind coding)."""
    from workbench.store.sql import Where

    hidden = Where().private(private)
    also = "".join(f" AND {condition}" for condition in hidden.conditions)
    rows = list(db.query(
        f"""SELECT c.*, (SELECT count(*) FROM codings g WHERE g.code_id = c.id{also}) AS codings
            FROM codes c ORDER BY c.codebook, c.position""", hidden.params))
    for row in rows:
        for key in ("include", "exclude", "examples"):
            row[key] = json.loads(row[key])
        row["patterns"] = json.loads(row["patterns"])
    by_parent: dict[str | None, list[dict]] = {}
    for row in rows:
        by_parent.setdefault(row["parent_id"], []).append(row)
    ordered: list[dict] = []

    def visit(parent, depth):
        for row in by_parent.get(parent, []):
            row["depth"] = depth
            ordered.append(row)
            visit(row["id"], depth + 1)
    visit(None, 0)
    return ordered


def ancestor_chains(db) -> dict[str, list[str]]:
    """Code id -> [itself, parent, grandparent, ...]; the last is its top-level theme."""
    parent = {r["id"]: r["parent_id"] for r in db.query("SELECT id, parent_id FROM codes")}
    out = {}
    for cid in parent:
        chain, node = [], cid
        while node is not None:
            chain.append(node)
            node = parent.get(node)
        out[cid] = chain
    return out


def get_code(db, code_id: str) -> dict:
    """The row of one code (JSON columns as stored); NotFoundError when there is none."""
    return one_row(db, "SELECT * FROM codes WHERE id = ?", [code_id],
                   NotFoundError(f"no code {code_id!r}", hint="list the codes with `workbench codebook show`"))


def next_position(db, parent: str | None) -> int:
    """The position after the last child of a parent code (None: the top level)."""
    return next(db.query("SELECT coalesce(max(position) + 1, 0) AS p FROM codes WHERE parent_id IS ?",
                         [parent]))["p"]


def child_codes_by_label(db, parent: str | None) -> dict[str, str]:
    """{label: code id} of the children of a parent code (None: the top level)."""
    return {r["label"]: r["id"] for r in db.query("SELECT id, label FROM codes WHERE parent_id IS ?", [parent])}


def add_codebook(db, name: str, title: str | None = None, source_path: str | None = None) -> bool:
    """Register an empty codebook (version 1) unless one of this name exists (call inside a transaction);
    True when added."""
    if list(db.query("SELECT 1 FROM codebooks WHERE name = ?", [name])):
        return False
    db["codebooks"].insert({"name": name, "version": "1", "title": title, "source_path": source_path,
                            "loaded_at": _now()})
    return True


def insert_code(db, code: Code, parent: str | None, codebook: str, position: int) -> None:
    """Write one new code (without its children) at a position under a parent (call inside a transaction)."""
    db["codes"].insert(_row(code, parent, codebook, position))


def descendants(db, code_id: str) -> list[str]:
    """The code and all its sub-codes."""
    rows = db.query(
        """WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL
               SELECT c.id FROM codes c JOIN tree t ON c.parent_id = t.id)
           SELECT id FROM tree""", [code_id])
    return [r["id"] for r in rows]


def resolve_codebook(db, name: str | None = None) -> dict:
    """The row of a loaded codebook (default: the only or first loaded)."""
    books = list(db.query("SELECT * FROM codebooks ORDER BY loaded_at, name"))
    if not books:
        raise NotFoundError("the project has no codebook", hint="load one with `workbench codebook load FILE`")
    book = next((b for b in books if b["name"] == name), None) if name else books[0]
    if book is None:
        raise NotFoundError(f"no codebook {name!r}", hint="codebooks: " + ", ".join(b["name"] for b in books))
    return book


def export_codebook(db, name: str | None = None) -> Codebook:
    """The project's codes of one codebook (default: the only or first loaded) as a Codebook."""
    book = resolve_codebook(db, name)
    rows = [r for r in code_rows(db) if r["codebook"] == book["name"]]
    built: dict[str, Code] = {}
    roots: list[Code] = []
    for r in rows:
        code = Code(r["id"], r["label"], r["description"], r["include"], r["exclude"], r["examples"],
                    r["color"], r["patterns"])
        built[r["id"]] = code
        (built[r["parent_id"]].children if r["parent_id"] in built else roots).append(code)
    return Codebook(book["name"], book["version"], roots, book["title"] or "", book["description"] or "")


def add_code(db, code_id: str, label: str, parent: str | None = None, codebook: str | None = None,
             description: str = "", color: str | None = None, by: str | None = None) -> None:
    """Add a new code under a parent (or at the top of a codebook)."""
    if not ID_RE.match(code_id):
        raise CodebookError(f"code id {code_id!r} is not snake_case", hint="use lower-case letters, digits and _")
    if list(db.query("SELECT 1 FROM codes WHERE id = ?", [code_id])):
        raise CodebookError(f"a code {code_id!r} already exists", hint="choose another id")
    if color and not COLOR_RE.match(color):
        raise CodebookError(f"bad colour {color!r}", hint='write it as "#RRGGBB"')
    if parent:
        codebook = get_code(db, parent)["codebook"]
    elif not codebook:
        books = [r["name"] for r in db.query("SELECT name FROM codebooks ORDER BY loaded_at")]
        if not books:
            with writing(db):
                add_codebook(db, "project")
            books = ["project"]
        codebook = books[0]
    position = next_position(db, parent)
    with writing(db):
        insert_code(db, Code(code_id, label, description, color=color), parent, codebook, position)
        record_change(db, "code.add", "codes", code_id, None, capture(db, {"codes": ("id = ?", [code_id])}), by)


def update_code(db, code_id: str, by: str | None = None, **fields) -> None:
    """Change label, description, include, exclude, examples, color or patterns of a code."""
    get_code(db, code_id)
    allowed = {"label", "description", "include", "exclude", "examples", "color", "patterns"}
    bad = set(fields) - allowed
    if bad:
        raise CodebookError(f"cannot change {min(bad)!r} of a code", hint="fields: " + ", ".join(sorted(allowed)))
    if fields.get("color") and not COLOR_RE.match(fields["color"]):
        raise CodebookError(f"bad colour {fields['color']!r}", hint='write it as "#RRGGBB"')
    if "label" in fields and not str(fields["label"]).strip():
        raise CodebookError("a code's label cannot be empty")
    row = {k: (json.dumps(v, ensure_ascii=False) if k in ("include", "exclude", "examples", "patterns") else v)
           for k, v in fields.items()}
    with writing(db):
        old = [get_code(db, code_id)]
        db["codes"].update(code_id, {**row, "updated_at": _now()})
        record_edits(db, "code.update", "codes", old, by)


def move_code(db, code_id: str, new_parent: str | None, by: str | None = None) -> None:
    """Put a code (with its sub-codes) under another parent, or at the top with None."""
    code = get_code(db, code_id)
    if new_parent is not None:
        parent = get_code(db, new_parent)
        if new_parent in descendants(db, code_id):
            raise CodebookError(f"cannot move {code_id!r} under {new_parent!r}: that is {code_id!r} itself "
                                "or one of its sub-codes", hint="choose a parent outside this branch")
        if parent["codebook"] != code["codebook"]:
            raise CodebookError(f"{new_parent!r} belongs to another codebook", hint="move codes within one codebook")
    position = next_position(db, new_parent)
    with writing(db):
        old = [get_code(db, code_id)]
        db["codes"].update(code_id, {"parent_id": new_parent, "position": position, "updated_at": _now()})
        record_edits(db, "code.move", "codes", old, by)


def _touched_by(db, code_id: str) -> dict:
    """The rows that merging or deleting a code edits or deletes: the code, its children, its codings, their memos
    and suggestions, and the code's memos and suggestions."""
    of_codings = "coding_id IN (SELECT id FROM codings WHERE code_id = ?)"
    return capture(db, {"codes": ("id = ? OR parent_id = ?", [code_id, code_id]),
                        "codings": ("code_id = ?", [code_id]),
                        "memos": (f"code_id = ? OR {of_codings}", [code_id, code_id]),
                        "suggestions": (f"code_id = ? OR {of_codings}", [code_id, code_id])})


def merge_codes(db, source: str, target: str, by: str | None = None) -> int:
    """Move every coding, suggestion, memo and sub-code of `source` to `target`, then delete `source`."""
    get_code(db, source)
    get_code(db, target)
    if source == target or target in descendants(db, source):
        raise CodebookError(f"cannot merge {source!r} into {target!r}", hint="merge into a code outside its branch")
    with writing(db):
        before = _touched_by(db, source)
        # A coding that target already has at the same place by the same coder is a duplicate.
        db.execute(
            """DELETE FROM codings WHERE code_id = ? AND EXISTS (
                   SELECT 1 FROM codings t WHERE t.code_id = ? AND t.document_id = codings.document_id
                   AND t.start = codings.start AND t."end" = codings."end" AND t.coder = codings.coder)""",
            [source, target])
        moved = db.execute("UPDATE codings SET code_id = ? WHERE code_id = ?", [target, source]).rowcount
        db.execute("UPDATE OR IGNORE suggestions SET code_id = ? WHERE code_id = ?", [target, source])
        db.execute("DELETE FROM suggestions WHERE code_id = ?", [source])
        db.execute("UPDATE memos SET code_id = ? WHERE code_id = ?", [target, source])
        db.execute("UPDATE codes SET parent_id = ? WHERE parent_id = ?", [target, source])
        db.execute("DELETE FROM codes WHERE id = ?", [source])
        record_change(db, "code.merge", "codes", source, before, recapture(db, before), by)
    return moved


def delete_code(db, code_id: str, codings: str = "refuse", by: str | None = None) -> int:
    """Delete a code; its sub-codes move up to its parent.

    codings: 'refuse' (default) fails if the code has codings, 'delete' deletes them,
    'parent' moves them to the parent code.
    """
    code = get_code(db, code_id)
    count = next(db.query("SELECT count(*) AS n FROM codings WHERE code_id = ?", [code_id]))["n"]
    if count and codings == "refuse":
        raise CodebookError(f"code {code_id!r} has {count} codings",
                            hint="delete them too (--delete-codings) or move them to the parent (--to-parent)")
    if count and codings == "parent" and not code["parent_id"]:
        raise CodebookError(f"code {code_id!r} has no parent to take its codings", hint="merge it into another code")
    with writing(db):
        if codings == "parent" and count:
            merge_codes(db, code_id, code["parent_id"], by)
            return count
        before = _touched_by(db, code_id)
        db.execute("DELETE FROM memos WHERE coding_id IN (SELECT id FROM codings WHERE code_id = ?)", [code_id])
        db.execute("DELETE FROM codings WHERE code_id = ?", [code_id])
        db.execute("UPDATE codes SET parent_id = ? WHERE parent_id = ?", [code["parent_id"], code_id])
        db.execute("DELETE FROM codes WHERE id = ?", [code_id])
        record_change(db, "code.delete", "codes", code_id, before, recapture(db, before), by)
    return count


def code_ids(db) -> set[str]:
    """The ids of every code in the project."""
    return {r[0] for r in db.execute("SELECT id FROM codes")}


def code_exists(db, code_id: str) -> bool:
    """True when the project has a code with this id."""
    return bool(list(db.query("SELECT 1 FROM codes WHERE id = ?", [code_id])))


def code_labels(db) -> dict[str, str]:
    """{code id: label} of every code."""
    return {r["id"]: r["label"] for r in db.query("SELECT id, label FROM codes")}


def scope_codes(db, code_ids: list[str] | None) -> list[dict]:
    """Code rows in scope (all, or the listed ids in tree order); unknown ids are an error."""
    rows = code_rows(db)
    if code_ids is None:
        return rows
    known = {r["id"] for r in rows}
    missing = [c for c in code_ids if c not in known]
    if missing:
        raise NotFoundError(f"no code {missing[0]!r}", hint="list the codes with `workbench codebook show`")
    wanted = set(code_ids)
    return [r for r in rows if r["id"] in wanted]
