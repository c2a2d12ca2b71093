"""Creating, opening and writing the whoosh index; the catalog stays the source of truth."""
from __future__ import annotations

import errno
import multiprocessing
import os
import pickle
import struct
import traceback
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from archive.pins import require

require("Whoosh-Reloaded", __name__)  # SegmentWriter's and SegmentReader's private methods, below
from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.reading import SegmentReader
from whoosh.writing import OPTIMIZE, SegmentWriter

from index.backends import write_committed
from index.children import end_with_parent
from index.language import text_language
from index.schema import IndexedPassage, fingerprint
from index.seam import IndexDamaged
from index.whoosh_engine.schema import SCHEMA_VERSION, build_schema
from index.whoosh_engine.segments import PooledSegmentWriter
from index.whoosh_engine.storage import MappedFileStorage

VERSION_FILE = "muragat-schema-version"


def index_version(directory: Path) -> str | None:
    """The schema/analyzer version the index in `directory` was built with, if any."""
    marker = Path(directory) / VERSION_FILE
    return marker.read_text().strip() if marker.exists() else None


def needs_rebuild(directory: Path) -> bool:
    """True when an index exists but was built with other analysis rules."""
    version = index_version(directory)
    return whoosh_index.exists_in(str(directory)) and version != SCHEMA_VERSION


def create_index(directory: Path) -> Index:
    """A new, empty index (replacing any index in `directory`)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ix = _storage(directory).create_index(build_schema())
    (directory / VERSION_FILE).write_text(SCHEMA_VERSION + "\n")
    return ix


# What whoosh raises reading a table of contents or a segment cut short or overwritten (it checks nothing itself).
DAMAGE = (struct.error, EOFError, zlib.error, pickle.UnpicklingError, TypeError, ValueError)


@contextmanager
def damage_told(directory: Path) -> Iterator[None]:
    """An index whoosh cannot read (a file truncated, overwritten) as IndexDamaged: whoosh says only `struct.error`
    or `ord() expected a character`."""
    try:
        yield
    except DAMAGE as error:
        raise IndexDamaged(directory, f"{type(error).__module__}.{type(error).__name__}: {error}") from error


def index_exists(directory: Path) -> bool:
    return whoosh_index.exists_in(str(directory))


def open_index(directory: Path, create: bool = True) -> Index:
    """Open the index in `directory`, creating it when there is none yet (unless not to write)."""
    directory = Path(directory)
    if not index_exists(directory):
        if not create:
            raise FileNotFoundError(errno.ENOENT, "no search index here", str(directory))
        return create_index(directory)
    return _storage(directory).open_index()


def _storage(directory: Path) -> MappedFileStorage:
    return MappedFileStorage(str(directory))


def _writer(ix: Index) -> PooledSegmentWriter:
    """The index's writer (it holds the index's lock until commit or cancel)."""
    return PooledSegmentWriter(ix, timeout=60.0)


# Segments merge ten at a time, by size tier (1k, 10k, 100k passages), and never beyond this size:
# whoosh merges by re-sorting every posting, so merging the big segments on an upload commit
# would take time and temporary disk in proportion to the whole index. `optimize` merges all.
MERGE_FACTOR = 10
MAX_MERGED_PASSAGES = 200_000


def merge_tiers(writer: SegmentWriter, segments: list) -> list:
    """Whoosh merge policy: merge the smallest MERGE_FACTOR segments of a size tier, up to a size."""
    tiers: dict[int, list] = defaultdict(list)
    for segment in segments:
        tiers[len(str(max(1, segment.doc_count_all())))].append(segment)
    kept = []
    for members in tiers.values():
        members.sort(key=lambda segment: segment.doc_count_all())
        chosen = members[:MERGE_FACTOR]
        if len(chosen) == MERGE_FACTOR and sum(segment.doc_count_all() for segment in chosen) <= MAX_MERGED_PASSAGES:
            for segment in chosen:
                with SegmentReader(writer.storage, writer.schema, segment) as reader:
                    writer.add_reader(reader)
            kept.extend(members[MERGE_FACTOR:])
        else:
            kept.extend(members)
    return kept


def optimize(ix: Index) -> int:
    """Merge every segment into one (searches read one segment); returns the passages merged."""
    with _writer(ix) as writer:
        writer.mergetype = OPTIMIZE
    return ix.doc_count()


def segment_count(ix: Index) -> int:
    with ix.reader() as reader:
        return sum(1 for _ in reader.leaf_readers())


class PassageWriter:
    """One whoosh writer kept open across documents: passages are analysed as they arrive
    (while the workers extract the next files) and committed in batches.

    The writer holds the index's lock from the first `add` to `commit`; searches go on.
    """

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._writer: SegmentWriter | None = None
        self.uncommitted = 0
        self._added: set[str] = set()  # documents whose passages wait for the next commit

    def add(self, passages: Iterable[IndexedPassage], replace_documents: Iterable[str] = ()) -> int:
        """Queue passages for the next commit, first deleting every passage of `replace_documents`. A document
        added since the last commit is committed before it is replaced: whoosh deletes only committed passages
        (two copies of one file in one batch, the second bringing the manifest's details, were indexed twice)."""
        replaced = list(replace_documents)
        if not self._added.isdisjoint(replaced):
            self.commit()
        with damage_told(Path(self._ix.storage.folder)):
            if self._writer is None:
                self._writer = _writer(self._ix)
                self._writer.mergetype = merge_tiers
            for document_id in replaced:
                self._writer.delete_by_term("document_id", document_id)
        count = _add(self._writer, self._noted(passages))
        self.uncommitted += count
        return count

    def _noted(self, passages: Iterable[IndexedPassage]) -> Iterator[IndexedPassage]:
        for passage in passages:
            self._added.add(passage.document_id)
            yield passage

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer, self.uncommitted = None, 0
            self._added.clear()

    def cancel(self) -> None:
        """Drop what was added since the last commit (the catalog still says it is not indexed)."""
        if self._writer is not None:
            self._writer.cancel()
            self._writer, self.uncommitted = None, 0
            self._added.clear()


def write_passages(ix: Index, passages: Iterable[IndexedPassage], replace_documents: Iterable[str] = ()) -> int:
    """Add passages in one commit, first deleting every passage of `replace_documents`."""
    return write_committed(PassageWriter(ix), passages, replace_documents)


def _add(writer: SegmentWriter, passages: Iterable[IndexedPassage]) -> int:
    """Queue passages in a writer; returns how many."""
    count = 0
    for passage in passages:
        writer.add_document(
            passage_id=passage.passage_id,
            document_id=passage.document_id,
            title=passage.title,
            author=passage.author,
            page=passage.page,
            text=passage.text,
            exact=passage.text,
            collection=passage.collection,
            year=passage.year,
            language=text_language(passage.text, passage.language_hint or None),
            fingerprint=fingerprint(passage.text),
            source=passage.source,
        )
        count += 1
    return count


def write_parts(ix: Index, parts: Sequence[Callable[[], Iterable[IndexedPassage]]]) -> int:
    """Add passages in one commit, each part analysed and written by a process of its own, as a segment of its own.

    For building an index from the catalog on several cores. A part is called in its process
    (open files and connections there, not before). The segments follow the parts' order, so
    the passages are numbered as if one writer had added the parts one after the other.
    """
    if len(parts) == 1:
        return write_passages(ix, parts[0]())
    writer = _writer(ix)  # holds the lock for the parts' writers; its own segment stays empty
    context = multiprocessing.get_context("fork")  # the parts are closures, not picklable
    started = []
    try:
        for part in parts:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_write_part, args=(ix, part, sender, os.getpid()), daemon=True)
            process.start()
            sender.close()
            started.append((process, receiver))
        segments, total = [], 0
        for process, receiver in started:
            try:
                segment, count, failure = receiver.recv()
            except EOFError:
                segment, count, failure = None, 0, "the process ended without a result"
            process.join()
            if failure:
                raise RuntimeError(f"indexing a part in process {process.pid} failed: {failure}")
            if count:
                segments.append(segment)  # an empty part's files are cleaned away with the commit
            total += count
    except BaseException:
        for process, _receiver in started:
            process.terminate()
        writer.cancel()
        raise
    writer._close_segment()
    writer._commit_toc(writer.segments + segments)
    writer._finish()
    return total


