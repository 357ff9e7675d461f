"""Word .docx reader: body paragraphs and tables in order, notes after, comments as memos.

The package is opened with ``open_zip`` and every XML part is parsed with
``parse_xml`` (no entities, no DTD, no network); the WordprocessingML is walked
directly rather than through python-docx, so that content python-docx skips
(tracked insertions, content controls, text boxes, simple fields) is kept and
deleted text, field instructions and running headers/footers are not.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from urllib.parse import unquote

from workbench.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    UnsupportedFormatError,
    WorkbenchError,
)
from workbench.ingest._base import Block, Memo, ReadOptions, ReadResult
from workbench.ingest.archive import describe, open_zip, read_member
from workbench.xmlsafe import parse_xml, split_tag

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MATH_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_FALSE = {"0", "false", "off", "none"}
_SKIP_NOTE_TYPES = {"separator", "continuationSeparator", "continuationNotice"}

# A speaker label may follow a timestamp such as [00:12:31], (12:31) or 00:12:31.5
_TIMESTAMP = re.compile(r"[\[(]?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,3}))?[\])]?")
_HEADING_NAME = re.compile(r"^(heading\s*\d+|title)$", re.IGNORECASE)


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
    zf = open_zip(data, name, options.max_archive_bytes, options.max_archive_members)
    try:
        return _DocxReader(zf, name).read()
    except WorkbenchError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # zipfile, zlib, lxml and XML-structure failures in a damaged file
        raise CorruptFileError(f"{name}: damaged Word document ({describe(exc)})") from exc
    finally:
        zf.close()


def _own_text(el) -> str:
    """Text of a leaf element; unexpanded entity references contribute nothing."""
    return "".join([el.text or ""] + [child.tail or "" for child in el])


def clean_text(text: str) -> str:
    """Trailing spaces off each line, no blank lines, no outer whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip()).strip()


def _roman(n: int) -> str:
    out = []
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _timestamp_seconds(match: re.Match) -> float:
    a, b, c, frac = match.groups()
    if c is None:  # mm:ss
        seconds = int(a) * 60 + int(b)
    else:  # hh:mm:ss
        seconds = int(a) * 3600 + int(b) * 60 + int(c)
    if frac:
        seconds += int(frac) / (10 ** len(frac))
    return float(seconds)


def split_speaker(segments: list[tuple[str, bool]]):
    """Find a bold speaker label at the start of a paragraph.

    segments: (text, bold) pieces in order. Returns (text, speaker, time_start)
    with the text rewritten as "[ts] Name: rest", or None when the paragraph
    does not start with a bold label of 1-5 words followed by non-bold text.
    """
    text = "".join(t for t, _ in segments)
    mask: list[bool] = []
    for piece, bold in segments:
        mask.extend([bold] * len(piece))
    pos = 0
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    time_start = None
    ts_text = ""
    match = _TIMESTAMP.match(text, pos)
    if match and (match.end() == len(text) or not text[match.end()].isalnum()):
        ts_text = match.group(0)
        time_start = _timestamp_seconds(match)
        pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
    if pos >= len(text) or not mask[pos]:
        return None
    end = pos
    while end < len(text) and text[end] != "\n" and (mask[end] or text[end] in " \t"):
        end += 1
    label = text[pos:end].strip()
    rest = text[end:]
    if not rest.strip(" \t:"):
        return None  # the whole paragraph is bold: a heading, not a speaker turn
    if ":" in label:
        speaker, _, after = label.partition(":")
        rest = after + rest
        had_colon = True
    else:
        speaker = label
        had_colon = rest.lstrip(" \t").startswith(":")
    speaker = speaker.strip()
    words = speaker.split()
    if not 1 <= len(words) <= 5 or len(speaker) > 60 or not any(ch.isalpha() for ch in speaker):
        return None
    if speaker[-1] in ".!?,;\"'" or speaker[0] in "(\"'[":
        return None
    if not had_colon and not all(w[0].isupper() or w[0].isdigit() for w in words):
        return None
    rest = rest.lstrip(" \t")
    if rest.startswith(":"):
        rest = rest[1:].lstrip(" \t")
    if not rest.strip():
        return None
    prefix = f"{ts_text.strip()} " if ts_text else ""
    return f"{prefix}{speaker}: {rest}", speaker, time_start, had_colon or bool(ts_text)


