"""Index terms: how the keyword index, the query and the excerpts cut text into stemmed words."""

from __future__ import annotations

import re

from whoosh.analysis import StemmingAnalyzer

# Decimal numbers stand alone, so a citation written "9792.20f" is found by "9792.20".
EXPRESSION = r"\d+(?:\.\d+)+|\w+(?:\.?\w+)*"
ANALYZER = StemmingAnalyzer(expression=EXPRESSION)
_WORD = re.compile(EXPRESSION)
_TOKENIZER, _LOWERCASE, _STOPS, _STEMS = ANALYZER.items
_STOP_WORDS, _SHORTEST = _STOPS.stops, _STOPS.min
_stem = _STEMS._stem  # Whoosh's own cached Porter stemmer


def cut(text: str) -> list[tuple[str, int, int]]:
    """ANALYZER's terms of text with where each starts and ends, cut in one pass (no Token objects):
    the same terms, 3-4x faster, for excerpts drawn at query time."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if len(word) >= _SHORTEST and word not in _STOP_WORDS:
            found.append((_stem(word), match.start(), match.end()))
    return found
_SYNTAX = re.compile(r"\b(?:AND|OR|NOT)\b")


def stems(text: str) -> set[str]:
    """Return the index terms of text, as highlighting compares them."""
    return {t.text for t in ANALYZER(text)}


def terms(text: str) -> list[str]:
    """Return the index terms of text in order."""
    return [t.text for t in ANALYZER(text)]


def is_plain(text: str) -> bool:
    """Tell whether text uses no search syntax (quotes or operators)."""
    return '"' not in text and not _SYNTAX.search(text)


def plain_words(text: str) -> str:
    """The words of a query without quotes or operators."""
    return re.sub(r"\s+", " ", _SYNTAX.sub(" ", text.replace('"', " "))).strip()
