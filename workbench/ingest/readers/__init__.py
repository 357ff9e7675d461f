"""Which reader handles which file extension; readers are imported on first use."""

from __future__ import annotations

import importlib
from pathlib import Path

from workbench.errors import UnsupportedFormatError

# extension -> (module, format name)
READERS: dict[str, tuple[str, str]] = {
    ".txt": ("workbench.ingest.readers.text", "txt"),
    ".text": ("workbench.ingest.readers.text", "txt"),
    ".md": ("workbench.ingest.readers.text", "md"),
    ".markdown": ("workbench.ingest.readers.text", "md"),
    ".docx": ("workbench.ingest.readers.docx", "docx"),
    ".pdf": ("workbench.ingest.readers.pdf", "pdf"),
    ".odt": ("workbench.ingest.readers.odt", "odt"),
    ".rtf": ("workbench.ingest.readers.rtf", "rtf"),
    ".html": ("workbench.ingest.readers.html", "html"),
    ".htm": ("workbench.ingest.readers.html", "html"),
    ".vtt": ("workbench.ingest.readers.captions", "vtt"),
    ".srt": ("workbench.ingest.readers.captions", "srt"),
    ".csv": ("workbench.ingest.readers.survey", "csv"),
    ".xlsx": ("workbench.ingest.readers.survey", "xlsx"),
}


def format_of(path: Path) -> str:
    """The format name for a path, or UnsupportedFormatError."""
    ext = path.suffix.lower()
    if ext not in READERS:
        shown = ext or "no extension"
        raise UnsupportedFormatError(f"{path.name}: unsupported file type ({shown})")
    return READERS[ext][1]


def reader_for(path: Path):
    """The reader module for a path.

    Its read(data, name, options) returns a ReadResult, or a list of them for
    files that hold several documents (survey rows).
    """
    format_of(path)
    return importlib.import_module(READERS[path.suffix.lower()][0])


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in READERS
