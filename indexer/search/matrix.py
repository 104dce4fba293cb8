"""The term-matrix keyword index: the Whoosh backend's BM25F, computed with numpy over postings
written at build time.

The same analysis (each field's text is cut by terms.ANALYZER, as Whoosh cuts it), the same fields
and boosts, the same query (keyword.py reads the user's syntax and adds expansions and near-phrases
into a Whoosh query tree) and the same scores: every posting's BM25F weight
idf·tf·(K1+1)/(tf + K1·(1-B+B·fl/avgfl)) is computed once when the index is written, with Whoosh's
idf and its one-byte field lengths. A search then evaluates the query tree with array operations
(a term adds its postings' weights, a phrase checks its words' positions), instead of Whoosh's
Python loop over every matching chunk.

Files (in the generation's "terms" folder): rows.json (each row's chunk and determination),
terms.json (the vocabulary), tokens.npy and token_starts.npy (each row's field tokens, which an
incremental build keeps), and the postings by (term, field) key: postings_*.npy (rows and weights)
and occurrences_*.npy (rows and positions, for phrases).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length, length_to_byte

from ..determination import Chunk, Determination
from .base import ChunkScores, ScoreCache, Scores, ranges
from .keyword import (
    CACHE_SIZE,
    COMMON_SHARE,
    EXPANSION_FIELDS,
    FIELD_BOOSTS,
    QUERY_FIELDS,
    TEXT_FIELDS,
    item_terms,
    parse,
)
from .query import Query
from .terms import ANALYZER, is_plain, stems, terms

FIELDS = tuple(FIELD_BOOSTS)  # rationale, item, summary, citation, body: a key is term·F + field
B, K1 = 0.75, 1.2  # as WhooshKeywordIndex's scoring.BM25F
PHRASE_CACHE = 1024  # phrases' matches kept: "physical therapy" is asked in many questions
PLAIN = re.compile(r"[\w\s./-]*")  # words the parser reads as words: no quotes, groups or fields
OPERATORS = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|REQUIRE)\b")
Part = "wq.Query | tuple[str, tuple[str, ...], int, float]"  # parsed syntax, or (field, words, slop, boost)
ARRAYS = ("tokens", "token_starts", "postings_start", "postings_rows", "postings_weights",
          "occurrences_start", "occurrences_rows", "occurrences_positions")


def _field_tokens(text: str) -> tuple[list[str], list[int]]:
    pairs = [(t.text, t.pos) for t in ANALYZER(text, positions=True)]  # Whoosh reuses one Token
    return [w for w, _ in pairs], [p for _, p in pairs]


def _row_fields(determination: Determination, chunk: Chunk) -> dict[str, str]:
    """A chunk's text by field, as the Whoosh backend indexes it."""
    fields = {TEXT_FIELDS[chunk.kind]: chunk.text}
    if chunk.issue_index is not None:
        issue = determination.issues[chunk.issue_index]
        fields["item"] = item_terms(issue)
        fields["citation"] = " ".join(c.text for c in issue.citations)
    return fields


