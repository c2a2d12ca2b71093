"""Creating, opening and writing the tantivy index; the catalog stays the source of truth.

Passages are analysed here, by Muragat's analyzers (index.analysis.term_sequence), and handed to
tantivy as pre-tokenized text: tantivy keeps the terms and their positions, never analyses itself.
"""
from __future__ import annotations

import atexit
import errno
import multiprocessing
import os
import shutil
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import connection
from pathlib import Path

import tantivy

from index.backends import write_committed
from index.analysis import term_sequence
from index.children import end_with_parent
from index.language import text_language
from index.schema import NO_YEAR, IndexedPassage, fingerprint
from index.tantivy_engine.schema import SCHEMA_VERSION, VERSION_FILE, build_schema, code, index_version

# Memory the writer buffers before it writes a segment (tantivy's own threads share it), and its threads
# (0: tantivy's choice, from the cores).
WRITER_HEAP_BYTES = 256 * 2**20
WRITER_THREADS = 0
# Passages a part's process analyses before it sends them to the writer's process (a rebuild).
ANALYSED_BATCH = 200


def index_exists(directory: Path) -> bool:
    return Path(directory).is_dir() and tantivy.Index.exists(str(directory))


def needs_rebuild(directory: Path) -> bool:
    """True when an index exists but was built with other analysis rules."""
    return index_exists(directory) and index_version(directory) != SCHEMA_VERSION


def create_index(directory: Path) -> tantivy.Index:
    """A new, empty index (replacing any index in `directory`)."""
    directory = Path(directory)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    index = tantivy.Index(build_schema(), path=str(directory), reuse=False)
    (directory / VERSION_FILE).write_text(SCHEMA_VERSION + "\n")
    return index


def open_index(directory: Path, create: bool = True) -> tantivy.Index:
    """Open the index in `directory`, creating it when there is none yet (unless not to write)."""
    directory = Path(directory)
    if not index_exists(directory):
        if not create:
            raise FileNotFoundError(errno.ENOENT, "no search index here", str(directory))
        return create_index(directory)
    try:
        return tantivy.Index.open(str(directory))
    except ValueError as error:  # tantivy takes a lock file even to read: none on a read-only disk
        if create or "Lockfile" not in str(error):
            raise
        return tantivy.Index.open(_linked_copy(directory))


def _linked_copy(directory: Path) -> str:
    """A folder of links to the index's files where tantivy may write its lock files: the index of an archive
    this user may not write (a mounted snapshot, a backup, another user's), read where it stands."""
    linked = Path(tempfile.mkdtemp(prefix="muragat-tantivy-"))
    atexit.register(shutil.rmtree, linked, ignore_errors=True)
    for path in directory.iterdir():
        if path.is_file() and not path.name.endswith(".lock"):
            (linked / path.name).symlink_to(path.resolve())
    return str(linked)


def _pre_tokenized(text: str, terms: list[tuple[str, int]]) -> tantivy.PreTokenizedString:
    """`text` (what is stored) indexed as the given terms at their positions (their characters are not needed:
    marks come from index.snippets)."""
    return tantivy.PreTokenizedString(text, [tantivy.Token(term, position, 0, 0) for term, position in terms])


@dataclass(frozen=True)
class Analysed:
    """A passage and what Muragat's analysis makes of it (picklable: a part's process sends it to the writer's)."""

    passage: IndexedPassage
    stems: list[tuple[str, int]]
    forms: list[tuple[str, int]]
    title: list[tuple[str, int]]
    author: list[tuple[str, int]]
    language: str


def analyse(passage: IndexedPassage) -> Analysed:
    return Analysed(passage, term_sequence(passage.text), term_sequence(passage.text, exact=True),
                    term_sequence(passage.title), term_sequence(passage.author),
                    text_language(passage.text, passage.language_hint or None))


def document(analysis: Analysed) -> tantivy.Document:
    """The tantivy document of an analysed passage."""
    passage, stems, forms, title, language = (analysis.passage, analysis.stems, analysis.forms, analysis.title,
                                              analysis.language)
    doc = tantivy.Document()
    doc.add_text("passage_id", passage.passage_id)
    for name, value in (("document_id", passage.document_id), ("collection", passage.collection),
                        ("language", language), ("source", passage.source)):
        doc.add_text(name, value)
        doc.add_unsigned(f"{name}_code", code(value))
    doc.add_pre_tokenized_text("text", _pre_tokenized(passage.text, stems))
    doc.add_pre_tokenized_text("title", _pre_tokenized(passage.title, title))
    doc.add_pre_tokenized_text("author", _pre_tokenized(passage.author, analysis.author))
    # The exact field stores its forms (the ranking model counts them), the stems field the text's terms.
    doc.add_pre_tokenized_text("exact", _pre_tokenized(" ".join(term for term, _ in forms), forms))
    doc.add_bytes("stems", " ".join(term for term, _ in stems).encode("utf-8"))
    doc.add_bytes("title_stems", " ".join(term for term, _ in title).encode("utf-8"))
    doc.add_integer("year", passage.year if passage.year is not None else NO_YEAR)
    doc.add_integer("page", passage.page)
    doc.add_unsigned("page_key", code(f"{passage.document_id}\x00{passage.page}"))
    doc.add_unsigned("fingerprint", int(fingerprint(passage.text), 16))
    doc.add_unsigned("text_length", len(stems))
    doc.add_unsigned("title_length", len(title))
    doc.add_unsigned("exact_length", len(forms))
    return doc


