"""Segmentation as a reader reads: today's rules against the segmentation before them, in one process.

Run: .venv/bin/python bench/segment.py [PATH ...]   (default: the sample corpus, then bench/public_docs/files if
     generated with bench/public_docs/fetch.py; each reported as its own set)
     .venv/bin/python bench/segment.py --sample 100 bench/public_docs/files   (100 random segments to check by hand)

For every file that is no transcript it reads the blocks once, then segments them with the old code (the
committed `workbench/ingest/segment.py` at git HEAD or the revision given by --old-rev, loaded from git) and
with today's, and prints per document and per set:
  * paragraphs that end mid-sentence: a paragraph followed by a paragraph that carries its sentence on (lower-case
    start, hyphenated break, open bracket or quote), as a share of paragraphs;
  * headings found;
  * reference entries left in the suggestion scope: segments in scope (old: everything but headings, as old
    suggestions ran on every segment; new: all but STRUCTURE_KINDS) that lie in a References/Bibliography section
    (from its heading line to the next line that opens an appendix, notes, acknowledgements or supporting
    information, or the end) or have the shape of a bibliography entry;
  * the time to segment (best of 3, summed). The old code split long paragraphs into sentences with spaCy, imported
    on first use; the one-off cost of that import in a fresh process is measured in a subprocess and reported
    beside the steady-state times when the old code needed it for the set.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PUBLIC = ROOT / "bench" / "public_docs" / "files"
_AFTER_REFERENCES = re.compile(r"^(?:#+ *)?(?:\d+\.? *)?(?:appendi|annex|notes?$|endnotes|acknowledg|supporting inf|"
                               r"supplementary|author contributions|figures? and tables)", re.IGNORECASE | re.MULTILINE)


def old_segmenter(rev: str):
    """The build_document of `workbench/ingest/segment.py` at a git revision, as a module of its own."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:workbench/ingest/segment.py"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_segment")
    sys.modules["old_segment"] = module  # dataclasses look their module up
    exec(compile(source, "old_segment.py", "exec"), module.__dict__)
    return module.build_document


def reference_region(text: str) -> tuple[int, int] | None:
    """[start, end) of the text's last References/Bibliography section, found from its lines alone."""
    from workbench.ingest.kinds import REFERENCE_HEADING

    starts = [m.start() for m in re.finditer(r"^.*$", text, re.MULTILINE)
              if REFERENCE_HEADING.match(m.group().lstrip("# ").strip())]
    if not starts:
        return None
    after = _AFTER_REFERENCES.search(text, starts[-1] + 1)
    return starts[-1], after.start() if after else len(text)


def measure(built, out_of_scope) -> dict:
    from workbench.ingest.kinds import is_reference_entry
    from workbench.ingest.repair import continues

    segs = built.segments
    texts = [built.text[s.start:s.end] for s in segs]
    paragraphs = [i for i, s in enumerate(segs) if s.kind == "paragraph"]
    mid = sum(1 for i in paragraphs if i + 1 < len(segs) and segs[i + 1].kind == "paragraph"
              and continues(texts[i], texts[i + 1]))
    region = reference_region(built.text)
    refs = sum(1 for s, t in zip(segs, texts) if s.kind not in out_of_scope and (
        is_reference_entry(t) or (region and region[0] < s.start < region[1])))
    return {"segments": len(segs), "paragraphs": len(paragraphs), "mid_sentence": mid,
            "headings": sum(1 for s in segs if s.kind == "heading"), "refs_in_scope": refs}


