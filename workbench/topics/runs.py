"""Stored topic runs: one row per run, its topics and the topic of each segment, and a model folder beside the project.

A run is written in one transaction and its model folder is written to a hidden temporary folder and
renamed into place inside that transaction, so an interrupted or failed fit leaves neither behind.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

from workbench.errors import TopicError
from workbench.store import topics as store
from workbench.store.database import writing
from workbench.store.segments import segment_details

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


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
        n = store.next_run_number(db)
        while store.run_name_taken(db, f"topics-{n}"):
            n += 1
        return f"topics-{n}"
    if not NAME_RE.match(name):
        raise TopicError(f"run name {name!r} is not usable",
                         hint="use letters, digits, '-', '_' and '.', starting with a letter or digit (64 at most)")
    if not replace and store.run_name_taken(db, name):
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
        with writing(db):  # the folder is renamed into place inside the transaction that stores the run
            store.insert_run(db, {**record, "model_path": str(final)}, topics, assignments, replace)
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


def list_runs(db) -> list[dict]:
    """Every topic run, newest last."""
    return store.run_rows(db)


def get_run(db, ref: str | int) -> dict:
    """A run by name or id."""
    run = store.find_run(db, ref)
    if run is None:
        names = store.run_names(db)
        raise TopicError(f"no topic run {ref!r}",
                         hint=("runs: " + ", ".join(names[-10:])) if names else "fit one with `workbench topics fit`")
    return run


def run_topics(db, run_id: int, with_text: bool = True) -> list[dict]:
    """Topics of a run (outliers as topic -1), with words, keywords and representative segments."""
    out = store.topic_rows(db, run_id)
    if with_text:
        for row in out:
            row["representative"] = segment_details(db, row["representative"])
    return out


def get_topic(db, run: dict, topic: int) -> dict:
    for row in run_topics(db, run["id"]):
        if row["topic"] == int(topic):
            return row
    raise TopicError(f"run {run['name']!r} has no topic {topic}",
                     hint=f"see its topics with `workbench topics show {run['name']}`")


def assignments(db, run_id: int) -> list[dict]:
    """segment_id, document_id, topic, score, applied for every segment of the run."""
    return store.run_assignments(db, run_id)


def delete_run(db, project_path: Path, ref: str | int) -> dict:
    """Remove a run, its assignments and its model folder; suggestions it made stay."""
    run = get_run(db, ref)
    store.delete_run_row(db, run["id"])
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
