"""OpenDocument text (.odt) reader: content.xml walked in reading order.

content.xml, styles.xml and meta.xml are parsed with ``parse_xml`` (entities are
never expanded, no DTD, no network); odfpy's loader is not used. Notes follow
the body as footnote/endnote blocks; annotations become memos, not text.
"""

from __future__ import annotations

import re
import zipfile

from workbench.errors import CorruptFileError, EmptyFileError, EncryptedFileError, WorkbenchError
from workbench.files.archive import open_container, read_member
from workbench.files.safe_xml import parse_xml, split_tag
from workbench.ingest._base import Block, Memo, ReadOptions, ReadResult
from workbench.ingest.readers.whitespace import CollapsingText

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
DC = "http://purl.org/dc/elements/1.1/"

_HEADING_STYLE = re.compile(r"^(title|heading(_20_\d+|\s*\d+)?)$", re.IGNORECASE)
# block-level elements that hold no document text
_SKIP_BLOCK = {
    (TEXT, "tracked-changes"), (TEXT, "sequence-decls"), (TEXT, "variable-decls"),
    (TEXT, "user-field-decls"), (TEXT, "dde-connection-decls"), (OFFICE, "forms"),
    (TEXT, "soft-page-break"), (TABLE, "table-columns"), (TABLE, "table-column"),
    (TABLE, "table-header-columns"), (TABLE, "table-column-group"), (OFFICE, "scripts"),
    (TEXT, "alphabetical-index-auto-mark-file"), (TABLE, "named-expressions"),
    (TABLE, "calculation-settings"), (TABLE, "content-validations"), (TABLE, "label-ranges"),
}
# inline elements whose content is not text (or is handled elsewhere)
_SKIP_INLINE = {
    (TEXT, "soft-page-break"), (TEXT, "change"), (TEXT, "change-start"), (TEXT, "change-end"),
    (TEXT, "ruby-text"), (TEXT, "bookmark"), (TEXT, "bookmark-start"), (TEXT, "bookmark-end"),
    (TEXT, "reference-mark"), (TEXT, "reference-mark-start"), (TEXT, "reference-mark-end"),
    (TEXT, "toc-mark"), (TEXT, "alphabetical-index-mark"), (TEXT, "user-index-mark"),
    (TEXT, "toc-mark-start"), (TEXT, "toc-mark-end"), (OFFICE, "event-listeners"),
}


def read(data: bytes, name: str, options: ReadOptions) -> ReadResult:
    """Read an .odt file into blocks (body, then notes), memos (annotations) and a title."""
    if not data:
        raise EmptyFileError(f"{name}: empty file (0 bytes)")
    with open_container(data, name, options, "OpenDocument file") as zf:
        return _OdtReader(zf, name).read()


def _plain(el) -> str:
    """All text inside an element; unexpanded entity references contribute nothing."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            parts.append(_plain(child))
        parts.append(child.tail or "")
    return "".join(parts)


def clean_text(text: str) -> str:
    """Trailing spaces off each line, no blank lines, no outer whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip()).strip()


class _Line(CollapsingText):
    """Paragraph text with ODF whitespace rules: runs of raw whitespace collapse to one space."""

    WHITESPACE = re.compile(r"[ \t\r\n]+")

    def __init__(self, sinks: list[list[str]]):
        super().__init__()
        self.sinks = sinks  # open annotation ranges receive the same text

    def literal(self, text: str, is_space: bool = False) -> None:
        self._add(text)
        self.after_space = is_space

    def _add(self, text: str) -> None:
        self.parts.append(text)
        for sink in self.sinks:
            sink.append(text)

    def text(self) -> str:
        return "".join(self.parts)


