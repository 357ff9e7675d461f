"""Schema migrations, recorded in the `_sqlite_migrations` table of each project."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

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
