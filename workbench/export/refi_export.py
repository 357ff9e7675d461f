"""Write a project as REFI-QDA: a `.qdpx` project (project.qde + Sources/) or a `.qdc` codebook."""

from __future__ import annotations

import re
from collections import defaultdict

from workbench.autocode.provenance import automatic_codings, describe, method_label
from workbench.export.refi_common import CODEBOOK_NS, PROJECT_NS, guid, project_namespace
from workbench.files.zips import deterministic_zip
from workbench.store.attributes import attribute_rows
from workbench.store.codes import code_rows
from workbench.store.codings import coder_names, coding_memos, coding_rows, list_memos
from workbench.store.documents import document_texts

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
FULL_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TYPE_VARIABLE = "document type"  # carries the workbench document type; mapped back on import
ORIGIN = "workbench"


def _set(element, **attributes) -> None:
    """Set the attributes whose value is not None (the XSD wants absent rather than empty)."""
    for key, value in attributes.items():
        if value is not None and value != "":
            element.set(key, str(value))


def _when(value) -> str | None:
    """An xsd:dateTime, or None when the stored value is not one."""
    return value if value and DATETIME_RE.match(str(value)) else None


class _Builder:
    """Collects a project's rows and turns them into QDA-XML elements in the XSD's order."""

    def __init__(self, db, project_name: str):
        self.db = db
        self.ns = project_namespace(project_name)
        self.project_name = project_name
        self.codes = _code_tree(db)
        self.users: dict[str, str] = {}
        self.notes: list[dict] = []
        self.code_notes: dict[str, list[str]] = defaultdict(list)
        self.document_notes: dict[int, list[str]] = defaultdict(list)
        self.coding_notes: dict[int, list[str]] = defaultdict(list)
        self.automatic: dict[int, dict] = {}  # coding id -> provenance of the suggestion it was accepted from

    def gid(self, kind: str, object_id) -> str:
        return guid(self.ns, kind, object_id)

    def user(self, name: str | None) -> str | None:
        if not name:
            return None
        if name not in self.users:
            self.users[name] = self.gid("user", name)
        return self.users[name]

    def coding_user(self, row: dict) -> str | None:
        """An automatic coding's user is its method ("workbench rules"); the human who accepted is in its note."""
        found = self.automatic.get(row["id"])
        return self.user(f"{ORIGIN} {method_label(found)}" if found else row["coder"])

    def collect_notes(self) -> None:
        for coder in coder_names(self.db):
            self.user(coder)
        self.automatic = automatic_codings(self.db)
        for coding_id, row in sorted(self.automatic.items()):
            self.user(f"{ORIGIN} {method_label(row)}")
            note = self._note(f"provenance:{coding_id}", describe(row), row["decided_by"], row["decided_at"])
            note["name"] = f"Provenance of coding {coding_id}"
            self.coding_notes[coding_id].append(note["guid"])
        for memo in list_memos(self.db):
            note = self._note(f"memo:{memo['id']}", memo["text"], memo["author"], memo["created"])
            if memo["coding_id"] is not None:
                note["name"] = f"Memo on coding {memo['coding_id']}"
                self.coding_notes[memo["coding_id"]].append(note["guid"])
            elif memo["code_id"] is not None:
                note["name"] = f"Memo on code {memo['code_id']}"
                self.code_notes[memo["code_id"]].append(note["guid"])
            elif memo["document_id"] is not None:
                note["name"] = f"Memo on document {memo['document_id']}"
                self.document_notes[memo["document_id"]].append(note["guid"])
            else:
                note["name"] = "Project memo"
        for coding in coding_memos(self.db):
            note = self._note(f"coding-memo:{coding['id']}", coding["memo"], coding["coder"], coding["created_at"])
            note["name"] = f"Coding memo {coding['id']}"
            self.coding_notes[coding["id"]].append(note["guid"])

    def _note(self, key: str, text: str, author: str | None, created: str | None) -> dict:
        note = {"guid": self.gid("note", key), "text": text, "user": self.user(author), "created": _when(created)}
        self.notes.append(note)
        return note


