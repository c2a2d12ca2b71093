"""Document metadata: the archivist's manifest first, the file's own info dictionary next, its name last."""
from __future__ import annotations

import csv
import datetime
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from pathlib import Path

from archive.errors import MuragatError
from index.language import KAZAKH, RUSSIAN

KEYS = ("path", "sha256")
FIELDS = ("title", "author", "date", "collection", "language", "source", "access")
ACCESS_LEVELS = ("public", "restricted")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
# What PDF producers write when nobody filled the field in (reportlab: "untitled", "anonymous").
PLACEHOLDERS = frozenset({"untitled", "anonymous", "unknown", "unspecified", "none", "title", "author"})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Dates as archivists type them: 12.09.1995, 12/09/1995, 1995.09.12, 09.1995; written ISO 8601 when read.
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[./](\d{4})")
# How manifests name the archive's two languages (ISO 639-1 and -2 codes, the names in
# Kazakh, Russian and English); compared case-folded, a region (`kk-KZ`, `ru_RU`) aside.
LANGUAGE_NAMES = {
    **dict.fromkeys(("kk", "kz", "kaz", "kazakh", "қазақ", "қазақша", "қазақ тілі", "казахский", "казахский язык",
                     "казах", "каз", "қаз"), KAZAKH),
    **dict.fromkeys(("ru", "rus", "russian", "русский", "русский язык", "рус", "орыс", "орысша", "орыс тілі"),
                    RUSSIAN),
}


@dataclass(frozen=True)
class Metadata:
    """What a person may know about a document besides its text; empty means unknown."""

    title: str = ""
    author: str = ""
    date: str = ""
    collection: str = ""
    language: str = ""
    source: str = ""
    access: str = ""  # the document's own: public or restricted (a restricted collection restricts it anyway)

    @property
    def year(self) -> int | None:
        """The year the date names (`1995`, `1995-03-01`, `01.03.1995`), for filtering."""
        found = _YEAR.search(self.date)
        return int(found.group(1)) if found else None

    def over(self, fallback: Metadata) -> Metadata:
        """These values, with the fallback's wherever these are empty."""
        return Metadata(**{f.name: getattr(self, f.name) or getattr(fallback, f.name) for f in fields(self)})

    def known(self) -> dict[str, str]:
        """The fields that are set."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class Manifest:
    """Rows of a manifest file, found by a file's absolute path or by its sha256; `missing` says which rows name a
    path where there is no file (a misspelt name: their details would be lost without a word)."""

    by_path: dict[str, Metadata]
    by_sha256: dict[str, Metadata]
    missing: tuple[str, ...] = ()

    def lookup(self, path: str, sha256: str) -> Metadata:
        """The file's row (by sha256, else by path); where a row of each names it, a restriction in either holds."""
        by_sha256, by_path = self.by_sha256.get(sha256), self.by_path.get(_composed(path))
        found = by_sha256 or by_path or Metadata()
        if by_sha256 and by_path and "restricted" in (by_sha256.access, by_path.access):
            found = replace(found, access="restricted")
        return found


NO_MANIFEST = Manifest({}, {})


def iso_date(value: str) -> str:
    """A typed date as ISO 8601 (`12.09.1995` → `1995-09-12`, `09.1995` → `1995-09`), so that lists, exports and
    citations agree; a date that is no calendar day, or in words (`1930-жылдар`), stays as typed."""
    text = value.replace("\u200b", "").replace("\ufeff", "").strip()
    for pattern, order in ((_DAY_FIRST, (2, 1, 0)), (_YEAR_FIRST, (0, 1, 2))):
        found = pattern.fullmatch(text)
        if found:
            year, month, day = (int(found.group(index + 1)) for index in order)
            try:
                return datetime.date(year, month, day).isoformat()
            except ValueError:
                return text
    found = _MONTH_YEAR.fullmatch(text)
    if found and 1 <= int(found.group(1)) <= 12:
        return f"{found.group(2)}-{int(found.group(1)):02d}"
    return text


def language_hint(value: str) -> str:
    """The manifest's `language` as kk or ru, for deciding passages whose text gives no clue; "" when unknown."""
    name = " ".join(value.casefold().split())
    return LANGUAGE_NAMES.get(name) or LANGUAGE_NAMES.get(re.split(r"[-_]", name)[0], "")


