"""Word .docx reader: body paragraphs and tables in order, notes after, comments as memos.

The package is opened with ``open_zip`` and every XML part is parsed with
``parse_xml`` (no entities, no DTD, no network); the WordprocessingML is walked
directly rather than through python-docx, so that content python-docx skips
(tracked insertions, content controls, text boxes, simple fields) is kept and
deleted text, field instructions and running headers/footers are not.

This module walks the body; the package and its parts are in ``docx_package``,
styles in ``docx_styles``, notes and comments in ``docx_notes`` and speaker
labels in ``docx_speakers``.
"""

from __future__ import annotations

import posixpath
import zipfile

from workbench.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    UnsupportedFormatError,
    WorkbenchError,
)
from workbench.files.archive import open_container
from workbench.files.safe_xml import split_tag
from workbench.ingest._base import Block, Memo, ReadOptions, ReadResult
from workbench.ingest.readers.docx.notes import note_label, read_comments, read_notes
from workbench.ingest.readers.docx.package import DocxPackage, clean_text, own_text
from workbench.ingest.readers.docx.speakers import drop_lone_bold_leads, split_speaker
from workbench.ingest.readers.docx.styles import Styles, bold_value, has_numbering, outline_level

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MATH_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def read(data: bytes, name: str, options: ReadOptions) -> ReadResult:
    """Read a .docx file into blocks (body, then notes), memos (comments) and a title."""
    if not data:
        raise EmptyFileError(f"{name}: empty file (0 bytes)")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise EncryptedFileError(f"{name}: the Word document is password-protected (encrypted)")
        raise UnsupportedFormatError(
            f"{name}: this is a legacy Word .doc file (binary), not .docx",
            hint="open it in Word or LibreOffice and save it as .docx",
        )
    with open_container(data, name, options, "Word document") as zf:
        return _DocxReader(zf, name).read()


def _choose_branch(alt):
    """The one branch of mc:AlternateContent to read (first Choice, else Fallback)."""
    fallback = None
    for child in alt:
        ns, local = split_tag(child.tag)
        if ns != MC_NS:
            continue
        if local == "Choice":
            return child
        if local == "Fallback":
            fallback = child
    return fallback


