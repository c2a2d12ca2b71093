"""A page of a document as a reference manager takes it: BibTeX and RIS, built from the catalog's metadata."""
from __future__ import annotations

import datetime
import re

from archive.catalog import Document

# BibTeX's special characters, escaped so that a title cannot end its field or start a command.
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                   "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_BIBTEX_SPECIAL = re.compile("|".join(map(re.escape, _BIBTEX_ESCAPES)))


def _one_line(text: str) -> str:
    """Metadata on one line: a line break in a title must not start a new field (RIS) or entry."""
    return " ".join(str(text).split())


def _bibtex_value(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_ESCAPES[match.group()], _one_line(text))


_PATRONYMIC = re.compile(r"(вич|вна|чна|ұлы|улы|қызы|кызы|оглы)$", re.IGNORECASE)
_GENITIVE = re.compile(r"(ның|нің|дың|дің|тың|тің)$", re.IGNORECASE)  # Kazakh genitive: «Республикасының»
_NAME_PARTICLES = frozenset({"de", "da", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "ibn", "ибн", "фон",
                             "ван", "де", "оглы"})


def _is_calendar(date: str) -> bool:
    """`1995`, `1995-09` or `1995-09-12` in ASCII digits, naming a real month and day (what biblatex reads)."""
    try:
        if re.fullmatch(r"[0-9]{4}", date):
            return True
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}", date):
            return 1 <= int(date[5:]) <= 12
        return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date) is not None and bool(datetime.date.fromisoformat(date))
    except ValueError:
        return False


def _bibtex_url(url: str) -> str:
    """A URL as BibTeX's url field takes it: verbatim (\\_ would break the link), braces and backslashes
    percent-encoded so that it cannot end the field."""
    return _one_line(url).replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _bibtex_field(name: str, value: str) -> str:
    if name == "url":
        return _bibtex_url(value)
    if name == "author" and is_corporate(value):
        return "{" + _bibtex_value(value) + "}"  # one name, not first and last names (Үкіметі, Үкімет)
    return _bibtex_value(value)


def is_corporate(author: str) -> bool:
    """An author that is a body (ministry, government, committee), not people: a word in lower case other than a
    name's particle («Министерство культуры»), or a word before the last in the genitive, as the name of a body
    is and a person's is not («Қазақстан Республикасының Үкіметі»). A list (`and`), initials or a patronymic mean
    people («Иван Иванович Иванов», «Мұхтар Омарханұлы Әуезов», «Charles de Gaulle», «Иванов, И. И.»)."""
    words = author.split()
    if "," in author or "and" in words or re.search(r"\b\w\.", author) or any(map(_PATRONYMIC.search, words)):
        return False
    if any(word[:1].islower() and word.lower() not in _NAME_PARTICLES for word in words):
        return True
    return any(_GENITIVE.search(word) for word in words[:-1])


def bibtex(document: Document, page: int, url: str) -> str:
    """A BibTeX @misc entry for one page of a document (key muragat-ID-pN)."""
    fields = [("title", document.title), ("author", document.author),
              ("year", str(document.year) if document.year is not None else ""),
              ("date", document.date if _is_calendar(document.date) else ""),
              ("howpublished", f"Muragat{', ' + document.collection if document.collection else ''}"),
              ("pages", str(page)), ("url", url)]
    body = ",\n".join(f"  {name} = {{{_bibtex_field(name, value)}}}" for name, value in fields if value)
    return f"@misc{{muragat-{document.id}-p{page},\n{body}\n}}\n"


def ris(document: Document, page: int, url: str) -> str:
    """An RIS record (generic type) for one page of a document; lines end in CRLF as the format asks."""
    day = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", document.date.strip())
    iso_day = day if day and _is_calendar(day.group()) else None
    fields = [("TY", "GEN"), ("TI", document.title), ("AU", document.author),
              ("PY", str(document.year) if document.year is not None else ""),
              ("DA", "/".join(iso_day.groups()) if iso_day else ""), ("T2", document.collection),
              ("SP", str(page)), ("UR", url), ("DB", "Muragat"), ("ID", f"muragat-{document.id}-p{page}")]
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in fields if value]
    return "\r\n".join([*lines, "ER  - ", ""])
