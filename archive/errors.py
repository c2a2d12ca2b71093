"""The one error type a person sees: what was wrong, with which file or query, and what to do."""


class MuragatError(Exception):
    """An error the command line and the web UI report as one clear line, never a traceback."""


class NotFound(MuragatError):
    """A document or page that the archive does not hold."""
