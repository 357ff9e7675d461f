"""The README's counts and figures agree with the corpus and with bench/RESULTS.md, so neither drifts unseen."""

from __future__ import annotations

import csv
import re
from collections import Counter

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RESULTS = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
# how the README's "The sample corpus" names each document type of the manifest: "N <phrase> (formats; ...)"
PHRASES = {"interview": "firm interviews", "focus_group": "focus groups", "notes": "sets of meeting notes",
           "document": "policy documents", "survey": "surveys of open answers"}


def number(word: str) -> int:
    return int(word) if word.isdigit() else WORDS[word.lower()]


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return " ".join(README[start:end if end > 0 else None].split())


def test_the_sample_corpus_section_counts_what_corpus_holds():
    sources = ROOT / "corpus" / "sources"
    with (ROOT / "corpus" / "manifest.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["file"] for r in rows) == sorted(
        p.relative_to(sources).as_posix() for p in sources.rglob("*") if p.is_file())
    counts = Counter(r["type"] for r in rows)
    assert set(counts) == set(PHRASES), "a document type the README does not describe"
    text = section("The sample corpus")
    assert f"{len(rows)} sources" in text
    for kind, phrase in PHRASES.items():
        found = re.search(rf"\b(\w+) {phrase} \(([^);]*)", text)
        assert found, f"the README does not say how many {phrase} the corpus holds"
        formats = {r["file"].rsplit(".", 1)[-1] for r in rows if r["type"] == kind}
        assert (number(found[1]), set(found[2].split(", "))) == (counts[kind], formats), phrase


def held_out_rounds() -> list[list[str]]:
    """The cells of the rows of bench/RESULTS.md's table of held-out measurements, one row per round."""
    rows = [line.split("|")[1:-1] for line in RESULTS.splitlines() if re.match(r"\| round \d+ \(", line)]
    assert [r[0].split()[1] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    return rows


def test_held_out_rounds_and_their_figures_match_bench_results():
    rounds = held_out_rounds()
    stated = re.findall(r"\b(\w+) (?:held-out )?rounds\b", " ".join(README.split()))
    assert stated and {number(w) for w in stated} == {len(rounds)}
    fresh = [float(r[2].split()[0]) for r in rounds]  # the "both, fresh" theme macro F1 of each round
    low, high = re.search(r"macro F1 (\d\.\d\d)-(\d\.\d\d) on \w+ held-out rounds", " ".join(README.split())).groups()
    assert (float(low), float(high)) == (min(fresh), max(fresh))
