"""The SQLite catalog: documents, their paths, pages, passages, ingest runs and the failure ledger.

The catalog and the stored originals are the source of truth; the whoosh index can
always be rebuilt from them.
"""
from __future__ import annotations

import json
import os
import secrets
import sqlite3
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from collections.abc import Collection
from pathlib import Path
from typing import Iterator

from archive.errors import MuragatError, cannot_write
from index import kazakh

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
    indexed INTEGER NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    access TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS document_paths (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    size INTEGER,
    mtime_ns INTEGER,
    PRIMARY KEY (document_id, path)
);
CREATE INDEX IF NOT EXISTS document_paths_by_path ON document_paths(path);
CREATE TABLE IF NOT EXISTS pages (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'text_layer',
    confidence REAL,
    line_ends TEXT NOT NULL DEFAULT '',
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
CREATE TABLE IF NOT EXISTS removed (
    sha256 TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    title TEXT NOT NULL,
    removed_at TEXT NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ingest_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    paths TEXT NOT NULL,
    ingested INTEGER NOT NULL DEFAULT 0,
    already_present INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    without_text INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS collections (
    name TEXT PRIMARY KEY,
    access TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    collection TEXT NOT NULL,
    PRIMARY KEY (user, collection)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    document_id TEXT NOT NULL,
    page INTEGER,
    what TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
# Bumped with every change to SCHEMA; `_migrate` brings older catalog files up to it.
SCHEMA_VERSION = 7
# Columns added after version 1 (the foundation), by table: added in place to older files.
ADDED_COLUMNS = {
    "documents": {"language": "TEXT NOT NULL DEFAULT ''", "source": "TEXT NOT NULL DEFAULT ''",
                  "access": "TEXT NOT NULL DEFAULT ''"},
    "document_paths": {"size": "INTEGER", "mtime_ns": "INTEGER"},
    "ingest_runs": {"skipped": "INTEGER NOT NULL DEFAULT 0", "without_text": "INTEGER NOT NULL DEFAULT 0"},
    "removed": {"restricted": "INTEGER NOT NULL DEFAULT 0"},
    "pages": {"source": "TEXT NOT NULL DEFAULT 'text_layer'", "confidence": "REAL",
              "line_ends": "TEXT NOT NULL DEFAULT ''"},
}
# Browsing orders: titles as a Kazakh dictionary orders them (kazakh_key); by date, undated documents
# last either way; the latest added first.
LISTING_ORDERS = {
    "title": "kazakh_key(title), id",
    "newest": "year IS NULL, year DESC, date DESC, kazakh_key(title), id",
    "oldest": "year IS NULL, year, date, kazakh_key(title), id",
    "added": "added_at DESC, id",
}
LISTING_SORTS = tuple(LISTING_ORDERS)
DOCUMENT_COLUMNS = ("id", "sha256", "title", "author", "date", "year", "collection", "kind", "size", "page_count",
                    "stored_name", "added_at", "indexed", "language", "source", "access")
METADATA_COLUMNS = ("title", "author", "date", "year", "collection", "language", "source", "access")
# Metadata the index does not hold: changing it needs no reindex.
UNINDEXED_METADATA = frozenset({"access"})


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
    language: str = ""
    source: str = ""
    access: str = ""  # the document's own: "restricted" (whatever its collection's), else "public" or ""


@dataclass(frozen=True)
class Listing:
    """One page of the documents a browse asks for, and how many there are in all."""

    total: int
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class KnownFile:
    """What the catalog remembers about a path: its document, and the size and mtime it had."""

    document_id: str
    size: int | None
    mtime_ns: int | None


@dataclass(frozen=True)
class IngestRun:
    """One `muragat ingest` command; `finished_at` stays empty when it was killed."""

    id: int
    started_at: str
    finished_at: str | None
    paths: tuple[str, ...]
    ingested: int
    already_present: int
    failed: int
    pages: int
    skipped: int = 0
    without_text: int = 0


@dataclass(frozen=True)
class PageRecord:
    """A page's cleaned text, its status, and where the text came from (text layer or OCR)."""

    document_id: str
    number: int
    text: str
    status: str
    source: str = "text_layer"
    confidence: float | None = None
    line_ends: str = ""  # offsets of the spaces in `text` that ended a line, space-separated ("" before version 4)

    @property
    def recognised(self) -> bool:
        """Whether the text was recognised by OCR (and may hold misread words)."""
        return self.source == "ocr"

    @property
    def text_with_lines(self) -> str:
        """The text with its lines as extracted (a line feed for each space that ended one): the same length
        and words as `text`, so matches found in one mark the other."""
        characters = list(self.text)
        for offset in map(int, self.line_ends.split()):
            characters[offset] = "\n"
        return "".join(characters)


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
class Removal:
    """A document taken out with `muragat remove`: ingests leave its file out until asked to add it again."""

    sha256: str
    document_id: str
    title: str
    removed_at: str
    restricted: bool = False  # it was restricted: added again, it is restricted again unless a manifest says public


@dataclass(frozen=True)
class Failure:
    path: str
    sha256: str | None
    reason: str
    failed_at: str


@dataclass(frozen=True)
class User:
    """Someone who signs in: a reader sees public material and the collections granted to them; an archivist or
    an admin sees everything (an admin also reads the audit trail)."""

    name: str
    role: str
    password_hash: str
    created_at: str


@dataclass(frozen=True)
class AuditEntry:
    """One view of restricted material: who, what (page, original, citation, document), when."""

    at: str
    user: str
    document_id: str
    page: int | None
    what: str


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Catalog:
    """A connection to one archive's catalog file; every write is one transaction.

    `read_only` is for commands and routes that only read: the file is opened `mode=ro`, with
    no switch to WAL, so another user's archive, a snapshot or a backup can be searched and
    served (only a catalog from an older Muragat needs write access once, to be brought up to date).
    """

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.db = self._open_read_only() if read_only else self._open_writable()

    def _open_writable(self) -> sqlite3.Connection:
        # SQLite itself would say so only at the first write, mid-run. (Opening the file to try would be
        # worse: closing it drops every lock this process's SQLite connections hold on it.)
        for needed in (self.path, self.path.parent):  # the folder takes the -wal and -shm files
            if needed.exists() and not os.access(needed, os.W_OK):
                raise cannot_write(self.path, f"{needed} is not writable by this user")
        self.db = _connect(str(self.path))
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            self.db.close()
            if _code(error) in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
                raise cannot_write(self.path, str(error)) from error
            raise
        # In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits,
        # which the next ingest redoes (the originals are fsynced before they are catalogued).
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()
        return self.db

    def _open_read_only(self) -> sqlite3.Connection:
        """`mode=ro`; as immutable when the catalog's folder cannot take the -shm file WAL readers share (then
        nobody is writing it). An older catalog is brought up to date first, which needs write access once."""
        uri = f"file:{urllib.parse.quote(str(self.path.absolute()))}?mode=ro"
        for options in ("", "&immutable=1"):
            db = _connect(uri + options, uri=True)
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                break
            except sqlite3.OperationalError as error:
                db.close()
                if options or _code(error) not in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
                    raise
        if version < SCHEMA_VERSION:
            db.close()
            Catalog(self.path).close()  # migrates, or says it cannot write
            return self._open_read_only()
        if version > SCHEMA_VERSION:
            raise _newer(self.path, version)
        db.execute("PRAGMA query_only=ON")
        return db

    def _migrate(self) -> None:
        """Create the tables, or bring a catalog written by an older Muragat up to SCHEMA_VERSION."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise _newer(self.path, version)
        self.db.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then see it done
        with self.db:
            if self.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return
            for table, columns in ADDED_COLUMNS.items():
                present = {row["name"] for row in self.db.execute(f"PRAGMA table_info({table})")}
                if not present:
                    continue
                for name, definition in columns.items():
                    if name not in present:
                        self.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            # Signs the web UI's session cookies: made once, with the catalog, kept with it.
            self.db.execute("INSERT OR IGNORE INTO settings VALUES ('secret_key', ?)", (secrets.token_hex(32),))
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
                     passages: list[PassageRecord], size: int | None = None, mtime_ns: int | None = None) -> bool:
        """Record a document with everything extracted from it, all or nothing; False when the catalog holds
        its content already (another process catalogued it since this one looked)."""
        with self.db:
            added = self.db.execute(
                f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)})"
                f" VALUES ({', '.join(':' + column for column in DOCUMENT_COLUMNS)}) ON CONFLICT DO NOTHING",
                document.__dict__,
            ).rowcount
            if added:
                self._add_path(document.id, path, size, mtime_ns)
                self._insert_content(pages, passages)
                self.db.execute("DELETE FROM removed WHERE sha256 = ?", (document.sha256,))  # added again
        return bool(added)

    def replace_content(self, document_id: str, pages: list[PageRecord], passages: list[PassageRecord]) -> None:
        """Swap a document's pages and passages for newly extracted ones (after OCR), all or nothing."""
        with self.db:
            self.db.execute("DELETE FROM passages WHERE document_id = ?", (document_id,))
            self.db.execute("DELETE FROM pages WHERE document_id = ?", (document_id,))
            self.db.execute("UPDATE documents SET indexed = 0, page_count = ? WHERE id = ?", (len(pages), document_id))
            self._insert_content(pages, passages)

    def _insert_content(self, pages: list[PageRecord], passages: list[PassageRecord]) -> None:
        self.db.executemany(
            "INSERT INTO pages (document_id, number, text, status, source, confidence, line_ends)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(p.document_id, p.number, p.text, p.status, p.source, p.confidence, p.line_ends) for p in pages])
        self.db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(p.id, p.document_id, p.page, p.seq, p.start, p.end, p.text) for p in passages])

    def documents_with_pages(self, statuses: tuple[str, ...]) -> list[str]:
        """Documents having a page in one of these statuses (pages waiting for OCR, say)."""
        marks = ",".join("?" * len(statuses))
        rows = self.db.execute(f"SELECT DISTINCT document_id FROM pages WHERE status IN ({marks}) ORDER BY 1",
                               statuses)
        return [row["document_id"] for row in rows]

    def add_path(self, document_id: str, path: str, size: int | None = None, mtime_ns: int | None = None) -> bool:
        """Remember another path of a known document; False if it was known already."""
        with self.db:
            return self._add_path(document_id, path, size, mtime_ns)

    def _add_path(self, document_id: str, path: str, size: int | None, mtime_ns: int | None) -> bool:
        known = self.db.execute("SELECT 1 FROM document_paths WHERE document_id = ? AND path = ?",
                                (document_id, path)).fetchone()
        self.db.execute("INSERT OR REPLACE INTO document_paths VALUES (?, ?, ?, ?)",
                        (document_id, path, size, mtime_ns))
        self.db.execute("DELETE FROM failures WHERE path = ?", (path,))
        return known is None

    def known_file(self, path: str) -> KnownFile | None:
        """The document last seen at `path`, if any (to skip hashing a file that has not changed)."""
        row = self.db.execute("SELECT document_id, size, mtime_ns FROM document_paths WHERE path = ?"
                              " ORDER BY mtime_ns DESC LIMIT 1", (path,)).fetchone()
        return KnownFile(**row) if row else None

    def update_metadata(self, document_id: str, changes: dict[str, object]) -> None:
        """Change a document's title, author, date, year, collection, language, source or access; it must be
        reindexed unless only its access changed."""
        unknown = set(changes) - set(METADATA_COLUMNS)
        if unknown:
            raise ValueError(f"not metadata: {sorted(unknown)}")
        if not changes:
            return
        assignments = ", ".join(f"{column} = :{column}" for column in changes)
        reindexed = ", indexed = 0" if set(changes) - UNINDEXED_METADATA else ""
        with self.db:
            self.db.execute(f"UPDATE documents SET {assignments}{reindexed} WHERE id = :id",
                            {**changes, "id": document_id})

    def mark_indexed(self, document_ids: list[str], indexed: bool = True) -> None:
        with self.db:
            self.db.executemany("UPDATE documents SET indexed = ? WHERE id = ?",
                                [(int(indexed), document_id) for document_id in document_ids])

    def unindexed_document_ids(self) -> list[str]:
        return [row["id"] for row in self.db.execute("SELECT id FROM documents WHERE indexed = 0 ORDER BY id")]

    def remove_document(self, document_id: str) -> None:
        """Delete a document and everything of it, remembering its content as removed (Removal)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO removed SELECT sha256, id, title, ?, access = 'restricted' OR"
                            " collection IN (SELECT name FROM collections WHERE access = 'restricted')"
                            " FROM documents WHERE id = ?", (now(), document_id))
            self.db.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def removal(self, sha256: str) -> Removal | None:
        """The removal of a document of this content, if it was removed and not added again."""
        row = self.db.execute("SELECT * FROM removed WHERE sha256 = ?", (sha256,)).fetchone()
        return Removal(**{**dict(row), "restricted": bool(row["restricted"])}) if row else None

    # Pages and passages

    def page(self, document_id: str, number: int) -> PageRecord | None:
        row = self.db.execute("SELECT * FROM pages WHERE document_id = ? AND number = ?",
                              (document_id, number)).fetchone()
        return PageRecord(**row) if row else None

    def pages(self, document_id: str) -> list[PageRecord]:
        rows = self.db.execute("SELECT * FROM pages WHERE document_id = ? ORDER BY number", (document_id,))
        return [PageRecord(**row) for row in rows]

    def page_sources(self, document_id: str) -> dict[int, str]:
        """{page number: where its text came from, "text_layer" or "ocr"} (the pages' texts left unread)."""
        rows = self.db.execute("SELECT number, source FROM pages WHERE document_id = ?", (document_id,))
        return {row["number"]: row["source"] for row in rows}

    def page_passages(self, document_id: str, number: int) -> list[PassageRecord]:
        rows = self.db.execute("SELECT * FROM passages WHERE document_id = ? AND page = ? ORDER BY seq",
                               (document_id, number))
        return [PassageRecord(**row) for row in rows]

    def passages(self, document_id: str) -> list[PassageRecord]:
        rows = self.db.execute("SELECT * FROM passages WHERE document_id = ? ORDER BY seq", (document_id,))
        return [PassageRecord(**row) for row in rows]

    # Failures

    def record_failure(self, path: str, sha256: str | None, reason: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", (path, sha256, reason, now()))

    def forget_failure(self, path: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM failures WHERE path = ?", (path,))

    def failures(self) -> list[Failure]:
        return [Failure(**row) for row in self.db.execute("SELECT * FROM failures ORDER BY path")]

    def failure(self, path: str) -> Failure | None:
        row = self.db.execute("SELECT * FROM failures WHERE path = ?", (path,)).fetchone()
        return Failure(**row) if row else None

    # Ingest runs

    def start_run(self, paths: list[str]) -> int:
        with self.db:
            cursor = self.db.execute("INSERT INTO ingest_runs (started_at, paths) VALUES (?, ?)",
                                     (now(), json.dumps(paths, ensure_ascii=False)))
        return cursor.lastrowid

    def finish_run(self, run_id: int, ingested: int, already_present: int, failed: int, pages: int, skipped: int = 0,
                   without_text: int = 0, finished: bool = True) -> None:
        """Record a run's figures: `skipped` files failed before (not tried again), `without_text` documents
        ingested with no text found (scans waiting for OCR, blank files); not `finished`: those of a run
        interrupted, which stays marked so."""
        with self.db:
            self.db.execute("UPDATE ingest_runs SET finished_at = ?, ingested = ?, already_present = ?, failed = ?,"
                            " pages = ?, skipped = ?, without_text = ? WHERE id = ?",
                            (now() if finished else None, ingested, already_present, failed, pages, skipped,
                             without_text, run_id))

    def last_run(self) -> IngestRun | None:
        row = self.db.execute("SELECT * FROM ingest_runs ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return IngestRun(**{**dict(row), "paths": tuple(json.loads(row["paths"]))})

    # Access: collections' and documents' access, users, grants, tokens, the audit trail

    def collection_access(self) -> dict[str, str]:
        """Each collection whose access was set: "public" or "restricted" (a collection not listed is public)."""
        return {row[0]: row[1] for row in self.db.execute("SELECT name, access FROM collections ORDER BY name")}

    def set_collection_access(self, name: str, access: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO collections VALUES (?, ?)", (name, access))

    def hidden_documents(self, user: str, sees_everything: bool) -> frozenset[str]:
        """The documents someone may not see: restricted ones (by their collection or their own access) outside the
        collections granted to them; none for whoever sees everything."""
        if sees_everything:
            return frozenset()
        rows = self.db.execute(
            "SELECT id FROM documents WHERE (access = 'restricted' OR collection IN"
            " (SELECT name FROM collections WHERE access = 'restricted'))"
            " AND collection NOT IN (SELECT collection FROM grants WHERE user = ?)", (user,))
        return frozenset(row[0] for row in rows)

    def is_restricted(self, document: Document) -> bool:
        return document.access == "restricted" or self.collection_access().get(document.collection) == "restricted"

    def user(self, name: str) -> User | None:
        row = self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return User(**row) if row else None

    def users(self) -> list[User]:
        return [User(**row) for row in self.db.execute("SELECT * FROM users ORDER BY name")]

    def has_users(self) -> bool:
        return self.db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def add_user(self, name: str, role: str, password_hash: str) -> bool:
        """False when the name is taken."""
        with self.db:
            return bool(self.db.execute("INSERT INTO users VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                        (name, role, password_hash, now())).rowcount)

    def set_password(self, name: str, password_hash: str) -> None:
        with self.db:
            self.db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name))

    def remove_user(self, name: str) -> None:
        """The user, their grants and their tokens."""
        with self.db:
            self.db.execute("DELETE FROM users WHERE name = ?", (name,))

    def grants(self, user: str) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT collection FROM grants WHERE user = ? ORDER BY 1", (user,))]

    def grant(self, user: str, collection: str) -> None:
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO grants VALUES (?, ?)", (user, collection))

    def revoke(self, user: str, collection: str) -> bool:
        """False when the user held no such grant."""
        with self.db:
            return bool(self.db.execute("DELETE FROM grants WHERE user = ? AND collection = ?",
                                        (user, collection)).rowcount)

    def add_token(self, user: str, token_hash: str) -> None:
        with self.db:
            self.db.execute("INSERT INTO tokens VALUES (?, ?, ?)", (token_hash, user, now()))

    def token_user(self, token_hash: str) -> User | None:
        row = self.db.execute("SELECT users.* FROM tokens JOIN users ON users.name = tokens.user"
                              " WHERE tokens.hash = ?", (token_hash,)).fetchone()
        return User(**row) if row else None

    def revoke_tokens(self, user: str) -> int:
        with self.db:
            return self.db.execute("DELETE FROM tokens WHERE user = ?", (user,)).rowcount

    def record_view(self, user: str, document_id: str, page: int | None, what: str) -> None:
        with self.db:
            self.db.execute("INSERT INTO audit (at, user, document_id, page, what) VALUES (?, ?, ?, ?, ?)",
                            (now(), user, document_id, page, what))

    def audit(self, limit: int = 100, user: str = "", document_id: str = "") -> list[AuditEntry]:
        """The latest views of restricted material, newest first (of one user, or one document, when given)."""
        rows = self.db.execute(
            "SELECT at, user, document_id, page, what FROM audit WHERE (? = '' OR user = ?)"
            " AND (? = '' OR document_id = ?) ORDER BY id DESC LIMIT ?",
            (user, user, document_id, document_id, limit))
        return [AuditEntry(**row) for row in rows]

    def secret_key(self) -> str:
        return self.db.execute("SELECT value FROM settings WHERE key = 'secret_key'").fetchone()[0]

    def engine(self) -> str | None:
        """The search engine the archive's index is kept by (index.seam.ENGINES); None in an archive made before
        the engine was recorded (a whoosh one)."""
        row = self.db.execute("SELECT value FROM settings WHERE key = 'engine'").fetchone()
        return row[0] if row else None

    def record_engine(self, name: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO settings VALUES ('engine', ?)", (name,))

    # Figures

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "pages": one("SELECT count(*) FROM pages"),
            "pages_without_text": one("SELECT count(*) FROM pages WHERE status != 'text'"),
            "pages_recognised": one("SELECT count(*) FROM pages WHERE source = 'ocr'"),
            "pages_needing_ocr": one("SELECT count(*) FROM pages WHERE status IN ('needs_ocr', 'ocr_failed')"),
            "passages": one("SELECT count(*) FROM passages"),
            "failures": one("SELECT count(*) FROM failures"),
            "unindexed_documents": one("SELECT count(*) FROM documents WHERE indexed = 0"),
        }

    def uncertain_pages(self, below: float) -> list[tuple[str, int, float]]:
        """Recognised pages whose reading Tesseract was unsure of (mean confidence `below`), least sure first:
        (document id, page, confidence)."""
        rows = self.db.execute("SELECT document_id, number, confidence FROM pages WHERE source = 'ocr' AND "
                               "status = 'text' AND confidence < ? ORDER BY confidence, document_id, number",
                               (below,))
        return [(row[0], row[1], row[2]) for row in rows]

    def list_documents(self, collection: str = "", year_from: int | None = None, year_to: int | None = None,
                       ids: Collection[str] | None = None, sort: str = "title", limit: int = 20,
                       offset: int = 0, hidden: Collection[str] = frozenset()) -> Listing:
        """The documents of a collection, a range of years and among `ids` (each when given), `hidden` ones left
        out, in a LISTING_ORDERS order, `limit` of them from `offset`, and how many there are in all."""
        where, values = [_visible(hidden)], _hidden_values(hidden)
        if collection:
            where.append("collection = ?")
            values.append(collection)
        if year_from is not None:
            where.append("year >= ?")
            values.append(year_from)
        if year_to is not None:
            where.append("year <= ?")
            values.append(year_to)
        if ids is not None:
            where.append("id IN (SELECT value FROM json_each(?))")
            values.append(json.dumps(sorted(ids)))
        condition = " AND ".join(where)
        total = self.db.execute(f"SELECT count(*) FROM documents WHERE {condition}", values).fetchone()[0]
        rows = self.db.execute(f"SELECT * FROM documents WHERE {condition} ORDER BY {LISTING_ORDERS[sort]}"
                               " LIMIT ? OFFSET ?", [*values, limit, offset])
        return Listing(total, tuple(_document(row) for row in rows))

    def documents_per_year(self, hidden: Collection[str] = frozenset()) -> dict[int, int]:
        """How many documents each year holds, in year order (undated ones and `hidden` ones aside)."""
        rows = self.db.execute(f"SELECT year, count(*) FROM documents WHERE year IS NOT NULL AND {_visible(hidden)}"
                               " GROUP BY year ORDER BY year", _hidden_values(hidden))
        return {row[0]: row[1] for row in rows}

    def collections(self, hidden: Collection[str] = frozenset()) -> dict[str, int]:
        """Documents per collection ('' for none), `hidden` ones left out (a collection of hidden ones with them)."""
        rows = self.db.execute(f"SELECT collection, count(*) FROM documents WHERE {_visible(hidden)}"
                               " GROUP BY collection ORDER BY collection", _hidden_values(hidden))
        return {row[0]: row[1] for row in rows}

    def restricted_alone(self, collection: str) -> tuple[int, int]:
        """(documents of the collection restricted by their own access, its documents)."""
        row = self.db.execute("SELECT count(*) FILTER (WHERE access = 'restricted'), count(*) FROM documents"
                              " WHERE collection = ?", (collection,)).fetchone()
        return row[0], row[1]

    def iter_passages(self) -> Iterator[tuple[PassageRecord, Document]]:
        """Every passage with its document, for rebuilding the index."""
        documents = {document.id: document for document in self.documents()}
        for row in self.db.execute("SELECT * FROM passages ORDER BY document_id, seq"):
            yield PassageRecord(**row), documents[row["document_id"]]


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(target, uri=uri, timeout=30.0, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.create_function("kazakh_key", 1, kazakh.sort_key, deterministic=True)  # titles in the Kazakh alphabet's order
    return db


def _visible(hidden: Collection[str]) -> str:
    """The condition leaving `hidden` documents out (its value from `_hidden_values`); always true without any."""
    return "id NOT IN (SELECT value FROM json_each(?))" if hidden else "1"


def _hidden_values(hidden: Collection[str]) -> list[str]:
    return [json.dumps(sorted(hidden))] if hidden else []


def _code(error: sqlite3.Error) -> int:
    """SQLite's primary result code of an error (SQLITE_READONLY, SQLITE_CANTOPEN…)."""
    return getattr(error, "sqlite_errorcode", 0) & 0xFF


def _newer(path: Path, version: int) -> MuragatError:
    return MuragatError(f"{path}: catalog version {version} is newer than this Muragat ({SCHEMA_VERSION}); "
                        f"upgrade Muragat")


def _document(row: sqlite3.Row) -> Document:
    values = dict(row)
    values["indexed"] = bool(values["indexed"])
    return Document(**values)
