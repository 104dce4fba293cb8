"""The two retrieval backends' interfaces: a second implementation fills one and nothing else changes.

Both score chunks by position (their place in the store's chunk order) and take an optional
boolean mask over positions that filters before ranking.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from ..determination import Chunk, Determination
from .query import Query

Scores = dict[int, float]  # chunk position -> score


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
    def write(directory: Path, vectors: list[np.ndarray], sentence_blocks: list[np.ndarray],
              dimension: int, approximate_above: int = ...) -> None: ...

    def search(self, vector: np.ndarray, mask: np.ndarray | None, cutoff: float) -> Scores: ...

    def sentence_similarity(self, position: int, vector: np.ndarray) -> np.ndarray | None: ...

    def vectors(self, positions: list[int]) -> np.ndarray: ...
