"""The FAISS semantic index: chunk vectors searched within a filter, and per-sentence vectors.

Everything FAISS lives here: writing the vectors and the sentence matrix, opening them (memory-mapped),
searching inside a mask, and the closest sentence of a chunk (passage-level evidence for ranking and
for excerpts). FAISS holds one row per distinct embedded text: chunks with the same text (a templated
paragraph, a letter issued twice) share a row, its vector and its sentence vectors, and ROWS maps each
chunk position to its row. Outside this module everything is chunk positions: a mask allows a row when
it allows one of the row's chunks, and a row's score comes back as its allowed chunks' scores.

The index is chosen by size when it is written. Up to `approximate_above` rows it is exact
(IndexFlatIP): a range search finds every row at least `cutoff` similar and the best EXACT_LIMIT of
them are kept (semantic facet counts and outcome rates are over those). Above it, it is
approximate (IndexHNSWFlat, M=HNSW_M): HNSW has no range search, so the search asks for the
nearest RANGE_START rows and doubles that while the farthest one still passes the cutoff, up to
RANGE_LIMIT; then it keeps those passing the cutoff. So an approximate index returns the chunks of at
most the RANGE_LIMIT best rows above the cutoff per query (facet counts over semantic matches are counts
over those), and may miss a few true neighbours (see `recall_at`). Filters are
applied inside the search in both (an IDSelector over the allowed rows, so a filter never
empties a top-k afterwards); a filter that allows few rows is searched exactly over them alone.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import IndexUnavailable
from ..generations import REBUILD
from ..store import Embeddings, StoredChunk
from .base import ChunkScores, ranges

VECTORS, SENTENCES = "vectors.faiss", "sentences.npy"
# chunk position -> its row in VECTORS: chunks with one embedded text share one row (absent in older
# generations, whose rows are the chunk positions)
ROWS = "vector_rows.npy"
WRITE_BATCH = 4096  # rows read from the store and added to the index at a time
# A flat index's vectors mapped from the file, never copied: server workers share one copy of them.
MAPPED = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY
SENTENCE_RESCORE = 300  # only the best chunks are rescored by their closest sentence
APPROXIMATE_ABOVE = 200_000  # default of the approximate_above setting: see the README for the measurement
HNSW_M, HNSW_EF_CONSTRUCTION = 32, 80
# The least search effort of an HNSW walk. Measured over 382,624 vectors (100k letters, every chunk its
# own vector) and 100 new questions, recall@10 against exact search and ms per walk: efSearch 128 0.777
# (0.41 ms), 256 0.870 (0.67), 512 0.924 (1.29), 1024 0.952 (2.33). A better graph helped less: M=48
# and efConstruction 200 gave 0.881 at efSearch 128, for 181 s of build instead of ~70.
HNSW_EF_SEARCH = 1024
RANGE_START, RANGE_LIMIT = 128, 512  # measured: k up to 512 costs ~1-6 ms on 20k, k=1024 ~40 ms
# The most rows a flat index answers with. In one narrow domain a third of the chunks can be 0.3 similar
# to a question, and ranking them all grows with the corpus (up to 190,000 matches at 100k pooled
# letters). Measured over 150 questions, each embedded beforehand: at 10k letters the top 10 keep 0.991
# (semantic) and 0.996 (hybrid) of their letters against no limit (2048: 0.969 / 0.990; 512: 0.885 /
# 0.960) and a semantic search takes 10.3 ms instead of 11.7; at 100k pooled letters 35.8 instead of
# 40.0 ms (hybrid 46.9 instead of 50.7). It bounds the worst question more than it speeds the usual one.
EXACT_LIMIT = 4096
# A filter allowing fewer chunks than EXACT_UNDER, or than EXACT_SHARE of them all, is searched exactly
# over the allowed chunks: cheap, and an HNSW walk through mostly excluded nodes loses recall.
EXACT_UNDER, EXACT_SHARE = 20_000, 0.05


def new_index(count: int, dimension: int, approximate_above: int = APPROXIMATE_ABOVE) -> faiss.Index:
    """An empty index for count vectors: exact inner product up to approximate_above, an HNSW graph above."""
    if count <= approximate_above:
        return faiss.IndexFlatIP(dimension)
    index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    return index


def build_index(matrix: np.ndarray, approximate_above: int = APPROXIMATE_ABOVE) -> faiss.Index:
    """An exact inner-product index up to approximate_above vectors, an HNSW graph above."""
    index = new_index(len(matrix), matrix.shape[1], approximate_above)
    index.add(np.ascontiguousarray(matrix, dtype=np.float32))
    return index


def exact_part(index: faiss.Index) -> faiss.Index:
    """The flat index holding the vectors themselves (the index, or an HNSW graph's storage)."""
    if isinstance(index, faiss.IndexHNSW):
        return faiss.downcast_index(index.storage)
    return index


def is_approximate(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexHNSW)


class _Allowed:
    """The positions a filter allows, as a FAISS IDSelector (a bitmap it reads during the search)."""

    def __init__(self, mask: np.ndarray):
        self.count = int(mask.sum())
        self.bits = np.packbits(mask.astype(bool), bitorder="little")  # kept alive for FAISS
        self.selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(self.bits))


