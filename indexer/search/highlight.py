"""Excerpts: pick the passage of a chunk that answers the query and mark why it matched.

In Whoosh's vocabulary: fragment (sentences), score (query terms matched, closeness in meaning
from the chunk's sentence vectors), order (grow the best sentence into a 40-80 word window) and
format (escape, wrap keyword matches in <mark>, and for a passage found by meaning alone, the
sentence closest to the query in <mark class="semantic">).
"""

from __future__ import annotations

import functools
import html
import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from ..sentences import sentence_spans
from .terms import cut, stems

MIN_WORDS, MAX_WORDS = 40, 80


@dataclass
class Excerpt:
    section: str
    section_id: str
    text: str
    html: str
    chunk_id: str = ""
    found_by: str = "keyword"

    def to_dict(self) -> dict:
        return {"section": self.section, "section_id": self.section_id, "text": self.text,
                "html": self.html, "found_by": self.found_by}


def term_spans(text: str, terms) -> list[tuple[int, int]]:
    """Return character spans of the tokens of text whose index term is in terms."""
    if not terms:
        return []
    return [(start, end) for term, start, end in cut(text) if term in terms]


@functools.lru_cache(maxsize=2048)
def _tokens(text: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """The index terms of a chunk and where each starts and ends (a chunk is cut once per process)."""
    found = cut(text)
    return tuple(f[0] for f in found), tuple(f[1] for f in found), tuple(f[2] for f in found)


def keyword_score(text: str, terms: dict[str, float]) -> float:
    """Sum the weights of the distinct query terms in text, doubled where two stand together."""
    return _terms_score([term for term, _, _ in cut(text)], terms)


def _terms_score(tokens: list[str] | tuple[str, ...], terms: dict[str, float]) -> float:
    found = {t for t in tokens if t in terms}
    score = sum(terms[t] for t in found)
    adjacent = {(a, b) for a, b in zip(tokens, tokens[1:], strict=False)
                if a in terms and b in terms and a != b}
    return score + sum(min(terms[a], terms[b]) for a, b in adjacent)


def merge_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join marks separated only by spaces or hyphens: "functional improvement" is one mark."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and re.fullmatch(r"[\s\-/]*", text[merged[-1][1]:start]):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def render(text: str, marks: list[tuple[int, int]], css_class: str | None = None) -> str:
    """Escape text and wrap the marked spans in <mark>."""
    opening = f'<mark class="{css_class}">' if css_class else "<mark>"
    out, cursor = [], 0
    for start, end in marks:
        out.append(html.escape(text[cursor:start], quote=False))
        out.append(opening + html.escape(text[start:end], quote=False) + "</mark>")
        cursor = end
    out.append(html.escape(text[cursor:], quote=False))
    return "".join(out)


def passage(text: str, terms: dict[str, float], sentence_similarity: np.ndarray | None = None
            ) -> tuple[str, list[tuple[int, int]], str]:
    """Choose the best 40-80 word passage of text; return it, its marks and what found it."""
    spans = sentence_spans(text) or [(0, len(text))]
    names, starts, ends = _tokens(text) if terms else ((), (), ())
    keyword_hits = [_terms_score(names[bisect_left(starts, a):bisect_left(starts, b)], terms) if terms
                    else 0.0 for a, b in spans]
    similarity = np.zeros(len(spans))
    if sentence_similarity is not None and len(sentence_similarity) == len(spans):
        similarity = np.asarray(sentence_similarity, dtype=float)
    scores = np.array(keyword_hits, dtype=float) + 2.0 * np.clip(similarity - 0.2, 0, None)
    best = int(np.argmax(scores))
    first = last = best

    def words(i: int, j: int) -> int:
        return len(text[spans[i][0]:spans[j][1]].split())

    while words(first, last) < MIN_WORDS:
        candidates = []
        if last + 1 < len(spans):
            candidates.append((scores[last + 1] + 0.01, first, last + 1))
        if first > 0:
            candidates.append((scores[first - 1], first - 1, last))
        candidates = [c for c in candidates if words(c[1], c[2]) <= MAX_WORDS]
        if not candidates:
            break
        _, first, last = max(candidates)
    start, end = spans[first][0], spans[last][1]
    chosen = text[start:end]
    first, last = bisect_left(starts, start), bisect_left(starts, end)
    marks = [(a - start, b - start) for name, a, b in zip(names[first:last], starts[first:last],
                                                          ends[first:last], strict=True) if name in terms]
    if len(chosen.split()) > MAX_WORDS:
        chosen, marks = _trim(chosen, marks)
    found_by = "keyword"
    if not marks and similarity.any():
        a, b = spans[int(np.argmax(similarity))]
        if start <= a and b <= end and len(text[a:b].split()) <= MAX_WORDS:
            marks = [(a - start, b - start)]
            found_by = "semantic"
    return chosen, merge_spans(chosen, marks) if found_by == "keyword" else marks, found_by


def _trim(text: str, marks: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Cut an over-long passage to MAX_WORDS words around its first mark, at word boundaries."""
    words = list(re.finditer(r"\S+", text))
    anchor = 0
    if marks:
        anchor = next(i for i, w in enumerate(words) if w.end() > marks[0][0])
    first = max(0, min(anchor - 15, len(words) - MAX_WORDS))
    last = min(len(words), first + MAX_WORDS)
    start, end = words[first].start(), words[last - 1].end()
    prefix = "… " if first > 0 else ""
    suffix = " …" if last < len(words) else ""
    shift = len(prefix) - start
    kept = [(s + shift, e + shift) for s, e in marks if s >= start and e <= end]
    return prefix + text[start:end] + suffix, kept


def excerpt(text: str, terms: dict[str, float], section: str, section_id: str,
            sentence_similarity: np.ndarray | None = None, chunk_id: str = "") -> Excerpt:
    """Build the excerpt of one chunk for one query."""
    chosen, marks, found_by = passage(text, terms, sentence_similarity)
    css = "semantic" if found_by == "semantic" else None
    return Excerpt(section, section_id, chosen, render(chosen, marks, css), chunk_id, found_by)


def mark_words(text: str, query: str | None) -> str:
    """Escape a whole text and mark the query's words in it (a determination's page)."""
    terms = stems(query) if query else set()
    return render(text, merge_spans(text, term_spans(text, terms)))
