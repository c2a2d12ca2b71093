"""Whatever a request carries, in any argument of any route, the answer is never a server error."""
from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DOCUMENT = "372de5891862daab"  # the sample document
NUMERIC_ARGUMENTS = ("limit", "offset", "page", "year_from", "year_to")
TEXT_ARGUMENTS = ("q", "sort", "collection", "document", "language", "lang")
# Numbers as people and attackers write them: huge, negative, superscript and other-script digits, words.
NUMBERS = st.one_of(st.integers(-2 ** 70, 2 ** 70).map(str),
                    st.sampled_from(["²", "①", "٣", "߃", "9" * 20, str(2 ** 63), "-1", "1e3", " 5 ", "0x10", "1_0"]),
                    st.text(st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=8),
                    st.text(max_size=12))
# Queries built from the syntax's own characters and words, and anything else.
QUERIES = st.one_of(st.text(st.sampled_from(list(' "*()-=:.~^+!?«»…құқықadlgtiy0123456789')), max_size=60),
                    st.text(max_size=80))
TEXTS = st.one_of(QUERIES, st.sampled_from(["kk", "ru", "other", "newest", "oldest", DOCUMENT, ""]))
SEGMENTS = st.one_of(NUMBERS, st.just(DOCUMENT), st.text(max_size=20)).map(lambda text: quote(text, safe=""))
ROUTES = st.one_of(
    st.sampled_from(["/", "/api/search", f"/documents/{DOCUMENT}", f"/api/documents/{DOCUMENT}",
                     f"/documents/{DOCUMENT}/original"]),
    SEGMENTS.map(lambda number: f"/documents/{DOCUMENT}/pages/{number}"),
    SEGMENTS.map(lambda number: f"/api/documents/{DOCUMENT}/pages/{number}"),
    SEGMENTS.map(lambda document: f"/api/documents/{document}"),
    SEGMENTS.map(lambda document: f"/documents/{document}/pages/1"),
)
ARGUMENTS = st.builds(lambda numbers, texts: {**texts, **numbers},
                      st.dictionaries(st.sampled_from(NUMERIC_ARGUMENTS), NUMBERS, max_size=3),
                      st.dictionaries(st.sampled_from(TEXT_ARGUMENTS), TEXTS, max_size=3))
EVERY_EXAMPLE = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@EVERY_EXAMPLE
@given(route=ROUTES, arguments=ARGUMENTS)
def test_no_request_is_a_server_error(client, route, arguments):
    response = client.get(route, query_string=arguments)
    assert response.status_code < 500, (route, arguments, response.get_data(as_text=True)[-300:])
    if route.startswith("/api/") and response.status_code >= 400:
        assert set(response.get_json()["error"]) == {"status", "message"}