class _Rows:
    """What an incremental build keeps: each row's chunk, determination and field tokens."""

    def __init__(self, rows: list[list[str]], terms: list[str], tokens: np.ndarray,
                 positions: np.ndarray, starts: np.ndarray):
        self.rows, self.terms = rows, terms
        self.tokens, self.positions, self.starts = tokens, positions, starts

    @classmethod
    def empty(cls) -> _Rows:
        return cls([], [], np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(1, np.int64))

    @classmethod
    def load(cls, directory: Path) -> _Rows:
        tokens = np.load(directory / "tokens.npy")
        return cls(json.loads((directory / "rows.json").read_text()),
                   json.loads((directory / "terms.json").read_text()),
                   tokens[0], tokens[1], np.load(directory / "token_starts.npy"))

    def without(self, doc_ids: set[str]) -> _Rows:
        keep = np.array([doc not in doc_ids for _, doc in self.rows], dtype=bool)
        if keep.all():
            return self
        lengths = np.diff(self.starts).reshape(len(self.rows), len(FIELDS))[keep]
        spans = self.starts[:-1].reshape(len(self.rows), len(FIELDS))[keep]
        picked = ranges(spans.ravel(), lengths.ravel())
        starts = np.concatenate([[0], np.cumsum(lengths.ravel())]).astype(np.int64)
        return _Rows([r for r, k in zip(self.rows, keep, strict=True) if k], self.terms,
                     self.tokens[picked], self.positions[picked], starts)

    def plus(self, added: list[tuple[Determination, list[Chunk]]]) -> _Rows:
        ids = {term: number for number, term in enumerate(self.terms)}
        rows, terms = list(self.rows), list(self.terms)
        tokens, positions, lengths = [], [], []
        for determination, chunks in added:
            for chunk in chunks:
                rows.append([chunk.chunk_id, chunk.doc_id])
                fields = _row_fields(determination, chunk)
                for name in FIELDS:
                    words, places = _field_tokens(fields[name]) if fields.get(name) else ([], [])
                    for word in words:
                        if word not in ids:
                            ids[word] = len(terms)
                            terms.append(word)
                    tokens.extend(ids[w] for w in words)
                    positions.extend(places)
                    lengths.append(len(words))
        starts = np.concatenate([self.starts, self.starts[-1] + np.cumsum(lengths, dtype=np.int64)])
        return _Rows(rows, terms, np.concatenate([self.tokens, np.array(tokens, np.int32)]),
                     np.concatenate([self.positions, np.array(positions, np.int32)]), starts)

    def compacted(self) -> _Rows:
        """Drop terms no row uses any more."""
        used = np.unique(self.tokens)
        if len(used) == len(self.terms):
            return self
        remap = np.full(len(self.terms), -1, np.int32)
        remap[used] = np.arange(len(used), dtype=np.int32)
        return _Rows(self.rows, [self.terms[i] for i in used.tolist()], remap[self.tokens],
                     self.positions, self.starts)

    def save(self, directory: Path) -> None:
        (directory / "rows.json").write_text(json.dumps(self.rows))
        (directory / "terms.json").write_text(json.dumps(self.terms))
        np.save(directory / "tokens.npy", np.stack([self.tokens, self.positions]))
        np.save(directory / "token_starts.npy", self.starts)
        for name, array in postings(self).items():
            np.save(directory / f"{name}.npy", array)


def field_length(lengths: np.ndarray) -> np.ndarray:
    """Whoosh keeps a field's length in one byte: the length it reads back for each length."""
    table = np.array([byte_to_length(length_to_byte(n)) for n in range(int(lengths.max(initial=0)) + 1)],
                     dtype=np.float64)
    return table[lengths]


