"""The one error type a person sees: what was wrong, with which file or query, and what to do."""


class MuragatError(Exception):
    """An error the command line and the web UI report as one clear line, never a traceback.

    `reason` names the refusal and `details` fill its sentence, so that the web UI can say it in
    the reader's language (webui/texts.py); the message is the English line the CLI and API give.
    `status` is the HTTP status the web UI answers it with.
    """

    status = 400

    def __init__(self, message: str, reason: str = "", **details: object) -> None:
        super().__init__(message)
        self.reason, self.details = reason, details


class NotFound(MuragatError):
    """A document or page that the archive does not hold (or that the viewer may not see: the same answer)."""

    status = 404


class Unavailable(MuragatError):
    """The archive cannot answer until its administrator acts (an index built with older rules): not the query's
    fault, so not a 400."""

    status = 503


def cannot_write(path: object, reason: str) -> MuragatError:
    """The one line a writing command gives on an archive this user may not write (another user's, a
    mounted snapshot, a backup): reading it still works."""
    return MuragatError(f"{path}: cannot write to this archive ({reason}): ingest, reindex, remove and optimize "
                        f"need write access; search, list, status, failures and serve work without it")