def _exactly(index: faiss.Index, allowed: _Allowed | None) -> bool:
    """Whether a search inside allowed is exact: always in a flat index, for a few chunks in HNSW."""
    few = allowed is not None and (allowed.count < EXACT_UNDER
                                   or allowed.count < EXACT_SHARE * index.ntotal)
    return not is_approximate(index) or few


def _walk(k: int, allowed: _Allowed | None) -> faiss.SearchParametersHNSW:
    """An HNSW search for the k nearest, inside allowed: efSearch at least HNSW_EF_SEARCH, and k (the
    candidate list must hold k)."""
    params = faiss.SearchParametersHNSW(efSearch=max(k, HNSW_EF_SEARCH))
    if allowed is not None:
        params.sel = allowed.selector
    return params


def within(index: faiss.Index, vector: np.ndarray, cutoff: float, mask: np.ndarray | None
           ) -> ChunkScores:
    """The rows (inside mask) at least cutoff similar to vector: the best EXACT_LIMIT of them from a
    flat index (exact), the best up to RANGE_LIMIT from an HNSW one."""
    query = np.ascontiguousarray(vector[None, :], dtype=np.float32)
    allowed = _Allowed(mask) if mask is not None else None
    if allowed is not None and not allowed.count:
        return ChunkScores(np.zeros(0, np.int64), np.zeros(0))
    if _exactly(index, allowed):
        params = faiss.SearchParameters(sel=allowed.selector) if allowed else None
        _, scores, positions = exact_part(index).range_search(query, cutoff, params=params)
        if len(scores) > EXACT_LIMIT:
            best = np.argpartition(-scores, EXACT_LIMIT - 1)[:EXACT_LIMIT]
            scores, positions = scores[best], positions[best]
        return ChunkScores(positions.astype(np.int64), scores.astype(np.float64))
    k = RANGE_START
    while True:
        scores, positions = index.search(query, k, params=_walk(k, allowed))
        keep = (positions[0] >= 0) & (scores[0] >= cutoff)
        if keep.sum() < k or k >= RANGE_LIMIT:
            return ChunkScores(positions[0][keep].astype(np.int64), scores[0][keep].astype(np.float64))
        k = min(2 * k, RANGE_LIMIT)


