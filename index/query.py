"""The query language: what a person types in the search box, turned into a whoosh query tree.

Shared by every engine (index/seam.py): it is written on whoosh's query parser and query classes,
which open no index; an engine walks the tree (`Term`, `Phrase`, `Prefix`, `Or`, `And`, `AndNot`,
`NumericRange`…) into its own queries, parsing with its index's schema (whoosh) or `query_schema()`.

Plain words (all-word passages first, most-word passages still found), "phrases" through
the stems, `-word`, `OR`, `prefix*`, `=exact` forms, `title:`, `author:`, `collection:`, `year:`
(`year:2001..2010`), `lang:` (`lang:ru`). Syntax nobody meant — a `?` at the end of a pasted question, a
colon after a word, an unbalanced quote — is read as plain text, never as an error.

A typed word has no language: words, phrases and prefixes are analysed as Kazakh and as
Russian, and searched as either where the two differ (`школа` → Kazakh школа OR Russian школ),
unless the query itself says its language clearly (a question typed in Russian or in Kazakh).
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

from whoosh import qparser
from whoosh.fields import TEXT, Schema
from whoosh.qparser import syntax
from whoosh.query import And, AndNot, Every, Not, NullQuery, NumericRange, Or, Phrase, Prefix, Query, Term
from whoosh.query.compound import CompoundQuery

from index import kazakh
from index.analysis import RUSSIAN_MARK, exact_analyzer, kazakh_analyzer, normalized
from index.kazakh import sort_key
from index.language import KAZAKH, LANGUAGES, leans_kazakh, preferred_language, query_languages
from index.seam import FILTER_PATTERN, Filters, QueryError

MAX_QUERY_CHARS = 500
# Bounds on what one query may cost: words (and OR-ed alternatives), and words a prefix stands for.
MAX_QUERY_WORDS = 32
# Each word is searched in text and title, and as Kazakh and as Russian: up to four terms a word.
MAX_QUERY_TERMS = 4 * MAX_QUERY_WORDS
MAX_PREFIX_TERMS = 500
# Words a prefix's refusal looks through for a viewer who may not see everything (the hidden documents' words
# are passed over, not counted): beyond so many it is refused whatever they may see.
MAX_PREFIX_SCAN = 50 * MAX_PREFIX_TERMS
# Words a prefix is searched as (the commonest of those it stands for).
MAX_PREFIX_WORDS = 8
# Fewer matching passages than this, and the results offer a corrected query.
SUGGEST_BELOW = 3
SEARCH_FIELDS = ("text", "title")
# Field names a person may type before a colon; any other `word:` is plain text.
QUERY_FIELDS = frozenset({"title", "author", "exact"})
MIN_PREFIX_CHARS = 2
# The weight of a word's Russian analysis in a query leaning to Kazakh (index.language.leans_kazakh): it finds the
# Russian passages holding the word, while in Kazakh passages its stem is more often noise than meant. KazQAD dev
# (a Kazakh archive) 0.754 at 1 and 0.5, 0.756 at 0.25 (as without the Russian analysis); bilingual XQuAD unchanged.
LEANING_AWAY_BOOST = 0.25
# A `-`, `NOT` or `OR` just before a filter (at the end of the text before it).
_FILTER_OPERATOR = re.compile(r"(?:-|\b(?:NOT|OR)\s+)$")
# A word left out (`-в`, `NOT с`): no clue to the language the query is searched in.
_LEFT_OUT = re.compile(r'(?<!\S)(?:-|NOT\s+)(?:"[^"]*"|\([^)]*\)|\S+)')
# A query whose every word is left out (`-экстремизм`, `-"адам құқықтары"`, `NOT (a OR b)`): nothing to search for.
_EXCLUDED_ONLY = re.compile(r'\s*(?:(?:-|NOT\s+)(?:"[^"]*"|\([^)]*\)|\S+)\s*)+')
# The sign leaving a word out (`-`, `NOT `) where a word begins.
_LEFT_OUT_SIGN = re.compile(r"(?<!\S)(?:-|NOT\s+)")
# Operators and field names: syntax, not words a query means.
_SYNTAX_WORDS = re.compile(r"\b(?:AND|OR|NOT)\b|\b\w+:")


# The fields a query searches, each with the analyzer of its words: stems (both languages), or the forms as written.
FIELD_ANALYZERS = {"text": kazakh_analyzer, "title": kazakh_analyzer, "author": kazakh_analyzer,
                   "exact": exact_analyzer}


def searchable_field(name: str, **storage: object) -> TEXT:
    """A field of FIELD_ANALYZERS as the query language reads it: a word that analyses into several (іс-қимыл,
    4-бабы) is searched as a phrase of them. `storage` is what the engine keeps of it (stored, field_boost)."""
    return TEXT(analyzer=FIELD_ANALYZERS[name](), multitoken_query="phrase", **storage)


def query_schema() -> Schema:
    """The fields a query is parsed against without an index (`parse_query(text, query_schema())`): what an
    engine that keeps no whoosh schema parses with; the whoosh engine parses with its index's own."""
    return Schema(**{name: searchable_field(name) for name in FIELD_ANALYZERS})


