"""Undo PDF text-extraction artifacts: turn raw letter text into clean paragraphs.

Letters extracted from PDFs arrive in one of three shapes: every line break doubled; single
breaks with a line holding a single space where a paragraph ends ("space-marked"); or single
breaks with nothing marking paragraphs. In all three a page join is a run of truly empty lines
that can fall mid-sentence. Words split across lines with a hyphen, wrapped capitalised
headings, double spaces and stray leading spaces are mended too. The cleaner knows nothing of
layouts: the parser passes the headings and labels that must stand at the start of a paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Hyphenated line ends whose hyphen belongs to the word ("x-" + "rays", "follow-" + "up").
KEEP_HYPHEN_LEFT = {
    "non", "self", "post", "follow", "well", "anti", "multi", "semi", "long", "short", "full",
    "part", "high", "one", "two", "three", "four", "five", "six", "left", "right", "cross", "half",
}
KEEP_HYPHEN_RIGHT = {
    "up", "ups", "term", "based", "related", "sided", "rays", "ray", "time", "day", "week", "month",
    "year", "dose", "lasting", "level", "like", "free", "old", "specific", "going", "induced",
    "certified", "certification", "operative", "operatively", "surgical", "existing", "fold",
    "wave", "type", "scale", "contained", "care", "reported",
}

_SENTENCE_END = re.compile(r"[.?!:;\"')\]]$")
_FULL_STOP = re.compile(r"[.?!][\"')\]]?$")
# pypdf joins pages with four line breaks: three empty lines or more.
PAGE_JOIN = 3


@dataclass
class Block:
    """A cleaned paragraph; heading names the section it opens when it is a heading."""

    text: str
    heading: str | None = None


def normalize(raw: str) -> str:
    """Unify line ends, spaces and invisible characters."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n\n\n")
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u00ad\u200b\u200c\u200d\ufeff]", "", text)
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")


def _is_doubled(lines: list[str]) -> bool:
    """Tell whether every line break was doubled by the extractor."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) < 4:
        return False
    followed_by_blank = sum(
        1 for i in filled if i + 2 < len(lines) and lines[i + 1] == "" and lines[i + 2] != ""
    )
    return followed_by_blank >= 0.6 * len(filled)


def is_space_marked(lines: list[str]) -> bool:
    """Tell whether paragraphs end in a line of spaces and empty lines only join pages."""
    shape = "".join("E" if not line else "s" if not line.strip() else "x" for line in lines)
    runs = re.findall(r"E+", shape.rstrip("E"))  # trailing empties are the file's final newline
    lone = sum(1 for run in runs if len(run) == 1)
    spaces, filled = shape.count("s"), shape.count("x")
    # A stray line of spaces or two does not make a letter space-marked: paragraphs do.
    return spaces >= max(2, 0.08 * filled) and lone <= spaces // 4


def join_lines(lines: list[str]) -> str:
    """Join the lines of one paragraph, mending words split by a hyphen at a line end."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if not text:
            text = line
            continue
        left = re.search(r"([A-Za-z0-9]+)-$", text)
        right = re.match(r"([A-Za-z0-9]+)", line)
        if left and right and not text.endswith(" -") and not text.endswith("--"):
            left_word, right_word = left.group(1), right.group(1)
            keep = (
                len(left_word) == 1  # x-ray, T-1, C-spine; "in-" + "jection" is one word
                or left_word.lower() in KEEP_HYPHEN_LEFT
                or right_word.lower() in KEEP_HYPHEN_RIGHT
                or right_word[0].isdigit()
                or left_word[-1].isdigit()
                or right_word[0].isupper()
            )
            text = text + line if keep else text[:-1] + line
        else:
            text = f"{text} {line}"
    return tidy(text)


def tidy(text: str) -> str:
    """Collapse runs of spaces and mend run-together numbered lists."""
    text = re.sub(r"(?<=[a-z:])(\d{1,2}\.)(?=[A-Z])", r" \1 ", text)
    text = re.sub(r"[ \u00a0]{2,}", " ", text)
    return text.strip()


def _match_any(text: str, patterns: Iterable[tuple[str, re.Pattern]]) -> str | None:
    for name, pattern in patterns:
        if pattern.fullmatch(text):
            return name
    return None