def _code_tree(db) -> list[dict]:
    """Codes in tree order, each with its children list."""
    rows = code_rows(db)
    by_id = {r["id"]: {**r, "children": []} for r in rows}
    roots = []
    for r in rows:
        node = by_id[r["id"]]
        (by_id[r["parent_id"]]["children"] if r["parent_id"] in by_id else roots).append(node)
    return roots


def _code_element(parent, node: dict, builder: _Builder | None, ns_guid) -> None:
    from lxml import etree

    element = etree.SubElement(parent, "Code")
    _set(element, guid=ns_guid("code", node["id"]), name=node["label"], isCodable="true", color=node["color"])
    if node["description"]:
        etree.SubElement(element, "Description").text = node["description"]
    if builder is not None:
        for note_guid in builder.code_notes.get(node["id"], []):
            etree.SubElement(element, "NoteRef", targetGUID=note_guid)
    for child in node["children"]:
        _code_element(element, child, builder, ns_guid)


def _variables(db) -> dict[str, str]:
    """Attribute name -> REFI typeOfVariable, from the stored value types."""
    kinds: dict[str, set] = defaultdict(set)
    for row in attribute_rows(db):
        if row["value_type"] == "number":
            kinds[row["name"]].add("Integer" if float(row["value_number"]).is_integer() and "." not in row["value"]
                                   else "Float")
        elif row["value_type"] == "date" and FULL_DATE_RE.match(row["value"]):
            kinds[row["name"]].add("Date")
        else:
            kinds[row["name"]].add("Text")
    out = {}
    for name, found in kinds.items():
        out[name] = found.pop() if len(found) == 1 else ("Float" if found <= {"Integer", "Float"} else "Text")
    return out


def _value_element(parent, variable_guid: str, kind: str, value: str) -> None:
    from lxml import etree

    element = etree.SubElement(parent, "VariableValue")
    etree.SubElement(element, "VariableRef", targetGUID=variable_guid)
    tag = {"Text": "TextValue", "Integer": "IntegerValue", "Float": "FloatValue", "Date": "DateValue"}[kind]
    text = str(value)
    if kind == "Integer":
        text = str(int(float(value)))
    elif kind == "Float":
        text = repr(float(value)) if "e" not in repr(float(value)) else f"{float(value):f}"
    etree.SubElement(element, tag).text = text