@dataclass(frozen=True)
class ParsedQuery:
    """The scored part of a query and the filters that restrict it."""

    query: Query
    filter: Query | None = None
    words: tuple[str, ...] = ()  # the typed words, normalised but not stemmed
    language: str | None = None  # the language the query leans to (language.preferred_language), or None


class BilingualParser(qparser.QueryParser):
    """A parser whose words are analysed in each of `languages`, and searched as either."""

    def __init__(self, schema: Schema, languages: tuple[str, ...], leans_kazakh: bool = False, **kwargs) -> None:
        super().__init__(None, schema, **kwargs)
        self.languages = languages
        self.leans_kazakh = leans_kazakh

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if field is None or field.self_parsing():
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        alternatives = []
        languages = (KAZAKH,) if self.leans_kazakh and _known_kazakh(text) else self.languages
        for language in languages:
            texts = list(field.process_text(text, mode="query", tokenize=tokenize, removestops=removestops,
                                            language=language))
            weight = boost * (LEANING_AWAY_BOOST if self.leans_kazakh and language != KAZAKH else 1.0)
            if len(texts) > 1:
                alternatives.append(self.multitoken_query(field.multitoken_query, texts, fieldname, termclass, weight))
                if not any(text.isdigit() for text in texts):
                    # A compound of words (гугеноты-поселенцы, іс-қимыл) is also its words, apart: the
                    # passage that writes them so ranks first, one that names them apart is still found.
                    alternatives.extend(termclass(fieldname, text, boost=weight) for text in texts)
            elif texts:
                alternatives.append(termclass(fieldname, texts[0], boost=weight))
        return either(alternatives)


def _known_kazakh(word: str) -> bool:
    """A lowercase word the Kazakh lexicon knows (алдын, аты, неше): beside Kazakh words it is Kazakh, and its
    Russian analysis (алд, ат) would be a common Kazakh stem, not a Russian word. A capitalised one may be a name,
    whatever the lexicon says (Сидоренко)."""
    return word.islower() and kazakh.is_known_word(normalized(word, KAZAKH))


def _same_term(one: Query, other: Query) -> bool:
    """Equal queries, or terms of one field and text whatever their weights."""
    if isinstance(one, Term) and isinstance(other, Term):
        return (one.fieldname, one.text) == (other.fieldname, other.text)
    return one == other


class WordForms(CompoundQuery):
    """A word's analyses while the parser normalises the query, which would merge an OR of them into the
    query's top-level OR; `as_ors` turns them into ORs, one per word and field, as ranking reads words."""

    JOINT = " FORMS "


def either(alternatives: list[Query]) -> Query | None:
    """The distinct alternatives as one node (of a term analysed alike at two weights, the first); the one alone; None
    when there are none (a stop word)."""
    distinct = [query for index, query in enumerate(alternatives)
                if not any(_same_term(query, earlier) for earlier in alternatives[:index])]
    if len(distinct) > 1:
        return WordForms(distinct)
    return distinct[0] if distinct else None


