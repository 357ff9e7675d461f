"""Autocoding benchmark: rule suggestions against a plain regex keyword search, then semantic suggestions.

Run: .venv/bin/python bench/autocode.py [--words 1000000] [--segments 10000] [--repeat 3] [--no-semantic]
     .venv/bin/python bench/autocode.py --encoders [NAME,NAME,...] [--repeat 3]

`--encoders` compares sentence encoders instead (default: every installed one): the segments of the
sample corpus (corpus/, ingested as bench/quality.py does) embedded by each encoder in this process,
the encoders interleaved in each of --repeat rounds and each one's best round kept (this machine is
shared: the best round is the least disturbed), with segments/s, the ratio to all-MiniLM-L6-v2 on
torch and the cosine of each encoder's vectors to the torch ones (same model only).

Interviewer turns are included so both timings scan the same segments.
A deterministic synthetic corpus of interview turns (templates and word lists, no network) is
ingested into a temporary project with codebooks/manufacturing_regions.yaml (or a small built-in
codebook when that file is absent). Both rule timings are taken in this process over the same
segments: `suggest_rules` (reading segments, matching, writing suggestions) with the spaCy pipeline
already loaded, and one compiled case-insensitive alternation of every keyword and phrase with
word boundaries over the segment texts already in memory.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CODEBOOK = ROOT / "codebooks" / "manufacturing_regions.yaml"
FALLBACK_CODEBOOK = """\
version: 1
name: bench_fallback
codes:
  - id: skills_ageing
    label: Ageing skilled workforce
    description: Skilled workers retiring with nobody trained to replace them.
    patterns:
      keywords: [retirement, retirements, pensioners]
      phrases: [ageing workforce, aging workforce, older workers, succession planning]
      lemmas: [retire]
  - id: skills_shortage
    label: Skills shortage
    description: Firms cannot recruit the skilled people they need.
    patterns:
      keywords: [shortage, shortages, vacancies, unfilled]
      phrases: [skills gap, skills shortage, hard to fill, agency rates]
      lemmas: [recruit, poach]
      tokens:
        - [{LOWER: {IN: [shortage, lack]}}, {LOWER: of}, {LOWER: {IN: [welders, engineers, machinists, staff]}}]
  - id: skills_apprenticeships
    label: Apprenticeships
    description: Apprentices, the levy and training providers.
    patterns:
      keywords: [apprentice, apprentices, apprenticeship, apprenticeships, levy]
      phrases: [degree apprenticeship, training provider]
  - id: demand_weak
    label: Weak or volatile demand
    description: Orders falling, cancelled or lumpy; price pressure from customers.
    patterns:
      keywords: [cancelled, destocking, downturn]
      phrases: [order book, price pressure, cost down, orders dried up]
      tokens:
        - [{LOWER: {IN: [weak, falling, lumpy, soft]}}, {LOWER: {IN: [demand, orders, volumes]}}]
  - id: demand_localisation
    label: Localisation and reshoring
    description: Buyers bringing supply closer to home.
    patterns:
      keywords: [reshoring, onshoring, nearshoring]
      phrases: [supply chain resilience, local content, buy local]
      lemmas: [localise, reshore]
  - id: mark3_university_industry
    label: University and industry
    description: Work with universities and catapults.
    patterns:
      keywords: [catapult, catapults, university, universities]
      phrases: [knowledge transfer partnership, research centre]
