"""Remove running headers and footers: lines that repeat at the same edge of most pages."""

from __future__ import annotations

import re
from collections import Counter

# How many non-blank lines at the top and at the bottom of a page may be page furniture: a letterhead,
# a case-number line and a page number fit in three.
EDGE = 3

# Page breaks in a text file: a form feed, or the four newlines our PDF extraction joins pages with
# (hand-typed letters rarely leave three empty lines in a row).
PAGE_BREAK = re.compile(r"(\f|(?:\r?\n){4,})")

# "Page 2 of 3", "page 2", "2 of 3", "2/3", "- 2 -", "2", once digits are normalised to "#".
PAGE_MARK = re.compile(r"(?:.*\bpage\s*#(?:\s*(?:of|/)\s*#)?.*|[-–—\s]*#[-–—\s]*|#\s*(?:of|/)\s*#)")

MAX_HEADER_WORDS = 12
# "Case Number: CM16-0213037": a labelled field of the letter's header block.
FIELD = re.compile(r"[A-Za-z][A-Za-z()/ ]{2,40}:\s*\S")


def strip_running_lines(pages: list[str]) -> list[str]:
    """Return the pages without the lines that repeat at the same edge of most of them."""
    split = [page.split("\n") for page in pages]
    running = _running_keys([_edges(lines) for lines in split])
    if not running:
        return list(pages)
    cleaned, kept = [], set()
    for lines in split:
        top, bottom, _ = _edges(lines)
        edge = {i for i, line in top + bottom if line_key(line) in running}
        for i, line in top:
            # A field repeated at the top of each page keeps its first showing: on page 1 it is the
            # letter's own record ("Case Number: CM16-0213037", "Decision Date: 01/10/2017").
            key = line_key(line)
            if i in edge and key not in kept and FIELD.match(line.strip()):
                kept.add(key)
                edge.discard(i)
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in edge))
    return cleaned


# A page number that names itself ("Page 2 of 3", "2 of 3", "- 2 -"), as opposed to a bare number.
PAGE_NUMBER = re.compile(r"page\s*#(?:\s*(?:of|/)\s*#)?|#\s*of\s*#|[-–—]\s*#\s*[-–—]")


def strip_running_text(text: str) -> str:
    """Return text without running lines, splitting it into pages at form feeds or page joins.

    Text saved from a typeset PDF may keep no page breaks at all; its page numbers still mark where
    pages end ("Page 2 of 3"), so the text is cut after each of them instead.
    """
    parts = PAGE_BREAK.split(text)
    pages, breaks = parts[0::2], parts[1::2]
    if len(pages) < 2:
        return _strip_at_page_numbers(text)
    cleaned = strip_running_lines(pages)
    # Keep each break as it was, so a text file cleans to exactly what its PDF cleans to.
    return "".join(page + gap for page, gap in zip(cleaned, breaks + [""], strict=True))


def _strip_at_page_numbers(text: str) -> str:
    """Cut text into pages after each self-describing page number line, then strip running lines."""
    lines = text.split("\n")
    ends = [i for i, line in enumerate(lines) if PAGE_NUMBER.fullmatch(line_key(line).strip())]
    numbers = [int(re.search(r"\d+", lines[i]).group()) for i in ends]
    # Page numbers count up; the same number twice is text that happens to look like one.
    if len(ends) < 2 or any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)):
        return text
    cuts = [0, *(i + 1 for i in ends), len(lines)]
    pages = ["\n".join(lines[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    return "\n".join(strip_running_lines(pages))


def line_key(line: str) -> str:
    """Normalise a line so that running lines compare equal: digits, spacing and case do not count."""
    return re.sub(r"\d+", "#", " ".join(line.split())).casefold()


def looks_like_furniture(line: str) -> bool:
    """Tell whether a line could be a page number, letterhead or running header rather than prose."""
    words = line.split()
    # Furniture is short and ends no sentence or clause ("- 2 -" and "Page 2 of 3" end in neither).
    if not words or len(words) > MAX_HEADER_WORDS or line.rstrip()[-1] in ".,;:!?":
        return False
    if PAGE_MARK.fullmatch(line_key(line)):
        return True
    # Prose wraps mid-sentence into lowercase words; headers and letterheads are capitalised or codes.
    lowercase = sum(word[0].islower() for word in words)
    return lowercase * 2 < len(words)


Edge = list[tuple[int, str]]


def _edges(lines: list[str]) -> tuple[Edge, Edge, set[str]]:
    """Split a page's non-blank lines into top edge, bottom edge and the keys of the lines between."""
    filled = [(i, line) for i, line in enumerate(lines) if line.strip()]
    top, bottom = filled[:EDGE], filled[-EDGE:] if filled else []
    middle = {line_key(line) for _, line in filled[EDGE:-EDGE]}
    return top, bottom, middle


def _running_keys(edges: list[tuple[Edge, Edge, set[str]]]) -> set[str]:
    """Find the line keys at one edge of most pages, never inside a page, and shaped like furniture."""
    pages = [page for page in edges if page[0]]
    if len(pages) < 2:
        return set()
    # Two pages give the weakest evidence: both must carry the line. From three on, a strict majority,
    # so that a header missing from the first page (letterhead there instead) still counts.
    needed = max(2, len(pages) // 2 + 1)
    inside = set().union(*(middle for _, _, middle in pages))
    found: set[str] = set()
    for edge in (0, 1):
        counts: Counter[str] = Counter()
        for page in pages:
            lines = {line_key(line): line for _, line in page[edge]}
            counts.update(key for key, line in lines.items() if looks_like_furniture(line))
        found |= {key for key, count in counts.items() if count >= needed and key not in inside}
    return found