def as_ors(query: Query) -> Query:
    """The parsed query with each word's forms an OR (after normalising, which would have flattened them)."""
    return query.accept(lambda node: Or(node.subqueries, boost=node.boost) if isinstance(node, WordForms) else node)


def not_as_left_out(node: Query) -> Query:
    """`форум NOT демократия` and `форум AND NOT демократия` as `форум -демократия`: whoosh parses NOT beside words
    of an OR group into the OR (форум OR NOT демократия, nearly every passage), which nobody means, and beside
    words of an AND into the AND, which engines read differently."""
    if not isinstance(node, (Or, And)):
        return node
    left_out = [part.query for part in node.subqueries if isinstance(part, Not)]
    kept = [part for part in node.subqueries if not isinstance(part, Not)]
    if not left_out or not kept:
        return node
    return AndNot(kept[0] if len(kept) == 1 else type(node)(kept, boost=node.boost),
                  left_out[0] if len(left_out) == 1 else Or(left_out))


class BilingualPhrasePlugin(qparser.PhrasePlugin):
    """`"строительство школ"`: the phrase through the Kazakh stems, or through the Russian ones."""

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            if fieldname not in parser.schema:
                return super().query(parser)
            field = parser.schema[fieldname]
            phrases = []
            for language in parser.languages:
                tokens = [(token.text, token.pos) for token in
                          field.tokenize(self.text, mode="query", language=language, positions=True)]
                if tokens:
                    # A stop word left out inside the phrase («мұғалімдер мен оқушылар») keeps its place in
                    # the index: the words around it stand that much further apart.
                    gaps = [after - before for (_, before), (_, after) in zip(tokens, tokens[1:])]
                    phrases.append(parser.phraseclass(fieldname, [text for text, _ in tokens],
                                                      slop=max([self.slop, *gaps]), boost=self.boost))
            return syntax.attach(either(phrases) or NullQuery, self)

    class PhraseTagger(qparser.PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            node = super().create(parser, match)
            return BilingualPhrasePlugin.PhraseNode(node.text, node.textstartchar, node.slop)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]


class ExactPrefixPlugin(qparser.PrefixPlugin):
    """`конститу*`: surface words starting so (the prefix is normalised, never stemmed); `title:конститу*` and
    `author:…*`: words of that field starting so (MultifieldPrefixesAside leaves a plain prefix unfielded)."""

    class PrefixNode(syntax.TextNode):
        qclass = Prefix

        def r(self) -> str:
            return f"{self.text!r}*"

        def query(self, parser):
            fieldname = self.fieldname or "exact"  # a typed field (title:, author:), else the forms as written
            analyzer = parser.schema["exact"].analyzer
            prefixes = []
            for language in parser.languages:
                written = _analysed_whole(analyzer, self.text, language)
                if fieldname != "exact":  # titles and authors keep stems: a whole word typed as a prefix is cut so
                    stem = _analysed_whole(parser.schema[fieldname].analyzer, self.text, language)
                    written = stem if len(stem) >= MIN_PREFIX_CHARS and written.startswith(stem) else written
                prefixes.append(written)
            if min(map(len, prefixes)) < MIN_PREFIX_CHARS:
                raise QueryError(
                    f"«{self.text}*» is too short a prefix: type at least {MIN_PREFIX_CHARS} letters before *",
                    "prefix_too_short", prefix=self.text, letters=MIN_PREFIX_CHARS)
            # Scored per word (not constant), so that a passage using the word often ranks higher.
            return syntax.attach(either([Prefix(fieldname, prefix, boost=self.boost, constantscore=False)
                                         for prefix in prefixes]), self)

    nodetype = PrefixNode
    # whoosh's expression less a leading + or -, which say "must" and "leave out" (-демо*), not a letter of it
    expr = r"(?P<text>[^ \t\r\n*+\-][^ \t\r\n*]*)[*](?= |$|\))"


def _analysed_whole(analyzer, text: str, language: str) -> str:
    """A typed prefix as the analyzer leaves it, taken whole (not split into words)."""
    texts = [token.text for token in analyzer(text, mode="query", tokenize=False, removestops=False, language=language)]
    return texts[0] if texts else ""