"""

FILLER = [
    "Yeah, I think that's fair.", "To be honest it depends on the week.", "[laughs] That's a good question.",
    "We've been on this site since {year}, my {relative} started the business.",
    "I'd say we're about {n} people now, give or take.", "The energy bills went through the roof last winter.",
    "Our main markets are {sector} and {sector}, with a bit of {sector} on the side.",
    "It was a difficult couple of years after Covid, everybody struggled.",
    "The building is about {n} hundred square metres over two bays.", "We run two shifts, sometimes a third.",
    "You know what it's like round here, everyone knows everyone.", "I came up through the shop floor myself.",
    "The bank were fine with us, to be fair, once the numbers were there.",
    "We bought a new {machine} last year and it's paid for itself already.",
    "Most of the work comes through word of mouth in {place}.", "So that's the background, really.",
    "It's a family firm, {relative} still comes in on a Friday.", "Parking is a nightmare on this estate.",
    "The quality system took us two years to get through the audit.", "I wouldn't want to work anywhere else.",
    "We did a lot of {sector} work in the nineties, not so much now.", "That's changed a lot since {year}.",
]
THEMES = [
    "Half our {trade}s are over {age} and they'll be retiring in the next few years.",
    "When {name} retired we lost thirty years of know-how overnight.",
    "We have an ageing workforce and no succession planning to speak of.",
    "We can't recruit {trade}s for love nor money, the agency rates are ridiculous.",
    "There's a real skills gap in {skill}, the colleges don't teach it.",
    "Other firms just poach your people once you've trained them.",
    "We took on {n} apprentices this year through the levy.",
    "The training provider sends us lads who've never held a {tool}.",
    "The order book is full until {month}, then it falls off a cliff.",
    "Our biggest customer wants a {pct} percent cost down every year.",
    "Demand has been lumpy since {year}, orders dried up in the spring.",
    "Everyone talks about reshoring but I've not seen the orders yet.",
    "The primes want to localise the supply chain but won't commit to volumes.",
    "We did a knowledge transfer partnership with the university in {place}.",
    "The catapult let us try the {machine} before we bought one.",
]
QUESTIONS = [
    "Could you tell me a bit about {topic}?", "How does that compare with five years ago?",
    "And what about {topic}?", "Why do you think that is?", "Can you give me an example?",
]
SLOTS = {
    "year": [str(y) for y in range(1962, 2022)], "relative": ["dad", "grandad", "uncle", "mum", "father-in-law"],
    "n": [str(n) for n in range(3, 140)], "sector": ["aerospace", "defence", "rail", "automotive", "medical",
                                                    "nuclear", "oil and gas", "construction", "agricultural"],
    "machine": ["five-axis machine", "laser cutter", "press brake", "robot cell", "CMM", "waterjet"],
    "place": ["Tipton", "Walsall", "Rotherham", "Sunderland", "Barnsley", "Telford", "Dudley", "Wrexham"],
    "trade": ["welder", "machinist", "toolmaker", "fitter", "setter", "electrician", "fabricator", "plater"],
    "age": ["fifty", "fifty-five", "sixty", "55", "60"], "name": ["Dave", "Kev", "Sandra", "Pete", "Mick", "Raj"],
    "skill": ["CNC programming", "robot maintenance", "composites", "coded welding", "metrology", "PLC work"],
    "tool": ["file", "welding torch", "micrometer", "spanner"], "month": ["March", "June", "September", "Christmas"],
    "pct": ["three", "five", "ten", "2", "4"], "topic": ["recruitment", "your customers", "training", "the area",
                                                         "your suppliers", "the future", "investment"],
}
SLOT_RE = re.compile(r"\{(\w+)\}")


def fill(template: str, rng: random.Random) -> str:
    return SLOT_RE.sub(lambda m: rng.choice(SLOTS[m.group(1)]), template)


def corpus(n_words: int, seed: int = 11, theme_rate: float = 0.12, words_per_file: int = 10_000) -> list[str]:
    """Interview transcripts of about n_words words in total, as file texts with I:/R: turns."""
    rng = random.Random(seed)
    files, turns, total, in_file = [], [], 0, 0
    while total < n_words:
        question = fill(rng.choice(QUESTIONS), rng)
        answer = " ".join(fill(rng.choice(THEMES if rng.random() < theme_rate else FILLER), rng)
                          for _ in range(rng.randint(2, 9)))
        turns += [f"I: {question}", f"R: {answer}"]
        words = len(question.split()) + len(answer.split())
        total += words
        in_file += words
        if in_file >= words_per_file:
            files.append("\n\n".join(turns) + "\n")
            turns, in_file = [], 0
    if turns:
        files.append("\n\n".join(turns) + "\n")
    return files


def build_project(folder: Path, n_words: int):
    """A project in folder with the synthetic corpus and the codebook loaded; returns it and the codebook path."""
    from workbench.project import Project

    for i, text in enumerate(corpus(n_words)):
        (folder / f"int{i:04d}.txt").write_text(text, encoding="utf-8")
    codebook = CODEBOOK
    if not codebook.exists():
        codebook = folder / "bench_fallback.yaml"
        codebook.write_text(FALLBACK_CODEBOOK, encoding="utf-8")
    project = Project(folder / "bench.db")
    outcomes = project.documents.ingest(sorted(folder.glob("int*.txt")))
    assert all(o.status == "ingested" for o in outcomes), [o.error for o in outcomes if o.error]
    project.codebook.load(codebook)
    return project, codebook


def regex_baseline(codes: list[dict]):
    """One compiled alternation of every keyword and phrase: case-insensitive, word boundaries."""
    terms = {t for c in codes for key in ("keywords", "phrases") for t in (c["patterns"].get(key) or [])}
    alternatives = [r"\s+".join(map(re.escape, t.split())) for t in sorted(terms, key=len, reverse=True)]
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE), len(terms)


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def rules_benchmark(project, repeat: int = 3) -> dict:
    """suggest_rules (warm pipeline) against the regex baseline over the same segments."""
    from workbench.autocode.rules import suggest_rules
    from workbench.nlp.pipelines import lookup_nlp

    db = project.db
    started = time.perf_counter()
    lookup_nlp()  # the pipeline rules use unless a pattern needs the small model
    load_s = time.perf_counter() - started
    texts = segment_texts(db)
    words = sum(len(t.split()) for t in texts)

    def run_rules():
        db.execute("DELETE FROM suggestions")
        return suggest_rules(db, include_interviewer=True)
    rules_s, result = best_of(run_rules, repeat)
    pattern, n_terms = regex_baseline([c for c in project.codebook.codes() if c["patterns"]])
    regex_s, regex_hits = best_of(lambda: sum(1 for t in texts for _ in pattern.finditer(t)), repeat)
    regex_segments = sum(1 for t in texts if pattern.search(t))
    db.execute("DELETE FROM suggestions")
    tracemalloc.start()
    suggest_rules(db, include_interviewer=True)
    rules_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"words": words, "segments": len(texts), "pipeline": result["pipeline"], "load_s": load_s,
            "rules_s": rules_s, "rules_words_per_s": words / rules_s, "suggestions": result["new"],
            "sent_to_spacy": result["candidates"], "regex_s": regex_s, "regex_words_per_s": words / regex_s,
            "regex_terms": n_terms, "regex_hits": regex_hits, "regex_segments": regex_segments,
            "ratio": rules_s / regex_s, "rules_peak_python_mb": rules_peak / 2**20}


def semantic_benchmark(project, n_segments: int = 10_000) -> dict:
    """suggest_semantic over the first documents holding n_segments segments: cold cache, then warm with
    classifiers for three codes."""
    from workbench.autocode.semantic import MIN_WORDS, suggest_semantic
    from workbench.autocode.suggestions import accept, list_suggestions
    from workbench.embeddings.encoders import model

    db = project.db
    documents, count = [], 0
    for doc_id, n in db.execute("SELECT document_id, count(*) FROM segments WHERE length(text) - "
                                "length(replace(text, ' ', '')) + 1 >= ? GROUP BY document_id ORDER BY document_id",
                                [MIN_WORDS]):
        if count >= n_segments:
            break
        documents.append(doc_id)
        count += n
    started = time.perf_counter()
    model()
    load_s = time.perf_counter() - started
    db.execute("DELETE FROM suggestions")
    db.execute("DELETE FROM segment_embeddings")
    cold = suggest_semantic(db, document_ids=documents, include_interviewer=True)
    # Give three codes enough codings for their classifiers: accept their best rule suggestions.
    from workbench.autocode.rules import suggest_rules

    suggest_rules(db, document_ids=documents, include_interviewer=True)
    project.codings.add_coder("bench")
    top = sorted(cold["per_code"], key=lambda c: -len(list_suggestions(db, code_id=c, method="rules")))[:3]
    for code_id in top:
        accept(db, [s["id"] for s in list_suggestions(db, code_id=code_id, method="rules", limit=20)], "bench")
    db.execute("DELETE FROM suggestions WHERE method != 'rules'")
    warm = suggest_semantic(db, document_ids=documents, include_interviewer=True)
    classifiers = sorted(c for c, v in warm["per_code"].items() if v["method"] == "classifier")
    return {"segments": cold["segments"], "codes": cold["codes"], "load_s": load_s,
            "embed_s": cold["embed_seconds"], "segments_per_s": cold["segments"] / cold["embed_seconds"],
            "score_s": cold["score_seconds"], "suggestions": cold["new"], "warm_embed_s": warm["embed_seconds"],
            "warm_score_s": warm["score_seconds"], "classifier_codes": classifiers}


def segment_texts(db) -> list[str]:
    """The text of every segment of the project, in id order."""
    from workbench.store.segments import segment_batches

    _, batches = segment_batches(db, None, include_structure=True)
    return [row[4] for batch in batches for row in batch]


def encoder_benchmark(names: list[str], repeat: int = 3) -> tuple[int, list[dict]]:
    """Segments/s of each encoder over the sample corpus's segments, interleaved rounds, best round kept."""
    import numpy as np

    from workbench.embeddings.encoders import TORCH_MINILM, embed_texts, model
    from workbench.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "corpus.db")
        project.documents.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
        texts = segment_texts(project.db)
        project.close()
    names = [TORCH_MINILM] + [n for n in names if n != TORCH_MINILM]
    rows = {}
    for name in names:
        started = time.perf_counter()
        model(name)
        embed_texts(texts[:32], name=name)  # warm up
        rows[name] = {"name": name, "load_s": time.perf_counter() - started, "best_s": float("inf")}
    vectors = {}
    for _ in range(repeat):
        for name in names:
            started = time.perf_counter()
            vectors[name] = embed_texts(texts, name=name)
            rows[name]["best_s"] = min(rows[name]["best_s"], time.perf_counter() - started)
    base = rows[TORCH_MINILM]["best_s"]
    for name in names:
        row = rows[name]
        row["segments_per_s"] = len(texts) / row["best_s"]
        row["ratio"] = base / row["best_s"]
        if name.startswith(TORCH_MINILM) and name != TORCH_MINILM:
            cos = (vectors[name] * vectors[TORCH_MINILM]).sum(axis=1)
            row["cosine"] = (float(cos.mean()), float(np.percentile(cos, 1)), float(cos.min()))
    return len(texts), [rows[n] for n in names]


