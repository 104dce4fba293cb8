"""What can go wrong, in the words the CLI and the web turn into exit codes and statuses."""


class QueryError(ValueError):
    """A query, filter, mode or k that cannot be searched; the message is one plain line."""


class NotFound(LookupError):
    """An unknown determination id."""


class IndexUnavailable(Exception):
    """The index is missing, corrupt, or was built by other code or another model."""


class Busy(Exception):
    """Every slot for searching is taken, or the engine stayed busy past the time budget: try again."""
class ModelUnavailable(IndexUnavailable):
    """The embedding model cannot be loaded (no such directory, a damaged model, an unknown precision):
    searching and indexing need it, so it is reported like a missing index."""
class IndexWriteError(Exception):
    """The index could not be written (disk full, read-only, not a folder); the previous one is untouched."""
