"""Generate the set of real public documents that bench/segment.py measures (nothing here is committed but the list).

Run from the repository root:

    .venv/bin/python bench/public_docs/fetch.py                       # download from raw.githubusercontent.com
    .venv/bin/python bench/public_docs/fetch.py --git alphagov/publishing-api=/path/to/clone ...   # offline

Each source is one file at a pinned commit of a public GitHub repository (see README.md beside this script for
what each document is and its licence). Every file is checked against its SHA-256 before anything is written;
GOV.UK content items (JSON) become one HTML page each (the item's title as <title> and <h1>, its body below); the
FAA handbook PDF is also written as the plain text a PDF converter gives (pypdfium2's text layer).
The documents land in bench/public_docs/files/, which git ignores.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "files"
PUBLISHING_API = ("alphagov/publishing-api", "64d2c150d7272c08c7cc6d3520b45bd21c6011f2")
DOCLING = ("docling-project/docling", "e1cb2b234c48ff29746b0f2f843d07f8e23905a0")
GOVUK_EXAMPLES = "content_schemas/examples/html_publication/frontend/"


@dataclass(frozen=True)
class Source:
    name: str  # the file written under files/
    repo: str
    commit: str
    path: str
    sha256: str  # of the file in the repository
    convert: str = "copy"  # copy | govuk_html | pdf_text


SOURCES = (
    Source("dft_connecting_people_rail_vision_2017.html", *PUBLISHING_API, GOVUK_EXAMPLES + "best-practice-command-paper.json",
           "61fe040536fed980e47f96f0ef3016327e95ea80a02cb52223c58e74b540f49d", "govuk_html"),
    Source("hmt_spring_budget_2017.html", *PUBLISHING_API, GOVUK_EXAMPLES + "best-practice-HC-paper.json",
           "653ea2da791da328151d9b7346faf55c7a4ff542465976f06acd0c391862985f", "govuk_html"),
    Source("dwp_single_departmental_plan_2015_2020.html", *PUBLISHING_API,
           GOVUK_EXAMPLES + "stats_headline_and_manually_numbered_headings.json",
           "eb09ba186c9c0121d4373fd1aa715b68d7564330a6ecad5892bd7eb23c99934e", "govuk_html"),
    Source("plos_one_dairy_ghg_2020.md", *DOCLING, "tests/data/jats/groundtruth/pone.0234687.nxml.md",
           "56e2758fbd3f904603b2e6f6ce254e0efddaab1c8600b752322aaa64c2d10517"),
    Source("elife_krab_zfp_2020.md", *DOCLING, "tests/data/jats/groundtruth/elife-56337.nxml.md",
           "c1c8ece75d06b31ca6fffe9c045bb1c7403423096c861df71988f901f9ac4ba1"),
    Source("faa_amt_handbook_sample.pdf", *DOCLING, "tests/data/pdf/sources/amt_handbook_sample.pdf",
           "7099fe05ade36067cf66e72b23277972a1a2b7d2da1cb82c8d690efd70143fe0"),
    Source("faa_amt_handbook_sample_pdftext.txt", *DOCLING, "tests/data/pdf/sources/amt_handbook_sample.pdf",
           "7099fe05ade36067cf66e72b23277972a1a2b7d2da1cb82c8d690efd70143fe0", "pdf_text"),
)


def raw_bytes(source: Source, clones: dict[str, Path]) -> bytes:
    """The file at its commit: `git show` in a local clone when one is given, else raw.githubusercontent.com."""
    if source.repo in clones:
        return subprocess.run(["git", "-C", str(clones[source.repo]), "show", f"{source.commit}:{source.path}"],
                              capture_output=True, check=True).stdout
    url = f"https://raw.githubusercontent.com/{source.repo}/{source.commit}/{source.path}"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (a fixed https URL)
        return response.read()


def govuk_html(data: bytes) -> bytes:
    """A GOV.UK content item (publishing-api JSON) as the HTML page a reader would see: title, then body."""
    item = json.loads(data)
    title = html.escape(item["title"])
    body = item["details"]["body"]
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><h1>{title}</h1>{body}</body></html>").encode("utf-8")


def pdf_text(data: bytes) -> bytes:
    """Plain text as a PDF-to-text converter gives it (pdfium's text layer, page by page, lines as laid out): the
    hard line breaks, hyphenated breaks and page breaks that land inside sentences are what segmentation repairs."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    pages = [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf))]
    return "\n\n".join(page.strip() for page in pages).encode("utf-8")


CONVERT = {"copy": lambda data: data, "govuk_html": govuk_html, "pdf_text": pdf_text}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git", action="append", default=[], metavar="OWNER/NAME=PATH",
                        help="read that repository from a local clone (a git directory) instead of downloading")
    args = parser.parse_args()
    clones = dict((repo, Path(path)) for repo, _, path in (g.partition("=") for g in args.git))
    OUT.mkdir(exist_ok=True)
    failed = 0
    for source in SOURCES:
        try:
            data = raw_bytes(source, clones)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"{source.name}: could not read {source.repo}@{source.commit[:10]}:{source.path} ({exc})",
                  file=sys.stderr)
            failed += 1
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            print(f"{source.name}: SHA-256 {digest} is not the pinned {source.sha256}", file=sys.stderr)
            failed += 1
            continue
        out = CONVERT[source.convert](data)
        (OUT / source.name).write_bytes(out)
        print(f"{source.name}: {len(out):,} bytes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
