"""Whoosh's segment writer, with the postings pooled by term instead of sorted one by one.

Whoosh's own writer sends every posting (field, term, passage, weight, positions) as a tuple
through an external sort: pickled into runs on disk, read back, merged, and looked up once
more for its passage's field length. Here a posting is appended to its term's arrays as the
passage is added (passage numbers only grow, so each term's postings are in order already);
only the terms are sorted, a run spilled to disk holds a term's postings as one record, and
field lengths are read once per field. Passage text is analysed with `term_positions`. The
segment holds the same postings, lengths, columns and stored fields as whoosh's writer would
write.
"""
from __future__ import annotations

import heapq
import itertools
import marshal
from array import array
from collections.abc import Iterable, Iterator

from archive.pins import require

require("Whoosh-Reloaded", __name__)  # before the private names below: another release may lack them
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import FieldType
from whoosh.formats import Positions
from whoosh.index import Index
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from index.analysis import exact_analyzer, kazakh_analyzer, term_positions

# Postings a writer keeps in memory before it spills them to a run on disk; a posting takes
# about 20 bytes plus its encoded positions, a term about 400 bytes.
POOL_LIMIT_MB = 256
_POSTING_BYTES, _TERM_BYTES = 20, 400

# A term's postings: passage numbers, weights, where each encoded value ends, the values.
Chunk = tuple[array, array, array, bytes]


class TermPool:
    """Postings grouped by field and term, in memory up to a limit, then in sorted runs on disk."""

    def __init__(self, tempstore, limit_mb: float) -> None:
        self._tempstore = tempstore
        self._limit = limit_mb * 2**20
        self._fields: dict[str, dict[bytes, tuple[array, array, array, bytearray]]] = {}
        self._size = 0
        self._runs: list[str] = []

    def add(self, item: tuple) -> None:
        """Whoosh's pool interface (a merged segment's postings): one (field, term, passage, weight, value)."""
        fieldname, btext, docnum, weight, vbytes = item
        self.add_postings(fieldname, docnum, [(btext, 1, weight, vbytes)])

    def add_postings(self, fieldname: str, docnum: int, postings: Iterable[tuple[bytes, int, float, bytes]]) -> int:
        """One passage's (term, frequency, weight, value) postings in a field; returns the field's length."""
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        length = size = 0
        for btext, frequency, weight, vbytes in postings:
            entry = terms.get(btext)
            if entry is None:
                entry = terms[btext] = (array("I"), array("d"), array("I"), bytearray())
                size += _TERM_BYTES + len(btext)
            docs, weights, ends, values = entry
            docs.append(docnum)
            weights.append(weight)
            if vbytes:
                values += vbytes
                size += len(vbytes)
            ends.append(len(values))
            size += _POSTING_BYTES
            length += frequency
        self._size += size
        if self._size > self._limit:
            self._spill()
        return length

    def terms(self) -> Iterator[tuple[str, bytes, list[Chunk]]]:
        """Every (field, term, chunks of its postings) in whoosh's order: by field, then term, then passage."""
        if not self._runs:
            return self._in_memory()
        self._spill()
        runs = [self._read_run(name) for name in self._runs]
        merged = heapq.merge(*runs, key=lambda record: (record[0], record[1]))  # stable: earlier runs first
        return ((fieldname, btext, [chunk for _f, _t, chunk in records])
                for (fieldname, btext), records in itertools.groupby(merged, key=lambda record: (record[0], record[1])))

    def _in_memory(self) -> Iterator[tuple[str, bytes, list[Chunk]]]:
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for btext in sorted(terms):
                docs, weights, ends, values = terms[btext]
                yield fieldname, btext, [(docs, weights, ends, bytes(values))]

    def _spill(self) -> None:
        name = f"{random_name()}.terms"
        with self._tempstore.create_file(name).raw_file() as handle:
            for fieldname, btext, chunks in self._in_memory():
                for docs, weights, ends, values in chunks:
                    marshal.dump((fieldname, btext, docs.tobytes(), weights.tobytes(), ends.tobytes(), values), handle)
        self._runs.append(name)
        self._fields, self._size = {}, 0

    def _read_run(self, name: str) -> Iterator[tuple[str, bytes, Chunk]]:
        with self._tempstore.open_file(name).raw_file() as handle:
            while True:
                try:
                    fieldname, btext, docs, weights, ends, values = marshal.load(handle)
                except EOFError:
                    break
                yield fieldname, btext, (_array("I", docs), _array("d", weights), _array("I", ends), values)
        self._tempstore.delete_file(name)

    def cleanup(self) -> None:
        """Drop what is pooled and the runs on disk (whoosh calls it when the segment is closed)."""
        for name in self._runs:
            if self._tempstore.file_exists(name):
                self._tempstore.delete_file(name)
        self._runs, self._fields, self._size = [], {}, 0


