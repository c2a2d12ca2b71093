"""The releases whose private internals Muragat's code uses, and the check made when that code is imported.

`index/whoosh_engine/`'s `postings.py`, `segments.py`, `writer.py` and `storage.py` reach into whoosh's
codec, segment writer and file storage (names starting with `_`, modules whoosh does not document), and
`ingest/extract.py` copies pdfminer's content-stream internals; `index/tantivy_engine/` writes tantivy's
index format through its young Python bindings, whose API still moves between releases. Another release
may change any of them without a word, so each of those modules calls `require` before it imports them:
with any other version installed it refuses, in one line, rather than index or extract wrongly.

This module imports nothing of the project: `index/` and `ingest/` may import it (tests/test_layering.py).
"""
from __future__ import annotations

from importlib import metadata

# The release each distribution's private calls were written against; requirements.txt pins the same
# (tests/archive/test_pins.py checks): moving a pin means reading those calls against the new release.
WRITTEN_FOR = {
    "Whoosh-Reloaded": "2.7.5",
    "pdfminer.six": "20260107",
    "tantivy": "0.27.0",
}


class WrongVersion(ImportError):
    """A distribution whose internals a module uses is installed at another version, or not at all."""


def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution (by its metadata), None when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def require(distribution: str, module: str, what: str = "private internals") -> None:
    """Refuse to import `module` unless the release of `distribution` its calls (`what` it uses) were written for
    is installed."""
    needed = WRITTEN_FOR[distribution]
    found = installed_version(distribution)
    if found != needed:
        installed = f"{found} is installed" if found else "it is not installed"
        raise WrongVersion(f"{module} uses {what} of {distribution} {needed}, but {installed}: "
                           f"run `pip install -r requirements.txt` in Muragat's virtualenv")
