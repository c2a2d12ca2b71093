"""The JSON API: the same shapes as the command line's --json."""
from __future__ import annotations

from flask import Blueprint, request

from archive.errors import MuragatError
from archive.payloads import search_payload
from webui.archive_access import current_archive

blueprint = Blueprint("api", __name__, url_prefix="/api")
MAX_LIMIT = 100


@blueprint.get("/search")
def search():
    query = request.args.get("q", "")
    limit = request.args.get("limit", 10, type=int)
    offset = request.args.get("offset", 0, type=int)
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise MuragatError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    if offset is None or offset < 0:
        raise MuragatError("offset must be a whole number, 0 or more")
    return search_payload(current_archive().search(query, limit=limit, offset=offset))
