"""The table of language-model answers (rows written by store/llm_answers.py); migration m013, registered in
store/schema.py. It imports nothing of the store, so the schema may import it without an import circle."""


LLM_ANSWERS_TABLE = """
CREATE TABLE llm_answers (
    id INTEGER PRIMARY KEY,
    prompt_key TEXT NOT NULL,
    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    status TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '{}',
    raw TEXT NOT NULL DEFAULT '',
    seconds REAL,
    created_at TEXT NOT NULL,
    UNIQUE (prompt_key, segment_id)
);
CREATE INDEX llm_answers_segment ON llm_answers(segment_id);
"""


def m013_llm_answers(db) -> None:
    """Language-model answers per prompt key and segment (see LLM_ANSWERS_TABLE)."""
    db.executescript(LLM_ANSWERS_TABLE)
