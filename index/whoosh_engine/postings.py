"""One index generation read into arrays: terms' postings, columns, field lengths, live passages.

Whoosh decodes postings a block at a time into Python objects and scores them through a
tree of Python matchers, so a query touching 100,000 postings makes 100,000 trips through
Python. Read once into numpy arrays, and kept within a memory bound for as long as the
index generation lasts, a term's postings are scored, combined and counted in bulk.
"""
from __future__ import annotations

import io
import itertools
import pickle
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from archive.pins import require

require("Whoosh-Reloaded", __name__)  # before the private names below: another release may lack them
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from index.matches import Column, locate, place_order, undated
from index.ranking import LanguageSizes, language_sizes, page_language_sizes
from index.schema import NO_YEAR
from index.whoosh_engine.storage import MappedFile

# Memory kept for decoded postings per index generation (8 bytes a posting).
POSTINGS_CACHE_BYTES = 160 * 2**20
# Whoosh stores a field's length per passage as one byte; this turns the byte back into a length.
_LENGTH_OF_BYTE = np.array([byte_to_length(byte) for byte in range(256)], dtype=np.float64)
_CHECK_DEADLINE_EVERY = 64  # blocks
# Whoosh's block: its length (negative for the last), a pickled info tuple (a few dozen bytes), the data.
_BLOCK_LENGTH = struct.Struct("!i")
_BLOCK_INFO_BYTES = 128
# Terms whose block headers (not postings) are kept: a few dozen bytes a block.
MAX_BLOCK_MAPS = 4096


@dataclass(frozen=True)
class Blocks:
    """Where a term's postings blocks are, to read their positions again for a few passages."""

    leaves: np.ndarray  # int32: the segment (leaf reader) of each block
    offsets: np.ndarray  # int64: its data in the postings file
    lengths: np.ndarray  # int64
    last: np.ndarray  # int64: the last document number in it (global), ascending
    compressed: np.ndarray  # int64: 0 when the block's pickle is not zlib-compressed


@dataclass(frozen=True)
class TermPositions:
    """Every position of a term, posting by posting (aligned with its TermPostings.docnums)."""

    counts: np.ndarray  # int64: positions in each posting
    starts: np.ndarray  # int64: where each posting's positions begin in `flat`
    flat: np.ndarray  # int32

    @property
    def nbytes(self) -> int:
        return self.counts.nbytes + self.starts.nbytes + self.flat.nbytes


@dataclass(frozen=True)
class TermPostings:
    """A term's live passages (ascending document numbers) and its weight (frequency) in each."""

    docnums: np.ndarray  # int32
    weights: np.ndarray  # float32
    complete: bool = True  # False: the deadline cut the reading short
    blocks: Blocks | None = None  # None: some segment keeps the term's postings inline
    positions: TermPositions | None = None  # read only for phrases

    @property
    def nbytes(self) -> int:
        return (self.docnums.nbytes + self.weights.nbytes + (self.blocks.last.nbytes * 5 if self.blocks else 0)
                + (self.positions.nbytes if self.positions else 0))


EMPTY = TermPostings(np.empty(0, np.int32), np.empty(0, np.float32))


