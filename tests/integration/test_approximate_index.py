"""An index over the threshold (HNSW) answers as the exact one does: real model, real FAISS.

The corpus index's own vectors are rewritten as an HNSW graph in a copy of it (the threshold set to
0), and a small build with approximate_above=0 goes through the build's own path.
"""

from __future__ import annotations

import shutil

import faiss
import pytest

from indexer import settings
from indexer.generations import IndexDir, Manifest, checksums
from indexer.ingest.build import build
from indexer.search import semantic
from indexer.search.searcher import Searcher
from tests.paths import SEEDS

QUESTIONS = ["physical therapy without functional improvement", "lumbar fusion for instability",
             "opioids without a urine drug screen", "MRI of the knee after an injury"]


@pytest.fixture(scope="module")
def approximate(corpus_index, encoder, tmp_path_factory) -> Searcher:
    """A copy of the corpus index whose vectors are an HNSW graph."""
    copy = tmp_path_factory.mktemp("hnsw") / "index"
    shutil.copytree(corpus_index, copy)
    generation = IndexDir(str(copy)).current()
    flat = faiss.read_index(str(generation / semantic.VECTORS))
    graph = semantic.build_index(flat.reconstruct_n(0, flat.ntotal), approximate_above=0)
    faiss.write_index(graph, str(generation / semantic.VECTORS))
    manifest = Manifest.load(generation)
    manifest.files = checksums(generation)
    manifest.save(generation)
    return Searcher(settings.load(index=str(copy)), encoder=encoder)


def ranked(searcher: Searcher, question: str, **options) -> list[str]:
    return [r.doc_id for r in searcher.search(question, k=10, **options).results]


def test_the_copy_is_approximate(approximate, searcher):
    assert approximate.semantic.approximate and not searcher.semantic.approximate


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_same_top_results_as_the_exact_index(approximate, searcher, mode):
    for question in QUESTIONS:
        assert ranked(approximate, question, mode=mode) == ranked(searcher, question, mode=mode)


def test_filters_apply_inside_the_graph_walk(approximate, searcher, monkeypatch):
    monkeypatch.setattr(semantic, "EXACT_UNDER", 0)  # the walk itself, not the exact small-filter path
    monkeypatch.setattr(semantic, "EXACT_SHARE", 0.0)
    for question in QUESTIONS:
        found = approximate.search(question, mode="semantic", filters={"decision": "Overturned"})
        assert found.results and all(r.decision == "Overturned" for r in found.results)
        exact = searcher.search(question, mode="semantic", filters={"decision": "Overturned"})
        assert [r.doc_id for r in found.results] == [r.doc_id for r in exact.results]


def test_the_cutoff_holds_and_keeps_the_same_chunks(approximate, searcher, encoder):
    for question in QUESTIONS:
        vector = encoder.query(question)
        graph = semantic.within(approximate.semantic.index, vector, 0.35, None)
        exact = semantic.within(searcher.semantic.index, vector, 0.35, None)
        assert exact and all(score >= 0.35 for score in graph.values())
        assert set(graph) == set(exact)


def test_recall_of_the_graph_on_real_queries(approximate, encoder):
    queries = encoder.texts(QUESTIONS)
    assert approximate.semantic.recall(queries, k=10) >= 0.95


def test_a_build_over_the_threshold_writes_a_graph_that_searches(tmp_path, encoder, seed_searcher):
    built = settings.load(index=str(tmp_path / "index"), approximate_above=0)
    report = build(SEEDS, built, encoder=encoder)
    assert report.determinations == len(SEEDS)
    assert 0 < report.embedded <= report.chunks  # a fresh index: every distinct chunk text embedded
    stages = report.to_dict()["stages"]
    assert {"read_parse", "chunk", "embed", "keyword", "vectors"} <= set(stages)
    assert all(seconds >= 0 for seconds in stages.values()) and stages["embed"] > 0
    graph = Searcher(built, encoder=encoder)
    assert graph.semantic.approximate
    for question in QUESTIONS[:2]:
        assert ranked(graph, question, mode="semantic") == ranked(seed_searcher, question, mode="semantic")
