"""Index terms: how the keyword index, the query and the excerpts cut text into stemmed words."""

from __future__ import annotations

import re

from whoosh.analysis import StemmingAnalyzer

# Decimal numbers stand alone, so a citation written "9792.20f" is found by "9792.20".
ANALYZER = StemmingAnalyzer(expression=r"\d+(?:\.\d+)+|\w+(?:\.?\w+)*")
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