def print_encoders(names: list[str], repeat: int) -> None:
    import os

    n, rows = encoder_benchmark(names, repeat)
    print(f"Encoders: {n:,} segments of the sample corpus; best of {repeat} interleaved rounds; "
          f"{os.cpu_count()} CPUs; peak RSS at the end {peak_rss_mb():.0f} MB")
    print("| encoder | load (s, first use builds) | segments/s | x torch MiniLM | cosine to torch (mean / 1st pct / min) |")
    print("|---|---|---|---|---|")
    for r in rows:
        cos = " / ".join(f"{c:.3f}" for c in r["cosine"]) if "cosine" in r else ""
        print(f"| {r['name']} | {r['load_s']:.1f} | {r['segments_per_s']:,.0f} | {r['ratio']:.2f} | {cos} |")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-semantic", action="store_true")
    parser.add_argument("--encoders", nargs="?", const="installed", default=None,
                        help="compare sentence encoders (comma-separated names; default every installed one)")
    args = parser.parse_args(argv)
    if args.encoders:
        from workbench.embeddings.encoders import ENCODERS

        names = ([e.name for e in ENCODERS.values() if e.installed()] if args.encoders == "installed"
                 else [n for n in args.encoders.split(",") if n])
        print_encoders(names, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        project, codebook = build_project(Path(tmp), args.words)
        print(f"corpus: {project.summary()['words']:,} words, {project.summary()['segments']:,} segments "
              f"({time.perf_counter() - started:.1f} s to build); codebook {codebook.name}")
        r = rules_benchmark(project, args.repeat)
        print(f"\nRules ({r['pipeline']}; pipeline load {r['load_s']:.1f} s, once per process)")
        print("| what | seconds | words/s | found |")
        print("|---|---|---|---|")
        print(f"| suggest_rules | {r['rules_s']:.2f} | {r['rules_words_per_s']:,.0f} | {r['suggestions']:,} "
              f"suggestions ({r['sent_to_spacy']:,} of {r['segments']:,} segments went through spaCy) |")
        print(f"| regex baseline ({r['regex_terms']} terms) | {r['regex_s']:.2f} | {r['regex_words_per_s']:,.0f} | "
              f"{r['regex_hits']:,} hits in {r['regex_segments']:,} segments |")
        print(f"time ratio rules / regex: {r['ratio']:.2f} (goal <= 1.0); "
              f"rules peak Python allocations {r['rules_peak_python_mb']:.1f} MB; peak RSS {peak_rss_mb():.0f} MB")
        if not args.no_semantic:
            s = semantic_benchmark(project, args.segments)
            print(f"\nSemantic ({s['segments']:,} segments, {s['codes']} codes; model load {s['load_s']:.1f} s)")
            print("| what | seconds | rate |")
            print("|---|---|---|")
            print(f"| embed segments (cold cache) | {s['embed_s']:.1f} | {s['segments_per_s']:,.0f} segments/s |")
            print(f"| score (similarity, threshold) | {s['score_s']:.2f} | {s['suggestions']:,} suggestions |")
            print(f"| warm cache: read embeddings | {s['warm_embed_s']:.2f} | |")
            print(f"| warm: score with {len(s['classifier_codes'])} classifiers | {s['warm_score_s']:.2f} | "
                  f"{', '.join(s['classifier_codes'])} |")
            print(f"peak RSS {peak_rss_mb():.0f} MB")
        project.close()


if __name__ == "__main__":
    main()
