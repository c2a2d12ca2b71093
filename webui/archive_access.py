"""The request's view of the archive, opened once per app."""
from flask import current_app

from archive.home import Archive


def current_archive() -> Archive:
    return current_app.extensions["muragat"]
