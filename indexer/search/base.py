"""The two retrieval backends' interfaces: a second implementation fills one and nothing else changes.

Both score chunks by position (their place in the store's chunk order) and take an optional
boolean mask over positions that filters before ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Protocol

import numpy as np

from ..determination import Chunk, Determination
from ..store import Embeddings
from .query import Query

Scores = Mapping[int, float]  # chunk position -> score: a dict, or ChunkScores


class ChunkScores(Mapping):
    """Scores by chunk position held as two arrays; the dict is made only when one is asked for."""

    def __init__(self, positions: np.ndarray, scores: np.ndarray):
        self.positions, self.scores = positions, scores
        self._dict: dict[int, float] | None = None

    def _as_dict(self) -> dict[int, float]:
        if self._dict is None:
            self._dict = dict(zip(self.positions.tolist(), self.scores.tolist(), strict=True))
        return self._dict

    def __getitem__(self, position: int) -> float:
        return self._as_dict()[position]

    def __iter__(self) -> Iterator[int]:
        return iter(self._as_dict())

    def __len__(self) -> int:
        return len(self.positions)


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indexes start..start+length of every range, concatenated."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def as_arrays(scores: Scores) -> tuple[np.ndarray, np.ndarray]:
    """Positions and scores as arrays, in the mapping's order."""
    if isinstance(scores, ChunkScores):
        return scores.positions, scores.scores
    return (np.fromiter(scores.keys(), dtype=np.int64, count=len(scores)),
            np.fromiter(scores.values(), dtype=np.float64, count=len(scores)))


class KeywordIndex(Protocol):
    """Lexical retrieval over chunk text (BM25F in Whoosh today)."""

    @staticmethod
    def create(directory: Path) -> None: ...

    @staticmethod
    def write(directory: Path, removed_doc_ids: list[str],
              added: list[tuple[Determination, list[Chunk]]]) -> None: ...

    def search(self, query: Query, mask: np.ndarray | None) -> Scores: ...

    def clear_cache(self) -> None: ...


class SemanticIndex(Protocol):
    """Nearest chunks by embedding (FAISS: exact inner product, or HNSW above a size)."""

    @staticmethod
    def write(directory: Path, embeddings: Embeddings, approximate_above: int = ...) -> None: ...

    def search(self, vector: np.ndarray, mask: np.ndarray | None, cutoff: float) -> Scores: ...

    def sentence_similarity(self, position: int, vector: np.ndarray) -> np.ndarray | None: ...

    def vectors(self, positions: list[int]) -> np.ndarray: ...


class ScoreCache:
    """Keyword scores of the latest questions, oldest dropped first: a conversation replays its turns and a
    refinement repeats the previous question. Keyed by what a keyword backend reads of a Query."""

    def __init__(self, size: int):
        self.size = size
        self._scores: dict[tuple, Scores] = {}

    def get(self, q: Query, compute: Callable[[], Scores]) -> Scores:
        key = (q.keyword_text, tuple(q.expansions), tuple(sorted(q.filters.items())))
        if key not in self._scores:
            self._scores[key] = compute()
            if len(self._scores) > self.size:
                self._scores.pop(next(iter(self._scores)))
        return self._scores[key]

    def clear(self) -> None:
        self._scores.clear()