def build_project_xml(db, project_name: str) -> tuple[bytes, list[tuple[str, bytes]]]:
    """project.qde bytes and the (member name, bytes) of every plain-text source."""
    from lxml import etree

    b = _Builder(db, project_name)
    b.collect_notes()
    documents = document_texts(db)
    codings = defaultdict(list)
    for row in coding_rows(db):
        codings[row["document_id"]].append(row)
    attributes = defaultdict(list)
    for row in attribute_rows(db):
        attributes[row["document_id"]].append(row)
    variables = _variables(db)
    if documents:
        variables[TYPE_VARIABLE] = "Text"

    root = etree.Element("Project", nsmap={None: PROJECT_NS})
    _set(root, name=project_name, origin=ORIGIN,
         creationDateTime=_when(min((d["ingested_at"] for d in documents), default=None)))
    if b.users:
        users = etree.SubElement(root, "Users")
        for name in sorted(b.users):
            etree.SubElement(users, "User", guid=b.users[name], name=name)
    if b.codes:
        codes = etree.SubElement(etree.SubElement(root, "CodeBook"), "Codes")
        for node in b.codes:
            _code_element(codes, node, b, b.gid)
    if variables:
        element = etree.SubElement(root, "Variables")
        for name in sorted(variables):
            etree.SubElement(element, "Variable", guid=b.gid("variable", name), name=name,
                             typeOfVariable=variables[name])
        cases = etree.SubElement(root, "Cases")
        for doc in documents:
            case = etree.SubElement(cases, "Case", guid=b.gid("case", doc["id"]), name=doc["title"])
            for row in attributes[doc["id"]]:
                _value_element(case, b.gid("variable", row["name"]), variables[row["name"]], row["value"])
            _value_element(case, b.gid("variable", TYPE_VARIABLE), "Text", doc["type"])
            etree.SubElement(case, "SourceRef", targetGUID=b.gid("source", doc["id"]))
    members = []
    if documents:
        sources = etree.SubElement(root, "Sources")
        for doc in documents:
            source_guid = b.gid("source", doc["id"])
            source = etree.SubElement(sources, "TextSource")
            _set(source, guid=source_guid, name=doc["title"], plainTextPath=f"internal://{source_guid}.txt",
                 creationDateTime=_when(doc["ingested_at"]))
            members.append((f"Sources/{source_guid}.txt", doc["text"].encode("utf-8")))
            _selections(source, codings[doc["id"]], b)
            for note_guid in b.document_notes.get(doc["id"], []):
                etree.SubElement(source, "NoteRef", targetGUID=note_guid)
    if b.notes:
        notes = etree.SubElement(root, "Notes")
        for note in b.notes:
            element = etree.SubElement(notes, "Note")
            _set(element, guid=note["guid"], name=note.get("name"), creatingUser=note["user"],
                 creationDateTime=note["created"])
            etree.SubElement(element, "PlainTextContent").text = note["text"]
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml, members


def _selections(source, rows: list[dict], b: _Builder) -> None:
    """One PlainTextSelection per coded span, holding every coding of that span."""
    from lxml import etree

    spans: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        spans.setdefault((row["start"], row["end"]), []).append(row)
    for (start, end), group in spans.items():
        first = min(group, key=lambda r: (r["created_at"], r["id"]))
        selection = etree.SubElement(source, "PlainTextSelection")
        _set(selection, guid=b.gid("selection", f"{first['document_id']}:{start}:{end}"), name=first["snippet"],
             startPosition=start, endPosition=end, creatingUser=b.coding_user(first),
             creationDateTime=_when(first["created_at"]))
        for row in group:
            coding = etree.SubElement(selection, "Coding")
            _set(coding, guid=b.gid("coding", row["id"]), creatingUser=b.coding_user(row),
                 creationDateTime=_when(row["created_at"]))
            etree.SubElement(coding, "CodeRef", targetGUID=b.gid("code", row["code_id"]))
            for note_guid in b.coding_notes.get(row["id"], []):
                etree.SubElement(coding, "NoteRef", targetGUID=note_guid)


def export_qdpx(db, project_name: str) -> bytes:
    """The project as .qdpx bytes: project.qde first, then Sources/<guid>.txt in document order."""
    xml, members = build_project_xml(db, project_name)
    return deterministic_zip([("project.qde", xml), *members])


def export_qdc(db, project_name: str) -> bytes:
    """The code tree as a REFI-QDA codebook (.qdc, plain XML)."""
    from lxml import etree

    from workbench.errors import NotFoundError

    tree = _code_tree(db)
    if not tree:
        raise NotFoundError("the project has no codes to export", hint="load a codebook with `workbench codebook load FILE`")
    ns = project_namespace(project_name)
    root = etree.Element("CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGIN)
    codes = etree.SubElement(root, "Codes")
    for node in tree:
        _code_element(codes, node, None, lambda kind, oid: guid(ns, kind, oid))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_qdpx(data) -> bytes:
    """The project exporter for REFI-QDA .qdpx (see workbench.export.registry)."""
    return export_qdpx(data.db, data.project_name)


def render_qdc(data) -> bytes:
    """The project exporter for a REFI-QDA .qdc codebook (see workbench.export.registry)."""
    return export_qdc(data.db, data.project_name)