def _write_part(ix: Index, part: Callable[[], Iterable[IndexedPassage]], sender, parent: int) -> None:
    """In a part's process: write its passages as a new segment and send (segment, passages, failure) back."""
    end_with_parent(parent)
    try:
        writer = PooledSegmentWriter(ix, _lk=False)  # the parent holds the lock
        count = _add(writer, part())
        sender.send((writer._finalize_segment(), count, None))
    except BaseException:  # noqa: BLE001 - whatever stops the part goes back to the parent, which fails
        sender.send((None, 0, traceback.format_exc()))
    finally:
        sender.close()


def delete_documents(ix: Index, document_ids: Iterable[str]) -> None:
    """Remove every passage of the given documents."""
    with damage_told(Path(ix.storage.folder)), _writer(ix) as writer:
        writer.mergetype = merge_tiers
        for document_id in document_ids:
            writer.delete_by_term("document_id", document_id)


def indexed_document_ids(ix: Index) -> set[str]:
    """Documents that have at least one passage in the index (for catalog/index agreement)."""
    with ix.searcher() as searcher:
        # The lexicon keeps a deleted document's terms until segments merge; its postings do not.
        return {term.decode() for term in searcher.lexicon("document_id")
                if searcher.postings("document_id", term).is_active()}


def size_on_disk(directory: Path) -> int:
    """Bytes used by the index files."""
    return sum(path.stat().st_size for path in Path(directory).glob("*") if path.is_file())