class _Styles:
    """Paragraph and character styles from styles.xml, resolved through basedOn."""

    def __init__(self, root, w: str):
        self.w = w
        self.styles: dict[str, dict] = {}
        self.default_para: str | None = None
        if root is None:
            return
        for st in root.iter(f"{{{w}}}style"):
            sid = st.get(f"{{{w}}}styleId")
            if not sid:
                continue
            name_el = st.find(f"{{{w}}}name")
            based = st.find(f"{{{w}}}basedOn")
            ppr = st.find(f"{{{w}}}pPr")
            rpr = st.find(f"{{{w}}}rPr")
            info = {
                "name": (name_el.get(f"{{{w}}}val") or "") if name_el is not None else "",
                "based": based.get(f"{{{w}}}val") if based is not None else None,
                "numbered": _has_numbering(ppr, w),
                "outline": _outline(ppr, w),
                "bold": _bold_value(rpr, w),
            }
            self.styles[sid] = info
            if st.get(f"{{{w}}}type") == "paragraph" and st.get(f"{{{w}}}default") in ("1", "true", "on"):
                self.default_para = sid

    def chain(self, sid: str | None):
        seen = set()
        while sid and sid in self.styles and sid not in seen and len(seen) < 20:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid]["based"]

    def is_heading(self, sid: str | None) -> bool:
        for st in self.chain(sid):
            if _HEADING_NAME.match(st["name"].strip()):
                return True
            if st["outline"] is not None:
                return st["outline"] < 9
        return False

    def is_list(self, sid: str | None) -> bool:
        for st in self.chain(sid):
            if st["numbered"] or st["name"].strip().lower().startswith("list"):
                return True
        return False

    def bold(self, sid: str | None) -> bool | None:
        for st in self.chain(sid):
            if st["bold"] is not None:
                return st["bold"]
        return None


def _has_numbering(ppr, w: str) -> bool:
    if ppr is None:
        return False
    num = ppr.find(f"{{{w}}}numPr")
    if num is None:
        return False
    num_id = num.find(f"{{{w}}}numId")
    return num_id is None or num_id.get(f"{{{w}}}val", "1") != "0"


def _outline(ppr, w: str) -> int | None:
    if ppr is None:
        return None
    el = ppr.find(f"{{{w}}}outlineLvl")
    if el is None:
        return None
    try:
        return int(el.get(f"{{{w}}}val", "9"))
    except ValueError:
        return None


def _bold_value(rpr, w: str) -> bool | None:
    if rpr is None:
        return None
    b = rpr.find(f"{{{w}}}b")
    if b is None:
        return None
    return (b.get(f"{{{w}}}val") or "1").lower() not in _FALSE


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


def _drop_lone_bold_leads(blocks: list[Block], unmarked: dict[int, str]) -> None:
    """A bold lead-in with no colon or timestamp is a speaker only if the name recurs.

    Reports use bold lead-ins ("**Skills** The region lacks...") that look like
    speaker names; transcripts repeat their speakers. Lone ones get their text back.
    """
    from collections import Counter

    counts = Counter(b.speaker for b in blocks if b.speaker)
    for block in blocks:
        if id(block) in unmarked and counts[block.speaker] < 2:
            block.text, block.speaker, block.time_start = unmarked[id(block)], None, None