class _DocxReader:
    """One document being read: the package, the styles, and state carried through the walk."""

    def __init__(self, zf: zipfile.ZipFile, name: str):
        self.package = DocxPackage(zf, name)
        self.name = name
        self.warnings = self.package.warnings
        self.w = ""
        self.styles: Styles | None = None
        self.fields: list[bool] = []  # one per open field: True while in its instruction part
        self.open_comments: dict[str, list[str]] = {}
        self.anchors: dict[str, str] = {}
        self.note_numbers = {"footnote": {}, "endnote": {}}
        self.unmarked: dict[int, str] = {}  # id(block) -> text before a colon was added to a bold lead-in

    # -- top level --------------------------------------------------------
    def read(self) -> ReadResult:
        """Body blocks, then footnotes and endnotes; comments as memos; the title."""
        name, package = self.name, self.package
        pkg = package.rels("")
        main = pkg.get("officeDocument", "word/document.xml")
        root = package.parse(main)
        if root is None and main != "word/document.xml":
            main = "word/document.xml"
            root = package.parse(main)
        if root is None:
            raise CorruptFileError(f"{name}: not a Word document (no word/document.xml in the package)")
        ns, local = split_tag(root.tag)
        if local != "document":
            raise CorruptFileError(f"{name}: not a Word document (main part is <{local}>, not <document>)")
        self.w = ns
        w = ns
        doc_rels = package.rels(main)
        base = posixpath.dirname(main)

        def part(kind: str, default: str) -> str:
            return doc_rels.get(kind, posixpath.join(base, default))

        styles_path = part("styles", "styles.xml")
        try:
            styles_root = package.parse(styles_path)
        except WorkbenchError:  # only headings and list kinds depend on it
            styles_root = None
            self.warnings.append(f"{name}: {styles_path} could not be read; heading and list styles were not applied")
        self.styles = Styles(styles_root, w)

        blocks: list[Block] = []
        body = root.find(f"{{{w}}}body")
        if body is not None:
            blocks.extend(self.blocks(body))
        drop_lone_bold_leads(blocks, self.unmarked)

        for kind, part_kind, default in (("footnote", "footnotes", "footnotes.xml"),
                                         ("endnote", "endnotes", "endnotes.xml")):
            notes_root = package.parse(part(part_kind, default)) if (part_kind in doc_rels or self.note_numbers[kind]) else None
            if notes_root is not None:
                blocks.extend(read_notes(self, notes_root, kind))

        memos: list[Memo] = []
        comments_root = package.parse(part("comments", "comments.xml")) if "comments" in doc_rels else None
        if comments_root is not None:
            memos = read_comments(self, comments_root)

        title = package.title(pkg.get("core-properties", "docProps/core.xml"))
        return ReadResult(blocks=blocks, title=title, warnings=list(self.warnings), memos=memos)

    # -- block level ------------------------------------------------------
    def blocks(self, container) -> list[Block]:
        w = self.w
        out: list[Block] = []
        for child in container:
            ns, local = split_tag(child.tag)
            if ns == w:
                if local == "p":
                    out.extend(self.paragraph(child))
                elif local == "tbl":
                    out.extend(self.table(child))
                elif local in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"):
                    out.extend(self.blocks(child))
                elif local in ("commentRangeStart", "commentRangeEnd"):
                    self.comment_mark(local, child)
                elif local == "altChunk":
                    msg = f"{self.name}: embedded content (altChunk) was not read"
                    if msg not in self.warnings:
                        self.warnings.append(msg)
            elif ns == MC_NS and local == "AlternateContent":
                branch = _choose_branch(child)
                if branch is not None:
                    out.extend(self.blocks(branch))
        return out

    def table(self, tbl) -> list[Block]:
        rows: list[Block] = []
        for tr in self.children(tbl, "tr"):
            cells = []
            for tc in self.children(tr, "tc"):
                cell_blocks = self.blocks(tc)
                cells.append("\n".join(b.text for b in cell_blocks))
            text = clean_text(" | ".join(cells))
            if any(c.strip() for c in cells) and text:
                rows.append(Block(text, kind="table_row"))
        return rows

    def children(self, el, local_name: str):
        """Direct children with a local name, looking through sdt/customXml wrappers."""
        w = self.w
        for child in el:
            ns, local = split_tag(child.tag)
            if ns != w:
                continue
            if local == local_name:
                yield child
            elif local in ("sdt", "sdtContent", "customXml", "ins", "moveTo"):
                yield from self.children(child, local_name)

    def paragraph(self, p) -> list[Block]:
        w = self.w
        styles = self.styles
        ppr = p.find(f"{{{w}}}pPr")
        style_id = None
        if ppr is not None:
            ps = ppr.find(f"{{{w}}}pStyle")
            if ps is not None:
                style_id = ps.get(f"{{{w}}}val")
        if style_id is None:
            style_id = styles.default_para
        outline = outline_level(ppr, w)
        level = None
        if styles.is_heading(style_id) or (outline is not None and outline < 9):
            kind = "heading"
            level = outline + 1 if outline is not None and outline < 9 else styles.heading_level(style_id)
        elif has_numbering(ppr, w) or styles.is_list(style_id):
            kind = "bullet"
        else:
            kind = "paragraph"
        para_bold = bool(styles.bold(style_id))

        segments: list[tuple[str, bool]] = []
        boxes: list = []
        self.inline(p, segments, para_bold, boxes)
        # a field's instruction part never runs past its paragraph in practice
        self.fields = [False for _ in self.fields]
        for buf in self.open_comments.values():
            buf.append("\n\n")

        out: list[Block] = []
        raw = "".join(t for t, _ in segments)
        if clean_text(raw):
            block = Block(clean_text(raw), kind=kind, level=level)
            if kind == "paragraph":
                found = split_speaker(segments)
                if found is not None:
                    text, speaker, time_start, marked = found
                    if not marked:  # kept only if the name recurs (see drop_lone_bold_leads)
                        self.unmarked[id(block)] = block.text
                    block.text = clean_text(text)
                    block.speaker = speaker
                    block.time_start = time_start
            out.append(block)
        for box in boxes:
            out.extend(self.blocks(box))
        return out

    # -- inline level -----------------------------------------------------
    def emit(self, segments: list, text: str, bold: bool) -> None:
        if not text or any(self.fields):
            return
        segments.append((text, bold))
        for buf in self.open_comments.values():
            buf.append(text)

    def comment_mark(self, local: str, el) -> None:
        cid = el.get(f"{{{self.w}}}id")
        if cid is None:
            return
        if local == "commentRangeStart":
            self.open_comments[cid] = []
        else:
            buf = self.open_comments.pop(cid, None)
            if buf is not None:
                self.anchors[cid] = "".join(buf)

    def inline(self, el, segments: list, para_bold: bool, boxes: list) -> None:
        w = self.w
        for child in el:
            ns, local = split_tag(child.tag)
            if ns == w:
                if local == "r":
                    self.run(child, segments, para_bold, boxes)
                elif local in ("hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple",
                               "dir", "bdo", "sdt", "sdtContent"):
                    self.inline(child, segments, para_bold, boxes)
                elif local in ("commentRangeStart", "commentRangeEnd"):
                    self.comment_mark(local, child)
                # w:del, w:moveFrom, w:pPr, w:sdtPr, bookmarks, proofErr...: no text
            elif ns == MC_NS and local == "AlternateContent":
                branch = _choose_branch(child)
                if branch is not None:
                    self.inline(branch, segments, para_bold, boxes)
            elif ns == MATH_NS:
                if local == "t":
                    self.emit(segments, own_text(child), False)
                else:
                    self.inline(child, segments, para_bold, boxes)

    def run(self, r, segments: list, para_bold: bool, boxes: list) -> None:
        w = self.w
        rpr = r.find(f"{{{w}}}rPr")
        bold = bold_value(rpr, w)
        if bold is None and rpr is not None:
            rs = rpr.find(f"{{{w}}}rStyle")
            if rs is not None:
                bold = self.styles.bold(rs.get(f"{{{w}}}val"))
        if bold is None:
            bold = para_bold
        self.run_content(r, segments, bold, boxes)

    def run_content(self, r, segments: list, bold: bool, boxes: list) -> None:
        w = self.w
        for child in r:
            ns, local = split_tag(child.tag)
            if ns == MC_NS and local == "AlternateContent":
                branch = _choose_branch(child)
                if branch is not None:
                    self.run_content(branch, segments, bold, boxes)
                continue
            if ns != w:
                if local in ("pict", "drawing", "object"):
                    boxes.extend(self.text_boxes(child))
                continue
            if local == "t":
                self.emit(segments, own_text(child), bold)
            elif local in ("tab", "ptab"):
                self.emit(segments, "\t", bold)
            elif local in ("br", "cr"):
                self.emit(segments, "\n", bold)
            elif local == "noBreakHyphen":
                self.emit(segments, "-", bold)
            elif local == "sym":
                code = child.get(f"{{{w}}}char") or ""
                try:
                    value = int(code, 16)
                except ValueError:
                    continue
                if 0x20 <= value < 0xD800 and not 0xE000 <= value <= 0xF8FF:
                    self.emit(segments, chr(value), bold)
            elif local == "fldChar":
                kind = child.get(f"{{{w}}}fldCharType")
                if kind == "begin":
                    self.fields.append(True)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = False
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif local in ("footnoteReference", "endnoteReference"):
                kind = "footnote" if local == "footnoteReference" else "endnote"
                nid = child.get(f"{{{w}}}id")
                if nid is None:
                    continue
                label = note_label(self.note_numbers[kind], nid, kind)
                self.emit(segments, f"[{label}]", False)
            elif local in ("pict", "drawing", "object"):
                boxes.extend(self.text_boxes(child))
            # delText, instrText, annotationRef, footnoteRef, lastRenderedPageBreak...: no text

    def text_boxes(self, el) -> list:
        """Outermost w:txbxContent elements inside a drawing, one branch of each AlternateContent."""
        found = []
        for child in el:
            ns, local = split_tag(child.tag)
            if ns == self.w and local == "txbxContent":
                found.append(child)
            elif ns == MC_NS and local == "AlternateContent":
                branch = _choose_branch(child)
                if branch is not None:
                    found.extend(self.text_boxes(branch))
            elif ns:
                found.extend(self.text_boxes(child))
        return found
