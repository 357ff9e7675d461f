"""Read a REFI-QDA `.qdpx` or `.qdc` into plain objects, leniently, without touching a project."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from workbench.errors import RefiError, WorkbenchError
from workbench.export.refi_common import GUID_RE, MAX_ARCHIVE_BYTES, MAX_ARCHIVE_MEMBERS
from workbench.files.safe_xml import split_tag


@dataclass
class RefiCode:
    """A code of the file's codebook, with its sub-codes and the notes on it."""

    guid: str
    name: str
    description: str = ""
    color: str | None = None
    children: list[RefiCode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiCoding:
    """One coding of a text selection: offsets into the source's text as the file gives them."""

    start: int
    end: int
    code: str
    user: str | None
    created: str | None
    expected: str | None  # the selected text, when the tool wrote it as the selection's name
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSource:
    """A source with its text (None when unreadable), codings, notes and variable values."""

    guid: str
    name: str
    text: str | None
    kind: str  # text, docx, pdf
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    unmappable: int = 0  # codings on areas (PDF coordinates) that have no text positions


@dataclass
class RefiProject:
    """Everything read from a .qdpx or .qdc, before it touches a project."""

    name: str
    users: dict[str, str] = field(default_factory=dict)
    codes: list[RefiCode] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: dict[str, dict] = field(default_factory=dict)
    project_notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _local(element) -> str:
    return split_tag(element.tag)[1]


def _children(element, name: str):
    return [child for child in element if _local(child) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


class _Reader:
    """Walks a QDA-XML tree by local names (namespaces and small deviations tolerated)."""

    def __init__(self, name: str, zf=None):
        self.name = name
        self.zf = zf
        self.odd_guids = 0
        self.warnings: list[str] = []

    def guid(self, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not GUID_RE.match(value):
            self.odd_guids += 1
        return value.strip("{}").lower()

    def codes(self, codes_element) -> list[RefiCode]:
        out = []
        for element in _children(codes_element, "Code") if codes_element is not None else []:
            description = _child(element, "Description")
            code = RefiCode(self.guid(element.get("guid")) or "", (element.get("name") or "").strip() or "(unnamed)",
                            (description.text or "").strip() if description is not None else "",
                            element.get("color"))
            code.notes = [self.guid(ref.get("targetGUID")) for ref in _children(element, "NoteRef")]
            code.children = self.codes(element)
            out.append(code)
        return out

    def member_text(self, path: str | None, what: str) -> tuple[bytes | None, str]:
        """Bytes of an `internal://` file of the archive; (None, reason) when it cannot be had."""
        from workbench.files.archive import read_member

        if not path:
            return None, "no file"
        if not path.lower().startswith("internal://"):
            return None, f"its file {path!r} is outside the archive"
        wanted = path[len("internal://"):].lstrip("/")
        if self.zf is None:
            return None, "not in an archive"
        members = {info.filename.lower(): info.filename for info in self.zf.infolist()}
        for candidate in (f"sources/{wanted}".lower(), wanted.lower()):
            if candidate in members:
                return read_member(self.zf, members[candidate], self.name), ""
        by_name = [m for low, m in members.items() if PurePosixPath(low).name == PurePosixPath(wanted.lower()).name]
        if by_name:
            return read_member(self.zf, by_name[0], self.name), ""
        return None, f"{what} file {wanted!r} is missing from the archive"

    def decode(self, data: bytes, source_name: str) -> str:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8", errors="replace")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.warnings.append(f"source {source_name!r}: plain text was UTF-16; read as such")
            return data.decode("utf-16")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.warnings.append(f"source {source_name!r}: plain text was not UTF-8; read as Windows-1252")
            return data.decode("cp1252", errors="replace")

    def codings(self, element, expected: str | None, start: int, end: int) -> list[RefiCoding]:
        notes = [self.guid(ref.get("targetGUID")) for ref in _children(element, "NoteRef")]
        out = []
        for coding in _children(element, "Coding"):
            ref = _child(coding, "CodeRef")
            if ref is None or not ref.get("targetGUID"):
                continue
            out.append(RefiCoding(start, end, self.guid(ref.get("targetGUID")), self.guid(coding.get("creatingUser")),
                                  coding.get("creationDateTime"), expected,
                                  notes + [self.guid(r.get("targetGUID")) for r in _children(coding, "NoteRef")]))
        return out

    def text_source(self, element, name: str) -> tuple[str | None, str, str]:
        """(text, kind, problem) of a TextSource-like element."""
        content = _child(element, "PlainTextContent")
        if content is not None and content.text:
            return content.text, "text", ""
        data, problem = self.member_text(element.get("plainTextPath"), "plain text")
        if data is not None:
            return self.decode(data, name), "text", ""
        rich = element.get("richTextPath")
        if rich:
            data, rich_problem = self.member_text(rich, "rich text")
            if data is not None:
                return _read_embedded(data, rich, name), "docx", ""
            problem = rich_problem
        return None, "text", problem

    def source(self, element) -> RefiSource | None:
        kind = _local(element)
        name = (element.get("name") or "").strip() or "(unnamed source)"
        guid = self.guid(element.get("guid")) or name
        if kind == "TextSource":
            text, how, problem = self.text_source(element, name)
            source = RefiSource(guid, name, text, how)
            for selection in _children(element, "PlainTextSelection"):
                source.codings += self._selection(selection)
            if text is not None:
                source.codings += self.codings(element, None, 0, len(text))
        elif kind == "PDFSource":
            representation = _child(element, "Representation")
            text, problem = None, ""
            source = RefiSource(guid, name, None, "pdf")
            if representation is not None:
                text, _, problem = self.text_source(representation, name)
                for selection in _children(representation, "PlainTextSelection"):
                    source.codings += self._selection(selection)
            if text is None:
                data, problem = self.member_text(element.get("path"), "PDF")
                if data is not None:
                    text = _read_embedded(data, element.get("path"), name)
            source.text = text
            source.unmappable = sum(len(_children(s, "Coding")) for s in _children(element, "PDFSelection"))
        else:
            self.warnings.append(f"{kind} {name!r} skipped: only text and PDF sources can be imported")
            return None
        if source.text is None:
            self.warnings.append(f"source {name!r} skipped: {problem or 'no text'}")
            return None
        source.notes = [self.guid(ref.get("targetGUID")) for ref in _children(element, "NoteRef")]
        return source

    def _selection(self, selection) -> list[RefiCoding]:
        try:
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        except (TypeError, ValueError):
            self.warnings.append(f"selection {selection.get('guid')!r} has no valid positions; skipped")
            return []
        return self.codings(selection, selection.get("name"), start, end)


def _read_embedded(data: bytes, path: str, source_name: str) -> str:
    """Text of an embedded docx/pdf/odt/rtf/html source through the ingest readers."""
    from pathlib import Path

    from workbench.ingest._base import ReadOptions
    from workbench.ingest.readers import reader_for
    from workbench.ingest.segment import place_blocks

    suffix = Path(path.rsplit("/", 1)[-1]).suffix.lower() or ".txt"
    try:
        result = reader_for(Path(f"source{suffix}")).read(data, source_name, ReadOptions())
    except WorkbenchError as exc:
        raise RefiError(f"embedded file of source {source_name!r} cannot be read: {exc.message}") from exc
    results = result if isinstance(result, list) else [result]
    return "\n\n".join(place_blocks(r.blocks, join_lines=suffix == ".pdf")[0] for r in results)


def find_project_member(zf, name: str) -> tuple[str, list[str]]:
    """The .qde member of a qdpx: project.qde, or the only other .qde (with a warning)."""
    names = [info.filename for info in zf.infolist()]
    if "project.qde" in names:
        return "project.qde", []
    candidates = sorted(n for n in names if n.lower().endswith(".qde"))
    if not candidates:
        candidates = sorted(n for n in names if n.lower().endswith(".xml") and "/" not in n)
    if not candidates:
        raise RefiError(f"{name}: no project.qde inside; this is not a REFI-QDA project")
    return candidates[0], [f"the project file inside is named {candidates[0]!r}, not 'project.qde'; read it anyway"]


def read_qdpx(data: bytes, name: str) -> RefiProject:
    """Parse a .qdpx (zip with project.qde and Sources/) safely; RefiError when it is not one."""
    from workbench.errors import IngestError
    from workbench.files.archive import open_zip, read_member
    from workbench.files.safe_xml import parse_xml

    try:
        zf = open_zip(data, name, MAX_ARCHIVE_BYTES, MAX_ARCHIVE_MEMBERS)
    except IngestError as exc:
        raise RefiError(exc.message, hint=exc.hint) from exc
    with zf:
        member, warnings = find_project_member(zf, name)
        try:
            root, xml_warnings = parse_xml(read_member(zf, member, name), name, member)
        except IngestError as exc:
            raise RefiError(exc.message) from exc
        if _local(root) != "Project":
            raise RefiError(f"{name}: {member} holds a <{_local(root)}>, not a REFI-QDA <Project>")
        reader = _Reader(name, zf)
        project = RefiProject(root.get("name") or PurePosixPath(name).stem, warnings=warnings + xml_warnings)
        _read_project(reader, root, project)
    return project


def _read_project(reader: _Reader, root, project: RefiProject) -> None:
    users = _child(root, "Users")
    for user in _children(users, "User") if users is not None else []:
        project.users[reader.guid(user.get("guid"))] = (user.get("name") or user.get("id") or "").strip()
    codebook = _child(root, "CodeBook")
    project.codes = reader.codes(_child(codebook, "Codes") if codebook is not None else None)
    variables = {}
    for variable in _children(_child(root, "Variables"), "Variable") if _child(root, "Variables") is not None else []:
        variables[reader.guid(variable.get("guid"))] = (variable.get("name") or "").strip()
    sources = _child(root, "Sources")
    by_guid = {}
    for element in list(sources) if sources is not None else []:
        source = reader.source(element)
        if source is not None:
            source.variables.update(_values(reader, element, variables))
            project.sources.append(source)
            by_guid[source.guid] = source
    cases = _child(root, "Cases")
    for case in _children(cases, "Case") if cases is not None else []:
        values = _values(reader, case, variables)
        for ref in _children(case, "SourceRef"):
            target = by_guid.get(reader.guid(ref.get("targetGUID")))
            if target is not None:
                target.variables.update(values)
    notes = _child(root, "Notes")
    for note in _children(notes, "Note") if notes is not None else []:
        text, _, _ = reader.text_source(note, note.get("name") or "note")
        if text and text.strip():
            project.notes[reader.guid(note.get("guid"))] = {
                "text": text.strip(), "user": reader.guid(note.get("creatingUser")),
                "created": note.get("creationDateTime")}
    project.project_notes = [reader.guid(ref.get("targetGUID")) for ref in _children(root, "NoteRef")]
    if reader.odd_guids:
        reader.warnings.append(f"{reader.odd_guids} GUIDs do not follow the standard's pattern; used as they are")
    project.warnings += reader.warnings


def _values(reader: _Reader, element, variables: dict[str, str]) -> dict[str, str]:
    out = {}
    for value in _children(element, "VariableValue"):
        ref = _child(value, "VariableRef")
        name = variables.get(reader.guid(ref.get("targetGUID"))) if ref is not None else None
        content = next((child for child in value if _local(child).endswith("Value") and _local(child) != "VariableValue"
                        and child.text is not None), None)
        if name and content is not None and content.text.strip():
            out[name] = content.text.strip()
    return out


def read_qdc(data: bytes, name: str) -> RefiProject:
    """Parse a .qdc codebook (plain XML, or a zip holding one)."""
    from workbench.errors import IngestError
    from workbench.files.safe_xml import parse_xml

    if data[:2] == b"PK":
        from workbench.files.archive import open_zip, read_member

        try:
            with open_zip(data, name, MAX_ARCHIVE_BYTES, MAX_ARCHIVE_MEMBERS) as zf:
                inner = sorted(i.filename for i in zf.infolist() if i.filename.lower().endswith((".qdc", ".xml")))
                if not inner:
                    raise RefiError(f"{name}: zip without a codebook inside")
                data = read_member(zf, inner[0], name)
        except IngestError as exc:
            raise RefiError(exc.message, hint=exc.hint) from exc
    try:
        root, warnings = parse_xml(data, name)
    except IngestError as exc:
        raise RefiError(exc.message) from exc
    reader = _Reader(name)
    if _local(root) == "Project":
        codebook = _child(root, "CodeBook")
        codes_element = _child(codebook, "Codes") if codebook is not None else None
    elif _local(root) == "CodeBook":
        codes_element = _child(root, "Codes")
    else:
        raise RefiError(f"{name}: holds a <{_local(root)}>, not a REFI-QDA <CodeBook>")
    project = RefiProject(PurePosixPath(name).stem, codes=reader.codes(codes_element), warnings=warnings)
    if not project.codes:
        raise RefiError(f"{name}: the codebook has no codes")
    if reader.odd_guids:
        project.warnings.append(f"{reader.odd_guids} GUIDs do not follow the standard's pattern; used as they are")
    return project