class _DocxReader:
    def __init__(self, zf: zipfile.ZipFile, name: str):
        self.zf = zf
        self.name = name
        self.warnings: list[str] = []
        self.lower_names = {n.lower(): n for n in zf.namelist()}
        self.w = ""
        self.styles: _Styles | None = None
        self.fields: list[bool] = []  # one per open field: True while in its instruction part
        self.open_comments: dict[str, list[str]] = {}
        self.anchors: dict[str, str] = {}
        self.note_numbers = {"footnote": {}, "endnote": {}}
        self.unmarked: dict[int, str] = {}  # id(block) -> text before a colon was added to a bold lead-in

    # -- package plumbing -------------------------------------------------
    def member(self, path: str) -> bytes | None:
        real = path if path in self.lower_names.values() else self.lower_names.get(path.lower())
        if real is None:
            return None
        return read_member(self.zf, real, self.name)

    def parse(self, path: str):
        data = self.member(path)
        if data is None:
            return None
        root, warnings = parse_xml(data, self.name, path)
        self.warnings.extend(w for w in warnings if w not in self.warnings)
        return root

    def rels(self, part: str) -> dict[str, str]:
        """Relationship type (last path segment) -> target part path, for one part."""
        rels_path = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        root = self.parse(rels_path)
        out: dict[str, str] = {}
        if root is None:
            return out
        for rel in root:
            if not isinstance(rel.tag, str) or rel.get("TargetMode", "").lower() == "external":
                continue
            kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
            target = unquote(rel.get("Target") or "")
            if not kind or not target:
                continue
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
            if path.startswith("..") or path.startswith("/"):
                continue
            out.setdefault(kind, path)
        return out

    # -- top level --------------------------------------------------------
    def read(self) -> ReadResult:
        name = self.name
        pkg = self.rels("")
        main = pkg.get("officeDocument", "word/document.xml")
        root = self.parse(main)
        if root is None and main != "word/document.xml":
            main = "word/document.xml"
            root = self.parse(main)
        if root is None:
            raise CorruptFileError(f"{name}: not a Word document (no word/document.xml in the package)")
        ns, local = split_tag(root.tag)
        if local != "document":
            raise CorruptFileError(f"{name}: not a Word document (main part is <{local}>, not <document>)")
        self.w = ns
        w = ns
        doc_rels = self.rels(main)
        base = posixpath.dirname(main)

        def part(kind: str, default: str) -> str:
            return doc_rels.get(kind, posixpath.join(base, default))

        styles_path = part("styles", "styles.xml")
        try:
            styles_root = self.parse(styles_path)
        except WorkbenchError:  # only headings and list kinds depend on it
            styles_root = None
            self.warnings.append(f"{name}: {styles_path} could not be read; heading and list styles were not applied")
        self.styles = _Styles(styles_root, w)

        blocks: list[Block] = []
        body = root.find(f"{{{w}}}body")
        if body is not None:
            blocks.extend(self.blocks(body))
        _drop_lone_bold_leads(blocks, self.unmarked)

        for kind, part_kind, default in (("footnote", "footnotes", "footnotes.xml"),
                                         ("endnote", "endnotes", "endnotes.xml")):
            notes_root = self.parse(part(part_kind, default)) if (part_kind in doc_rels or self.note_numbers[kind]) else None
            if notes_root is not None:
                blocks.extend(self.notes(notes_root, kind))

        memos: list[Memo] = []
        comments_root = self.parse(part("comments", "comments.xml")) if "comments" in doc_rels else None
        if comments_root is not None:
            memos = self.comments(comments_root)

        title = self.title(pkg.get("core-properties", "docProps/core.xml"))
        return ReadResult(blocks=blocks, title=title, warnings=list(self.warnings), memos=memos)

    def title(self, path: str) -> str | None:
        try:
            root = self.parse(path)
        except WorkbenchError:
            self.warnings.append(f"{self.name}: document properties ({path}) could not be read; title skipped")
            return None
        if root is None:
            return None
        for el in root.iter():
            if split_tag(el.tag)[1] == "title" and _own_text(el).strip():
                return " ".join(_own_text(el).split())
        return None

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
        outline = _outline(ppr, w)
        if styles.is_heading(style_id) or (outline is not None and outline < 9):
            kind = "heading"
        elif _has_numbering(ppr, w) or styles.is_list(style_id):
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
            block = Block(clean_text(raw), kind=kind)
            if kind == "paragraph":
                found = split_speaker(segments)
                if found is not None:
                    text, speaker, time_start, marked = found
                    if not marked:  # kept only if the name recurs (see _drop_lone_bold_leads)
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
                    self.emit(segments, _own_text(child), False)
                else:
                    self.inline(child, segments, para_bold, boxes)

    def run(self, r, segments: list, para_bold: bool, boxes: list) -> None:
        w = self.w
        rpr = r.find(f"{{{w}}}rPr")
        bold = _bold_value(rpr, w)
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
                self.emit(segments, _own_text(child), bold)
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
                numbers = self.note_numbers[kind]
                if nid not in numbers:
                    numbers[nid] = len(numbers) + 1
                label = str(numbers[nid]) if kind == "footnote" else _roman(numbers[nid])
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

    # -- notes and comments -----------------------------------------------
    def notes(self, root, kind: str) -> list[Block]:
        w = self.w
        numbers = self.note_numbers[kind]
        found: dict[str, Block] = {}
        order: list[str] = []
        for note in root:
            ns, local = split_tag(note.tag)
            if ns != w or local != kind:
                continue
            if note.get(f"{{{w}}}type") in _SKIP_NOTE_TYPES:
                continue
            nid = note.get(f"{{{w}}}id")
            if nid is None or nid in found:
                continue
            text = clean_text("\n".join(b.text for b in self.blocks(note)))
            if not text:
                continue
            if nid not in numbers:
                numbers[nid] = len(numbers) + 1
            label = str(numbers[nid]) if kind == "footnote" else _roman(numbers[nid])
            found[nid] = Block(f"[{kind.capitalize()} {label}] {text}", kind=kind)
            order.append(nid)
        order.sort(key=lambda nid: numbers[nid])
        return [found[nid] for nid in order]

    def comments(self, root) -> list[Memo]:
        w = self.w
        memos: list[Memo] = []
        fields, self.fields = self.fields, []
        open_comments, self.open_comments = self.open_comments, {}
        for comment in root:
            ns, local = split_tag(comment.tag)
            if ns != w or local != "comment":
                continue
            text = clean_text("\n".join(b.text for b in self.blocks(comment)))
            if not text:
                continue
            cid = comment.get(f"{{{w}}}id")
            anchor = self.anchors.get(cid) if cid is not None else None
            if anchor is None and cid in open_comments:  # range never closed
                anchor = "".join(open_comments[cid])
            anchor = "\n\n".join(p for p in (clean_text(x) for x in (anchor or "").split("\n\n")) if p)
            memos.append(Memo(
                text=text,
                author=(comment.get(f"{{{w}}}author") or "").strip() or None,
                created=(comment.get(f"{{{w}}}date") or "").strip() or None,
                anchor_text=anchor or None,
            ))
        self.fields = fields
        return memos
