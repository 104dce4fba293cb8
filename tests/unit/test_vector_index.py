"""The vector index by size: exact (flat) while small, HNSW above approximate_above.

Real FAISS over a few thousand clustered unit vectors (no model): the approximate index is forced
by a low threshold and must find what the exact one finds, inside a filter and above a cutoff.
"""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from indexer.determination import Chunk
from indexer.errors import IndexUnavailable
from indexer.search import semantic
from indexer.search.semantic import FaissSemanticIndex, build_index, recall_at, within
from indexer.store import Embeddings, Store, StoredChunk

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
        FaissSemanticIndex.write(directory, Embeddings.of(list(vectors), sentences),
                                 approximate_above=threshold)
        chunks = [StoredChunk(n, f"c{n}", f"d{n}", "s", "S", "rationale", 0, n, 1) for n in range(COUNT)]
        opened[name] = FaissSemanticIndex(directory, chunks=chunks, sentence_weight=0.0)
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
    monkeypatch.setattr(semantic, "HNSW_EF_SEARCH", 10)
    starved = build_index(vectors, approximate_above=0)
    assert recall_at(starved, queries, k=10) < 0.9


def test_stored_vectors_come_back_from_either_index(written, vectors):
    for name in ("flat", "hnsw"):
        assert np.allclose(written[name].vectors([5, 17]), vectors[[5, 17]], atol=1e-6)


def shared_texts(tmp_path, rows_file: bool = True) -> tuple[Store, FaissSemanticIndex]:
    """Six chunks over three embedded texts: chunks 0, 2 and 5 share one (a templated paragraph), 1 and 4
    another, 3 has its own. Real SQLite store, real FAISS."""
    store = Store(tmp_path / "store.sqlite")
    texts = ["template", "knee", "template", "spine", "knee", "template"]
    axes = {"template": 0, "knee": 1, "spine": 2}
    for number, text in enumerate(texts):
        store.add_chunk(Chunk(f"c{number}", f"d{number}", "rationale-1", "Rationale", text, "rationale", 0),
                        f"embed-{text}")
        if not store.has_embedding(f"embed-{text}"):
            axis = np.zeros(4, dtype=np.float32)
            axis[axes[text]] = 1.0
            sentences = np.stack([np.roll(axis, n) for n in range(axes[text] + 1)])  # 1, 2 and 3 sentences
            store.save_embedding(f"embed-{text}", axis, sentences)
    FaissSemanticIndex.write(tmp_path, store.number_chunks())
    store.commit()
    if not rows_file:
        (tmp_path / semantic.ROWS).unlink()
    return store, FaissSemanticIndex(tmp_path, store.chunks(), sentence_weight=0.0)


def test_chunks_with_one_text_share_one_row(tmp_path):
    _, index = shared_texts(tmp_path)
    assert index.index.ntotal == 3  # three vectors for six chunks
    assert index.rows.tolist() == [0, 1, 0, 2, 1, 0]  # rows in the order of their first chunk
    found = index.search(np.array([1, 0, 0, 0], dtype=np.float32), None, 0.5)
    assert sorted(found) == [0, 2, 5] and all(found[p] == pytest.approx(1.0) for p in found)
    assert index.vectors([4, 3]).tolist() == [[0, 1, 0, 0], [0, 0, 1, 0]]


def test_a_filter_keeps_only_the_allowed_chunks_of_a_shared_row(tmp_path):
    _, index = shared_texts(tmp_path)
    mask = np.array([False, False, True, True, False, False])
    assert sorted(index.search(np.array([1, 0, 0, 0], dtype=np.float32), mask, 0.5)) == [2]
    assert index.search(np.array([0, 1, 0, 0], dtype=np.float32), mask, 0.5) == {}  # 1 and 4 excluded


def test_chunks_sharing_a_row_share_its_sentences(tmp_path):
    store, index = shared_texts(tmp_path)
    chunks = store.chunks()
    assert (chunks[1].sentence_start, chunks[1].sentence_count) == (chunks[4].sentence_start, 2)
    assert len(index.sentence_vectors) == 1 + 2 + 3  # each text's sentences stored once
    spine = np.array([0, 0, 1, 0], dtype=np.float32)
    assert index.sentence_similarity(3, spine).tolist() == [1.0, 0.0, 0.0]
    blended = FaissSemanticIndex(tmp_path, chunks, sentence_weight=0.5)
    knee_sentence = np.array([0, 0.6, 0.8, 0], dtype=np.float32)  # chunk 0.6, its second sentence 0.8
    found = blended.search(knee_sentence, None, 0.5)
    assert sorted(found) == [1, 3, 4] and found[1] == found[4] == pytest.approx(0.7)


def test_the_rows_are_read_in_batches(tmp_path):
    store, _ = shared_texts(tmp_path)
    embeddings = store.number_chunks()
    whole = [np.vstack(part) for part in zip(*embeddings.blocks(100), strict=True)]
    batched = [np.vstack(part) for part in zip(*embeddings.blocks(1), strict=True)]
    assert all(np.array_equal(a, b) for a, b in zip(whole, batched, strict=True))
    assert embeddings.sentence_counts.tolist() == [1, 2, 3] and embeddings.count == 3


def test_an_older_generation_without_the_row_map_reads_its_rows_as_positions(tmp_path):
    store, _ = shared_texts(tmp_path)
    distinct = tmp_path / "distinct"
    distinct.mkdir()
    vectors = [np.eye(4, dtype=np.float32)[n] for n in range(3)]
    FaissSemanticIndex.write(distinct, Embeddings.of(vectors, [v[None, :] for v in vectors]))
    (distinct / semantic.ROWS).unlink()
    chunks = [StoredChunk(n, f"c{n}", f"d{n}", "s", "S", "rationale", 0, n, 1) for n in range(3)]
    older = FaissSemanticIndex(distinct, chunks, sentence_weight=0.0)
    assert older.rows is None
    assert list(older.search(np.array([0, 0, 1, 0], dtype=np.float32), None, 0.5)) == [2]


def test_a_row_map_that_does_not_fit_the_chunks_is_refused(tmp_path):
    store, _ = shared_texts(tmp_path)
    with pytest.raises(IndexUnavailable, match="vector_rows.npy maps 6 chunks"):
        FaissSemanticIndex(tmp_path, store.chunks()[:5], sentence_weight=0.0)


def test_a_flat_index_keeps_the_best_rows_above_the_cutoff(written, queries, monkeypatch):
    everything = within(written["flat"].index, queries[0], 0.0, None)
    assert len(everything) > 100
    monkeypatch.setattr(semantic, "EXACT_LIMIT", 10)
    best = within(written["flat"].index, queries[0], 0.0, None)
    assert sorted(best.values(), reverse=True) == sorted(everything.values(), reverse=True)[:10]
    assert set(best) <= set(everything)


def test_more_search_effort_finds_more_of_a_weak_graphs_true_neighbours(vectors, queries, monkeypatch):
    monkeypatch.setattr(semantic, "HNSW_M", 8)
    monkeypatch.setattr(semantic, "HNSW_EF_CONSTRUCTION", 16)
    monkeypatch.setattr(semantic, "RANGE_START", 10)
    weak = build_index(vectors, approximate_above=0)
    monkeypatch.setattr(semantic, "HNSW_EF_SEARCH", 10)
    hurried = recall_at(weak, queries, k=10)
    monkeypatch.setattr(semantic, "HNSW_EF_SEARCH", 300)
    careful = recall_at(weak, queries, k=10)
    assert hurried < 0.9 <= careful