def load_manifest(path: str | os.PathLike) -> Manifest:
    """Read a CSV (header row) or JSON (a list of objects) manifest; paths are relative to its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise MuragatError(f"{path}: cannot read the manifest ({error.strerror}); check the path") from error
    except UnicodeDecodeError as error:
        raise MuragatError(f"{path}: the manifest is not UTF-8 text; save it as UTF-8") from error
    rows = _json_rows(path, text) if path.suffix.lower() == ".json" else _csv_rows(path, text)
    by_path: dict[str, Metadata] = {}
    by_sha256: dict[str, Metadata] = {}
    missing: list[str] = []
    first_named: dict[str, str] = {}  # a file's key (its path or sha256) -> the row that named it first
    composed_names: dict[Path, frozenset[str]] = {}
    for where, row in rows:
        unknown = set(row) - set(KEYS) - set(FIELDS)
        if unknown:
            raise MuragatError(f"{path}: {where}: unknown column {sorted(unknown)[0]!r}; "
                               f"the columns are {', '.join(KEYS + FIELDS)}")
        bad = next((key for key, value in row.items()
                    if isinstance(value, bool) or not isinstance(value, (str, int)) and value is not None), None)
        if bad:  # a JSON object, list or fraction: no title, date or collection is one
            raise MuragatError(f"{path}: {where}: {bad} must be text (or a whole number), not {row[bad]!r:.40}")
        # a cell of several lines (Alt+Enter in a spreadsheet) is one line of words; a path is as written
        values = {key: str(value if value is not None else "").strip() if key in KEYS else
                  " ".join(str(value if value is not None else "").split()) for key, value in row.items()}
        values["access"] = values.get("access", "").lower()
        if values["access"] not in ("", *ACCESS_LEVELS):
            raise MuragatError(f"{path}: {where}: access must be public or restricted, not {values['access'][:40]!r}")
        values["date"] = iso_date(values.get("date", ""))
        metadata = Metadata(**{name: values.get(name, "") for name in FIELDS})
        sha256 = values.get("sha256", "").lower()
        key = sha256 or (_composed(str((path.parent / values["path"]).resolve())) if values.get("path") else "")
        if key and key in first_named:  # which row would win? (the last did, dropping a restriction the first gave)
            raise MuragatError(f"{path}: {where} names the same file as {first_named[key]}; give each file one row")
        first_named[key] = where
        if sha256:
            if not _SHA256.match(sha256):
                raise MuragatError(f"{path}: {where}: {sha256!r} is not a sha256 (64 hex digits)")
            by_sha256[sha256] = metadata
        elif values.get("path"):
            named = (path.parent / values["path"]).resolve()
            by_path[_composed(str(named))] = metadata
            if not _is_file(named, composed_names):
                if metadata.access == "restricted":  # ingested without its row, the file would be public
                    raise MuragatError(f"{path}: {where}: no file {values['path']}, and its row restricts it; correct "
                                       f"the path (nothing was ingested)")
                missing.append(f"{path.name}: {where}: no file {values['path']}")
        else:
            raise MuragatError(f"{path}: {where}: give each row a path or a sha256")
    return Manifest(by_path, by_sha256, tuple(missing))


def _composed(path: str) -> str:
    """A path with its letters composed (NFC): a file copied from macOS names й as и + a combining breve (NFD), the
    manifest typed beside it as one letter."""
    return unicodedata.normalize("NFC", path)


def _is_file(path: Path, composed_names: dict[Path, frozenset[str]]) -> bool:
    """Whether a file is there under this name, its letters composed or not (`composed_names`: each folder's file
    names composed, read once a manifest: ten thousand rows in decomposed letters read their folder once, not each)."""
    if path.is_file():
        return True
    if path.parent not in composed_names:
        composed_names[path.parent] = frozenset(_composed(other.name) for other in path.parent.iterdir()
                                                if other.is_file()) if path.parent.is_dir() else frozenset()
    return _composed(path.name) in composed_names[path.parent]


def _csv_rows(path: Path, text: str) -> list[tuple[str, dict]]:
    """The rows of a CSV manifest, each with the line it starts on; cells may hold several lines (quoted), and a
    spreadsheet saving with semicolons or tabs (as Excel does where a comma is the decimal mark) is read so too."""
    header = text.split("\n", 1)[0]
    delimiter = next((mark for mark in ",;\t" if mark in header), ",")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        raise MuragatError(f"{path}: the manifest is empty; its first line names the columns ({', '.join(KEYS + FIELDS)})")
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
    twice = next((name for name in reader.fieldnames if reader.fieldnames.count(name) > 1), None)
    if twice is not None:
        raise MuragatError(f"{path}: line 1: the column {twice!r} is named twice; keep one")
    unknown = [name for name in reader.fieldnames if name not in KEYS + FIELDS]
    if unknown:
        raise MuragatError(f"{path}: line 1: unknown column {unknown[0]!r}; the columns are {', '.join(KEYS + FIELDS)}")
    rows, starts = [], reader.line_num + 1
    for row in reader:
        if None in row:
            raise MuragatError(f"{path}: line {starts}: more values than columns; quote values with commas")
        rows.append((f"line {starts}", row))
        starts = reader.line_num + 1
    return rows


def _json_rows(path: Path, text: str) -> list[tuple[str, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MuragatError(f"{path}: not valid JSON (line {error.lineno}: {error.msg})") from error
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise MuragatError(f"{path}: a JSON manifest is a list of objects, one per document")
    rows = []
    for number, item in enumerate(data, start=1):
        keys = [key.strip().lower() for key in item]
        twice = next((key for key in keys if keys.count(key) > 1), None)
        if twice is not None:
            raise MuragatError(f"{path}: item {number}: {twice!r} is given twice (in other capitals); keep one")
        rows.append((f"item {number}", dict(zip(keys, item.values()))))
    return rows


def from_info(info: dict[str, str]) -> Metadata:
    """Title and author from a PDF's own info dictionary, placeholders left out.

    Its CreationDate is when the PDF was made (a scan of 1937 made in 2020), not the
    document's date, so a date comes only from the manifest.
    """
    def value(key: str) -> str:
        text = " ".join(info.get(key, "").split())
        return "" if text.casefold() in PLACEHOLDERS else text

    return Metadata(title=value("Title"), author=value("Author"))


def from_file_name(path: str | os.PathLike) -> Metadata:
    """The last resort: the file name without its extension is the title."""
    return Metadata(title=" ".join(Path(path).stem.replace("_", " ").split()))  # a newline in a name: a space


def resolve(given: Metadata, collection: str, info: dict[str, str], path: str | os.PathLike) -> Metadata:
    """The manifest's row, then `--collection`, then the PDF's info, then the file name."""
    return given.over(Metadata(collection=collection)).over(from_info(info)).over(from_file_name(path))
