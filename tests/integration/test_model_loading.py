"""The model is loaded only by the commands that embed, once, and quietly.

`parse` and `show` must not import torch or sentence-transformers at all; `search` loads the model
without a third-party progress bar or log line; a model that cannot load is one line, exit 2.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.paths import ROOT, SEEDS

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
MODEL_MODULES = ("torch", "sentence_transformers", "transformers")


def precedent(*args, env=None, importtime=False) -> subprocess.CompletedProcess:
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run([sys.executable, *flags, "-m", "indexer", *map(str, args)],
                          env={**ENV, **(env or {})}, capture_output=True, text=True, timeout=300)


def imported(stderr: str) -> set[str]:
    """The top-level packages `python -X importtime` reports importing."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_parse_imports_no_model_library():
    done = precedent("parse", SEEDS[0], "--json", importtime=True)
    assert done.returncode == 0, done.stderr[-500:]
    modules = imported(done.stderr)
    assert "indexer" in modules  # importtime did report
    assert not modules & set(MODEL_MODULES)


def test_show_imports_no_model_library(corpus_index):
    done = precedent("show", SEEDS[0].stem, "--index", corpus_index, "--json", importtime=True)
    assert done.returncode == 0, done.stderr[-500:]
    assert not imported(done.stderr) & set(MODEL_MODULES)


def test_search_loads_the_model_without_progress_bars_or_log_lines(corpus_index):
    done = precedent("search", "physical therapy after knee surgery", "--index", corpus_index,
                     "-k", "2", "--mode", "semantic")
    assert done.returncode == 0, done.stderr
    assert "determinations" in done.stdout
    assert done.stdout.count("\n1. ") == 1
    assert done.stderr.strip() == ""  # no "Loading weights", no it/s bar, no warning


def test_a_missing_model_is_one_line(tmp_path):
    done = precedent("index", SEEDS[0], "--index", tmp_path / "index",
                     env={"PRECEDENT_MODEL": str(tmp_path / "no-model")})
    assert done.returncode == 2
    assert f"embedding model directory not found: {tmp_path / 'no-model'}" in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.strip()]) == 1


def test_an_unknown_precision_is_one_line(corpus_index):
    done = precedent("search", "knee", "--index", corpus_index, "--mode", "semantic",
                     env={"PRECEDENT_PRECISION": "int8"})
    assert done.returncode == 2
    assert "unknown precision 'int8'" in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.strip()]) == 1
