"""PDF page layout: the page model (fragments, lines, pages) shared by the layout steps.

Used by ``workbench.ingest.readers.pdf``. The text and its geometry come from pdfium's
text page: pdfium already orders characters in content-stream order and breaks
them into lines ("\\r\\n"); for each line we ask for its text-run rectangles
(one per text object, ``FPDFText_CountRects``/``GetRect``), split a line where
two runs are more than about an em apart (columns drawn row by row, table
cells) and keep the font size (``pdf_lines``). Everything after that is pure
Python on a few hundred fragments per page:

* running headers/footers (``pdf_running``): fragments in the top or bottom band
  of the page whose text, with digits replaced, recurs at the same height on many
  pages, and page-number lines ("3", "Page 3", "3 of 12", "- 3 -");
* columns (``pdf_columns``): a vertical strip in the middle of the text area
  crossed only by full-width lines, with column-like text (lines filling their
  column) on both sides; full-width lines split the page into bands, and each
  band is read left column first. A gutter found on most pages is reused on
  pages where the evidence is thin (e.g. a last page with two lines in the
  right column);
* blocks (``pdf_blocks``): lines are grouped into paragraphs by vertical gaps,
  size changes, first-line indents and bullet markers; large type becomes a
  heading and rows of aligned cells become table rows.
"""

from __future__ import annotations

# list-marker glyphs: strong ones are bullets wherever they stand, weak ones (dashes) only before a space
STRONG_BULLETS = "•◦▪▫■□●○‣⁃∙·➢➤►▶✓✔❖\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf0a4"
WEAK_BULLETS = "-–—*"


class Frag:
    """A run of text on one line: its box in display coordinates (y up), size, line id.

    A fragment alone on its row also serves as a ``Line`` (same attributes), which
    saves building a second object for most lines of a page.
    """

    __slots__ = ("drop", "line", "listed", "size", "text", "x0", "x1", "y0", "y1")

    def __init__(self, text, x0, y0, x1, y1, size, line, listed=False):
        self.text, self.x0, self.y0, self.x1, self.y1 = text, x0, y0, x1, y1
        self.size, self.line, self.drop = size, line, False
        self.listed = listed  # a list marker set apart from its text by a gap (tab)

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def cells(self) -> list[str]:
        return [self.text]

    @property
    def cells_x(self) -> list[float]:
        return [self.x0]

    @property
    def spans(self) -> list[tuple[float, float]]:
        return [(self.x0, self.x1)]

    def can_join(self, other) -> bool:
        """Whether another line's cells fit between this line's cells without overlapping."""
        return not any(a < d and c < b for a, b in self.spans for c, d in other.spans)

    def join(self, other) -> Line:
        """This line and another on the same row, cells in x order."""
        cells = sorted(zip(self.spans + other.spans, self.cells + other.cells, strict=True))
        both = Line.__new__(Line)
        both.spans = [span for span, _ in cells]
        both.cells = [text for _, text in cells]
        both.cells_x = [span[0] for span in both.spans]
        both.text = " ".join(both.cells)
        both.x0, both.x1 = min(self.x0, other.x0), max(self.x1, other.x1)
        both.y0, both.y1 = min(self.y0, other.y0), max(self.y1, other.y1)
        both.size = self.size if len(self.text) >= len(other.text) else other.size
        both.listed = (self if self.x0 <= other.x0 else other).listed
        return both


class Line:
    """One visual line in a column: the fragments (cells) of one row, left to right."""

    __slots__ = ("cells", "cells_x", "listed", "size", "spans", "text", "x0", "x1", "y0", "y1")

    def __init__(self, frags: list[Frag]):
        frags = sorted(frags, key=lambda f: f.x0)
        self.cells = [f.text for f in frags]
        self.cells_x = [f.x0 for f in frags]
        self.spans = [(f.x0, f.x1) for f in frags]
        self.text = " ".join(self.cells)
        self.x0 = frags[0].x0
        self.x1 = max(f.x1 for f in frags)
        self.y0 = min(f.y0 for f in frags)
        self.y1 = max(f.y1 for f in frags)
        # the size of the longest fragment stands for the line
        self.size = max(frags, key=lambda f: len(f.text)).size
        self.listed = frags[0].listed

    can_join = Frag.can_join
    join = Frag.join


class PageText:
    """What the extraction pass keeps of one page."""

    __slots__ = ("frags", "gutter", "height", "number", "runs", "width")

    def __init__(self, number: int, width: float, height: float, frags: list[Frag]):
        self.number, self.width, self.height, self.frags = number, width, height, frags
        self.runs: list[list[Line]] = []
        self.gutter: tuple[float, float] | None = None