def _array(typecode: str, data: bytes) -> array:
    values = array(typecode)
    values.frombytes(data)
    return values


class PooledSegmentWriter(SegmentWriter):
    """A whoosh SegmentWriter over a TermPool, analysing Kazakh text fields with `term_positions`.

    Documents take plain field values: no `_boost`/`_stored_` keys, and the schema has no
    term vectors or spelling fields (Muragat's has none).
    """

    def __init__(self, ix: Index, **kwargs) -> None:
        if any(field.vector or field.separate_spelling() for _name, field in ix.schema.items()):
            raise ValueError("PooledSegmentWriter writes no term vectors or spelling fields")
        super().__init__(ix, **kwargs)  # takes the index's lock
        self.pool = TermPool(self._tempstorage, POOL_LIMIT_MB)
        stemmed, exact = kazakh_analyzer(), exact_analyzer()
        # For each field analysed like passage text: whether it is the exact-form analysis.
        self._kazakh = {name: field.analyzer == exact for name, field in self.schema.items()
                        if type(field.format) is Positions and field.analyzer in (stemmed, exact)}
        self._one_position: dict[int, bytes] = {}

    def add_document(self, **fields) -> None:
        self._check_state()
        self._check_fields(self.schema, fields)
        writer, docnum = self.perdocwriter, self.docnum
        writer.start_doc(docnum)
        try:
            for fieldname in sorted(fields):
                value = fields[fieldname]
                if value is None:
                    continue
                field = self.schema[fieldname]
                length = 0
                if field.indexed:
                    length = self.pool.add_postings(fieldname, docnum, self._postings(fieldname, field, value))
                writer.add_field(fieldname, field, value if field.stored else None, length if field.scorable else 0)
                if field.column_type:
                    writer.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        except Exception:
            writer.cancel_doc()
            raise
        writer.finish_doc()
        self._added = True
        self.docnum += 1

    def _postings(self, fieldname: str, field: FieldType, value) -> Iterable[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded positions) per term: what `field.index(value)` gives."""
        exact = self._kazakh.get(fieldname)
        if exact is None:
            return field.index(value)
        boost, encode, one_position = field.format.field_boost, field.format.encode, self._one_position
        postings = []
        for term, positions in term_positions(value, exact).items():
            if len(positions) == 1:
                position = positions[0]
                vbytes = one_position.get(position)
                if vbytes is None:
                    vbytes = one_position[position] = encode(positions)
            else:
                vbytes = encode(positions)
            postings.append((term.encode("utf-8"), len(positions), float(len(positions)) * boost, vbytes))
        return postings

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self._field_lengths()
        writer = self.fieldwriter
        add = writer.add
        for fieldname, terms in itertools.groupby(self.pool.terms(), key=lambda entry: entry[0]):
            writer.start_field(fieldname, self.schema[fieldname])
            field_lengths = lengths.get(fieldname)
            for _fieldname, btext, chunks in terms:
                writer.start_term(btext)
                for docs, weights, ends, values in chunks:
                    start = 0
                    for docnum, weight, end in zip(docs, weights, ends):
                        add(docnum, weight, values[start:end], field_lengths[docnum] if field_lengths else 0)
                        start = end
                writer.finish_term()
            writer.finish_field()
        writer.close()

    def _field_lengths(self) -> dict[str, list[int | None]]:
        """Each scored field's length per passage, as whoosh reads it back from the segment (rounded to a byte)."""
        reader = self.per_document_reader()
        try:
            found = {}
            for fieldname in self.schema.scorable_names():
                column = _lenfield(fieldname)
                if reader.has_column(column):
                    found[fieldname] = [byte_to_length(code) if code else None
                                        for code in reader.column_reader(column, LENGTHS_COLUMN)]
            return found
        finally:
            reader.close()