class MultifieldPrefixesAside(qparser.MultifieldPlugin):
    """Plain words searched in text and title; a plain prefix left unfielded, for ExactPrefixPlugin to search the
    forms as written, while a typed `title:` prefix keeps its field."""

    def do_multifield(self, parser, group):
        for index, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[index] = self.do_multifield(parser, node)
            elif node.has_fieldname and node.fieldname is None and not isinstance(node, ExactPrefixPlugin.PrefixNode):
                copies = []
                for fieldname in self.fieldnames:
                    fielded = copy.copy(node)
                    fielded.set_fieldname(fieldname)
                    fielded.set_boost(self.boosts.get(fieldname, 1.0))
                    copies.append(fielded)
                group[index] = self.group(copies)
        return group


def build_parser(schema: Schema, languages: tuple[str, ...], leans_kazakh: bool = False) -> qparser.QueryParser:
    """The query parser: words analysed in each of `languages`, a word the Kazakh lexicon knows in Kazakh alone when the
    query `leans_kazakh` (index.language.leans_kazakh)."""
    parser = BilingualParser(schema, languages, leans_kazakh, group=qparser.OrGroup.factory(0.9))
    parser.add_plugin(MultifieldPrefixesAside(list(SEARCH_FIELDS)))
    parser.remove_plugin_class(qparser.PhrasePlugin)
    parser.add_plugin(BilingualPhrasePlugin())
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.RangePlugin)  # [а TO я] walked every word of the index: plain words
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
    # A dash standing between spaces («жинақтаушы - түйнек») is punctuation, not "leave out" (of a word, a phrase
    # or a group).
    text = re.sub(r"-(?![\w\"(])", " ", text)
    text = re.sub(r"(\w+):", lambda m: f"{m.group(1).lower()}:" if m.group(1).lower() in QUERY_FIELDS
                  else m.group(1) + " ", text)
    # An operator with nothing on one side (`құқық OR`, `AND құқық`) is a slip, not a word to search for.
    text = re.sub(r"^\s*(?:AND|OR)\b|\b(?:AND|OR|NOT)\s*$", " ", text)
    text = re.sub(r"[?!;,.{}^~<>«»]", " ", text)
    if text.count('"') % 2:
        text = text.replace('"', " ")
    return text


# `year:` left once the well-formed filters are taken, outside quotes, followed by letters (year:abc,
# year:1932..abc), a comparison (year:>1990) or a range gone wrong (year:.., year:1990..1999..2000): no year a person
# meant. A bare `year:` or a year with a
# stray comma (year:1995,) is harmless odd syntax, searched as words.
_MALFORMED_YEAR = re.compile(r"(?<![\w:])year:(?=[^\s\"]*(?:[^\W\d_]|\.\.|–)|[<>=.])[^\s\"]+")
_QUOTED = re.compile(r'"[^"]*"')


def split_filters(text: str) -> tuple[str, list[Query]]:
    """Take `collection:`, `year:` and `lang:` filters out of the query text."""
    filters: list[Query] = []

    def take(match: re.Match) -> str:
        if _FILTER_OPERATOR.search(match.string, 0, match.start()) or _in_brackets(match.string, match.start()):
            # filters narrow the whole query: `-year:1937`, `year:1937 OR year:2001` or `(құқық OR year:2001)` would
            # do the opposite
            raise QueryError(f"«{match.group()}» cannot be left out, OR-ed or put in brackets: a filter narrows the "
                             "whole query; write it beside the words (year:FIRST..LAST for several years)",
                             "filter_operator", filter=match.group())
        if match.group("language"):
            filters.append(Term("language", passage_language(match.group("language"))))
        elif match.group("until"):
            filters.append(NumericRange("year", None, int(match.group("until"))))
        elif match.group("first"):
            first = int(match.group("first"))
            if match.group("onwards") and not match.group("last"):
                filters.append(NumericRange("year", first, None))
            else:
                last = int(match.group("last") or first)
                filters.append(NumericRange("year", min(first, last), max(first, last)))
        else:
            filters.append(Term("collection", match.group("quoted") or match.group("name")))
        return " "

    remaining = FILTER_PATTERN.sub(take, text)
    malformed = _MALFORMED_YEAR.search(_QUOTED.sub(" ", remaining))
    if malformed:
        raise QueryError(f"«{malformed.group()}»: year: takes a year (year:1995) or a range (year:1990..1999, "
                         "year:..1930, year:2000..)",
                         "bad_year_filter", value=malformed.group())
    return remaining, filters


