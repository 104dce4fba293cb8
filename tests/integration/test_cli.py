"""The precedent command as a user runs it: JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.paths import ROOT, SEEDS

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def precedent(*args, check_code=None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "indexer", *map(str, args)], env=ENV,
                          capture_output=True, text=True, timeout=300)
    if check_code is not None:
        assert done.returncode == check_code, done.stderr
    return done


def test_parse_json_follows_the_contract_and_needs_no_model():
    started = time.perf_counter()
    done = precedent("parse", SEEDS[0], "--json", check_code=0)
    elapsed = time.perf_counter() - started
    data = json.loads(done.stdout)
    assert set(data) >= {"doc_id", "source", "format", "case_number", "reviewer", "patient",
                         "issues", "sections", "warnings"}
    assert set(data["issues"][0]) >= {"item", "decision", "treatment", "body_part",
                                      "guidelines", "rationale"}
    assert "sentence_transformers" not in done.stderr
    assert elapsed < 10, "parse must not load the embedding model"


def test_index_search_show_similar_round_trip(tmp_path, corpus_index):
    index = tmp_path / "index"
    built = json.loads(precedent("index", SEEDS[0], SEEDS[2], "--index", index, "--json",
                                 check_code=0).stdout)
    assert (built["added"], built["determinations"], built["failed"]) == (2, 2, [])
    shown = json.loads(precedent("show", SEEDS[2].stem, "--index", index, "--json",
                                 check_code=0).stdout)
    assert shown["doc_id"] == SEEDS[2].stem
    found = json.loads(precedent("search", "functional improvement", "--index", corpus_index,
                                 "--json", "-k", "3", "--filter", "treatment=physical therapy",
                                 check_code=0).stdout)
    assert set(found) >= {"query", "mode", "understood", "total", "facets", "message", "results"}
    assert len(found["results"]) == 3
    assert all(r["treatment"] == "physical therapy" for r in found["results"])
    assert set(found["results"][0]) >= {"doc_id", "source", "score", "rank", "decision",
                                        "treatment", "item", "url", "excerpts"}
    similar = json.loads(precedent("similar", SEEDS[0].stem, "--index", corpus_index, "--json",
                                   check_code=0).stdout)
    assert similar["doc_id"] == SEEDS[0].stem and similar["results"]


@pytest.mark.parametrize("args, code, words", [
    (["search", "knee", "--index", "{missing}"], 2, "no index"),
    (["search", "knee", "--index", "{corpus}", "--filter", "colour=blue"], 2, "unknown filter"),
    (["search", "knee", "--index", "{corpus}", "--filter", "nonsense"], 2, "KEY=VALUE"),
    (["show", "NO-SUCH-ID", "--index", "{corpus}"], 1, "no determination"),
    (["parse", "{missing}/nothing.txt"], 2, "no such file"),
    (["similar", "--index", "{corpus}"], 2, "DOC_ID or --text"),
])
def test_errors_are_one_line_with_the_contract_exit_code(tmp_path, corpus_index, args, code,
                                                         words):
    filled = [a.format(missing=tmp_path / "missing", corpus=corpus_index) for a in args]
    done = precedent(*filled)
    assert done.returncode == code
    assert words in done.stderr
    assert "Traceback" not in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.strip()]) == 1


def test_index_of_nothing_usable_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    done = precedent("index", tmp_path / "empty.txt", "--index", tmp_path / "index", "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["failed"][0]["error"] == "empty file"


def test_search_with_no_match_is_a_success_with_a_message(corpus_index):
    done = precedent("search", "zzzzqqq", "--mode", "keyword", "--index", corpus_index, "--json",
                     check_code=0)
    data = json.loads(done.stdout)
    assert data["results"] == [] and data["message"]
