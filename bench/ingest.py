"""Ingest benchmark: PDF pages/s against raw pypdfium2, txt and docx words/s, peak memory.

Run: .venv/bin/python bench/ingest.py [--pages 200] [--words 200000]
Every figure is measured in this process; the ratios compare our reader with a
baseline run on the same file in the same run.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

WORDS = ("supplier cluster apprentices welders demand signal OEM tier programme college skills region "
         "investment automation productivity order book reshoring catapult university grid connection "
         "battery aerospace machining composite castings price pressure procurement training engineers "
         "retirement graduates plan board funding capacity export lead times factory the a of and to in "
         "we they our with for on that is was be have not but more".split())


def transcript(n_words: int, seed: int = 7) -> list[tuple[str, str]]:
    """(speaker, turn) pairs of roughly n_words words."""
    rng = random.Random(seed)
    turns, total = [], 0
    while total < n_words:
        words = [rng.choice(WORDS) for _ in range(rng.randint(15, 120))]
        text = " ".join(words).capitalize() + "."
        turns.append(("I" if len(turns) % 2 == 0 else "R", text))
        total += len(words)
    return turns


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def ingest_seconds(path: Path) -> tuple[float, int]:
    """Time a full ingest (read, segment, store) of one file into a fresh project; also the segment count."""
    from workbench.project import Project

    segments = []

    def run():
        with tempfile.TemporaryDirectory() as tmp, Project(Path(tmp) / "b.db") as project:
            [outcome] = project.documents.ingest([path])
            assert outcome.status == "ingested", outcome.error
            segments.append(outcome.segments)
    return best_of(run), segments[-1]


def text_benchmark(n_words: int, tmp: Path) -> dict:
    path = tmp / "transcript.txt"
    path.write_text("\n\n".join(f"{s}: {t}" for s, t in transcript(n_words)))
    words = len(path.read_text().split())
    ours, segments = ingest_seconds(path)
    raw = best_of(lambda: path.read_bytes().decode("utf-8").split("\n\n"))
    return {"words": words, "segments": segments, "ours_s": ours, "words_per_s": words / ours, "raw_read_s": raw}


def docx_benchmark(n_words: int, tmp: Path) -> dict:
    import docx

    path = tmp / "transcript.docx"
    document = docx.Document()
    for speaker, text in transcript(n_words):
        para = document.add_paragraph()
        para.add_run(f"{speaker}:").bold = True
        para.add_run(" " + text)
    document.save(path)
    words = sum(len(p.text.split()) for p in docx.Document(path).paragraphs)
    ours, segments = ingest_seconds(path)
    raw = best_of(lambda: [p.text for p in docx.Document(path).paragraphs])
    return {"words": words, "segments": segments, "ours_s": ours, "words_per_s": words / ours, "raw_python_docx_s": raw,
            "ratio_vs_python_docx": ours / raw}


def peak_traced(fn) -> float:
    """Peak Python heap (MB) while fn runs."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--words", type=int, default=200_000)
    args = parser.parse_args()
    from ingest_pdf import run_pdf_benchmark

    pdf = run_pdf_benchmark(args.pages)
    print(f"PDF, {args.pages} pages, two columns with running header")
    for key, value in pdf.items():
        print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        txt = text_benchmark(args.words, tmp)
        print(f"TXT transcript, {txt['words']} words, {txt['segments']} turns: full ingest {txt['ours_s']:.2f} s = "
              f"{txt['words_per_s']:,.0f} words/s (raw read+split {txt['raw_read_s'] * 1000:.0f} ms)")
        dx = docx_benchmark(args.words // 4, tmp)
        print(f"DOCX transcript, {dx['words']} words, {dx['segments']} turns: full ingest {dx['ours_s']:.2f} s = "
              f"{dx['words_per_s']:,.0f} words/s; raw python-docx paragraph text {dx['raw_python_docx_s']:.2f} s; "
              f"ratio {dx['ratio_vs_python_docx']:.2f}x")
        txt_peak = peak_traced(lambda: _ingest_once(tmp / "transcript.txt"))
        print(f"Peak Python heap, one txt ingest: {txt_peak:.0f} MB")
    print(f"Peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _ingest_once(path: Path) -> None:
    from workbench.project import Project

    with tempfile.TemporaryDirectory() as tmp, Project(Path(tmp) / "b.db") as project:
        project.documents.ingest([path])


if __name__ == "__main__":
    main()
