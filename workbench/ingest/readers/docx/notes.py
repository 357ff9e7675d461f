"""Word footnotes, endnotes and comments: note labels, note blocks, comments as memos."""

from __future__ import annotations

from workbench.files.safe_xml import split_tag
from workbench.ingest._base import Block, Memo, note_mark
from workbench.ingest.readers.docx.package import clean_text

_SKIP_NOTE_TYPES = {"separator", "continuationSeparator", "continuationNotice"}



def note_label(numbers: dict[str, int], nid: str, kind: str) -> str:
    """A note's label, numbering it on first sight: footnotes 1, 2, ...; endnotes i, ii, ..."""
    if nid not in numbers:
        numbers[nid] = len(numbers) + 1
    return note_mark(kind, numbers[nid])


def read_notes(reader, root, kind: str) -> list[Block]:
    """The notes of a footnotes/endnotes part as blocks "[Footnote 1] text", in label order.

    reader: the ``_DocxReader`` of the document, whose body walk reads each note
    and whose ``note_numbers`` hold the numbers given by references in the body.
    """
    w = reader.w
    numbers = reader.note_numbers[kind]
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
        text = clean_text("\n".join(b.text for b in reader.blocks(note)))
        if not text:
            continue
        label = note_label(numbers, nid, kind)
        found[nid] = Block(f"[{kind.capitalize()} {label}] {text}", kind=kind)
        order.append(nid)
    order.sort(key=lambda nid: numbers[nid])
    return [found[nid] for nid in order]


def read_comments(reader, root) -> list[Memo]:
    """The comments part as memos, each with the body text its range covered as anchor.

    reader: the ``_DocxReader`` of the document, after its body walk (which
    gathered the comment anchors); its field and open-comment state is set
    aside while the comments themselves are read.
    """
    w = reader.w
    memos: list[Memo] = []
    fields, reader.fields = reader.fields, []
    open_comments, reader.open_comments = reader.open_comments, {}
    for comment in root:
        ns, local = split_tag(comment.tag)
        if ns != w or local != "comment":
            continue
        text = clean_text("\n".join(b.text for b in reader.blocks(comment)))
        if not text:
            continue
        cid = comment.get(f"{{{w}}}id")
        anchor = reader.anchors.get(cid) if cid is not None else None
        if anchor is None and cid in open_comments:  # range never closed
            anchor = "".join(open_comments[cid])
        anchor = "\n\n".join(p for p in (clean_text(x) for x in (anchor or "").split("\n\n")) if p)
        memos.append(Memo(
            text=text,
            author=(comment.get(f"{{{w}}}author") or "").strip() or None,
            created=(comment.get(f"{{{w}}}date") or "").strip() or None,
            anchor_text=anchor or None,
        ))
    reader.fields = fields
    return memos
