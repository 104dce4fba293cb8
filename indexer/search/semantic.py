"""The FAISS semantic index: chunk vectors searched within a filter, and per-sentence vectors.

Everything FAISS lives here: writing the flat inner-product index and the sentence matrix in
chunk-position order, opening them, range search inside a mask, and the closest sentence of a
chunk (passage-level evidence for ranking and for excerpts).
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from ..store import StoredChunk
from .base import Scores

VECTORS, SENTENCES = "vectors.faiss", "sentences.npy"
# A flat index's vectors mapped from the file, never copied: server workers share one copy of them.
MAPPED = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY
SENTENCE_RESCORE = 300  # only the best chunks are rescored by their closest sentence


class FaissSemanticIndex:
    """An open FAISS index over chunk vectors, with the sentence vectors of every chunk."""

    def __init__(self, directory: Path, chunks: list[StoredChunk], sentence_weight: float):
        self.index = faiss.read_index(str(directory / VECTORS), MAPPED)
        faiss.omp_set_num_threads(1)  # one query at a time: a second OpenMP pool only contends
        self.sentence_vectors = np.load(directory / SENTENCES, mmap_mode="r")
        self.chunks = chunks
        self.sentence_weight = sentence_weight

    @staticmethod
    def write(directory: Path, vectors: list[np.ndarray], sentence_blocks: list[np.ndarray],
              dimension: int) -> None:
        """Write the chunk vectors and the sentence vectors, both in chunk-position order."""
        matrix = np.vstack(vectors) if vectors else np.zeros((0, dimension), dtype=np.float32)
        index = faiss.IndexFlatIP(dimension)
        index.add(matrix)
        faiss.write_index(index, str(directory / VECTORS))
        sentences = (np.vstack(sentence_blocks) if sentence_blocks
                     else np.zeros((0, dimension), dtype=np.float16))
        np.save(directory / SENTENCES, sentences)

    def search(self, vector: np.ndarray, mask: np.ndarray | None, cutoff: float) -> Scores:
        """Every chunk at least cutoff similar to vector (inside mask), blended with its best sentence."""
        params = None
        if mask is not None:
            ids = np.nonzero(mask)[0].astype("int64")
            if not len(ids):
                return {}
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        _, scores, positions = self.index.range_search(vector[None, :].astype(np.float32), cutoff,
                                                       params=params)
        found = {int(p): float(s) for p, s in zip(positions, scores, strict=True)}
        return self._with_best_sentence(found, vector) if self.sentence_weight else found

    def sentence_similarity(self, position: int, vector: np.ndarray) -> np.ndarray | None:
        """The similarity of each sentence of a chunk to vector; None for a chunk without any."""
        chunk = self.chunks[position]
        if not chunk.sentence_count:
            return None
        start = chunk.sentence_start
        block = np.asarray(self.sentence_vectors[start:start + chunk.sentence_count], dtype=np.float32)
        return block @ vector

    def vectors(self, positions: list[int]) -> np.ndarray:
        """The stored vectors of these chunks, one row each."""
        return np.vstack([self.index.reconstruct(int(p)) for p in positions])

    def _with_best_sentence(self, scores: Scores, vector: np.ndarray) -> Scores:
        """Blend a chunk's similarity with its closest sentence's (passage-level evidence).

        A long rationale can hold the one sentence that decides the question; averaging the whole
        chunk dilutes it. Only the best SENTENCE_RESCORE chunks are rescored.
        """
        weight = self.sentence_weight
        for position in sorted(scores, key=scores.get, reverse=True)[:SENTENCE_RESCORE]:
            similarity = self.sentence_similarity(position, vector)
            if similarity is None:
                continue
            best = float(similarity.max())
            scores[position] = (1 - weight) * scores[position] + weight * max(best, scores[position])
        return scores
