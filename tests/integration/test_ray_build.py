"""`precedent index --ray`: the build read, parsed and embedded on a local Ray cluster writes the same
index as a single-process build."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from tests.paths import ROOT, SEEDS

RAY_BUILD_S = 540  # a local cluster's start on a loaded two-core machine takes a minute or two


def served_index(index: Path) -> dict:
    """Everything a generation serves: determinations, chunks in position order, their vectors."""
    import faiss

    from indexer.generations import IndexDir, Manifest
    from indexer.store import Store

    generation = IndexDir(index).require()
    store = Store(generation / "store.sqlite", readonly=True)
    try:
        chunks = [(c.chunk_id, store.chunk_text(c.position)) for c in store.chunks()]
        determinations = {doc_id: d.to_dict() for doc_id, d in store.determinations().items()}
    finally:
        store.close()
    vectors = faiss.read_index(str(generation / "vectors.faiss"))
    return {"determinations": determinations, "chunks": chunks,
            "vectors": vectors.reconstruct_n(0, vectors.ntotal),
            "sentences": np.load(generation / "sentences.npy").astype(np.float32),
            "manifest": Manifest.load(generation)}


def index_on_ray(paths: list[Path], index: Path, ray_tmp: str) -> subprocess.CompletedProcess:
    """precedent index PATHS --ray (a local cluster), killed with its cluster if it outruns its time."""
    command = [sys.executable, "-m", "indexer", "index", *map(str, paths), "--index", str(index), "--json",
               "--ray"]
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT), "RAY_TMPDIR": ray_tmp},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=RAY_BUILD_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"the Ray build took over {RAY_BUILD_S} s")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@pytest.fixture
def ray_tmp():
    folder = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_a_ray_build_equals_a_single_process_build(tmp_path, encoder, ray_tmp):
    from indexer import settings
    from indexer.generations import verify
    from indexer.ingest.build import build

    single = tmp_path / "single"
    build(SEEDS, settings.load(index=str(single)), encoder=encoder)
    on_ray = tmp_path / "ray"
    build(SEEDS[:1], settings.load(index=str(on_ray)), encoder=encoder)  # one letter indexed already

    done = index_on_ray(SEEDS, on_ray, ray_tmp)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["added"], report["unchanged"], report["failed"]) == (len(SEEDS) - 1, 1, [])
    logs = [log.read_text(errors="replace") for log in Path(ray_tmp).rglob("*.out")]
    assert any("_Embedder" in log for log in logs), "no Ray worker embedded anything"

    expected, found = served_index(single), served_index(on_ray)
    assert found["determinations"] == expected["determinations"]
    assert found["chunks"] == expected["chunks"]
    assert found["vectors"].shape == expected["vectors"].shape
    assert np.abs(found["vectors"] - expected["vectors"]).max() < 1e-4
    assert found["sentences"].shape == expected["sentences"].shape
    assert np.abs(found["sentences"] - expected["sentences"]).max() < 2e-3  # stored as float16
    assert found["manifest"].sources == expected["manifest"].sources
    verify(on_ray / "gen-000002", found["manifest"])  # every file matches its checksum

    again = index_on_ray(SEEDS, on_ray, ray_tmp)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["unchanged"] == len(SEEDS)


def test_an_unreachable_cluster_is_one_line(tmp_path):
    with socket.socket() as closed:  # bound, never listening: a connection is refused at once
        closed.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{closed.getsockname()[1]}"
        done = subprocess.run([sys.executable, "-m", "indexer", "index", str(SEEDS[0]), "--index",
                               str(tmp_path / "index"), f"--ray={address}"], env={**os.environ,
                              "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and address in done.stderr, done.stderr
    assert not list((tmp_path / "index").glob("gen-*")), "nothing is published"
