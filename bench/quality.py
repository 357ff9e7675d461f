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
# auto (the gated default) runs only in the coded situations: before any coding every code is off.
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


def gated(project, split: str):
    """Validate on the coder gold_coded (the splits before `split`), run auto and evaluate it on `split`;
    returns the report and the precision the validation shows per theme for the gated default."""
    project.db.execute("DELETE FROM suggestions")
    validation = project.validation.run("gold_coded")
    project.suggestions.run("auto")
    report = project.suggestions.evaluate(GOLD, method="auto", split=split)
    shown = {theme: v["gated"]["precision"] for theme, v in validation["results"]["themes"].items()}
    return report, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", default="tuning,dev,test", help="comma-separated gold splits to report")
    parser.add_argument("--keep", help="build the project in this file (kept) instead of a temporary one")
    parser.add_argument("--curve", action="store_true",
                        help="also the learning curve on the test split: theme macro F1 after 25, 50, 100, 200 "
                             "passages chosen by the `next` queue versus at random (bench/learning_curve.py)")
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
    calibration = []
    for split in splits:
        if split == order[0]:
            continue
        coded_before(project, split, order)
        report, shown = gated(project, split)
        situation = "coded: " + " + ".join(order[:order.index(split)])
        print(row("auto (gated)", situation, split, report))
        details.append(f"auto (gated), {situation}, {split}: {per_theme(report)}")
        calibration += [(split, theme, shown[theme], v["precision"]) for theme, v in
                        sorted(report["theme"]["per_label"].items()) if theme in shown]
    print()
    for line in details:
        print("*", line)
    if calibration:
        print("\nShown precision (the validation's, per theme, gated default) against measured on the split:\n")
        print("| split | theme | shown | measured | difference |\n|---|---|---|---|---|")
        for split, theme, shown_p, measured in calibration:
            print(f"| {split} | {theme} | {shown_p:.2f} | {measured:.2f} | {measured - shown_p:+.2f} |")
    if args.curve:
        from learning_curve import learning_curve

        learning_curve(project, GOLD)


if __name__ == "__main__":
    main()