def postings(rows: _Rows) -> dict[str, np.ndarray]:
    """Postings by key (term·F + field), sorted by row: BM25F weights, and positions for phrases."""
    count, width = len(rows.rows), len(FIELDS)
    keys_total = len(rows.terms) * width
    lengths = np.diff(rows.starts)
    row_of = np.repeat(np.arange(count * width, dtype=np.int64) // width, lengths)
    field_of = np.repeat(np.arange(count * width, dtype=np.int64) % width, lengths)
    keys = rows.tokens.astype(np.int64) * width + field_of
    order = np.lexsort((rows.positions, row_of, keys))
    keys, row_of, places = keys[order], row_of[order], rows.positions[order]
    bounds = np.arange(keys_total + 1)
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (row_of[1:] != row_of[:-1])
    starts = np.flatnonzero(first)
    post_keys, post_rows = keys[starts], row_of[starts]
    tf = np.diff(np.append(starts, len(keys))).astype(np.float64)
    post_start = np.searchsorted(post_keys, bounds)
    frequency = np.diff(post_start)
    idf = np.log(max(count, 1) / (frequency + 1.0)) + 1.0  # Whoosh counts every document
    exact = lengths.reshape(count, width)
    quantized = field_length(exact)
    # A fresh Whoosh segment totals the exact lengths (a merged one re-adds the one-byte lengths).
    average = exact.sum(axis=0) / (count or 1)
    average[average == 0] = 1.0
    field = post_keys % width
    fl = quantized[post_rows, field]
    weights = idf[post_keys] * tf * (K1 + 1) / (tf + K1 * ((1 - B) + B * fl / average[field]))
    return {"postings_start": post_start, "postings_rows": post_rows.astype(np.int32),
            "postings_weights": weights.astype(np.float32),
            "occurrences_start": np.searchsorted(keys, bounds), "occurrences_rows": row_of.astype(np.int32),
            "occurrences_positions": places.astype(np.int32)}


def _create(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    _Rows.empty().save(directory)


def _write(directory: Path, removed_doc_ids: list[str],
           added: list[tuple[Determination, list[Chunk]]]) -> None:
    """Drop the rows of removed determinations, add new ones, and rewrite every posting."""
    rows = _Rows.load(directory).without(set(removed_doc_ids)).plus(added).compacted()
    rows.save(directory)


class _Hits:
    """The rows a query part matches (sorted, unique) and their scores."""

    __slots__ = ("rows", "scores")

    def __init__(self, rows: np.ndarray, scores: np.ndarray):
        self.rows, self.scores = rows, scores


_NONE = _Hits(np.zeros(0, np.int64), np.zeros(0))


class MatrixKeywordIndex:
    """An open term matrix whose rows are mapped to chunk positions."""

    DIRECTORY = "terms"
    create = staticmethod(_create)
    write = staticmethod(_write)

    def __init__(self, directory: Path, position_of_chunk: dict[str, int]):
        rows = json.loads((directory / "rows.json").read_text())
        self.term_ids = {term: number for number, term in
                         enumerate(json.loads((directory / "terms.json").read_text()))}
        # Mapped, not read: a plain array over the mapping slices without np.memmap's overhead.
        arrays = {name: np.asarray(np.load(directory / f"{name}.npy", mmap_mode="r"))
                  for name in ARRAYS[2:]}
        self.post_start = np.asarray(arrays["postings_start"])
        self.post_rows = arrays["postings_rows"]
        self.post_weights = arrays["postings_weights"]
        self.occ_start = np.asarray(arrays["occurrences_start"])
        self.occ_rows = arrays["occurrences_rows"]
        self.occ_positions = arrays["occurrences_positions"]
        self.count = len(rows)
        self.position_of_row = np.array([position_of_chunk.get(c, -1) for c, _ in rows], dtype=np.int64)
        self._cache = ScoreCache(CACHE_SIZE)
        self._phrases: dict[tuple, _Hits] = {}

    def search(self, q: Query, mask: np.ndarray | None) -> Scores:
        """BM25F scores of every matching chunk (as the Whoosh backend's); repeated questions
        come from a small cache."""
        return self._cache.get(q, lambda: self._scores(self.tree(q), mask))

    def clear_cache(self) -> None:
        self._cache.clear()

    def tree(self, q: Query) -> list[Part]:
        """The Whoosh backend's query as parts to add up: the user's words (common ones dropped),
        the expansions, and near-phrases of the words."""
        text = self.without_common_words(q.keyword_text)
        if PLAIN.fullmatch(text) and not OPERATORS.search(text):
            # What Whoosh's parser makes of plain words: each distinct term, in every field, boosted.
            parts: list[Part] = [(field, (term,), 1, FIELD_BOOSTS[field])
                                 for field in QUERY_FIELDS for term in dict.fromkeys(terms(text))]
        else:
            parts = [parse(text)]
        for word, boost in q.expansions:
            tokens = tuple(terms(word))
            if tokens:
                parts.extend((field, tokens, 1, boost * FIELD_BOOSTS[field]) for field in EXPANSION_FIELDS)
        parts.extend((field, pair, 2, FIELD_BOOSTS[field])
                     for pair in q.bigrams() for field in ("rationale", "summary"))
        return parts

    def _key(self, field: str, term: str) -> int | None:
        number = self.term_ids.get(term)
        return None if number is None or field not in FIELDS else number * len(FIELDS) + FIELDS.index(field)

    def share(self, term: str) -> float:
        """The share of chunks whose main fields hold an index term."""
        keys = [self._key(field, term) for field in EXPANSION_FIELDS]
        found = [int(self.post_start[k + 1] - self.post_start[k]) for k in keys if k is not None]
        return max(found, default=0) / (self.count or 1)

    def without_common_words(self, text: str) -> str:
        """Drop words found in more than COMMON_SHARE of all chunks, as the Whoosh backend does."""
        if not is_plain(text):
            return text
        words = text.split()
        kept = [w for w in words if not (stems(w) and all(self.share(t) > COMMON_SHARE
                                                          for t in stems(w)))]
        return " ".join(kept) if kept else text

    def _scores(self, parts: list[Part], mask: np.ndarray | None) -> Scores:
        hits = self._union_of([self._evaluate(p) if isinstance(p, wq.Query) else
                               self._words(*p) for p in parts])
        positions = self.position_of_row[hits.rows]
        keep = positions >= 0
        if mask is not None:
            keep &= mask[np.where(keep, positions, 0)]
        return ChunkScores(positions[keep], hits.scores[keep])

    # The query tree, evaluated as Whoosh's matchers score it: a union or an intersection sums its
    # parts' scores, a boost multiplies them, NOT matches every other chunk with a score of 1.

    def _evaluate(self, node: wq.Query) -> _Hits:
        if node is wq.NullQuery:
            return _NONE
        kind = type(node)
        if kind is wq.Term:
            return self._term(node.fieldname, node.text, node.boost)
        if kind is wq.Phrase:
            return self._phrase(node.fieldname, node.words, node.slop, node.boost)
        if isinstance(node, wq.Or):
            return self._union(node)
        if isinstance(node, wq.And):
            parts = [self._evaluate(s) for s in node.subqueries]
            return self._boosted(self._intersection(parts), node.boost)
        if kind is wq.Not:
            inner = self._evaluate(node.query)
            rows = np.setdiff1d(np.arange(self.count, dtype=np.int64), inner.rows, assume_unique=True)
            return _Hits(rows, np.ones(len(rows)))
        if kind is wq.Every:
            return _Hits(np.arange(self.count, dtype=np.int64), np.full(self.count, float(node.boost)))
        if isinstance(node, wq.AndNot | wq.AndMaybe | wq.Require):
            a, b = self._evaluate(node.a), self._evaluate(node.b)
            if kind is wq.AndNot:
                keep = ~np.isin(a.rows, b.rows, assume_unique=True)
                hits = _Hits(a.rows[keep], a.scores[keep])
            elif kind is wq.Require:
                keep = np.isin(a.rows, b.rows, assume_unique=True)
                hits = _Hits(a.rows[keep], a.scores[keep])
            else:
                hits = self._union_of([a, self._restricted(b, a.rows)])
            return self._boosted(hits, node.boost)
        raise ValueError(f"unsupported query part {kind.__name__}")

    def _words(self, field: str, words: tuple[str, ...], slop: int, boost: float) -> _Hits:
        """A term, or a phrase (remembered: expansions and word pairs recur across questions)."""
        if len(words) == 1:
            return self._term(field, words[0], boost)
        key = (field, words, slop)
        hits = self._phrases.get(key)
        if hits is None:
            hits = self._phrases[key] = self._phrase(field, list(words), slop, 1.0)
            if len(self._phrases) > PHRASE_CACHE:
                self._phrases.pop(next(iter(self._phrases)))
        return self._boosted(hits, boost)

    @staticmethod
    def _boosted(hits: _Hits, boost: float) -> _Hits:
        return hits if boost == 1.0 else _Hits(hits.rows, hits.scores * boost)

    def _term(self, field: str, term: str, boost: float) -> _Hits:
        key = self._key(field, term)
        if key is None:
            return _NONE
        start, end = self.post_start[key], self.post_start[key + 1]
        return _Hits(self.post_rows[start:end].astype(np.int64),
                     self.post_weights[start:end].astype(np.float64) * boost)

    def _phrase(self, field: str, words: list[str], slop: int, boost: float) -> _Hits:
        """Rows where the words follow each other in order, each at most slop positions after the last."""
        keys = [self._key(field, w) for w in words]
        if not keys or any(k is None for k in keys):
            return _NONE
        width = np.int64(1 << 32)
        ends = None
        rows = np.zeros(0, np.int64)
        for number, key in enumerate(keys):
            start, end = self.occ_start[key], self.occ_start[key + 1]
            found = (self.occ_rows[start:end].astype(np.int64) * width
                     + self.occ_positions[start:end].astype(np.int64))  # sorted: by row, then position
            if ends is None:
                ends = found
                continue
            reached = []
            for step in range(1, slop + 1):
                wanted = ends + step
                place = np.minimum(np.searchsorted(found, wanted), len(found) - 1)
                reached.append(wanted[found[place] == wanted] if len(found) else wanted[:0])
            if number == len(keys) - 1:  # the last word: only the rows matter (marked, not sorted)
                marked = np.zeros(self.count, dtype=bool)
                for hits in reached:
                    marked[hits // width] = True
                rows = np.flatnonzero(marked)
            else:
                ends = reached[0] if slop == 1 else np.unique(np.concatenate(reached))
            if not len(ends):
                return _NONE
        if len(keys) == 1:
            rows = np.unique(ends // width)
        if not len(rows):
            return _NONE
        scores = np.zeros(len(rows))
        for word in words:
            term = self._term(field, word, 1.0)
            scores += term.scores[np.searchsorted(term.rows, rows)]
        return _Hits(rows, scores * boost)

    def _union(self, node: wq.Or) -> _Hits:
        """Sum the parts of nested unions in one pass (boosts multiply down the tree)."""
        parts: list[_Hits] = []
        stack = [(node, 1.0)]
        while stack:
            current, boost = stack.pop()
            if isinstance(current, wq.Or) and not getattr(current, "scale", None) \
                    and not getattr(current, "minmatch", 0):
                stack.extend((s, boost * current.boost) for s in current.subqueries)
            else:
                hits = self._evaluate(current)
                parts.append(self._boosted(hits, boost))
        return self._union_of(parts)

    def _union_of(self, parts: list[_Hits]) -> _Hits:
        parts = [p for p in parts if len(p.rows)]
        if not parts:
            return _NONE
        if len(parts) == 1:
            return parts[0]
        rows = np.concatenate([p.rows for p in parts])
        scores = np.concatenate([p.scores for p in parts])
        total = np.bincount(rows, scores, minlength=self.count)
        found = np.bincount(rows, minlength=self.count) > 0
        matched = np.flatnonzero(found)
        return _Hits(matched, total[matched])

    def _intersection(self, parts: list[_Hits]) -> _Hits:
        if not parts:
            return _NONE
        rows = parts[0].rows
        for part in parts[1:]:
            rows = np.intersect1d(rows, part.rows, assume_unique=True)
        scores = np.zeros(len(rows))
        for part in parts:
            scores += part.scores[np.searchsorted(part.rows, rows)]
        return _Hits(rows, scores)

    @staticmethod
    def _restricted(hits: _Hits, rows: np.ndarray) -> _Hits:
        keep = np.isin(hits.rows, rows, assume_unique=True)
        return _Hits(hits.rows[keep], hits.scores[keep])

    def close(self) -> None:
        pass
