"""Schema migrations, recorded in the `_sqlite_migrations` table of each project."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

from workbench.store.llm_table import m013_llm_answers
from workbench.store.reconcile_table import m012_reconciliation

migrations = Migrations("workbench")


@migrations()
def m001_documents_segments_attributes(db):
    """Documents, their segments, typed attributes, memos and the segment search index."""
    db.executescript(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            type TEXT NOT NULL,
            type_inferred INTEGER NOT NULL DEFAULT 0,
            format TEXT NOT NULL,
            source_path TEXT,
            file_name TEXT,
            source_part TEXT NOT NULL DEFAULT '',
            source_sha256 TEXT NOT NULL,
            text TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            char_count INTEGER NOT NULL,
            word_count INTEGER NOT NULL,
            ingested_at TEXT NOT NULL,
            warnings TEXT NOT NULL DEFAULT '[]',
            metadata TEXT NOT NULL DEFAULT '{}'
        );
        CREATE UNIQUE INDEX documents_source ON documents(source_sha256, source_part);
        CREATE INDEX documents_type ON documents(type);

        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            kind TEXT NOT NULL,
            speaker TEXT,
            time_start REAL,
            time_end REAL,
            page INTEGER,
            text TEXT NOT NULL,
            UNIQUE (document_id, ordinal)
        );
        CREATE INDEX segments_speaker ON segments(document_id, speaker);

        CREATE TABLE attributes (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            value_type TEXT NOT NULL,
            value_number REAL,
            value_date TEXT,
            PRIMARY KEY (document_id, name)
        );
        CREATE INDEX attributes_name_value ON attributes(name, value);

        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            author TEXT,
            created TEXT,
            anchor_text TEXT,
            source TEXT NOT NULL DEFAULT 'manual'
        );
        CREATE INDEX memos_document ON memos(document_id);

        CREATE VIRTUAL TABLE segments_fts USING fts5(
            text, content='segments', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER segments_ai AFTER INSERT ON segments BEGIN
            INSERT INTO segments_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER segments_ad AFTER DELETE ON segments BEGIN
            INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER segments_au AFTER UPDATE OF text ON segments BEGIN
            INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO segments_fts(rowid, text) VALUES (new.id, new.text);
        END;
        """
    )


@migrations()
def m002_codes_codings_suggestions(db):
    """The codebook, coders, codings, memos on codes and codings, suggestions, embeddings."""
    db.executescript(
        """
        CREATE TABLE codebooks (
            name TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            title TEXT,
            description TEXT,
            source_path TEXT,
            loaded_at TEXT NOT NULL
        );
        CREATE TABLE codes (
            id TEXT PRIMARY KEY,
            parent_id TEXT REFERENCES codes(id),
            codebook TEXT NOT NULL REFERENCES codebooks(name),
            position INTEGER NOT NULL DEFAULT 0,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            include TEXT NOT NULL DEFAULT '[]',
            exclude TEXT NOT NULL DEFAULT '[]',
            examples TEXT NOT NULL DEFAULT '[]',
            color TEXT,
            patterns TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL
        );
        CREATE INDEX codes_parent ON codes(parent_id, position);

        CREATE TABLE coders (
            name TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        );

        CREATE TABLE codings (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            code_id TEXT NOT NULL REFERENCES codes(id),
            coder TEXT NOT NULL REFERENCES coders(name),
            created_at TEXT NOT NULL,
            memo TEXT,
            source TEXT NOT NULL DEFAULT 'manual',
            snippet TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start),
            UNIQUE (document_id, start, "end", code_id, coder)
        );
        CREATE INDEX codings_code ON codings(code_id);
        CREATE INDEX codings_document ON codings(document_id, start);
        CREATE INDEX codings_coder ON codings(coder);

        ALTER TABLE memos ADD COLUMN code_id TEXT REFERENCES codes(id) ON DELETE CASCADE;
        ALTER TABLE memos ADD COLUMN coding_id INTEGER REFERENCES codings(id) ON DELETE CASCADE;
        CREATE INDEX memos_code ON memos(code_id);
        CREATE INDEX memos_coding ON memos(coding_id);

        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            segment_id INTEGER REFERENCES segments(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            code_id TEXT NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            method TEXT NOT NULL,
            source TEXT NOT NULL,
            score REAL NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending',
            created_at TEXT NOT NULL,
            decided_by TEXT,
            decided_at TEXT,
            coding_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,
            UNIQUE (document_id, start, "end", code_id, source)
        );
        CREATE INDEX suggestions_status ON suggestions(status, code_id);

        CREATE TABLE segment_embeddings (
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (segment_id, model)
        );
        """
    )


@migrations()
def m003_topic_runs(db):
    """Topic runs: parameters, topics, the topic of each segment, and embeddings of long segments' chunks."""
    db.executescript(
        """
        CREATE TABLE topic_runs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            embedder TEXT NOT NULL,
            clusterer TEXT NOT NULL,
            parameters TEXT NOT NULL DEFAULT '{}',
            filters TEXT NOT NULL DEFAULT '{}',
            versions TEXT NOT NULL DEFAULT '{}',
            segment_count INTEGER NOT NULL,
            topic_count INTEGER NOT NULL,
            outlier_count INTEGER NOT NULL,
            model_path TEXT,
            seconds REAL
        );

        CREATE TABLE topics (
            run_id INTEGER NOT NULL REFERENCES topic_runs(id) ON DELETE CASCADE,
            topic INTEGER NOT NULL,
            label TEXT NOT NULL,
            words TEXT NOT NULL DEFAULT '[]',
            keywords TEXT NOT NULL DEFAULT '[]',
            size INTEGER NOT NULL,
            representative TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (run_id, topic)
        );

        CREATE TABLE segment_topics (
            run_id INTEGER NOT NULL REFERENCES topic_runs(id) ON DELETE CASCADE,
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            topic INTEGER NOT NULL,
            score REAL,
            applied INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, segment_id)
        );
        CREATE INDEX segment_topics_topic ON segment_topics(run_id, topic);
        CREATE INDEX segment_topics_segment ON segment_topics(segment_id);

        CREATE TABLE segment_chunk_embeddings (
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            chunk INTEGER NOT NULL,
            model TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (segment_id, chunk, model)
        );
        """
    )


