"""Quality of automatic suggestions against the sample corpus's gold standard, tuning and test splits.

Run: .venv/bin/python bench/quality.py [--splits tuning,test] [--keep DB]

Builds a fresh project in a temporary folder: ingests corpus/sources with corpus/manifest.csv, loads
codebooks/manufacturing_regions.yaml (and its training examples), computes rule and semantic
suggestions and evaluates them with `Project.evaluate` (segment units; theme = top-level code).
Two situations:
  * fresh project: nobody has coded yet; the semantic classifier learns from the codebook's
    training examples and example quotations only;
  * tuning part coded: the gold codings of the tuning part are entered as the codings of a coder
    (as a team would after coding some documents by hand), semantic suggestions are computed again
    and evaluated on the test part only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

GOLD = ROOT / "corpus" / "gold" / "gold_codings.csv"


def row(label: str, split: str, report: dict) -> str:
    theme, code = report["theme"]["macro"], report["code"]["macro"]
    return (f"| {label} | {split} | {theme['precision']:.2f} | {theme['recall']:.2f} | **{theme['f1']:.2f}** | "
            f"{code['f1']:.2f} |")


def per_theme(report: dict) -> str:
    return "; ".join(f"{name} P {v['precision']:.2f} R {v['recall']:.2f} F1 {v['f1']:.2f}"
                     for name, v in sorted(report["theme"]["per_label"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", default="tuning,test", help="comma-separated gold splits to report")
    parser.add_argument("--keep", help="build the project in this file (kept) instead of a temporary one")
    args = parser.parse_args()
    splits = [s for s in args.splits.split(",") if s]

    from workbench.autocode.evaluate import read_gold
    from workbench.project import Project

    folder = tempfile.mkdtemp(prefix="wb-quality-")
    project = Project(args.keep or os.path.join(folder, "quality.db"))
    started = time.perf_counter()
    project.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
    loaded = project.load_codebook(ROOT / "codebooks" / "manufacturing_regions.yaml")
    project.autocode("both")
    print(f"fresh project: {loaded['training_examples']} training examples, suggestions in "
          f"{time.perf_counter() - started:.1f} s\n")
    print("| method | split | theme P | theme R | theme macro F1 | code-level macro F1 |")
    print("|---|---|---|---|---|---|")
    details = []
    for split in splits:
        for method, label in (("rules", "rules"), ("semantic", "semantic"), ("both", "both (union)")):
            report = project.evaluate(GOLD, method=method, split=split)
            print(row(label, split, report))
            details.append(f"{label}, {split}: {per_theme(report)}")

    if "test" in splits:
        project.add_coder("tuning_gold")
        _, spans = read_gold(project.db, GOLD, "tuning")
        for doc_id, start, end, code in spans:
            project.code(doc_id, start, end, code, "tuning_gold")
        project.db.execute("DELETE FROM suggestions WHERE method IN ('semantic', 'classifier')")
        project.autocode("semantic")
        for method, label in (("semantic", "semantic, tuning part coded"), ("both", "both, tuning part coded")):
            report = project.evaluate(GOLD, method=method, split="test")
            print(row(label, "test", report))
            details.append(f"{label}, test: {per_theme(report)}")
    print()
    for line in details:
        print("*", line)


if __name__ == "__main__":
    main()
