"""The query language: what a person types in the search box, turned into a whoosh query.

Plain words (all-word passages first, most-word passages still found), "phrases" through
the stems, `-word`, `OR`, `prefix*`, `=exact` forms, `title:`, `author:`, `collection:`, `year:`
(`year:2001..2010`). Syntax nobody meant — a `?` at the end of a pasted question, a
colon after a word, an unbalanced quote — is read as plain text, never as an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import qparser
from whoosh.fields import Schema
from whoosh.qparser import syntax
from whoosh.query import And, Every, NullQuery, NumericRange, Or, Prefix, Query, Term

MAX_QUERY_CHARS = 500
SEARCH_FIELDS = ("text", "title")
# Field names a person may type before a colon; any other `word:` is plain text.
QUERY_FIELDS = frozenset({"title", "author", "exact"})
# `collection:NAME`, `collection:"Two words"`, `year:2001`, `year:2001..2010`: filters, not scored words.
_FILTER = re.compile(
    r'\b(?:collection:(?:"(?P<quoted>[^"]+)"|(?P<name>\S+))'
    r"|year:(?P<first>\d{1,4})(?:\s*(?:\.\.|–)\s*(?P<last>\d{1,4}))?)(?=\s|$)"
)
MIN_PREFIX_CHARS = 2


class QueryError(ValueError):
    """A query that cannot be run; the message says what to change."""


@dataclass(frozen=True)
class ParsedQuery:
    """The scored part of a query and the filters that restrict it."""

    query: Query
    filter: Query | None = None
    words: tuple[str, ...] = ()  # the typed words, normalised but not stemmed


class ExactPrefixPlugin(qparser.PrefixPlugin):
    """`конститу*`: surface words starting so (the prefix is normalised, never stemmed)."""

    class PrefixNode(syntax.TextNode):
        qclass = Prefix

        def r(self) -> str:
            return f"{self.text!r}*"

        def query(self, parser):
            fieldname = "exact" if (self.fieldname or parser.fieldname) in SEARCH_FIELDS else self.fieldname
            analyzer = parser.schema["exact"].analyzer
            texts = [token.text for token in analyzer(self.text, mode="query", tokenize=False, removestops=False)]
            prefix = texts[0] if texts else ""
            if len(prefix) < MIN_PREFIX_CHARS:
                raise QueryError(
                    f"«{self.text}*» is too short a prefix: type at least {MIN_PREFIX_CHARS} letters before *"
                )
            # Scored per word (not constant), so that a passage using the word often ranks higher.
            return syntax.attach(Prefix(fieldname, prefix, boost=self.boost, constantscore=False), self)

    nodetype = PrefixNode


def build_parser(schema: Schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, group=qparser.OrGroup.factory(0.9))
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.BoostPlugin)
    parser.add_plugin(ExactPrefixPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
    return parser


def prepare(text: str) -> str:
    """Rewrite what a person types into parser syntax; neutralise syntax they did not mean."""
    text = re.sub(r'(?<![\w=])=(?=["\w])', "exact:", text)
    # A hyphen inside a word (4-бабы, әл-ауқаты, БҰҰ-ның) is part of it, not "leave out":
    # the non-breaking hyphen is no parser syntax, and the analyzer treats it as a hyphen.
    text = re.sub(r"(?<=\w)-(?=\w)", "\u2011", text)
    # A dash standing between spaces («жинақтаушы - түйнек») is punctuation, not "leave out".
    text = re.sub(r"-(?![\w\"])", " ", text)
    text = re.sub(r"(\w+):", lambda m: m.group() if m.group(1) in QUERY_FIELDS else m.group(1) + " ", text)
    text = re.sub(r"[?!;,.{}^~<>«»]", " ", text)
    if text.count('"') % 2:
        text = text.replace('"', " ")
    return text


def split_filters(text: str) -> tuple[str, list[Query]]:
    """Take `collection:` and `year:` filters out of the query text."""
    filters: list[Query] = []

    def take(match: re.Match) -> str:
        if match.group("first"):
            first = int(match.group("first"))
            last = int(match.group("last") or first)
            filters.append(NumericRange("year", min(first, last), max(first, last)))
        else:
            filters.append(Term("collection", match.group("quoted") or match.group("name")))
        return " "

    return _FILTER.sub(take, text), filters


def parse_query(text: str, schema: Schema) -> ParsedQuery:
    """Parse a query as the search box takes it; fall back to plain words when syntax fails."""
    text = text.strip()
    if not text:
        raise QueryError("the query is empty: type one or more words")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; shorten it to {MAX_QUERY_CHARS} or fewer")
    words, filters = split_filters(text)
    if not words.strip():
        query = Every() if filters else NullQuery
    else:
        try:
            query = build_parser(schema).parse(prepare(words))
        except QueryError:
            raise
        except Exception:  # noqa: BLE001 - whoosh raises assorted errors on odd syntax
            query = NullQuery
        if query is NullQuery:
            query = plain_words(words, schema)
    typed = tuple(token.text for token in schema["exact"].analyzer(words, mode="query"))
    return ParsedQuery(query, And(filters) if len(filters) > 1 else (filters[0] if filters else None), typed)


def plain_words(text: str, schema: Schema) -> Query:
    """Every word of `text` as a term in text and title: the fallback for unparseable input."""
    analyzer = schema["text"].analyzer
    terms = [Term(field, token.text) for token in analyzer(text, mode="query") for field in SEARCH_FIELDS]
    return Or(terms) if terms else NullQuery
