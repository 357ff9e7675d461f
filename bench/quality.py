"""Quality of automatic suggestions against the sample corpus's gold standard: tuning, dev and test splits.

Run: .venv/bin/python bench/quality.py [--splits tuning,dev,test] [--keep DB]

Builds a project in a temporary folder: ingests corpus/sources with corpus/manifest.csv, loads
codebooks/manufacturing_regions.yaml (and its training examples), computes suggestions with each
method (rules, semantic, both) from scratch and evaluates them with `project.suggestions.evaluate` (segment
units; theme = top-level code). Two situations:
  * fresh: nobody has coded yet; the semantic classifier learns from the codebook's training
    examples and example quotations only;
  * coded: the gold codings of the splits before the one evaluated (tuning < dev < test) are
    entered as a coder's codings, as a team would after coding part of its corpus by hand, and the
    classifier learns from them too.
The patterns and settings were written and chosen on tuning and dev; test is held out.
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


SPLITS = ("tuning", "dev", "test")
METHODS = (("rules", "rules"), ("semantic", "semantic"), ("both", "both"))


def row(label: str, situation: str, split: str, report: dict) -> str:
    theme, code = report["theme"]["macro"], report["code"]["macro"]
    return (f"| {label} | {situation} | {split} | {theme['precision']:.2f} | {theme['recall']:.2f} | **{theme['f1']:.2f}** | "
            f"{code['f1']:.2f} |")


def per_theme(report: dict) -> str:
    return "; ".join(f"{name} P {v['precision']:.2f} R {v['recall']:.2f} F1 {v['f1']:.2f}"
                     for name, v in sorted(report["theme"]["per_label"].items()))


def coded_before(project, split: str, splits: list[str]) -> None:
    """Enter the gold codings of the splits before `split` (tuning < dev < test) as coder `gold_coded`."""
    from workbench.autocode.evaluate import read_gold

    project.db.execute("DELETE FROM codings WHERE coder = 'gold_coded'")
    if "gold_coded" not in {c["name"] for c in project.codings.coders()}:
        project.codings.add_coder("gold_coded")
    for earlier in splits[:splits.index(split)]:
        _, spans = read_gold(project.db, GOLD, earlier)
        for doc_id, start, end, code in spans:
            project.codings.code(doc_id, start, end, code, "gold_coded")


def suggest(project, method: str) -> None:
    project.db.execute("DELETE FROM suggestions")
    project.suggestions.run(method)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", default="tuning,dev,test", help="comma-separated gold splits to report")
    parser.add_argument("--keep", help="build the project in this file (kept) instead of a temporary one")
    args = parser.parse_args()
    splits = [s for s in args.splits.split(",") if s]
    order = [s for s in SPLITS if s in splits or s != "test"]

    from workbench.project import Project

    folder = tempfile.mkdtemp(prefix="wb-quality-")
    project = Project(args.keep or os.path.join(folder, "quality.db"))
    started = time.perf_counter()
    project.documents.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
    loaded = project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
    print(f"project built in {time.perf_counter() - started:.1f} s; {loaded['training_examples']} training examples\n")
    print("| method | situation | split | theme P | theme R | theme macro F1 | code-level macro F1 |")
    print("|---|---|---|---|---|---|---|")
    details = []
    for method, label in METHODS:
        suggest(project, method)
        for split in splits:
            report = project.suggestions.evaluate(GOLD, method=method, split=split)
            print(row(label, "fresh", split, report))
            details.append(f"{label}, fresh, {split}: {per_theme(report)}")
    for split in splits:
        if split == order[0]:
            continue
        coded_before(project, split, order)
        situation = "coded: " + " + ".join(order[:order.index(split)])
        for method, label in METHODS[1:]:
            suggest(project, method)
            report = project.suggestions.evaluate(GOLD, method=method, split=split)
            print(row(label, situation, split, report))
            details.append(f"{label}, {situation}, {split}: {per_theme(report)}")
    print()
    for line in details:
        print("*", line)


if __name__ == "__main__":
    main()
