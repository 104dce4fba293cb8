"""Read a letter file (.txt or .pdf) into text, refusing what is not a letter."""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from .pages import strip_running_lines, strip_running_text

SUFFIXES = (".txt", ".pdf")
PAGE_JOIN = "\n\n\n\n"  # how extracted pages are joined, as in shared/real/text; pages.PAGE_BREAK splits it


class ReadError(Exception):
    """A file that cannot be read as a letter; the message is one plain line."""


def read_letter(path: Path, max_bytes: int = 20 * 2**20) -> tuple[str, list[str]]:
    """Return the text of a letter and any warnings; raise ReadError for unusable files."""
    data = path.read_bytes()
    if len(data) > max_bytes:
        raise ReadError(f"file is {_size(len(data))}, over the {_size(max_bytes)} limit")
    if not data.strip():
        raise ReadError("empty file")
    if path.suffix.lower() == ".pdf":
        return _read_pdf(data), []
    if path.suffix.lower() != ".txt":
        raise ReadError(f"unsupported file type {path.suffix or '(none)'}: expected .txt or .pdf")
    text, found = _decode_text(data)
    return strip_running_text(text), found


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 else f"{count / 2**10:.0f} KB"


def _decode_text(data: bytes) -> tuple[str, list[str]]:
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > 0.05 * len(head):
        raise ReadError("binary file, not text")
    try:
        text, found = data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            found = ["not UTF-8: read as Windows-1252"]
        except UnicodeDecodeError:
            text, found = data.decode("latin-1"), ["not UTF-8: read as Latin-1"]
    if sum(ch.isalpha() for ch in text) < 20:
        raise ReadError("no readable text")
    return text, found


def _read_pdf(data: bytes) -> str:
    if not data.lstrip()[:5] == b"%PDF-":
        raise ReadError("not a PDF (no %PDF header)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            # The DWC publishes every letter encrypted with an empty user password: open those as is.
            if reader.is_encrypted and not reader.decrypt(""):
                raise ReadError("encrypted PDF: a password is needed")
            pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except DependencyError:
        raise ReadError("encrypted PDF: reading it needs the cryptography package") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise ReadError(f"unreadable PDF ({type(error).__name__}: {str(error)[:80]})") from None
    except Exception as error:  # pypdf raises many kinds on corrupt input
        if "crypt" in str(error).lower():
            raise ReadError("encrypted PDF: cannot be decrypted") from None
        raise ReadError(f"unreadable PDF ({type(error).__name__})") from None
    text = PAGE_JOIN.join(strip_running_lines(pages))
    if sum(ch.isalpha() for ch in text) < 20:
        raise ReadError("PDF has no text layer (scanned image?): OCR it first")
    return text
