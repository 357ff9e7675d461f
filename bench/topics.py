"""Topic-model benchmark: BERTopic runs (minilm or tfidf embedder) against scikit-learn NMF on TF-IDF.

Run: .venv/bin/python bench/topics.py [--sizes 2000,10000,50000] [--embedders tfidf,minilm] [--keep DIR]

For each size a project is built from synthetic respondent turns (bench/synthetic.py, seeded; one
interviewer question before each turn, left out of the fit as usual). Each (size, embedder) runs in a
fresh subprocess so its first fit is truly cold (imports, numba compilation, model loading,
embeddings computed) and its peak memory (max RSS of that process) is its own. In that process:
1. cold fit, 2. warm fit of the same segments (embeddings from the project's cache), 3. the baseline
a user would otherwise pick: TfidfVectorizer (same stop words) + NMF with as many topics as the warm
fit found, over the same segment texts. Coherence is NPMI of each topic's top 10 words over the
segments (workbench.topics.coherence), the same function for both. HDBSCAN's minimum topic size is
max(10, 0.5% of the segments), so large corpora are not cut into hundreds of micro-topics.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TURNS_PER_DOCUMENT = 200


def build(path: Path, n: int, seed: int = 0) -> dict:
    """A project holding n respondent turns (and n interviewer questions) in documents of 200 turns."""
    import synthetic

    from workbench.project import Project

    started = time.perf_counter()
    turns = synthetic.synthetic_segments(n, seed=seed)
    with tempfile.TemporaryDirectory() as tmp, Project(path) as project:
        for k in range(0, n, TURNS_PER_DOCUMENT):
            text = "\n\n".join(f"I: Question {j + 1}, can you say more?\n\nR: {turn}"
                               for j, turn in enumerate(turns[k:k + TURNS_PER_DOCUMENT]))
            Path(tmp, f"int{k // TURNS_PER_DOCUMENT:05d}.txt").write_text("FICTIONAL\n\n" + text + "\n", encoding="utf-8")
        outcomes = project.documents.ingest([tmp])
        failed = [o for o in outcomes if o.status != "ingested"]
        assert not failed, failed[:3]
        respondents = next(project.db.query("SELECT count(*) AS n FROM segments WHERE speaker = 'R'"))["n"]
    return {"segments": respondents, "build_seconds": round(time.perf_counter() - started, 1)}


def nmf_baseline(texts: list[str], k: int, seed: int = 0) -> dict:
    """TF-IDF + NMF with k topics: seconds and NPMI of the top 10 words."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    from workbench.topics.coherence import npmi
    from workbench.topics.representation import stop_words

    started = time.perf_counter()
    vectorizer = TfidfVectorizer(stop_words=stop_words(), token_pattern=r"(?u)\b[^\W\d_]{2,}\b", min_df=2,
                                 max_df=0.5, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    k = max(2, min(k, matrix.shape[1] - 1, matrix.shape[0] - 1))
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=400)
    model.fit(matrix)
    seconds = time.perf_counter() - started
    vocab = vectorizer.get_feature_names_out()
    words = [[vocab[i] for i in row.argsort()[::-1][:10]] for row in model.components_]
    return {"seconds": round(seconds, 2), "npmi": round(npmi(texts, words)["mean"], 4), "topics": k}


def min_topic_size(segments: int) -> int:
    """HDBSCAN's smallest topic for a corpus: 10, or 0.5% of the segments when that is more."""
    return max(10, segments // 200)


def worker(db: str, embedder: str) -> dict:
    """Cold fit (embedding cache emptied first), warm fit and the NMF baseline in this process."""
    from workbench.project import Project

    out = {"embedder": embedder}
    with Project(db) as project:
        with project.db.conn:
            project.db.execute("DELETE FROM segment_embeddings")
            project.db.execute("DELETE FROM segment_chunk_embeddings")
        size = min_topic_size(next(project.db.query("SELECT count(*) AS n FROM segments WHERE speaker = 'R'"))["n"])
        out["min_topic_size"] = size
        for label in ("cold", "warm"):
            started = time.perf_counter()
            run = project.topics.fit(name=f"{embedder}-{label}", embedder=embedder, min_topic_size=size,
                                     replace=True)
            total = time.perf_counter() - started
            out[label] = {"seconds": round(total, 2), "embed_seconds": run["parameters"]["embed_seconds"],
                          "cluster_seconds": run["parameters"]["cluster_seconds"], "clusterer": run["clusterer"],
                          "topics": run["topic_count"], "outliers": run["outlier_count"],
                          "segments": run["segment_count"]}
        coherence = project.topics.coherence(f"{embedder}-warm")
        out["npmi"] = round(coherence["mean"], 4)
        texts = [r["text"] for r in project.db.query(
            "SELECT s.text FROM segment_topics t JOIN segments s ON s.id = t.segment_id "
            "WHERE t.run_id = (SELECT id FROM topic_runs WHERE name = ?)", [f"{embedder}-warm"])]
        same = project.topics.assignments(f"{embedder}-cold") == project.topics.assignments(f"{embedder}-warm")
        out["warm_equals_cold"] = same
    out["nmf"] = nmf_baseline(texts, max(2, out["warm"]["topics"]))
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000,50000", help="comma-separated numbers of segments")
    parser.add_argument("--embedders", default="tfidf,minilm", help="comma-separated: tfidf, minilm")
    parser.add_argument("--keep", help="keep the projects in this folder (reused when present)")
    parser.add_argument("--worker", nargs=2, metavar=("DB", "EMBEDDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.worker:
        print("RESULT " + json.dumps(worker(*args.worker)))
        return
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-topics-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}  (affinity {len(os.sched_getaffinity(0))})")
    print("| segments | embedder | min topic size | cold fit s (embed / cluster) | warm fit s (embed / cluster) | clusterer | topics "
          "| outliers | peak RSS MiB | NPMI | NMF s | NMF NPMI | warm / NMF time |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in [int(s) for s in args.sizes.split(",")]:
        db = folder / f"topics-{size}.db"
        if not db.exists():
            built = build(db, size)
            print(f"<!-- built {built['segments']} respondent segments in {built['build_seconds']} s -->", flush=True)
        for embedder in args.embedders.split(","):
            done = subprocess.run([sys.executable, __file__, "--worker", str(db), embedder], capture_output=True,
                                  text=True, check=False)
            line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
            if done.returncode or not line:
                print(f"| {size} | {embedder} | failed: {done.stderr.strip().splitlines()[-1:]} |", flush=True)
                continue
            r = json.loads(line[0][7:])
            c, w, nmf = r["cold"], r["warm"], r["nmf"]
            print(f"| {w['segments']} | {embedder} | {r['min_topic_size']} | {c['seconds']} ({c['embed_seconds']} / {c['cluster_seconds']}) "
                  f"| {w['seconds']} ({w['embed_seconds']} / {w['cluster_seconds']}) | {w['clusterer']} "
                  f"| {w['topics']} | {w['outliers']} | {r['peak_rss_mib']} | {r['npmi']} | {nmf['seconds']} "
                  f"| {nmf['npmi']} | {w['seconds'] / max(nmf['seconds'], 1e-9):.1f}x |", flush=True)
            if not r["warm_equals_cold"]:
                print(f"<!-- warning: warm and cold assignments differ for {size} {embedder} -->")


if __name__ == "__main__":
    main()