@migrations()
def m004_pseudonyms(db):
    """Pseudonyms given at ingest, keyed by a hash of the name (never the name), so later ingests reuse them."""
    db.executescript(
        """
        CREATE TABLE pseudonyms (
            name_sha256 TEXT PRIMARY KEY,
            replacement TEXT NOT NULL,
            category TEXT NOT NULL,
            found_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m005_training_examples(db):
    """Labelled passages that train the semantic classifier besides the project's codings (with their
    embedding, filled on first use)."""
    db.executescript(
        """
        CREATE TABLE training_examples (
            id INTEGER PRIMARY KEY,
            codebook TEXT NOT NULL,
            ref TEXT NOT NULL,
            text TEXT NOT NULL,
            codes TEXT NOT NULL,
            source_path TEXT,
            loaded_at TEXT NOT NULL,
            model TEXT,
            vector BLOB
        );
        CREATE INDEX training_examples_codebook ON training_examples(codebook);
        """
    )


@migrations()
def m006_settings(db):
    """Project settings by name (e.g. the default coder), one text value each."""
    db.executescript(
        """
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m007_segment_structure(db):
    """Where a segment sits in its document: the section path of headings above it, a heading's level and a
    table row's header row (kinds now include list_item, caption, source_note, references, front_matter);
    whether a document's title was guessed (from a heading line or the file name)."""
    db.executescript(
        """
        ALTER TABLE segments ADD COLUMN section TEXT;
        ALTER TABLE segments ADD COLUMN level INTEGER;
        ALTER TABLE segments ADD COLUMN context TEXT;
        ALTER TABLE documents ADD COLUMN title_inferred INTEGER NOT NULL DEFAULT 0;
        UPDATE segments SET kind = 'list_item' WHERE kind = 'bullet';
        CREATE INDEX segments_kind ON segments(kind);
        """
    )


@migrations()
def m008_changes(db):
    """The change log: one row per change to codings, memos, codes, attributes and suggestion decisions, written
    in the same transaction, with the affected rows before and after (JSON {table: [rows]}); append-only except
    that an undone change is marked with the change that undid it."""
    db.executescript(
        """
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            coder TEXT,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            target_id TEXT,
            before TEXT NOT NULL DEFAULT '{}',
            after TEXT NOT NULL DEFAULT '{}',
            undoes INTEGER REFERENCES changes(id),
            undone_by INTEGER REFERENCES changes(id)
        );
        CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes BEGIN
            SELECT RAISE(ABORT, 'the change log is append-only');
        END;
        CREATE TRIGGER changes_no_edit BEFORE UPDATE ON changes
        WHEN new.id IS NOT old.id OR new.at IS NOT old.at OR new.coder IS NOT old.coder OR new.kind IS NOT old.kind
          OR new.target IS NOT old.target OR new.target_id IS NOT old.target_id OR new.before IS NOT old.before
          OR new.after IS NOT old.after OR new.undoes IS NOT old.undoes OR old.undone_by IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, 'the change log is append-only');
        END;
        """
    )


@migrations()
def m009_suggestion_runs(db):
    """Provenance of automatic suggestions: one row per run (method, settings, model and the hash of its weights,
    a hash of the codebook's definitions and examples, who ran it, the workbench version); each suggestion names
    its run (none for suggestions made before this migration) and the threshold it passed, where it had one."""
    db.executescript(
        """
        CREATE TABLE suggestion_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            method TEXT NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            model TEXT,
            model_sha256 TEXT,
            codebook_sha256 TEXT NOT NULL,
            run_by TEXT,
            workbench_version TEXT
        );
        ALTER TABLE suggestions ADD COLUMN run_id INTEGER REFERENCES suggestion_runs(id);
        ALTER TABLE suggestions ADD COLUMN threshold REAL;
        CREATE INDEX suggestions_run ON suggestions(run_id);
        """
    )


@migrations()
def m010_validations(db):
    """Validation runs: per code and method, cross-validated figures, threshold and gate (results as JSON)."""
    db.executescript(
        """
        CREATE TABLE validations (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            coder TEXT NOT NULL,
            target_precision REAL NOT NULL,
            min_support INTEGER NOT NULL,
            encoder TEXT NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            codings INTEGER NOT NULL,
            codings_sha256 TEXT NOT NULL,
            documents INTEGER NOT NULL,
            results TEXT NOT NULL DEFAULT '{}'
        );
        """
    )


@migrations()
def m011_accounts(db):
    """Per-coder accounts of the browser app (see `workbench.store.accounts.ACCOUNTS_TABLE`)."""
    from workbench.store.accounts import ACCOUNTS_TABLE

    db.executescript(ACCOUNTS_TABLE)


for _later in (m012_reconciliation, m013_llm_answers):  # reconciliation decisions; language-model answers
    migrations()(_later)
