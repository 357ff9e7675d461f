"""Stored topic runs: one row per run, its topics and the topic of each segment, and a model folder beside the project.

A run is written in one transaction and its model folder is written to a hidden temporary folder and
renamed into place inside that transaction, so an interrupted or failed fit leaves neither behind.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import uuid
from pathlib import Path

from workbench.errors import TopicError
from workbench.store.database import writing

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
JSON_COLUMNS = ("parameters", "filters", "versions")


def models_root(project_path: Path) -> Path:
    """The folder of saved topic models: `<project>.topics/` beside the project file."""
    project_path = Path(project_path)
    return project_path.with_name(project_path.stem + ".topics")


def library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def check_name(db, name: str | None, replace: bool = False) -> str:
    """A valid, free run name (`topics-N` when none is given); an existing one only with replace."""
    if name is None:
        n = next(db.query("SELECT coalesce(max(id), 0) + 1 AS n FROM topic_runs"))["n"]
        while list(db.query("SELECT 1 FROM topic_runs WHERE name = ?", [f"topics-{n}"])):
            n += 1
        return f"topics-{n}"
    if not NAME_RE.match(name):
        raise TopicError(f"run name {name!r} is not usable",
                         hint="use letters, digits, '-', '_' and '.', starting with a letter or digit (64 at most)")
    if not replace and list(db.query("SELECT 1 FROM topic_runs WHERE name = ?", [name])):
        raise TopicError(f"a topic run {name!r} exists already", hint="choose another --name, or pass --replace")
    return name


def save_run(db, project_path: Path, record: dict, topics: list[dict], assignments, write_model,
             replace: bool = False) -> dict:
    """Store a run, its topics and assignments, and its model folder (written by write_model(folder)); all or nothing."""
    root = models_root(project_path)
    root.mkdir(exist_ok=True)
    name = record["name"]
    token = uuid.uuid4().hex[:8]
    tmp, old, final = root / f".tmp-{name}-{token}", root / f".old-{name}-{token}", root / name
    moved = False
    try:
        write_model(tmp)
        with writing(db):
            if replace:
                db.execute("DELETE FROM topic_runs WHERE name = ?", [name])
            row = {k: (json.dumps(v, ensure_ascii=False) if k in JSON_COLUMNS else v) for k, v in record.items()}
            row.update(created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                       model_path=str(final))
            run_id = db["topic_runs"].insert(row).last_pk
            db["topics"].insert_all([{"run_id": run_id, **t, **{k: json.dumps(t[k], ensure_ascii=False)
                                                               for k in ("words", "keywords", "representative")}}
                                     for t in topics])
            db.conn.executemany("INSERT INTO segment_topics (run_id, segment_id, topic, score, applied) "
                                "VALUES (?, ?, ?, ?, 0)", [(run_id, s, t, p) for s, t, p in assignments])
            if final.exists():
                final.rename(old)
            tmp.rename(final)
            moved = True
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if moved:
            shutil.rmtree(final, ignore_errors=True)
        if old.exists() and not final.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return get_run(db, name)


def _decode(row: dict) -> dict:
    row = dict(row)
    for key in JSON_COLUMNS:
        row[key] = json.loads(row[key])
    return row


def list_runs(db) -> list[dict]:
    """Every topic run, newest last."""
    return [_decode(r) for r in db.query("SELECT * FROM topic_runs ORDER BY id")]


def get_run(db, ref: str | int) -> dict:
    """A run by name or id."""
    rows = list(db.query("SELECT * FROM topic_runs WHERE name = ?", [str(ref)]))
    if not rows and str(ref).isdigit():
        rows = list(db.query("SELECT * FROM topic_runs WHERE id = ?", [int(ref)]))
    if not rows:
        names = [r["name"] for r in db.query("SELECT name FROM topic_runs ORDER BY id")]
        raise TopicError(f"no topic run {ref!r}",
                         hint=("runs: " + ", ".join(names[-10:])) if names else "fit one with `workbench topics fit`")
    return _decode(rows[0])


def run_topics(db, run_id: int, with_text: bool = True) -> list[dict]:
    """Topics of a run (outliers as topic -1), with words, keywords and representative segments."""
    out = []
    for row in db.query("SELECT * FROM topics WHERE run_id = ? ORDER BY topic", [run_id]):
        row = dict(row)
        for key in ("words", "keywords", "representative"):
            row[key] = json.loads(row[key])
        row.pop("run_id")
        row["size"] = next(db.query("SELECT count(*) AS n FROM segment_topics WHERE run_id = ? AND topic = ?",
                                    [run_id, row["topic"]]))["n"]
        if with_text:
            row["representative"] = _segments(db, row["representative"])
        out.append(row)
    return out


def get_topic(db, run: dict, topic: int) -> dict:
    for row in run_topics(db, run["id"]):
        if row["topic"] == int(topic):
            return row
    raise TopicError(f"run {run['name']!r} has no topic {topic}",
                     hint=f"see its topics with `workbench topics show {run['name']}`")


def _segments(db, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    rows = {r["segment_id"]: r for r in db.query(
        f"""SELECT s.id AS segment_id, s.document_id, d.title, s.speaker, s.start, s."end", s.text
            FROM segments s JOIN documents d ON d.id = s.document_id WHERE s.id IN ({','.join('?' * len(ids))})""",
        ids)}
    return [rows[i] for i in ids if i in rows]


def assignments(db, run_id: int) -> list[dict]:
    """segment_id, document_id, topic, score, applied for every segment of the run."""
    return list(db.query("""SELECT t.segment_id, s.document_id, t.topic, t.score, t.applied
                            FROM segment_topics t JOIN segments s ON s.id = t.segment_id
                            WHERE t.run_id = ? ORDER BY t.segment_id""", [run_id]))


def delete_run(db, project_path: Path, ref: str | int) -> dict:
    """Remove a run, its assignments and its model folder; suggestions it made stay."""
    run = get_run(db, ref)
    with writing(db):
        db.execute("DELETE FROM topic_runs WHERE id = ?", [run["id"]])
    shutil.rmtree(models_root(project_path) / run["name"], ignore_errors=True)
    return run


def model_folder(project_path: Path, run: dict) -> Path:
    folder = models_root(project_path) / run["name"]
    if not (folder / "bertopic").is_dir():
        raise TopicError(f"the model of topic run {run['name']!r} is missing ({folder})",
                         hint="fit the run again with `workbench topics fit --name NAME --replace`")
    return folder


def load_model(project_path: Path, run: dict):
    """(BERTopic model, embedder) of a saved run, ready to assign topics to new segments."""
    import logging

    from bertopic import BERTopic

    from workbench.topics.embedders import bertopic_backend, load_embedder

    folder = model_folder(project_path, run)
    embedder = load_embedder(folder)
    logging.getLogger("BERTopic").setLevel(logging.ERROR)
    model = BERTopic.load(str(folder / "bertopic"), embedding_model=bertopic_backend(embedder))
    return model, embedder
