"""Numbers that come over HTTP: ASCII digits within bounds, else a 400 that names the argument.

`str.isdigit()` takes '²' and '٣', which `int()` refuses or reads; an unbounded number overflows
SQLite's 64-bit integers. Both were 500s.
"""
from __future__ import annotations

from flask import request
from werkzeug.routing import BaseConverter

from archive.errors import MuragatError

# Eighteen digits stay below 2**63, so no number from a request can overflow SQLite.
MAX_DIGITS = 18
MAX_NUMBER = 10 ** MAX_DIGITS - 1
ASCII_DIGITS = r"[0-9]{1,%d}" % MAX_DIGITS


def whole_number(name: str, text: str, low: int, high: int, what: str = "", reason: str = "bad_number") -> int:
    """`text` read as a whole number from `low` to `high`; a MuragatError (400) names `name` otherwise
    (`reason` and its details for the reader's language: webui/texts.py)."""
    value = text.strip()
    if value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS and low <= int(value) <= high:
        return int(value)
    raise MuragatError(f"{name} must be {what or f'a whole number from {low} to {high}'}, not {value[:20]!r}",
                       reason, name=name, low=low, high=high, value=value[:20])


def number_argument(name: str, default: int | None, low: int, high: int, what: str = "",
                    reason: str = "bad_number") -> int | None:
    """The request's argument `name` as a whole number from `low` to `high`; `default` when absent or empty."""
    text = request.args.get(name, "").strip()
    return default if not text else whole_number(name, text, low, high, what, reason)


class PageNumberConverter(BaseConverter):
    """`<page:number>` in a route: ASCII digits only, never more than SQLite holds (else no route: 404)."""

    regex = ASCII_DIGITS

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))
