"""A document's title: the manifest's, else the format's own (docx core title, PDF metadata, HTML <title>,
markdown `# heading`), else the first heading-like line of a document, else the file name."""

from __future__ import annotations

from workbench.ingest.kinds import looks_like_heading

SOURCES = ("manifest", "metadata", "heading", "file_name")
_LOOK_AHEAD = 4  # segments at the top where a title may stand (after front matter)


def choose_title(manifest_title: str | None, format_title: str | None, built, file_stem: str) -> tuple[str, str]:
    """(title, where it came from: one of SOURCES); a title from a heading line or the file name is inferred."""
    if manifest_title:
        return manifest_title, "manifest"
    if format_title and format_title.strip():
        return format_title, "metadata"
    line = first_heading_line(built)
    if line:
        return line, "heading"
    return file_stem, "file_name"


def first_heading_line(built) -> str | None:
    """The first heading of a document that is no transcript, when it stands at the top."""
    if built.speakers:
        return None
    seen = 0
    for seg in built.segments:
        if seg.kind == "front_matter":
            continue
        raw = built.text[seg.start:seg.end]
        text = " ".join(raw.split())
        if seg.kind == "heading" and (looks_like_heading(text) or _title_like(raw)) and len(text.split()) >= 2:
            return text
        if seen == 0 and seg.kind == "paragraph" and _title_like(raw):
            return text
        seen += 1
        if seen >= _LOOK_AHEAD:
            return None
    return None


def _title_like(line: str) -> bool:
    """One short line that starts like a title and ends without punctuation."""
    words = line.split()
    return ("\n" not in line and 2 <= len(words) <= 15 and len(line) <= 150 and line[:1].isupper()
            and line.rstrip()[-1] not in ".,;:!?")


def is_inferred(source: str) -> bool:
    """Whether a title was guessed by the workbench rather than given by a person or the file's format."""
    return source in ("heading", "file_name")