def recall_at(index: faiss.Index, queries: np.ndarray, k: int = 10, mask: np.ndarray | None = None
              ) -> float:
    """The share of each query's true k nearest (exact search) that the index's own search finds:
    1.0 for a flat index or a filter searched exactly; for HNSW, the first page `within` asks for.
    Ties count as found: a chunk as similar as the k-th true neighbour is as right as it (templated
    letters hold many chunks with one text, and so one vector).

    The benchmark's call: recall_at(semantic.index, query_vectors, k=10) -> float in [0, 1]."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    allowed = _Allowed(mask) if mask is not None else None
    exact_params = faiss.SearchParameters(sel=allowed.selector) if allowed else None
    truth_scores, truth = exact_part(index).search(queries, k, params=exact_params)
    if not _exactly(index, allowed):
        first_page = max(k, RANGE_START)  # what `within` asks the graph for first
        scores, found = index.search(queries, first_page, params=_walk(first_page, allowed))
        scores, found = scores[:, :k], found[:, :k]
    else:
        scores, found = index.search(queries, k, params=exact_params)
    hits = []
    for want, want_scores, got, got_scores in zip(truth, truth_scores, found, scores, strict=True):
        real = want >= 0
        if not real.any():
            continue
        kth = want_scores[real].min()
        hits.append(min(int(real.sum()), int(((got >= 0) & (got_scores >= kth - 1e-5)).sum())) / real.sum())
    return float(np.mean(hits)) if hits else 1.0


class FaissSemanticIndex:
    """An open FAISS index over the distinct chunk vectors, with the sentence vectors of each, and the map
    from chunk positions to their rows. Everything outside this class speaks chunk positions."""

    def __init__(self, directory: Path, chunks: list[StoredChunk], sentence_weight: float):
        # memory-mapped: the vectors of a flat index (or an HNSW graph's storage) stay on disk, paged in
        # by the OS and shared by every server worker, so a million chunks cost the page cache, not each
        # process, 1.5 GB
        self.index = faiss.read_index(str(directory / VECTORS), MAPPED)
        # one query at a time needs one thread: a second OpenMP (FAISS) or BLAS (numpy) pool only contends,
        # and busy-waiting BLAS threads in two server workers halved throughput on 2 cores (measured)
        faiss.omp_set_num_threads(1)
        threadpool_limits(1, user_api="blas")
        self.sentence_vectors = np.load(directory / SENTENCES, mmap_mode="r")
        self.chunks = chunks
        self.rows = _rows(directory / ROWS, len(chunks), self.index.ntotal)
        # a row's sentence block, from any chunk of it (they share it)
        self.sentence_start = np.zeros(self.index.ntotal, dtype=np.int64)
        self.sentence_count = np.zeros(self.index.ntotal, dtype=np.int64)
        of_row = np.arange(len(chunks)) if self.rows is None else self.rows
        self.sentence_start[of_row] = [c.sentence_start or 0 for c in chunks]
        self.sentence_count[of_row] = [c.sentence_count or 0 for c in chunks]
        if self.rows is not None:  # each row's chunks, grouped: members[member_start[r]:][:member_count[r]]
            self.members = np.argsort(self.rows, kind="stable")
            self.member_count = np.bincount(self.rows, minlength=self.index.ntotal)
            self.member_start = np.concatenate([[0], np.cumsum(self.member_count)[:-1]])
        self.sentence_weight = sentence_weight

    @staticmethod
    def write(directory: Path, embeddings: Embeddings, approximate_above: int = APPROXIMATE_ABOVE) -> None:
        """Write the distinct vectors (flat or HNSW, by their number), their sentence vectors and the
        chunk-to-row map, a batch of rows at a time."""
        dimension = embeddings.dimension
        index = new_index(embeddings.count, dimension, approximate_above)
        total = int(embeddings.sentence_counts.sum())
        sentences = (np.lib.format.open_memmap(directory / SENTENCES, mode="w+", dtype=np.float16,
                                               shape=(total, dimension)) if total else None)
        at = 0
        for vectors, block in embeddings.blocks(WRITE_BATCH):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            if len(block):
                sentences[at:at + len(block)] = block
            at += len(block)
        if sentences is None:
            np.save(directory / SENTENCES, np.zeros((0, dimension), dtype=np.float16))
        else:
            sentences.flush()
            del sentences
        faiss.write_index(index, str(directory / VECTORS))
        np.save(directory / ROWS, embeddings.rows.astype(np.int32))

    @property
    def approximate(self) -> bool:
        return is_approximate(self.index)

    def search(self, vector: np.ndarray, mask: np.ndarray | None, cutoff: float) -> ChunkScores:
        """Every chunk at least cutoff similar to vector (inside mask), blended with its best sentence."""
        found = within(self.index, vector, cutoff, self._row_mask(mask))
        if self.sentence_weight:
            found = self._with_best_sentence(found, vector)
        return self._chunks_of(found, mask)

    def recall(self, queries: np.ndarray, k: int = 10, mask: np.ndarray | None = None) -> float:
        """Recall@k of this index against exact search on the same vectors (1.0 when it is exact)."""
        return recall_at(self.index, queries, k, self._row_mask(mask))

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
        rows = positions if self.rows is None else self.rows[np.asarray(positions, dtype=np.int64)]
        return np.vstack([self.index.reconstruct(int(r)) for r in rows])

    def _row_mask(self, mask: np.ndarray | None) -> np.ndarray | None:
        """The rows a chunk mask allows: those with at least one allowed chunk."""
        if mask is None or self.rows is None:
            return mask
        allowed = np.zeros(self.index.ntotal, dtype=bool)
        allowed[self.rows[mask]] = True
        return allowed

    def _chunks_of(self, found: ChunkScores, mask: np.ndarray | None) -> ChunkScores:
        """Rows' scores as their chunks' (only the allowed ones)."""
        if self.rows is None:
            return found
        counts = self.member_count[found.positions]
        positions = self.members[ranges(self.member_start[found.positions], counts)]
        scores = np.repeat(found.scores, counts)
        if mask is not None:
            keep = mask[positions]
            positions, scores = positions[keep], scores[keep]
        return ChunkScores(positions.astype(np.int64), scores)

    def _with_best_sentence(self, found: ChunkScores, vector: np.ndarray) -> ChunkScores:
        """Blend a row's similarity with its closest sentence's (passage-level evidence).

        A long rationale can hold the one sentence that decides the question; averaging the whole
        chunk dilutes it. Only the best SENTENCE_RESCORE rows are rescored, all in one product.
        """
        rows, scores = found.positions, found.scores.copy()
        top = (np.argpartition(-scores, SENTENCE_RESCORE - 1)[:SENTENCE_RESCORE]
               if len(scores) > SENTENCE_RESCORE else np.arange(len(scores)))
        top = top[self.sentence_count[rows[top]] > 0]
        if len(top):
            counts = self.sentence_count[rows[top]]
            sentence_rows = ranges(self.sentence_start[rows[top]], counts)
            similarity = np.asarray(self.sentence_vectors[sentence_rows], dtype=np.float32) @ vector
            best = np.maximum.reduceat(similarity, np.concatenate([[0], np.cumsum(counts)[:-1]]))
            weight, current = self.sentence_weight, scores[top]
            scores[top] = (1 - weight) * current + weight * np.maximum(best, current)
        return ChunkScores(rows, scores)


def _rows(path: Path, chunks: int, vectors: int) -> np.ndarray | None:
    """The chunk-to-row map, or None where every chunk has its own row in chunk order (an older
    generation without the file, or a collection without repeated texts)."""
    if not path.exists():
        return None
    rows = np.load(path).astype(np.int64)
    if len(rows) != chunks or (len(rows) and (rows.max() >= vectors or rows.min() < 0)):
        raise IndexUnavailable(f"{path.name} maps {len(rows)} chunks into {vectors} vectors but the index "
                               f"holds {chunks} chunks; {REBUILD}")
    return None if len(rows) == vectors and np.array_equal(rows, np.arange(vectors)) else rows
