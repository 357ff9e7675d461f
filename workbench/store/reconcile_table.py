"""The table of reconciliation decisions (rows written by store/reconcile.py); migration m012, registered in
store/schema.py. It imports nothing of the store, so the schema may import it without an import circle."""


def m012_reconciliation(db) -> None:
    """Reconciliation decisions: one row per unit (team, document, segment span, code) a team decided, with the
    action, the two coders compared, who decided when, and the ids of the team's codings it made."""
    db.executescript(
        """
        CREATE TABLE reconciliations (
            id INTEGER PRIMARY KEY,
            team TEXT NOT NULL,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            code_id TEXT NOT NULL,
            action TEXT NOT NULL,
            coder_a TEXT,
            coder_b TEXT,
            decided_by TEXT,
            decided_at TEXT NOT NULL,
            coding_ids TEXT NOT NULL DEFAULT '[]',
            UNIQUE (team, document_id, start, "end", code_id)
        );
        """
    )
