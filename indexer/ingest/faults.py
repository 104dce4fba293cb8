"""Turn what the disk says when an index cannot be written into one line an operator can act on."""

from __future__ import annotations

import errno
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from whoosh.writing import IndexingError

from ..errors import IndexUnavailable, IndexWriteError

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}
KEPT = "the previous index is untouched and still served"


def check_index_folder(index: Path) -> None:
    """Refuse an index path that is a file, or lies under one, before anything is written."""
    for path in (index, *index.parents):
        if path.exists():
            if not path.is_dir():
                where = "is a file" if path == index else f"is under {path}, which is a file"
                raise IndexUnavailable(f"the index path {index} {where}, not a folder: choose another")
            return


def why_not_written(error: BaseException) -> str | None:
    """What stopped a write, in words, or None for an error that is not the disk's."""
    if isinstance(error, sqlite3.OperationalError):
        message = str(error).lower()
        if "full" in message:
            return "the disk is full"
        if "readonly" in message or "unable to open" in message:
            return "the folder is not writable"
        if "disk i/o" in message:
            return "the disk reported an I/O error"
        return None
    if isinstance(error, OSError):
        if error.errno in FULL:
            return "the disk is full" if error.errno != errno.EFBIG else "the file size limit was reached"
        if error.errno in NOT_WRITABLE:
            return "the folder is not writable"
        if error.errno is None and "written" in str(error):  # numpy's short write
            return "the disk is full"
        return None
    if isinstance(error, RuntimeError) and "write" in str(error).lower():  # faiss's short write
        return "the disk is full or failed"
    if isinstance(error, IndexingError):
        return "the keyword index could not be written"
    return None


@contextmanager
def index_writes(index: Path):
    """Re-raise a write that the disk refused as IndexWriteError naming the index and what to do."""
    try:
        yield
    except (OSError, sqlite3.OperationalError, RuntimeError, IndexingError) as error:
        reason = why_not_written(error)
        if reason is None:
            raise
        raise IndexWriteError(f"cannot write the index at {index}: {reason} ({error}); free space or fix "
                              f"the folder, then run 'precedent index' again; {KEPT}") from None
