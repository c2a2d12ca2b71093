"""Snippets as data: `[(text, is_match), ...]`; HTML is made from them in one place."""
from __future__ import annotations

import html
from collections.abc import Iterable

Fragments = list[tuple[str, bool]]
SNIPPET_CHARS = 300


def match_spans(tokens: Iterable[tuple[str, int, int]], terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of the `(term, start, end)` tokens of a text whose term is one of `terms`."""
    wanted = set(terms)
    if not wanted:
        return []
    return [(start, end) for term, start, end in tokens if term in wanted]


def fragments(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> Fragments:
    """`text[start:end]` cut into plain and matching pieces."""
    end = len(text) if end is None else end
    pieces: Fragments = []
    cursor = start
    for span_start, span_end in sorted(spans):
        if span_start < cursor or span_end > end:
            continue
        if span_start > cursor:
            pieces.append((text[cursor:span_start], False))
        pieces.append((text[span_start:span_end], True))
        cursor = span_end
    if cursor < end:
        pieces.append((text[cursor:end], False))
    return pieces


def best_window(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> tuple[int, int]:
    """The stretch of about `width` characters holding the most matches, cut at spaces."""
    if len(text) <= width:
        return 0, len(text)
    ordered = sorted(spans)
    best_start, best_count = 0, 0
    for index, (start, _) in enumerate(ordered):
        count = sum(1 for other_start, other_end in ordered[index:] if other_end <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    # Show a little context before the first match.
    start = max(0, best_start - width // 6)
    if start > 0:
        space = text.find(" ", start, best_start if best_start > start else start + 1)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space != -1 else end
    return start, end


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> Fragments:
    """The best window of a passage as fragments, with an ellipsis where text was cut."""
    start, end = best_window(text, spans, width)
    pieces = fragments(text, spans, start, end)
    if start > 0:
        pieces.insert(0, ("…", False))
    if end < len(text):
        pieces.append(("…", False))
    return pieces


def to_html(pieces: Fragments) -> str:
    """Escape every piece; wrap the matches in <mark>."""
    return "".join(
        f"<mark>{html.escape(text)}</mark>" if is_match else html.escape(text) for text, is_match in pieces
    )
