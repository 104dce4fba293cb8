"""Sentences of prose: the unit a chunk is cut at, a sentence vector covers and an excerpt grows from."""

from __future__ import annotations

import re

_SENTENCES = re.compile(r"(?<=[.?!])[\"')\]]?\s+(?=[A-Z0-9\"(\[])")


def sentences(text: str) -> list[str]:
    """Split prose into sentences without breaking "Dr." or "1. item" style periods badly."""
    parts = _SENTENCES.split(text.strip())
    merged: list[str] = []
    for part in parts:
        if merged and re.search(r"(?i)\b(?:dr|mr|mrs|ms|vs|no|approx|e\.g|i\.e|p|pp)\.$", merged[-1]):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [s for s in merged if s.strip()]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character span of each sentence of text."""
    spans, cursor = [], 0
    for sentence in sentences(text):
        start = text.find(sentence, cursor)
        if start < 0:
            start = cursor
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans


def windows(text: str, max_words: int, overlap: int) -> list[str]:
    """Split text at sentence boundaries into windows of at most max_words words."""
    units: list[str] = []
    for sentence in sentences(text.replace("\n\n", " ")):
        words = sentence.split()
        for start in range(0, len(words), max_words):  # a run-on "sentence" is cut by words
            units.append(" ".join(words[start:start + max_words]))
    result: list[str] = []
    current: list[str] = []
    for unit in units:
        if current and sum(len(u.split()) for u in current) + len(unit.split()) > max_words:
            result.append(" ".join(current))
            current = current[-overlap:] if overlap else []
            while current and sum(len(u.split()) for u in current) + len(unit.split()) > max_words:
                current.pop(0)
        current.append(unit)
    if current and (not result or " ".join(current) not in result[-1]):
        result.append(" ".join(current))
    return [w for w in result if w.strip()]
