"""The query language as people type it, parsed against its own schema, as any engine parses it."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.query import AndNot, Every, NumericRange, Phrase, Prefix, Term

from index.analysis import RUSSIAN_MARK
from index.query import CappedPrefixes, QueryError, parse_query, query_schema

SCHEMA = query_schema()  # the query language parses without an index


def parse(text: str):
    return parse_query(text, SCHEMA)


def nodes(query):
    yield query
    for child in query.children():
        yield from nodes(child)


def leaves(query) -> set:
    return {(type(leaf).__name__, leaf.fieldname, getattr(leaf, "text", None)) for leaf in query.leaves()}


def test_plain_words_are_stemmed_in_text_and_title():
    assert leaves(parse("құқықтары").query) == {("Term", "text", "құқық"), ("Term", "title", "құқық")}


def test_a_pasted_question_is_plain_words_not_wildcards():
    query = parse("Абай қай жылы туған?").query
    assert all(isinstance(leaf, Term) for leaf in query.leaves())
    assert ("Term", "text", "абай") in leaves(query)


@pytest.mark.parametrize("text", ["Мәселе: құқық", 'адам "құқығы', "құқық {}[]^~ <>", "құқық! нүкте... ;"])
def test_stray_syntax_is_plain_text(text):
    assert ("Term", "text", "құқық") in leaves(parse(text).query)


def test_hyphen_inside_a_word_is_not_an_exclusion():
    query = parse("Конституцияның 4-бабы").query
    assert not any(isinstance(node, AndNot) for node in nodes(query))
    assert Phrase("text", ["4", "бап"]) in list(nodes(query))


def test_minus_before_a_word_excludes_it():
    query = parse("құқық -экстремизм").query
    assert isinstance(query, AndNot)


def test_a_dash_between_spaces_is_punctuation_not_an_exclusion():
    query = parse("азот жинақтаушы - түйнек бактериялары").query
    assert not any(isinstance(node, AndNot) for node in nodes(query))
    assert ("Term", "text", "түйнек") in leaves(query)


def test_exact_form_switch():
    assert parse("=құқығы").query == Term("exact", "құқығы")
    assert parse("=БҰҰ-ның").query == Term("exact", "бұұ-ның")
    assert parse("=БҰҰ").query == Term("exact", "бұұ")


def test_phrase_goes_through_the_stems():
    assert Phrase("text", ["адам", "құқық"]) in list(nodes(parse('"адам құқықтарын"').query))


def test_prefix_is_normalised_not_stemmed_and_searches_surface_words():
    query = parse("Конститу*").query
    assert isinstance(query, Prefix) and (query.fieldname, query.text) == ("exact", "конститу")


def test_one_letter_prefix_is_refused_with_a_clear_message():
    with pytest.raises(QueryError, match="at least 2 letters"):
        parse("қ*")


def test_filters_restrict_rather_than_score():
    parsed = parse("құқық collection:akorda year:2001..2010")
    assert Term("collection", "akorda") in list(nodes(parsed.filter))
    assert NumericRange("year", 2001, 2010) in list(nodes(parsed.filter))
    assert leaves(parsed.query) == {("Term", "text", "құқық"), ("Term", "title", "құқық")}
    assert parse("year:1995").filter == NumericRange("year", 1995, 1995)
    assert parse("collection:akorda").query == Every()


@pytest.mark.parametrize("text, message", [("", "empty"), ("   ", "empty"), ("сөз " * 200, "shorten")])
def test_unusable_queries_say_what_to_change(text, message):
    with pytest.raises(QueryError, match=message):
        parse(text)


def test_author_field_is_searchable():
    assert parse("author:Роговтың").query == Term("author", "рогов")


def ru(stem: str) -> str:
    return stem + RUSSIAN_MARK


def test_a_word_is_searched_as_its_kazakh_or_its_russian_stem():
    assert leaves(parse("школах").query) == {
        ("Term", "text", "школах"), ("Term", "text", ru("школ")), ("Term", "title", "школах"), ("Term", "title", ru("школ")),
    }


def test_a_word_with_kazakh_letters_is_one_term_and_a_number_one_too():
    assert leaves(parse("құқықтары").query) == {("Term", "text", "құқық"), ("Term", "title", "құқық")}
    assert leaves(parse("1995").query) == {("Term", "text", "1995"), ("Term", "title", "1995")}


def test_a_stop_word_of_one_language_keeps_the_others_term():
    assert ("Term", "text", "он") in leaves(parse("он жыл").query)  # Kazakh "ten", a Russian stop word



    assert ("Term", "text", "в") in leaves(parse("в школах").query)  # a Russian stop word, not a Kazakh one


def test_a_question_typed_in_russian_is_analysed_as_russian():
    russian = leaves(parse("Кто был последним премьер-министром?").query)
    assert ("Term", "text", ru("последн")) in russian
    assert not {("Term", "text", "кто"), ("Term", "text", "был"), ("Term", "text", "последним")} & russian


def test_a_kazakh_query_typed_without_kazakh_letters_beside_one_russian_word_stays_both_ways():
    both = leaves(parse("адам кукыктары и бостандыктары").query)
    assert ("Term", "text", "адам") in both


def test_a_phrase_is_the_kazakh_phrase_or_the_russian_one():
    phrases = {(leaf.fieldname, tuple(leaf.words)) for leaf in nodes(parse('"строительство школ"').query)
               if isinstance(leaf, Phrase)}
    assert phrases == {(field, words) for field in ("text", "title")
                       for words in (("строительство", "школ"), (ru("строительств"), ru("школ")))}


def test_a_russian_prefix_with_yo_is_searched_as_written_and_with_ye():
    assert leaves(parse("ёлк*").query) == {("Prefix", "exact", "ёлк"), ("Prefix", "exact", "елк")}


def test_a_words_analyses_stay_one_or_per_field_as_ranking_reads_words():
    query = parse("школах құқық").query
    assert [type(part).__name__ for part in query.subqueries] == ["Or", "Or", "Term", "Term"]
    assert {(term.fieldname, term.text) for term in query.subqueries[0].subqueries} == {("text", "школах"), ("text", ru("школ"))}


def test_a_kazakh_function_word_has_no_russian_analysis():
    assert ("Term", "text", "турал") not in leaves(parse("заң туралы").query)


def test_a_question_clearly_in_russian_is_analysed_in_it_alone():
    russian = leaves(parse("Какие школы были построены в этом году?").query)
    assert ("Term", "text", ru("школ")) in russian and ("Term", "text", "школы") not in russian


def test_beside_kazakh_words_a_word_the_kazakh_lexicon_knows_is_kazakh_alone():
    # its Russian analyses (неш, ауылд) would only be noise; alone, the query says no language and gets both
    assert leaves(parse("мұғалімдер жетіспейді неше ауылда").query) >= {("Term", "text", "неше"), ("Term", "text", "ауыл")}
    assert not {("Term", "text", ru("неш")), ("Term", "text", ru("ауылд"))} & leaves(parse("мұғалімдер жетіспейді неше ауылда").query)
    assert ("Term", "text", ru("ауылд")) in leaves(parse("неше ауылда").query)


def test_a_kazakh_question_searches_its_words_without_kazakh_letters_in_russian_too():
    kazakh = leaves(parse("Абай қай жылы туған?").query)
    assert {("Term", "text", "абай"), ("Term", "text", ru("аба"))} <= kazakh  # Абая, Абаю in Russian text
    born = {leaf for leaf in kazakh if leaf[2].startswith("ту")}
    assert born == {("Term", "text", "ту"), ("Term", "title", "ту")}  # туған has ғ: its Kazakh analysis alone


@pytest.mark.parametrize("text, expected", [
    ("барлық OR және", {("Term", "exact", "барлық"), ("Term", "exact", "және")}),
    ("title:туралы", {("Term", "exact", "туралы")}),
])
def test_stop_words_alone_are_searched_as_typed_whatever_the_syntax_around_them(text, expected):
    assert leaves(parse(text).query) == expected


def test_a_stop_word_left_out_is_not_searched_for():
    assert leaves(parse("барлық -және").query) == {("Term", "exact", "барлық")}


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(st.sampled_from(list(' "*()-=:.~^+!?[]{}/\\«»құқықadlgtiyORANDNOT0129')), max_size=80),
                 st.text(max_size=120)))
def test_any_text_parses_or_is_refused_with_a_reason(text):
    try:
        parsed = parse(text)
    except QueryError as error:
        assert str(error)
    else:
        assert parsed.query is not None


@pytest.mark.parametrize("text", ["-экстремизм", "-экстремизм -құқық", '-"адам құқықтары"',
                                  "NOT экстремизм", "NOT экстремизм -құқық", "-(экстремизм OR терроризм)"])
def test_a_query_of_left_out_words_alone_is_refused_with_its_reason(text):
    with pytest.raises(QueryError) as refused:
        parse(text)
    assert refused.value.reason == "only_excluded" and "add a word to search for" in str(refused.value)


@pytest.mark.parametrize("text", ["year:2005 -экстремизм", "collection:laws NOT (экстремизм OR терроризм)"])
def test_left_out_words_beside_a_filter_leave_them_out_of_its_passages(text):
    parsed = parse(text)
    assert isinstance(parsed.query, AndNot) and parsed.query.a == Every() and parsed.filter is not None
    assert {text for _, _, text in leaves(parsed.query.b)} >= {"экстремизм"}


@pytest.mark.parametrize("text", ["құқық -экстремизм", "құқық NOT экстремизм", "құқық AND NOT экстремизм",
                                  "құқық -(экстремизм OR терроризм)", "құқық NOT (экстремизм)"])
def test_a_left_out_word_beside_a_searched_one_is_left_out(text):
    assert isinstance(parse(text).query, AndNot)


def test_range_syntax_is_read_as_plain_words():
    assert leaves(parse("[а TO я]").query) == {("Term", field, "а") for field in ("text", "title")} | \
        {("Term", field, "to") for field in ("text", "title")}


@pytest.mark.parametrize("text", ["құқық -year:1937", "құқық NOT year:1937", "құқық year:1937 OR year:2001",
                                  "құқық -collection:laws", "құқық -lang:ru"])
def test_a_filter_left_out_or_or_ed_is_refused_rather_than_applied_as_is(text):
    with pytest.raises(QueryError) as refused:
        parse(text)
    assert refused.value.reason == "filter_operator"


@pytest.mark.parametrize("text", ["(құқық OR year:2001)", "(year:1930 OR year:2001) құқық", "құқық (collection:news)",
                                  "құқық (lang:ru)"])
def test_a_filter_in_brackets_is_refused_rather_than_read_as_something_else(text):
    with pytest.raises(QueryError) as refused:  # it was applied to the whole query, dropped, or read as `news)`
        parse(text)
    assert refused.value.reason == "filter_operator"


@pytest.mark.parametrize("text", ["құқық OR", "AND құқық", "құқық NOT"])
def test_an_operator_with_nothing_on_one_side_is_no_word(text):
    parsed = parse(text)
    assert parsed.words == ("құқық",) and leaves(parsed.query) == {("Term", "text", "құқық"), ("Term", "title", "құқық")}


@pytest.mark.parametrize("text", ["lang:ru OR", "lang:ru -", "lang:ru )", "year:1995 (", 'year:1995 "("',
                                  "collection:laws AND"])
def test_a_filter_beside_a_stray_operator_or_bracket_is_the_filter_alone(text):
    assert parse(text).query == Every()


def test_field_names_are_read_in_any_letter_case():
    assert parse("LANG:ru құқық").filter == Term("language", "ru")
    assert parse("Year:1937 құқық").filter == NumericRange("year", 1937, 1937)
    title = parse("TITLE:құқық")
    assert leaves(title.query) == {("Term", "title", "құқық")} and title.words == ("құқық",)


def test_a_filter_beside_words_still_narrows():
    assert parse("құқық year:1937").filter == NumericRange("year", 1937, 1937)
    assert parse("(құқық OR заң) year:1937").filter == NumericRange("year", 1937, 1937)
    assert parse("құқық year:1937)").filter == NumericRange("year", 1937, 1937)  # a stray bracket
    assert parse('құқық collection:"Қор (1)"').filter == Term("collection", "Қор (1)")


@pytest.mark.parametrize("text, years", [("құқық year:..1930", (None, 1930)), ("құқық year:2000..", (2000, None)),
                                         ("year:1950..1940 құқық", (1940, 1950))])
def test_a_year_range_may_be_open_at_either_end(text, years):
    parsed = parse(text)
    assert parsed.filter == NumericRange("year", *years)
    assert leaves(parsed.query) == {("Term", "text", "құқық"), ("Term", "title", "құқық")}


@pytest.mark.parametrize("text", ["құқық year:>1990", "құқық year:..", "year:1932..abc құқық",
                                  "құқық year:1990..1999..2000"])
def test_a_year_filter_that_names_no_year_is_refused(text):
    with pytest.raises(QueryError) as refused:
        parse(text)
    assert refused.value.reason == "bad_year_filter" and "year:..1930" in str(refused.value)


def test_a_prefix_that_is_a_stop_word_is_still_a_prefix():
    assert leaves(parse("не*").query) == {("Prefix", "exact", "не")}
    with pytest.raises(QueryError) as refused:
        parse("к*")
    assert refused.value.reason == "prefix_too_short"


def test_words_left_out_give_no_clue_to_the_querys_language():
    assert leaves(parse("тарих -в -с").query) >= {("Term", "text", "тарих")}  # в and с are Russian clues
    assert parse("тарих -в -с").language is None


def test_a_narrowed_prefix_is_named_with_its_field_beside_the_same_letters_in_the_text():
    prefixes = CappedPrefixes(lambda field, beginning, count: [f"{beginning}{n}" for n in range(count)])
    prefixes(parse_query("кон* title:кон*", query_schema()).query)
    assert list(prefixes.narrowed) == ["кон", "title:кон"]


def test_a_prefix_left_out_or_required_is_an_operator_and_a_prefix():
    query = parse_query("құқық -демо*", query_schema()).query
    assert repr(query.b) == "Prefix('exact', 'демо')" and query.__class__.__name__ == "AndNot"
    assert "ANDMAYBE" in str(parse_query("+жыл* құқық", query_schema()).query)


def test_not_beside_words_leaves_out_as_minus_does():
    assert parse_query("форум NOT демократия", query_schema()).query == parse_query("форум -демократия",
                                                                                   query_schema()).query
