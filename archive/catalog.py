"""The SQLite catalog: documents, their paths, pages, passages and the failure ledger.

The catalog and the stored originals are the source of truth; the whoosh index can
always be rebuilt from them.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    year INTEGER,
    collection TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    page_count INTEGER NOT NULL,
    stored_name TEXT NOT NULL,
    added_at TEXT NOT NULL,
    indexed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS document_paths (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    PRIMARY KEY (document_id, path)
);
CREATE TABLE IF NOT EXISTS pages (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (document_id, number)
);
CREATE TABLE IF NOT EXISTS passages (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_by_document ON passages(document_id, seq);
CREATE TABLE IF NOT EXISTS failures (
    path TEXT PRIMARY KEY,
    sha256 TEXT,
    reason TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Document:
    """A catalogued document (one per distinct file content)."""

    id: str
    sha256: str
    title: str
    author: str
    date: str
    year: int | None
    collection: str
    kind: str
    size: int
    page_count: int
    stored_name: str
    added_at: str
    indexed: bool


@dataclass(frozen=True)
class PageRecord:
    document_id: str
    number: int
    text: str
    status: str


@dataclass(frozen=True)
class PassageRecord:
    id: str
    document_id: str
    page: int
    seq: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Failure:
    path: str
    sha256: str | None
    reason: str
    failed_at: str


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Catalog:
    """A connection to one archive's catalog file; every write is one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # Documents

    def document(self, document_id: str) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        return _document(row) if row else None

    def document_by_sha256(self, sha256: str) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return _document(row) if row else None

    def documents(self) -> list[Document]:
        return [_document(row) for row in self.db.execute("SELECT * FROM documents ORDER BY added_at, id")]

    def documents_by_ids(self, ids: list[str]) -> dict[str, Document]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT * FROM documents WHERE id IN ({marks})", ids)
        return {row["id"]: _document(row) for row in rows}

    def paths(self, document_id: str) -> list[str]:
        rows = self.db.execute("SELECT path FROM document_paths WHERE document_id = ? ORDER BY path", (document_id,))
        return [row["path"] for row in rows]

    def add_document(self, document: Document, path: str, pages: list[PageRecord],
                     passages: list[PassageRecord]) -> None:
        """Record a document with everything extracted from it, all or nothing."""
        with self.db:
            self.db.execute(
                "INSERT INTO documents VALUES (:id, :sha256, :title, :author, :date, :year, :collection, :kind,"
                " :size, :page_count, :stored_name, :added_at, :indexed)",
                document.__dict__,
            )
            self.db.execute("INSERT INTO document_paths VALUES (?, ?)", (document.id, path))
            self.db.executemany("INSERT INTO pages VALUES (?, ?, ?, ?)",
                                [(p.document_id, p.number, p.text, p.status) for p in pages])
            self.db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
                                [(p.id, p.document_id, p.page, p.seq, p.start, p.end, p.text) for p in passages])
            self.db.execute("DELETE FROM failures WHERE path = ?", (path,))

    def add_path(self, document_id: str, path: str) -> bool:
        """Remember another path of a known document; False if it was known already."""
        with self.db:
            cursor = self.db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (document_id, path))
            self.db.execute("DELETE FROM failures WHERE path = ?", (path,))
        return cursor.rowcount == 1

    def mark_indexed(self, document_ids: list[str], indexed: bool = True) -> None:
        with self.db:
            self.db.executemany("UPDATE documents SET indexed = ? WHERE id = ?",
                                [(int(indexed), document_id) for document_id in document_ids])

    def unindexed_document_ids(self) -> list[str]:
        return [row["id"] for row in self.db.execute("SELECT id FROM documents WHERE indexed = 0 ORDER BY id")]

    def remove_document(self, document_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    # Pages and passages

    def page(self, document_id: str, number: int) -> PageRecord | None:
        row = self.db.execute("SELECT * FROM pages WHERE document_id = ? AND number = ?",
                              (document_id, number)).fetchone()
        return PageRecord(**row) if row else None

    def pages(self, document_id: str) -> list[PageRecord]:
        rows = self.db.execute("SELECT * FROM pages WHERE document_id = ? ORDER BY number", (document_id,))
        return [PageRecord(**row) for row in rows]

    def passages(self, document_id: str) -> list[PassageRecord]:
        rows = self.db.execute("SELECT * FROM passages WHERE document_id = ? ORDER BY seq", (document_id,))
        return [PassageRecord(**row) for row in rows]

    # Failures

    def record_failure(self, path: str, sha256: str | None, reason: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", (path, sha256, reason, now()))

    def failures(self) -> list[Failure]:
        return [Failure(**row) for row in self.db.execute("SELECT * FROM failures ORDER BY path")]

    # Figures

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "pages": one("SELECT count(*) FROM pages"),
            "pages_without_text": one("SELECT count(*) FROM pages WHERE status != 'text'"),
            "passages": one("SELECT count(*) FROM passages"),
            "failures": one("SELECT count(*) FROM failures"),
            "unindexed_documents": one("SELECT count(*) FROM documents WHERE indexed = 0"),
        }

    def iter_passages(self) -> Iterator[tuple[PassageRecord, Document]]:
        """Every passage with its document, for rebuilding the index."""
        documents = {document.id: document for document in self.documents()}
        for row in self.db.execute("SELECT * FROM passages ORDER BY document_id, seq"):
            yield PassageRecord(**row), documents[row["document_id"]]


def _document(row: sqlite3.Row) -> Document:
    values = dict(row)
    values["indexed"] = bool(values["indexed"])
    return Document(**values)