def best_time(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def spacy_load_seconds() -> float:
    """What the old code's first long paragraph cost a fresh process: import spaCy, a blank pipeline, a sentencizer."""
    code = ("import time; t = time.perf_counter(); import spacy; nlp = spacy.blank('en'); nlp.add_pipe('sentencizer');"
            " nlp('One. Two.'); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def documents(paths):
    """(file name, blocks, join_lines) of every file that is no caption or survey file."""
    from workbench.ingest._base import ReadOptions
    from workbench.ingest.pipeline import iter_sources, read_source
    from workbench.ingest.readers import format_of, is_supported

    for source in iter_sources(paths):
        path = getattr(source, "path", None)
        if path is None or not is_supported(path) or format_of(path) in ("vtt", "srt", "csv", "xlsx"):
            continue
        _, results = read_source(path, ReadOptions(), 512 * 1024 * 1024)
        for result in results:
            yield path.name, result.blocks, format_of(path) == "pdf"


def run_set(label: str, paths, old_build) -> None:
    from workbench.ingest.segment import build_document
    from workbench.store.segments import STRUCTURE_KINDS

    totals = {"old": {}, "new": {}}
    times = {"old": 0.0, "new": 0.0}
    had_spacy = "spacy" in sys.modules
    print(f"\n### {label}\n")
    print("| document | segments old/new | paragraphs ending mid-sentence old/new | headings old/new | "
          "references in scope old/new |")
    print("|---|---|---|---|---|")
    for name, blocks, join in documents(paths):
        new = build_document(blocks, join_lines=join)
        if new.speakers:
            continue  # transcripts: speaker turns, unchanged
        old = old_build(blocks, join_lines=join)
        times["old"] += best_time(lambda: old_build(blocks, join_lines=join))
        times["new"] += best_time(lambda: build_document(blocks, join_lines=join))
        row = {"old": measure(old, ("heading",)), "new": measure(new, STRUCTURE_KINDS)}
        for side in row:
            for key, value in row[side].items():
                totals[side][key] = totals[side].get(key, 0) + value
        o, n = row["old"], row["new"]
        print(f"| {name} | {o['segments']}/{n['segments']} | {o['mid_sentence']}/{n['mid_sentence']} | "
              f"{o['headings']}/{n['headings']} | {o['refs_in_scope']}/{n['refs_in_scope']} |")
    o, n = totals["old"], totals["new"]

    def share(t):
        return 100 * t.get("mid_sentence", 0) / max(1, t.get("paragraphs", 0))

    print(f"\n{label}: segments {o.get('segments', 0)} -> {n.get('segments', 0)}; paragraphs ending mid-sentence "
          f"{o.get('mid_sentence', 0)} of {o.get('paragraphs', 0)} ({share(o):.2f}%) -> {n.get('mid_sentence', 0)} of "
          f"{n.get('paragraphs', 0)} ({share(n):.2f}%); headings {o.get('headings', 0)} -> {n.get('headings', 0)}; "
          f"reference entries in the suggestion scope {o.get('refs_in_scope', 0)} -> {n.get('refs_in_scope', 0)}")
    line = (f"time to segment (best of 3, summed): old {times['old'] * 1000:.0f} ms, new {times['new'] * 1000:.0f} ms "
            f"({times['new'] / max(times['old'], 1e-9):.2f}x)")
    if not had_spacy and "spacy" in sys.modules:
        load = spacy_load_seconds()
        first = times["old"] + load
        line += (f"; the old code loaded spaCy for this set, {load * 1000:.0f} ms once per process: old with it "
                 f"{first * 1000:.0f} ms, new/old {times['new'] / first:.2f}x")
    print(line)


def sample(paths, n: int, seed: int) -> None:
    """n random segments of today's segmentation, numbered, to check their kinds by hand."""
    from workbench.ingest.segment import build_document

    found = []
    for name, blocks, join in documents(paths):
        built = build_document(blocks, join_lines=join)
        found += [(name, s, built.text[s.start:s.end]) for s in built.segments]
    picked = sorted(random.Random(seed).sample(range(len(found)), min(n, len(found))))
    print("| # | document | kind | level | text |\n|---|---|---|---|---|")
    for k, i in enumerate(picked, 1):
        name, s, text = found[i]
        print(f"| {k} | {name[:28]} | {s.kind} | {s.level or ''} | {' '.join(text.split())[:110]} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--old-rev", default="HEAD", help="git revision of the old segmentation (default HEAD)")
    parser.add_argument("--sample", type=int, metavar="N", help="print N random segments to check by hand instead")
    parser.add_argument("--seed", type=int, default=17, help="seed of --sample (default 17)")
    args = parser.parse_args()
    if args.sample:
        sample([Path(p) for p in args.paths] or [PUBLIC], args.sample, args.seed)
        return
    old_build = old_segmenter(args.old_rev)
    if args.paths:
        run_set("given files", [Path(p) for p in args.paths], old_build)
        return
    run_set("sample corpus (corpus/sources, documents and notes)", [ROOT / "corpus" / "sources"], old_build)
    if PUBLIC.exists():
        run_set("real public documents (bench/public_docs)", [PUBLIC], old_build)
    else:
        print("\n(bench/public_docs/files is absent: generate it with bench/public_docs/fetch.py)")


if __name__ == "__main__":
    main()