class PassageWriter:
    """One tantivy writer kept open across documents: passages analysed as they arrive, committed in batches.

    The writer holds the index's lock from the first `add` to `commit` (or `cancel`); searches go on.
    """

    def __init__(self, index: tantivy.Index) -> None:
        self._index = index
        self._writer: tantivy.IndexWriter | None = None
        self.uncommitted = 0

    def add(self, passages: Iterable[IndexedPassage], replace_documents: Iterable[str] = ()) -> int:
        """Queue passages for the next commit, first deleting every passage of `replace_documents`."""
        return self.add_analysed(map(analyse, passages), replace_documents)

    def add_analysed(self, passages: Iterable[Analysed], replace_documents: Iterable[str] = ()) -> int:
        """Queue analysed passages for the next commit, first deleting every passage of `replace_documents`."""
        with _write_errors():
            if self._writer is None:
                self._writer = self._index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=WRITER_THREADS)
            for document_id in replace_documents:
                self._writer.delete_documents_by_term("document_id", document_id)
            count = 0
            for passage in passages:
                self._writer.add_document(document(passage))
                count += 1
        self.uncommitted += count
        return count

    def delete(self, document_ids: Iterable[str]) -> None:
        """Queue the removal of every passage of these documents."""
        self.add((), replace_documents=document_ids)

    def commit(self) -> None:
        if self._writer is not None:
            with _write_errors():
                self._writer.commit()
                self._writer.wait_merging_threads()  # also releases the index's lock
            self._writer, self.uncommitted = None, 0
            self._index.reload()

    def cancel(self) -> None:
        """Drop what was added since the last commit (the catalog still says it is not indexed)."""
        if self._writer is not None:
            self._writer.rollback()
            self._writer.wait_merging_threads()
            self._writer, self.uncommitted = None, 0


@contextmanager
def _write_errors() -> Iterator[None]:
    """tantivy's failures to write its files (a full disk: "An index writer was killed.. (io::Error most likely)",
    raised as a ValueError) as the OSError they are, which the commands report in one line."""
    try:
        yield
    except ValueError as error:
        if "io::Error" not in str(error) and "IoError" not in str(error):
            raise
        raise OSError(errno.EIO, f"the search index could not be written (is the disk full? tantivy: "
                                 f"{' '.join(str(error).split())[:160]})") from error


def write_passages(index: tantivy.Index, passages: Iterable[IndexedPassage],
                   replace_documents: Iterable[str] = ()) -> int:
    """Add passages in one commit, first deleting every passage of `replace_documents`."""
    return write_committed(PassageWriter(index), passages, replace_documents)


def write_parts(index: tantivy.Index, parts: Sequence[Callable[[], Iterable[IndexedPassage]]]) -> int:
    """Add the passages of every part in one commit, each part analysed by a process of its own (Muragat's
    analysis is Python: a core each), the documents added here as the batches come, tantivy's writer threads
    building the segments. The parts' passages come in whichever order they are ready: tantivy's numbering
    decides nothing (equal scores are ordered by document, page and passage).

    A part is called in its process (open files and connections there, not before).
    """
    if len(parts) == 1:
        return write_passages(index, parts[0]())
    context = multiprocessing.get_context("fork")  # the parts are closures, not picklable
    writer = PassageWriter(index)
    started = []
    try:
        for part in parts:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_analyse_part, args=(part, sender, os.getpid()), daemon=True)
            process.start()
            sender.close()
            started.append((process, receiver))
        waiting = {receiver: process for process, receiver in started}
        count = 0
        while waiting:
            for receiver in connection.wait(list(waiting)):
                try:
                    batch, failure = receiver.recv()
                except EOFError:
                    batch, failure = None, "the process ended without a result"
                if failure:
                    raise RuntimeError(f"indexing a part in process {waiting[receiver].pid} failed: {failure}")
                if batch is None:
                    waiting.pop(receiver).join()
                else:
                    count += writer.add_analysed(batch)
        writer.commit()
    except BaseException:
        for process, _receiver in started:
            process.terminate()
        writer.cancel()
        raise
    return count


def _analyse_part(part: Callable[[], Iterable[IndexedPassage]], sender: connection.Connection, parent: int) -> None:
    """In a part's process: send its passages analysed, ANALYSED_BATCH at a time, then (None, None); or (None,
    the failure)."""
    end_with_parent(parent)
    try:
        batch = []
        for passage in part():
            batch.append(analyse(passage))
            if len(batch) == ANALYSED_BATCH:
                sender.send((batch, None))
                batch = []
        if batch:
            sender.send((batch, None))
        sender.send((None, None))
    except BaseException:  # noqa: BLE001 - whatever stops the part goes back to the parent, which fails
        sender.send((None, traceback.format_exc()))
    finally:
        sender.close()


def delete_documents(index: tantivy.Index, document_ids: Iterable[str]) -> None:
    """Remove every passage of the given documents."""
    writer = PassageWriter(index)
    writer.delete(document_ids)
    writer.commit()


def optimize(index: tantivy.Index) -> None:
    """Let tantivy's merge policy finish merging: the Python bindings offer no merge into one segment, and
    tantivy's log merge policy already merges segments of like size in the background as commits come."""
    writer = index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=WRITER_THREADS)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()


def size_on_disk(directory: Path) -> int:
    """Bytes used by the index files."""
    return sum(path.stat().st_size for path in Path(directory).glob("*") if path.is_file())