def _in_brackets(text: str, position: int) -> bool:
    """Whether `position` stands inside an open bracket of the query (brackets inside quotes are words)."""
    before = _QUOTED.sub(" ", text[:position])
    return before.count("(") > before.count(")")


def filter_query(filters: Filters) -> Query | None:
    """The filters chosen beside a query (the web UI's, the API's) as the filter nodes `split_filters` makes of
    typed ones; None when nothing is narrowed."""
    parts: list[Query] = []
    if filters.collection:
        parts.append(Term("collection", filters.collection))
    if filters.year_from is not None or filters.year_to is not None:
        parts.append(NumericRange("year", filters.year_from, filters.year_to))
    if filters.document_id:
        parts.append(Term("document_id", filters.document_id))
    if filters.language:
        parts.append(Term("language", filters.language))
    return And(parts) if len(parts) > 1 else (parts[0] if parts else None)


def combined_filters(typed: Query | None, filters: Filters | None) -> Query | None:
    """The filters typed in the query (`year:`) and those chosen beside it, all applied."""
    chosen = filter_query(filters) if filters else None
    if typed is None or chosen is None:
        return typed or chosen
    return And([typed, chosen])


def check_size(parsed: ParsedQuery) -> None:
    """Refuse a query of more words and alternatives than MAX_QUERY_WORDS and MAX_QUERY_TERMS bound (prefixes are
    bounded by each engine, which knows its words)."""
    leaves = list(parsed.query.leaves())
    if len(parsed.words) > MAX_QUERY_WORDS or len(leaves) > MAX_QUERY_TERMS:
        words = max(len(parsed.words), len(leaves) // 4)
        raise QueryError(f"the query has too many words and alternatives ({words}); "
                         f"keep it to {MAX_QUERY_WORDS} or fewer", "too_many_words", count=words, limit=MAX_QUERY_WORDS)


def passage_language(value: str) -> str:
    """The language `lang:` names (kk, ru, other, in any letter case), or a QueryError that names them."""
    code = value.strip().lower()
    if code not in LANGUAGES:
        raise QueryError(f"lang:{value[:20]} is not a passage language; use lang:kk (Kazakh), lang:ru (Russian) "
                         "or lang:other", "unknown_language", value=value[:20])
    return code


def parse_query(text: str, schema: Schema) -> ParsedQuery:
    """Parse a query as the search box takes it; fall back to plain words when syntax fails."""
    text = text.strip()
    if not text:
        raise QueryError("the query is empty: type one or more words", "query_empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; shorten it to {MAX_QUERY_CHARS} or fewer",
                         "query_too_long", length=len(text), limit=MAX_QUERY_CHARS)
    words, filters = split_filters(text)
    if _EXCLUDED_ONLY.fullmatch(words):
        if not filters:
            raise QueryError(f"«{text[:60]}» only leaves words out; add a word to search for (құқық -экстремизм)",
                             "only_excluded", query=text[:60])
        # the filters' passages, less those holding the words (collection:laws -референдум)
        query = AndNot(Every(), _words_query(_LEFT_OUT_SIGN.sub(" ", words), schema))
    elif not re.search(r"\w", _SYNTAX_WORDS.sub(" ", words)):  # nothing but a stray operator or bracket
        query = Every() if filters else NullQuery
    else:
        query = _words_query(words, schema)
    typed = typed_words(_SYNTAX_WORDS.sub(" ", words), schema)  # the words, not the operators or field names
    return ParsedQuery(query, And(filters) if len(filters) > 1 else (filters[0] if filters else None), typed,
                       preferred_language(_LEFT_OUT.sub(" ", words)))


def _words_query(words: str, schema: Schema) -> Query:
    """The words of a query (filters taken out) parsed: its syntax, else its plain words."""
    if "*" not in words and not typed_words(_SYNTAX_WORDS.sub(" ", words), schema):
        return stop_words_only(words, schema)  # a prefix (не*) is a prefix, even of a stop word
    try:
        searched = _LEFT_OUT.sub(" ", words)
        query = as_ors(build_parser(schema, query_languages(searched), leans_kazakh(searched)).parse(prepare(words)))
        query = query.accept(not_as_left_out)
    except QueryError:
        raise
    except Exception:  # noqa: BLE001 - whoosh raises assorted errors on odd syntax
        query = NullQuery
    return plain_words(words, schema) if query is NullQuery else query


def typed_words(text: str, schema: Schema) -> tuple[str, ...]:
    """The words of a query, normalised as their sentence's language would have them (Kazakh when it gives no clue)."""
    words, places = [], set()
    for token in schema["exact"].analyzer(text, mode="query", positions=True):
        if token.pos not in places:
            places.add(token.pos)
            words.append(token.text)
    return tuple(words)


def stop_words_only(text: str, schema: Schema) -> Query:
    """A query of stop words alone (`барлық`, `"біз де"`): the words as typed, in the exact-form field.

    Stop words count for nothing beside other words, but a query made only of them means them.
    """
    analyzer = schema["exact"].analyzer
    parts: list[Query] = []
    for excluded, quoted, word in re.findall(r'(-?)"([^"]+)"|(\S+)', text):
        if excluded or word.startswith("-") or word in ("AND", "OR", "NOT"):
            continue  # `-барлық` leaves the word out: it is not searched for
        word = re.sub(r"^\w+:", "", word)  # `title:туралы`: the word, as the stop word it is
        forms = [token.text for token in analyzer(quoted or word, mode="query", removestops=False)]
        if quoted and len(forms) > 1:
            parts.append(Phrase("exact", forms))
        else:
            parts.extend(Term("exact", form) for form in forms)
    return Or(parts) if len(parts) > 1 else (parts[0] if parts else NullQuery)


def plain_words(text: str, schema: Schema) -> Query:
    """Every word of `text` as a term in text and title: the fallback for unparseable input."""
    analyzer = schema["text"].analyzer
    terms = [Term(field, token.text) for token in analyzer(text, mode="query") for field in SEARCH_FIELDS]
    return Or(terms) if terms else NullQuery


class CappedPrefixes:
    """A query's prefixes, each as the OR of the MAX_PREFIX_WORDS words starting so that are in the most passages;
    remembering those that stood for more words (`narrowed`: the prefix and the words it was searched as), which
    the results name: a reader typing жыл* learns that жылқы was not among them.

    Ranking a union of hundreds of words walks all their postings; the commonest words are what a person
    typing a short prefix most likely means. `commonest(field, beginning, count)` gives an engine's words.
    """

    def __init__(self, commonest: Callable[[str, str, int], list[str]]) -> None:
        self._commonest = commonest
        self.narrowed: dict[str, tuple[str, ...]] = {}

    def __call__(self, query: Query) -> Query:
        return query.accept(self._cap)

    def _cap(self, node: Query) -> Query:
        if not isinstance(node, Prefix):
            return node
        words = self._commonest(node.fieldname, node.text, MAX_PREFIX_WORDS + 1)
        if not words:
            return node
        if len(words) > MAX_PREFIX_WORDS:
            words = words[:MAX_PREFIX_WORDS]
            typed = node.text if node.fieldname == "exact" else f"{node.fieldname}:{node.text}"  # title:кон beside кон
            shown = dict.fromkeys(word.rstrip(RUSSIAN_MARK) for word in words)  # a Russian stem shown as spelt
            self.narrowed.setdefault(typed, tuple(sorted(shown, key=sort_key)))
        terms = [Term(node.fieldname, word, boost=node.boost) for word in sorted(words)]
        return Or(terms) if len(terms) > 1 else terms[0]

