"""What can go wrong, in the words the CLI and the web turn into exit codes and statuses."""


class QueryError(ValueError):
    """A query, filter, mode or k that cannot be searched; the message is one plain line."""


class NotFound(LookupError):
    """An unknown determination id."""


class IndexUnavailable(Exception):
    """The index is missing, corrupt, or was built by other code or another model."""


class IndexWriteError(Exception):
    """The index could not be written (disk full, read-only, not a folder); the previous one is untouched."""