def blocks(
    raw: str,
    headings: list[tuple[str, re.Pattern]] = (),
    starts: list[re.Pattern] = (),
    ends: list[re.Pattern] = (),
) -> list[Block]:
    """Split raw text into cleaned blocks.

    headings: (name, pattern) pairs matched against a whole line, or two lines when a heading
    wraps; a match becomes a heading block. starts: patterns for labels that open a paragraph
    ("Decision rationale:"). ends: patterns for lines that close one ("...:  Upheld").
    """
    lines = normalize(raw).split("\n")
    doubled = _is_doubled(lines)
    spaced = not doubled and is_space_marked(lines)
    widths = sorted(len(line.rstrip()) for line in lines if line.strip())
    full_width = widths[int(len(widths) * 0.8)] if widths else 80

    result: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            text = join_lines(pending)
            if text:
                result.append(Block(text))
            pending.clear()

    def ended() -> bool:
        """Tell whether the pending paragraph reads as finished (a page may end there)."""
        last = pending[-1].strip() if pending else ""
        return not last or (len(last) < 0.6 * full_width and bool(_SENTENCE_END.search(last)))

    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            if _breaks_paragraph(lines, i, doubled, spaced) or (line == "" and not doubled and ended()):
                flush()
            i += 1
            continue
        stripped = tidy(line)
        heading = _match_any(stripped.rstrip(":").strip(), headings)
        consumed = 1
        if heading is None:
            # A label heading with its text on the same line: "ISSUE AT DISPUTE: PT x 12".
            labelled = _match_label(stripped, headings)
            if labelled:
                flush()
                name, label, rest = labelled
                result.append(Block(label, name))
                lines[i] = rest
                continue
        if heading is None:
            following = _next_filled(lines, i)
            if following is not None:
                both = tidy(f"{stripped} {lines[following]}").rstrip(":").strip()
                heading = _match_any(both, headings)
                if heading:
                    consumed = following - i + 1
        if heading:
            flush()
            joined = tidy(" ".join(lines[i:i + consumed]).replace("\n", " "))
            result.append(Block(joined, heading))
            i += consumed
            continue
        if any(p.match(stripped) for p in starts):
            flush()
        pending.append(line)
        short = len(stripped) < 0.6 * full_width
        if any(p.search(stripped) for p in ends):
            flush()
        elif spaced and short and _FULL_STOP.search(stripped):
            # Paragraphs are marked, but a missing mark still shows as a short last line.
            flush()
        elif not doubled and not spaced and (stripped.endswith(":") and _starts_a_line(lines, i, "A-Z") or (
                short and (_SENTENCE_END.search(stripped) or _starts_a_line(lines, i)))):
            # Prose wraps near the full width: a short line ended on purpose (a paragraph's
            # last line, or one entry of a list).
            flush()
        i += 1
    flush()
    return result


def _breaks_paragraph(lines: list[str], i: int, doubled: bool, spaced: bool) -> bool:
    """Tell whether the blank line i ends a paragraph, whatever came before it.

    Doubled or space-marked text: only a line of spaces does; an empty line there is an echo
    or a page join. Otherwise an empty line does, unless it is part of a page join.
    """
    if doubled or spaced:
        return lines[i] != ""
    return lines[i] != "" or _empty_run(lines, i) < PAGE_JOIN


def _empty_run(lines: list[str], i: int) -> int:
    """Count the empty lines in the run that holds line i."""
    start, end = i, i
    while start > 0 and lines[start - 1] == "":
        start -= 1
    while end + 1 < len(lines) and lines[end + 1] == "":
        end += 1
    return end - start + 1


def _match_label(text: str, headings) -> tuple[str, str, str] | None:
    colon = text.find(":")
    if colon <= 0 or colon == len(text) - 1:
        return None
    name = _match_any(text[:colon].strip(), headings)
    return (name, text[:colon].strip(), text[colon + 1:].strip()) if name else None


def _starts_a_line(lines: list[str], i: int, first: str = "A-Z0-9") -> bool:
    """Tell whether the line after i begins like a new entry (capital letter or number).

    After a colon a number is the label's value ("DOS:" / "11/11/2016: Upheld"), not an entry.
    """
    following = _next_filled(lines, i)
    return following is not None and following == i + 1 and bool(
        re.match(rf"\s*[{first}]", lines[following]))


def _next_filled(lines: list[str], i: int) -> int | None:
    for j in range(i + 1, min(i + 6, len(lines))):
        if lines[j].strip():
            return j
    return None
