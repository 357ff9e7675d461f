"""Errors a researcher can act on: each carries a message and a hint."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class for user-facing errors; anything else is a bug."""

    hint: str = ""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return self.message

    def one_line(self) -> str:
        """Message and hint on a single line, for batch reports."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ProjectError(WorkbenchError):
    """The project file cannot be opened or written."""

    hint = "check the --db path and that the file is a workbench project"


class NotFoundError(WorkbenchError):
    """A document, segment or other object does not exist."""

    hint = "list what exists with `workbench documents`"


class SearchQueryError(WorkbenchError):
    """A full-text query is not valid FTS5 syntax."""

    hint = 'quote phrases with double quotes, e.g. "supply chain"; use AND, OR, NOT and prefix*'


class ManifestError(WorkbenchError):
    """A manifest of document attributes cannot be read."""

    hint = "a manifest is CSV or YAML with a `file` column and any attribute columns"


class IngestError(WorkbenchError):
    """A source file cannot be turned into a document."""

    hint = "check the file opens in its usual program"


class UnsupportedFormatError(IngestError):
    hint = "save it as txt, md, docx, pdf, odt, rtf, html, vtt, srt, csv or xlsx"


class EmptyFileError(IngestError):
    hint = "the file has no content; check you exported the right file"


class NoTextError(IngestError):
    hint = "the file holds no text to code; check it is the right file"


class EncryptedFileError(IngestError):
    hint = "give the password with --password, or save an unprotected copy"


class NeedsOcrError(IngestError):
    hint = "the PDF has no text layer (scanned pages); run OCR on it (e.g. ocrmypdf) and ingest the result"


class CorruptFileError(IngestError):
    hint = "the file is damaged; re-export or re-download it"


class BinaryFileError(IngestError):
    hint = "the file is not text; check its extension matches its content"


class FileTooLargeError(IngestError):
    hint = "split the file, or raise the limit with --max-size"


class TimeLimitError(IngestError):
    hint = "raise the per-file limit with --time-limit, or split the file"


class UnsafeFileError(IngestError):
    hint = "the file contains unsafe content (path traversal, zip bomb or XML entities); it was not read"


class InvalidValueError(WorkbenchError):
    """An argument has a value the workbench does not accept."""

    hint = "see `workbench COMMAND --help` for the accepted values"


class CodebookError(WorkbenchError):
    """A codebook file or a codebook edit is not valid."""

    hint = "see codebooks/README.md for the format"


class CodingError(WorkbenchError):
    """A coding cannot be written (bad offsets, unknown code or coder, changed text)."""

    hint = "check the document's segments with `workbench segments DOC`"


class BlindError(WorkbenchError):
    """Blind coding is on: what the viewer asked for shows other coders' work."""

    hint = "a lead reveals the codings with `workbench blind off` (or on the Project page)"


class RefiError(WorkbenchError):
    """A REFI-QDA file (.qdpx project or .qdc codebook) cannot be read; nothing was imported."""

    hint = "export the project again from the QDA program as a REFI-QDA .qdpx (or the codebook as .qdc)"


class ExportError(WorkbenchError):
    """An export cannot be written (bad format, nothing to export, unwritable file)."""

    hint = "see `workbench export --help`"


class TopicError(WorkbenchError):
    """A topic run cannot be fitted, found or used (no segments, bad filter, unknown run or topic)."""

    hint = "list topic runs with `workbench topics list`"
