"""make bench, end to end in its short mode: a real index, the real server, every figure written.

Nothing about speed is asserted (timings belong to the benchmark); this checks that the harness
runs unattended and that its JSON holds every figure the full run reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from evaluation import corpora
from tests.paths import ROOT

pytestmark = pytest.mark.slow

# figures the build may leave out: stage timings appear once the BuildReport carries them
OPTIONAL = {"stages"}


def _missing(value, path="") -> list[str]:
    if isinstance(value, dict):
        return [m for key, v in value.items() if key not in OPTIONAL for m in _missing(v, f"{path}.{key}")]
    if isinstance(value, list):
        return [m for n, v in enumerate(value) for m in _missing(v, f"{path}[{n}]")]
    return [path] if value is None else []


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, "-m", "evaluation.bench", "--short", "--workdir", str(work / "cache"),
         "--out", str(work / "results")],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    (written,) = (work / "results").glob("*.json")
    return json.loads(written.read_text()), written.with_suffix(".md").read_text(), done.stdout, work


def test_every_figure_is_measured(results):
    data = results[0]
    assert _missing(data) == []
    assert data["short"] is True and data["git"]["commit"] and data["machine"]["cores"] >= 1
    (size,) = data["sizes"]
    build = size["build"]
    assert size["letters"] == build["determinations"] == 60 and build["failed"] == 0
    assert 0 < build["distinct_chunks"] <= build["chunks"]
    assert size["sample"]["bare_chunks_per_s"] > 0 and size["sample"]["pipeline_chunks_per_s"] > 0
    assert size["index"]["bytes_per_letter"] > 0
    assert size["server"]["rss_mb"] > 0 and size["server"]["hwm_mb"] >= size["server"]["rss_mb"]


def test_questions_are_asked_over_http_without_failures(results):
    data = results[0]
    (size,) = data["sizes"]
    for mode in ("keyword", "semantic", "hybrid"):
        for kind in ("new", "repeated"):
            run = size["latency"][mode][kind]
            assert run["count"] == 30 and run["failures"] == 0, (mode, kind, run)
    assert size["similar"]["count"] == 10 and size["similar"]["failures"] == 0
    load = size["load"]
    assert load["clients"] == 4 and load["requests"] > 0 and load["failures"] == 0, load["errors"]
    assert {"search", "chat", "similar", "pages"} <= set(load["by_kind"])
    workers = size["load_workers"]
    assert workers["workers"] == 2 and workers["requests"] > 0 and workers["failures"] == 0, workers["errors"]
    assert workers["memory"]["processes"] == 3 and workers["memory"]["pss_mb"] > 0  # the arbiter and two


def test_the_vector_index_is_checked_against_exact_search(results):
    (size,) = results[0]["sizes"]
    vectors = size["vectors"]
    assert vectors["index"] == "flat" and vectors["recall_at_10"] == 1.0  # a flat index is exact
    assert vectors["vectors"] == size["build"]["distinct_chunks"] <= size["build"]["chunks"]  # one per text
    assert 0.5 <= vectors["hnsw_recall_at_10"] <= 1.0 and vectors["hnsw_search_ms"] > 0


def test_reindexing_one_letter_replaces_it_and_leaves_the_rest(results):
    data = results[0]
    (size,) = data["sizes"]
    reindex = size["reindex_one"]
    assert (reindex["touched_updated"], reindex["edited_updated"], reindex["reverted_updated"]) == (0, 1, 1)
    assert set(size["process_start"]) == {"parse_s", "show_s", "search_s"}


def test_the_table_is_written_and_printed(results):
    data, table, printed, _ = results
    assert "| | 60 letters |" in table and table in printed
    for line in ("hybrid, new questions p50 / p95", "4 clients: failures", "server memory after load",
                 "re-index after touching / editing / reverting one letter"):
        assert line in table
    stages = data["sizes"][0]["build"]["stages"]
    assert all(f"build stage: {name}" in table for name in stages or {})


def test_a_second_run_reuses_the_letters_and_the_build(results):
    data, _, _, work = results
    corpus = corpora.prepare(60, work / "cache")
    assert corpora.current(corpus.index)
    record = corpora.build_record(corpus)
    assert record["cached"] is True
    assert record["build"] == data["sizes"][0]["build"]


def test_a_spread_copy_gives_every_chunk_its_own_vector_near_its_original(corpus_index, tmp_path, encoder):
    """corpora.spread: the copy serves, every chunk has a row of its own, each vector ~0.95 similar to
    the one its text shares, and sentences follow their chunk."""
    import shutil

    import faiss
    import numpy as np

    from indexer import settings
    from indexer.generations import IndexDir
    from indexer.search import semantic
    from indexer.search.searcher import Searcher

    index = tmp_path / "index-pooled"
    shutil.copytree(corpus_index, index)
    corpus = corpora.Corpus(0, 0, 0, tmp_path / "letters", index, tmp_path / "build.json")
    copy, written = corpora.spread(corpus, noise=0.33)
    assert written and corpora.spread(corpus, noise=0.33) == (copy, False)  # reused while unchanged
    original, spread = Searcher(settings.load(index=str(index)), encoder), \
        Searcher(settings.load(index=str(copy)), encoder)
    chunks = len(original.collection.chunks)
    assert spread.semantic.index.ntotal == chunks and spread.semantic.rows is None
    before = original.semantic.vectors(list(range(chunks)))
    after = faiss.read_index(str(IndexDir(copy).require() / semantic.VECTORS)).reconstruct_n(0, chunks)
    similarity = np.sum(before * after, axis=1)
    assert np.allclose(np.linalg.norm(after, axis=1), 1, atol=1e-4)
    assert 0.9 < similarity.min() and similarity.max() < 0.99
    position = next(c.position for c in spread.collection.chunks if c.sentence_count > 1)
    vector = original.semantic.vectors([position])[0]
    assert np.allclose(spread.semantic.sentence_similarity(position, vector),
                       original.semantic.sentence_similarity(position, vector), atol=0.12)
    question = "physical therapy without functional improvement"
    assert spread.search(question, mode="semantic").results