class Generation:
    """The arrays of one index generation, built on first use and shared by every thread's searcher."""

    def __init__(self, searcher: Searcher, cache_bytes: int) -> None:
        self.key = generation_key(searcher)
        self.size = searcher.doc_count_all()
        self._cache_bytes = cache_bytes
        self._cached_bytes = 0
        self._terms: OrderedDict[tuple[str, str], TermPostings] = OrderedDict()
        self._columns: dict[str, Column] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._languages: dict[str, LanguageSizes] = {}
        self._live: np.ndarray | None = None
        self._years: np.ndarray | None = None
        self._pages: tuple[np.ndarray, np.ndarray] | None = None
        self._places: np.ndarray | None = None
        self._block_maps: OrderedDict[tuple[str, str], Blocks | None] = OrderedDict()
        self._lock = threading.Lock()

    def live(self, searcher: Searcher) -> np.ndarray:
        """A bool per passage: False for deleted ones (still in their segment until it merges)."""
        if self._live is None:
            live = np.zeros(self.size, dtype=bool)
            live[np.fromiter(searcher.reader().all_doc_ids(), dtype=np.int64)] = True
            self._live = live
        return self._live

    def lengths(self, searcher: Searcher, field: str) -> np.ndarray:
        """The field's length in every passage, as whoosh's BM25 reads it (one byte, decoded)."""
        if field not in self._lengths:
            parts = []
            for leaf, _ in _leaves(searcher):
                size = leaf.doc_count_all()
                column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)  # None: no passage has it
                raw = np.zeros(size, dtype=np.uint8)
                if column is not None and column._count:
                    stored = min(column._count, size)
                    raw[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
                parts.append(_LENGTH_OF_BYTE[raw])
            self._lengths[field] = np.concatenate(parts) if parts else np.empty(0)
        return self._lengths[field]

    def languages(self, searcher: Searcher, field: str) -> LanguageSizes:
        """Each passage's language code, and each language's live passages and mean `field` length:
        BM25's statistics taken per language, as if each language were an archive of its own."""
        if field not in self._languages:
            codes = self.column(searcher, "language").codes
            live = self.live(searcher)
            count = int(codes.max()) + 1 if len(codes) else 0
            sizes = language_sizes(codes[live], self.lengths(searcher, field)[live], count)
            self._languages[field] = LanguageSizes(codes, sizes.passages, sizes.average_lengths)
        return self._languages[field]

    def page_languages(self, searcher: Searcher) -> LanguageSizes:
        """The same per page (index.ranking.page_language_sizes)."""
        if "pages" not in self._languages:
            page_of, page_lengths = self.pages(searcher)
            self._languages["pages"] = page_language_sizes(page_of, page_lengths, self.languages(searcher, "text"))
        return self._languages["pages"]

    def column(self, searcher: Searcher, name: str) -> Column:
        """A column (collection, year, document_id, fingerprint) as codes, read once per generation."""
        if name not in self._columns:
            codes_of: dict = {}
            values: list = []
            for leaf, _ in _leaves(searcher):
                reader, size = leaf.column_reader(name), leaf.doc_count_all()
                values.extend(list(reader) if len(reader) == size else [reader[docnum] for docnum in range(size)])
            codes = np.fromiter((codes_of.setdefault(value, len(codes_of)) for value in values),
                                dtype=np.int32, count=len(values))
            self._columns[name] = Column(codes, list(codes_of))
        return self._columns[name]

    def pages(self, searcher: Searcher) -> tuple[np.ndarray, np.ndarray]:
        """(each passage's page, as an index into the second array; each page's length in `text` words)."""
        if self._pages is None:
            documents = self.column(searcher, "document_id").codes.astype(np.int64)
            numbers = self.column(searcher, "page")
            page_numbers = np.asarray(numbers.values, dtype=np.int64)[numbers.codes]
            _, page_of = np.unique(documents * (int(page_numbers.max(initial=0)) + 1) + page_numbers,
                                   return_inverse=True)
            page_of = page_of.astype(np.int32)
            self._pages = page_of, np.bincount(page_of, weights=self.lengths(searcher, "text"))
        return self._pages

    def places(self, searcher: Searcher) -> np.ndarray:
        """Each passage's place in the order of document id, page, then passage number (matches.place_order)."""
        if self._places is None:
            numbers = self.column(searcher, "page")
            self._places = place_order(self.column(searcher, "document_id"),
                                       np.asarray(numbers.values, dtype=np.int64)[numbers.codes])
        return self._places

    def years(self, searcher: Searcher) -> np.ndarray:
        """Every passage's year; NO_YEAR when undated (whoosh's minimum when the field was left out)."""
        if self._years is None:
            column = self.column(searcher, "year")
            values = [NO_YEAR if undated(value) else value for value in column.values]
            self._years = np.asarray(values, dtype=np.int64)[column.codes]
        return self._years

    def postings(self, searcher: Searcher, field: str, text: str, deadline: float,
                 with_positions: bool = False) -> TermPostings:
        """A term's postings (with their positions, for a phrase), from the cache or decoded;
        a deadline cuts decoding short (`complete` False)."""
        key = (field, text)
        with self._lock:
            cached = self._terms.get(key)
            if cached is not None and (cached.positions is not None or not with_positions):
                self._terms.move_to_end(key)
                return cached
        postings = self._decode(searcher, field, text, deadline, with_positions)
        if postings.complete:
            with self._lock:
                replaced = self._terms.pop(key, None)
                self._cached_bytes += postings.nbytes - (replaced.nbytes if replaced else 0)
                self._terms[key] = postings
                while self._cached_bytes > self._cache_bytes and len(self._terms) > 1:
                    self._cached_bytes -= self._terms.popitem(last=False)[1].nbytes
        return postings

    def _decode(self, searcher: Searcher, field: str, text: str, deadline: float,
                with_positions: bool) -> TermPostings:
        docnums: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        blocks: list[tuple[int, int, int, int, int]] = []
        values: list[bytes] | None = [] if with_positions else None
        complete, inline = True, False
        try:
            encoded = searcher.schema[field].to_bytes(text)
        except ValueError:
            return EMPTY
        for number, (leaf, offset) in enumerate(searcher.reader().leaf_readers()):
            if (field, encoded) not in leaf:
                continue
            matcher = _leaf_matcher(leaf, field, encoded)
            if isinstance(matcher, W3LeafMatcher):
                complete = _read_blocks(matcher, number, offset, docnums, weights, blocks, values, deadline)
            else:  # a term in one passage of the segment: whoosh keeps its postings inline
                inline = True
                ids = list(matcher.all_ids())
                docnums.append(np.asarray(ids, dtype=np.int64) + offset)
                matcher.reset()
                weights.append(np.fromiter((_weight_at(matcher, values) for _ in ids), dtype=np.float32, count=len(ids)))
            if not complete:
                break
        if not docnums:
            return EMPTY
        found = np.concatenate(docnums).astype(np.int32)
        kept = self.live(searcher)[found]
        where = None if inline else _as_blocks(blocks)
        positions = _kept_positions(values, kept) if values is not None and complete else None
        return TermPostings(found[kept], np.concatenate(weights)[kept], complete, where, positions)

    def cached(self, field: str, text: str) -> TermPostings | None:
        with self._lock:
            return self._terms.get((field, text))

    def weights_at(self, searcher: Searcher, field: str, text: str, docnums: np.ndarray) -> np.ndarray:
        """The term's weight in each of a few passages (ascending), 0 where absent: from its cached
        postings, else from the blocks holding them (a common word left out of the search)."""
        postings = self.cached(field, text)
        if postings is not None:
            inside, where = locate(postings.docnums, docnums)
            return np.where(inside, postings.weights[where], 0.0) if len(postings.docnums) else np.zeros(len(docnums))
        weights = np.zeros(len(docnums))
        blocks = self.blocks(searcher, field, text)
        if blocks is None:  # inline postings: passage by passage
            for index, matcher in _each_posting(searcher, field, text, docnums):
                weights[index] = matcher.weight()
            return weights
        for first, end, ids, block_weights, _ in _in_blocks(searcher, field, text, blocks, docnums):
            inside, where = locate(ids, docnums[first:end])
            found = np.ones(len(ids)) if block_weights is None else np.broadcast_to(block_weights, len(ids))
            weights[first:end][inside] = np.asarray(found, dtype=np.float64)[where[inside]]
        return weights

    def positions(self, searcher: Searcher, field: str, text: str, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(passage, position) pairs of a term in the given passages (ascending, all holding it), by index into `docnums`."""
        postings = self.cached(field, text)
        if postings is not None and postings.positions is not None:  # read with the postings
            return _gathered(postings.positions, np.searchsorted(postings.docnums, docnums))
        blocks = self.blocks(searcher, field, text)
        if blocks is None:  # inline postings: passage by passage
            values = [matcher.value() for _, matcher in _each_posting(searcher, field, text, docnums)]
        else:  # only the blocks holding the passages
            values = []
            for first, end, ids, _, block_values in _in_blocks(searcher, field, text, blocks, docnums):
                values.extend(map(block_values.__getitem__, np.searchsorted(ids, docnums[first:end]).tolist()))
        counts, positions = _unpickled_positions(values)
        return np.repeat(np.arange(len(docnums)), counts), positions

    def blocks(self, searcher: Searcher, field: str, text: str) -> Blocks | None:
        """Where a term's postings blocks are: known from its cached postings, or its block headers
        read (no block data) and kept; None when some segment keeps the term's postings inline."""
        postings = self.cached(field, text)
        if postings is not None:
            return postings.blocks
        key = (field, text)
        with self._lock:
            if key in self._block_maps:
                return self._block_maps[key]
        blocks = _block_headers(searcher, field, text)
        with self._lock:
            self._block_maps[key] = blocks
            while len(self._block_maps) > MAX_BLOCK_MAPS:
                self._block_maps.popitem(last=False)
        return blocks


def _block_headers(searcher: Searcher, field: str, text: str) -> Blocks | None:
    encoded = searcher.schema[field].to_bytes(text)
    blocks: list[tuple[int, int, int, int, int]] = []
    for number, (leaf, offset) in enumerate(searcher.reader().leaf_readers()):
        if (field, encoded) not in leaf:
            continue
        matcher = _leaf_matcher(leaf, field, encoded)
        if not isinstance(matcher, W3LeafMatcher):
            return None
        blocks.extend((number, start, length, last + offset, compression)
                      for start, length, last, compression in _block_spans(matcher))
    return _as_blocks(blocks)


def _as_blocks(blocks: list[tuple[int, int, int, int, int]]) -> Blocks | None:
    return Blocks(*(np.asarray(part, dtype=np.int64) for part in zip(*blocks))) if blocks else None


def _in_blocks(searcher: Searcher, field: str, text: str, blocks: Blocks, docnums: np.ndarray):
    """(first, end, ids, weights, values) for each run `docnums[first:end]` (ascending) falling in one
    block: the block's passage numbers (global), weights (None: all 1) and values, read from disk."""
    leaves = list(searcher.reader().leaf_readers())
    encoded = searcher.schema[field].to_bytes(text)
    files: dict[int, object] = {}
    block_of = np.searchsorted(blocks.last, docnums)
    for block, first, end in _runs(block_of):
        if block >= len(blocks.last):  # past the term's last passage
            continue
        number = int(blocks.leaves[block])
        if number not in files:
            files[number] = _leaf_matcher(leaves[number][0], field, encoded)._postfile
        data = files[number].get(int(blocks.offsets[block]), int(blocks.lengths[block]))
        ids, weights, values = pickle.loads(zlib.decompress(data) if blocks.compressed[block] else data)
        yield first, end, np.cumsum(np.asarray(ids, dtype=np.int64)) + leaves[number][1], weights, values


def _leaves(searcher: Searcher) -> list:
    """The searcher's segment readers with passages (an index whose documents gave none has one empty reader,
    with no columns to read)."""
    return [(leaf, offset) for leaf, offset in searcher.reader().leaf_readers() if leaf.doc_count_all()]


def _each_posting(searcher: Searcher, field: str, text: str, docnums: np.ndarray):
    """(index into `docnums`, whoosh matcher on its posting) for each of the passages holding the term."""
    encoded = searcher.schema[field].to_bytes(text)
    wanted = docnums.tolist()
    for leaf, offset in searcher.reader().leaf_readers():
        inside = [(index, docnum - offset) for index, docnum in enumerate(wanted)
                  if offset <= docnum < offset + leaf.doc_count_all()]
        if not inside or (field, encoded) not in leaf:
            continue
        matcher = _leaf_matcher(leaf, field, encoded)
        for index, docnum in inside:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                yield index, matcher


def _runs(values: np.ndarray) -> list[tuple[int, int, int]]:
    """(value, start, end) of each run of equal values in an ascending array."""
    starts = np.flatnonzero(np.diff(values, prepend=-1))
    ends = np.append(starts[1:], len(values))
    return list(zip(values[starts].tolist(), starts.tolist(), ends.tolist()))


def _unpickled_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh's Positions values (a count, then the pickled list of deltas) of many postings:
    (positions per posting, all positions), unpickled as one list of lists in one call."""
    if not values:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pickles = b"".join(value[4:-1] if value.endswith(b".") else value[4:] for value in values)
    lists = pickle.loads(b"\x80\x02(" + pickles + b"l.")
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    deltas = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    running = np.cumsum(deltas)
    before = np.concatenate(([0], running))[np.cumsum(counts) - counts]
    return counts, running - np.repeat(before, counts)


def _leaf_matcher(leaf, field: str, encoded: bytes):
    matcher = leaf.postings(field, encoded)
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _read_blocks(matcher: W3LeafMatcher, number: int, offset: int, docnums: list, weights: list,
                 blocks: list, values: list | None, deadline: float) -> bool:
    """Decode every block of a postings list straight from whoosh's format (pickled, zlib'd tuples)."""
    postfile = matcher._postfile
    for count, (start, length, _, compression) in enumerate(_block_spans(matcher), 1):
        data = postfile.get(start, length)
        ids, block_weights, block_values = pickle.loads(zlib.decompress(data) if compression else data)
        if values is not None:
            values.extend(block_values)
        docnums.append(np.cumsum(np.asarray(ids, dtype=np.int64)) + offset)
        blocks.append((number, start, length, int(docnums[-1][-1]), compression))
        if isinstance(block_weights, tuple):
            weights.append(np.asarray(block_weights, dtype=np.float32))
        else:  # None: every weight is 1; a number: every weight is that number
            weights.append(np.full(len(ids), 1.0 if block_weights is None else block_weights, dtype=np.float32))
        if count % _CHECK_DEADLINE_EVERY == 0 and time.monotonic() > deadline:
            return False
    return True


def _block_spans(matcher: W3LeafMatcher) -> Iterator[tuple[int, int, int, int]]:
    """(data offset, data length, last passage in the segment, compression) of each block of a term's
    postings, read straight from the mapped file (index.storage): whoosh's own walk reads each block's
    header through a dozen small reads of a file object."""
    postfile: MappedFile = matcher._postfile
    mapped, base = postfile.file.mapped, postfile.file.start
    position = matcher._baseoffset
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(mapped, base + position)
        header = position + _BLOCK_LENGTH.size
        end = header + abs(length)
        info = io.BytesIO(mapped[base + header:base + min(end, header + _BLOCK_INFO_BYTES)])
        _count, last, _weight, compression, _shortest, _longest = pickle.Unpickler(info).load()
        yield header + info.tell(), end - header - info.tell(), last, compression or 0
        if length < 0:  # whoosh marks the last block by a negative length
            return
        position = end


def _weight_at(matcher, values: list | None) -> float:
    weight = matcher.weight()
    if values is not None:
        values.append(matcher.value())
    matcher.next()
    return weight


def _kept_positions(values: list[bytes], kept: np.ndarray) -> TermPositions:
    """The positions of every posting, those of deleted passages left out."""
    counts, flat = _unpickled_positions(values)
    flat = flat[np.repeat(kept, counts)].astype(np.int32)
    counts = counts[kept]
    return TermPositions(counts, np.cumsum(counts) - counts, flat)


def _gathered(positions: TermPositions, postings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index into `postings`, position) of every position of the given postings."""
    counts = positions.counts[postings]
    owners = np.repeat(np.arange(len(postings)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return owners, positions.flat[np.repeat(positions.starts[postings], counts) + within].astype(np.int64)


class IndexArrays:
    """The arrays of the newest index generations; a commit starts a new one.

    The previous generation is kept too: while an ingest commits, a thread may still hold a
    searcher of the generation before, and should not throw away what the others read.
    """

    KEPT_GENERATIONS = 2

    def __init__(self, cache_bytes: int = POSTINGS_CACHE_BYTES) -> None:
        self._cache_bytes = cache_bytes
        self._generations: OrderedDict[tuple, Generation] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def of(self, searcher: Searcher) -> Generation:
        key = generation_key(searcher)
        with self._lock:
            generation = self._generations.get(key)
            if generation is None:
                generation = self._generations[key] = Generation(searcher, self._cache_bytes)
                while len(self._generations) > self.KEPT_GENERATIONS:
                    self._generations.popitem(last=False)
            return generation


def generation_key(searcher: Searcher) -> tuple:
    """What identifies the index a searcher reads: its generation and its segments' ids.

    The number alone is not enough: `muragat reindex` swaps in a new index whose generations start
    again from 1, so a server would take the new index's arrays for the old one's.
    """
    reader = searcher.reader()
    segments = (getattr(leaf, "segment", lambda: None)() for leaf, _ in reader.leaf_readers())
    generation = reader.generation()
    return (-1 if generation is None else generation,
            tuple(segment.segment_id() for segment in segments if segment is not None))
