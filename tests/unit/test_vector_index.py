"""The vector index by size: exact (flat) while small, HNSW above approximate_above.

Real FAISS over a few thousand clustered unit vectors (no model): the approximate index is forced
by a low threshold and must find what the exact one finds, inside a filter and above a cutoff.
"""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from indexer.search import semantic
from indexer.search.semantic import FaissSemanticIndex, build_index, recall_at, within

COUNT, DIMENSION = 3000, 48


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    """Vectors in 60 clusters, as chunks of similar letters are."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(60, DIMENSION))
    return unit(centres[rng.integers(0, 60, COUNT)] + 0.25 * rng.normal(size=(COUNT, DIMENSION)))


@pytest.fixture(scope="module")
def queries(vectors) -> np.ndarray:
    rng = np.random.default_rng(8)
    return unit(vectors[rng.integers(0, COUNT, 40)] + 0.15 * rng.normal(size=(40, DIMENSION)))


@pytest.fixture(scope="module")
def written(tmp_path_factory, vectors):
    """The same vectors written twice through FaissSemanticIndex.write: under and over the threshold."""
    opened = {}
    for name, threshold in (("flat", COUNT), ("hnsw", COUNT - 1)):
        directory = tmp_path_factory.mktemp(name)
        sentences = [vector[None, :].astype(np.float16) for vector in vectors]
        FaissSemanticIndex.write(directory, list(vectors), sentences, DIMENSION,
                                 approximate_above=threshold)
        opened[name] = FaissSemanticIndex(directory, chunks=[], sentence_weight=0.0)
    return opened


def test_the_threshold_chooses_flat_or_hnsw(written):
    assert isinstance(written["flat"].index, faiss.IndexFlatIP) and not written["flat"].approximate
    assert isinstance(written["hnsw"].index, faiss.IndexHNSWFlat) and written["hnsw"].approximate
    assert written["hnsw"].index.ntotal == COUNT


def test_hnsw_finds_the_same_best_chunks_as_flat(written, queries):
    agree = []
    for query in queries:
        exact = within(written["flat"].index, query, 0.0, None)
        approximate = within(written["hnsw"].index, query, 0.0, None)
        best = sorted(exact, key=exact.get, reverse=True)[:10]
        found = sorted(approximate, key=approximate.get, reverse=True)[:10]
        assert found[0] == best[0]
        assert all(approximate[p] == pytest.approx(exact[p], abs=1e-5) for p in found)
        agree.append(len(set(best) & set(found)) / 10)
    assert np.mean(agree) >= 0.95


def test_cutoff_is_respected_and_matches_exact_range_search(written, queries):
    for query in queries[:10]:
        exact = within(written["flat"].index, query, 0.5, None)
        approximate = within(written["hnsw"].index, query, 0.5, None)
        assert exact and all(score >= 0.5 for score in approximate.values())
        assert len(set(approximate) & set(exact)) >= 0.95 * len(exact)
        assert set(approximate) <= set(exact)


def test_range_grows_past_its_first_page_and_stops_at_the_limit(written, queries, monkeypatch):
    monkeypatch.setattr(semantic, "RANGE_START", 16)
    monkeypatch.setattr(semantic, "RANGE_LIMIT", 64)
    found = within(written["hnsw"].index, queries[0], -1.0, None)  # every chunk passes the cutoff
    assert len(found) == 64
    exact = within(written["flat"].index, queries[0], 0.5, None)
    assert 16 < len(exact) < 64, "the query must have more matches than one page and fewer than the limit"
    grown = within(written["hnsw"].index, queries[0], 0.5, None)
    assert len(set(grown) & set(exact)) >= 0.95 * len(exact)


@pytest.mark.parametrize(("exact_under", "every"), [(0, 3), (semantic.EXACT_UNDER, 50)],
                         ids=["graph-walk-a-third", "exact-over-a-fiftieth"])
def test_filters_apply_inside_the_search(written, queries, monkeypatch, exact_under, every):
    """A third of the chunks allowed: the HNSW walk skips the others; one in fifty (a post-filtered
    top-k would almost always be empty): the allowed chunks are searched exactly."""
    monkeypatch.setattr(semantic, "EXACT_UNDER", exact_under)
    monkeypatch.setattr(semantic, "EXACT_SHARE", 0.0 if exact_under == 0 else semantic.EXACT_SHARE)
    mask = np.zeros(COUNT, dtype=bool)
    mask[::every] = True
    for query in queries[:10]:
        exact = within(written["flat"].index, query, 0.1, mask)
        approximate = within(written["hnsw"].index, query, 0.1, mask)
        assert exact and approximate
        assert all(position % every == 0 for position in approximate)
        assert max(approximate, key=approximate.get) == max(exact, key=exact.get)


def test_a_filter_allowing_nothing_finds_nothing(written, queries):
    assert within(written["hnsw"].index, queries[0], 0.0, np.zeros(COUNT, dtype=bool)) == {}


def test_recall_is_one_for_flat_and_high_for_hnsw(written, queries, vectors):
    assert written["flat"].recall(queries) == 1.0
    hnsw_recall = written["hnsw"].recall(queries, k=10)
    assert 0.9 <= hnsw_recall <= 1.0
    mask = np.zeros(COUNT, dtype=bool)
    mask[: COUNT // 2] = True
    assert recall_at(written["hnsw"].index, queries, 10, mask) >= 0.9


def test_recall_falls_when_the_graph_is_starved(vectors, queries, monkeypatch):
    """recall_at measures the search the index really answers with, so a bad graph shows."""
    monkeypatch.setattr(semantic, "HNSW_M", 2)
    monkeypatch.setattr(semantic, "HNSW_EF_CONSTRUCTION", 4)
    monkeypatch.setattr(semantic, "RANGE_START", 10)
    starved = build_index(vectors, approximate_above=0)
    assert recall_at(starved, queries, k=10) < 0.9


def test_stored_vectors_come_back_from_either_index(written, vectors):
    for name in ("flat", "hnsw"):
        assert np.allclose(written[name].vectors([5, 17]), vectors[[5, 17]], atol=1e-6)