class _OdtReader:
    def __init__(self, zf: zipfile.ZipFile, name: str):
        self.zf = zf
        self.name = name
        self.warnings: list[str] = []
        self.parents: dict[str, str | None] = {}  # paragraph style -> parent style
        self.display: dict[str, str] = {}
        self.notes: list[Block] = []
        self.memos: list[Memo] = []
        self.open_ranges: dict[str, list[str]] = {}
        self.range_memo: dict[str, Memo] = {}

    def parse(self, member: str):
        data = read_member(self.zf, member, self.name)
        if data is None:
            return None
        root, warnings = parse_xml(data, self.name, member)
        self.warnings.extend(w for w in warnings if w not in self.warnings)
        return root

    def read(self) -> ReadResult:
        name = self.name
        manifest = read_member(self.zf, "META-INF/manifest.xml", name)
        if manifest is not None and b"encryption-data" in manifest:
            raise EncryptedFileError(f"{name}: the OpenDocument file is password-protected (encrypted)")
        root = self.parse("content.xml")
        if root is None:
            raise CorruptFileError(f"{name}: not an OpenDocument file (no content.xml in the package)")
        if split_tag(root.tag) != (OFFICE, "document-content"):
            raise CorruptFileError(f"{name}: not an OpenDocument file (content.xml root is <{split_tag(root.tag)[1]}>)")
        try:
            styles_root = self.parse("styles.xml")
        except WorkbenchError:
            styles_root = None
            self.warnings.append(f"{name}: styles.xml could not be read; headings are taken from text:h only")
        for style_root in (styles_root, root):
            if style_root is not None:
                self.collect_styles(style_root)

        blocks: list[Block] = []
        body = root.find(f"{{{OFFICE}}}body")
        if body is not None:
            for content in body:  # office:text (or office:spreadsheet, ...)
                if isinstance(content.tag, str):
                    blocks.extend(self.blocks(content, in_list=False))
        for cid, buf in self.open_ranges.items():  # annotation ranges never closed
            memo = self.range_memo.get(cid)
            if memo is not None and memo.anchor_text is None:
                memo.anchor_text = clean_text("".join(buf)) or None
        blocks.extend(self.notes)
        return ReadResult(blocks=blocks, title=self.title(), warnings=list(self.warnings), memos=self.memos)

    def title(self) -> str | None:
        try:
            root = self.parse("meta.xml")
        except WorkbenchError:
            self.warnings.append(f"{self.name}: meta.xml could not be read; title skipped")
            return None
        if root is None:
            return None
        el = root.find(f"{{{OFFICE}}}meta/{{{DC}}}title")
        if el is not None:
            text = " ".join(_plain(el).split())
            return text or None
        return None

    def collect_styles(self, root) -> None:
        for st in root.iter(f"{{{STYLE}}}style"):
            sname = st.get(f"{{{STYLE}}}name")
            if not sname or st.get(f"{{{STYLE}}}family") not in (None, "paragraph"):
                continue
            self.parents[sname] = st.get(f"{{{STYLE}}}parent-style-name")
            if st.get(f"{{{STYLE}}}display-name"):
                self.display[sname] = st.get(f"{{{STYLE}}}display-name")

    def style_is_heading(self, sname: str | None) -> bool:
        seen = set()
        while sname and sname not in seen and len(seen) < 20:
            seen.add(sname)
            if _HEADING_STYLE.match(sname) or _HEADING_STYLE.match(self.display.get(sname, "")):
                return True
            sname = self.parents.get(sname)
        return False

    # -- block level ------------------------------------------------------
    def blocks(self, container, in_list: bool) -> list[Block]:
        out: list[Block] = []
        for child in container:
            key = split_tag(child.tag)
            ns, local = key
            if not ns or key in _SKIP_BLOCK or local.endswith("-source"):
                continue
            if key == (TEXT, "p"):
                if in_list:
                    kind = "bullet"
                elif self.style_is_heading(child.get(f"{{{TEXT}}}style-name")):
                    kind = "heading"
                else:
                    kind = "paragraph"
                out.extend(self.paragraph(child, kind))
            elif key == (TEXT, "h"):
                out.extend(self.paragraph(child, "heading", _outline_level(child.get(f"{{{TEXT}}}outline-level"))))
            elif key in ((TEXT, "list"), (TEXT, "list-item"), (TEXT, "list-header"), (TEXT, "numbered-paragraph")):
                out.extend(self.blocks(child, in_list=True))
            elif key == (TABLE, "table"):
                out.extend(self.table(child))
            elif key == (OFFICE, "annotation"):
                self.annotation(child)
            elif key == (OFFICE, "annotation-end"):
                self.annotation_end(child)
            elif ns == DRAW:
                for box in self.text_boxes(child):
                    out.extend(self.blocks(box, in_list=False))
            else:  # sections, indexes, index bodies, other containers
                out.extend(self.blocks(child, in_list=in_list))
        return out

    def table(self, table) -> list[Block]:
        rows: list[Block] = []
        for row in self.rows(table):
            cells: list[str] = []
            for cell in row:
                key = split_tag(cell.tag)
                if key != (TABLE, "table-cell"):
                    continue  # covered (merged) cells repeat nothing
                cells.append("\n".join(b.text for b in self.blocks(cell, in_list=False)))
            while cells and not cells[-1].strip():
                cells.pop()
            text = clean_text(" | ".join(cells))
            if text:
                rows.append(Block(text, kind="table_row"))
        return rows

    def rows(self, el):
        for child in el:
            key = split_tag(child.tag)
            if key == (TABLE, "table-row"):
                yield child
            elif key in ((TABLE, "table-header-rows"), (TABLE, "table-rows"), (TABLE, "table-row-group")):
                yield from self.rows(child)

    def paragraph(self, p, kind: str, level: int | None = None) -> list[Block]:
        line = _Line(list(self.open_ranges.values()))
        boxes: list = []
        line.raw(p.text)
        for child in p:
            self.inline(child, line, boxes)
            line.raw(child.tail)
        for buf in self.open_ranges.values():
            buf.append("\n\n")
        out: list[Block] = []
        text = clean_text(line.text())
        if text:
            out.append(Block(text, kind=kind, level=level))
        for box in boxes:
            out.extend(self.blocks(box, in_list=False))
        return out

    # -- inline level -----------------------------------------------------
    def inline(self, el, line: _Line, boxes: list) -> None:
        key = split_tag(el.tag)
        ns, local = key
        if not ns or key in _SKIP_INLINE:
            return
        if key == (TEXT, "s"):
            try:
                count = int(el.get(f"{{{TEXT}}}c", "1"))
            except ValueError:
                count = 1
            line.literal(" " * max(1, min(count, 1000)), is_space=True)
        elif key == (TEXT, "tab"):
            line.literal("\t", is_space=True)
        elif key == (TEXT, "line-break"):
            line.literal("\n", is_space=True)
        elif key == (TEXT, "note"):
            self.note(el, line)
        elif key == (OFFICE, "annotation"):
            self.annotation(el)
            line.sinks = list(self.open_ranges.values())
        elif key == (OFFICE, "annotation-end"):
            self.annotation_end(el)
            line.sinks = list(self.open_ranges.values())
        elif ns == DRAW:
            boxes.extend(self.text_boxes(el))
        else:  # span, a, meta, ruby-base, fields, ...
            line.raw(el.text)
            for child in el:
                self.inline(child, line, boxes)
                line.raw(child.tail)

    def text_boxes(self, el) -> list:
        found = []
        for child in el:
            key = split_tag(child.tag)
            if key == (DRAW, "text-box"):
                found.append(child)
            elif key[0] == DRAW:
                found.extend(self.text_boxes(child))
        return found

    def note(self, el, line: _Line) -> None:
        kind = "endnote" if el.get(f"{{{TEXT}}}note-class") == "endnote" else "footnote"
        citation_el = el.find(f"{{{TEXT}}}note-citation")
        citation = ""
        if citation_el is not None:
            citation = " ".join(_plain(citation_el).split())
        if not citation:
            citation = str(sum(1 for b in self.notes if b.kind == kind) + 1)
        line.literal(f"[{citation}]")
        body = el.find(f"{{{TEXT}}}note-body")
        if body is None:
            return
        saved, self.open_ranges = self.open_ranges, {}
        text = clean_text("\n".join(b.text for b in self.blocks(body, in_list=False)))
        self.open_ranges = saved
        if text:
            self.notes.append(Block(f"[{kind.capitalize()} {citation}] {text}", kind=kind))

    def annotation(self, el) -> None:
        creator = el.find(f"{{{DC}}}creator")
        date = el.find(f"{{{DC}}}date")
        parts = []
        saved, self.open_ranges = self.open_ranges, {}
        for child in el:
            key = split_tag(child.tag)
            if key in ((TEXT, "p"), (TEXT, "h"), (TEXT, "list")):
                parts.extend(b.text for b in self.blocks([child], in_list=False))
        self.open_ranges = saved
        text = clean_text("\n".join(parts))
        memo = Memo(
            text=text,
            author=(" ".join(_plain(creator).split()) or None) if creator is not None else None,
            created=(_plain(date).strip() or None) if date is not None else None,
        )
        if text:
            self.memos.append(memo)
        range_name = el.get(f"{{{OFFICE}}}name")
        if range_name:
            self.open_ranges[range_name] = []
            self.range_memo[range_name] = memo

    def annotation_end(self, el) -> None:
        range_name = el.get(f"{{{OFFICE}}}name")
        buf = self.open_ranges.pop(range_name, None) if range_name else None
        memo = self.range_memo.get(range_name) if range_name else None
        if buf is not None and memo is not None:
            anchor = "\n\n".join(p for p in (clean_text(x) for x in "".join(buf).split("\n\n")) if p)
            memo.anchor_text = anchor or None


def _outline_level(value: str | None) -> int | None:
    """A text:h element's text:outline-level (1 = top), when it holds one."""
    return int(value) if value and value.isdigit() and 0 < int(value) <= 10 else None
