"""Promote a topic to a draft code: label, description from its words, example quotations, and its segments
as suggestions with source `topic:<run>:<topic>` (accepted or rejected like any other suggestion)."""

from __future__ import annotations

import re

from workbench.errors import TopicError
from workbench.store.codes import code_exists
from workbench.store.database import writing
from workbench.store.topics import topic_members
from workbench.topics.runs import get_topic

EXAMPLE_CHARS = 300


def code_id_for(db, label: str) -> str:
    """A free snake_case code id made from a label (topic_... when the label has no letters)."""
    words = re.findall(r"[a-z][a-z0-9]*", label.casefold())[:4]
    base = "_".join(words)[:48].strip("_") or "topic"
    candidate, n = base, 2
    while code_exists(db, candidate):
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1].rstrip() + "…"


def promote_topic(db, run: dict, topic: int, parent: str | None = None, code_id: str | None = None,
                  label: str | None = None, examples: int = 3) -> dict:
    """Add a draft code for a topic and suggest it on the topic's segments; all in one transaction."""
    from workbench.store.codes import add_code, get_code, update_code
    from workbench.store.suggestions import save_suggestions

    if int(topic) == -1:
        raise TopicError("the outliers (topic -1) are not a theme and cannot become a code",
                         hint="promote a numbered topic")
    info = get_topic(db, run, topic)
    if parent:
        get_code(db, parent)
    label = (label or info["label"]).strip()
    label = label[:1].upper() + label[1:]
    code_id = code_id or code_id_for(db, label)
    words = [w for w, _ in info["words"][:8]]
    description = (f"Draft from topic {info['topic']} of topic run {run['name']}: segments about "
                   f"{', '.join(words)}. Review the definition before coding with it.")
    quotes = [_quote(s["text"]) for s in info["representative"][:examples]]
    source = f"topic:{run['name']}:{info['topic']}"
    members = topic_members(db, run["id"], info["topic"])
    with writing(db):
        add_code(db, code_id, label, parent, description=description)
        update_code(db, code_id, examples=quotes)
        added = save_suggestions(db, [{**m, "code_id": code_id, "method": "topic", "source": source,
                                       "score": round(m["score"], 4) if m["score"] is not None else 0.0,
                                       "reason": f"topic {info['topic']} of run {run['name']}: {info['label']}"}
                                      for m in members])
    return {"code_id": code_id, "label": label, "parent": parent, "description": description, "examples": quotes,
            "source": source, "suggestions": added}
