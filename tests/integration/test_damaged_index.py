"""A damaged index is refused in one line naming the file, never served: the CLI exits 2, the API answers
503, /healthz is not 200, a server keeps its last good generation, and `precedent index` rebuilds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import cli, generations, settings, store
from indexer.engine import Engine
from indexer.errors import IndexUnavailable
from indexer.ingest.build import build
from tests.paths import CORPUS, ROOT

QUESTION = "physical therapy functional improvement"


def garble(path: Path) -> None:
    """Overwrite 64 bytes in the middle of a file (its size stays the same)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes((b ^ 0x5A) for b in data[middle:middle + 64])
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])




# what is damaged -> (how, the name the message must carry)
DAMAGE = {
    "store truncated": (lambda g: truncate(g / "store.sqlite"), "store.sqlite"),
    "store garbled": (lambda g: garble(g / "store.sqlite"), "store.sqlite"),
    "vectors garbled": (lambda g: garble(g / "vectors.faiss"), "vectors.faiss"),
    "sentences garbled": (lambda g: garble(g / "sentences.npy"), "sentences.npy"),
    "keyword postings garbled": (lambda g: garble(g / "terms" / "postings_weights.npy"), "terms/"),
    "CURRENT junk": (lambda g: (g.parent / "CURRENT").write_bytes(b"\xff\xfe\x00\x81\x9c junk"), "CURRENT"),
}


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("damaged-letters")
    for letter in sorted(CORPUS.glob("*.txt"))[:4]:
        shutil.copy(letter, folder / letter.name)
    return folder


@pytest.fixture(scope="module")
def good_index(tmp_path_factory, letters, encoder) -> Path:
    directory = tmp_path_factory.mktemp("damaged-source") / "index"
    build([letters], settings.load(index=str(directory)), encoder=encoder)
    return directory


@pytest.fixture
def index(tmp_path, good_index) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(good_index, copy)
    return copy


def live(index: Path) -> Path:
    return generations.IndexDir(index).require()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "indexer", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def web(index: Path, tmp_path: Path, engine: Engine | None = None):
    from webui import create_app

    configured = settings.load(index=str(index))
    app = create_app({"TESTING": True, "PRECEDENT": configured,
                      "PRECEDENT_ENGINE": engine or Engine(configured),
                      "CONVERSATIONS": str(tmp_path / "conversations.sqlite")})
    return app.test_client()


@pytest.mark.parametrize("damage", DAMAGE)
def test_cli_search_refuses_a_damaged_index_in_one_line(index, damage):
    how, name = DAMAGE[damage]
    how(live(index))
    result = run_cli("search", QUESTION, "--index", str(index))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "rebuild with 'precedent index'" in lines[0], lines
    assert "Traceback" not in result.stderr and not result.stdout


@pytest.mark.parametrize("damage", DAMAGE)
def test_web_answers_503_and_healthz_is_not_ok(index, tmp_path, damage):
    how, name = DAMAGE[damage]
    how(live(index))
    client = web(index, tmp_path)
    response = client.get("/api/search", query_string={"q": QUESTION})
    assert response.status_code == 503 and name in response.get_json()["error"]
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "unavailable" and name in health.get_json()["error"]
    assert str(tmp_path) not in health.get_data(as_text=True)


@pytest.mark.parametrize("damage", DAMAGE)
def test_index_rebuilds_over_a_damaged_index(index, letters, encoder, monkeypatch, damage):
    how, name = DAMAGE[damage]
    how(live(index))
    monkeypatch.setattr(cli, "build", lambda paths, config, prune=False:
                        build(paths, config, prune=prune, encoder=encoder))
    result = CliRunner().invoke(cli.cli, ["index", str(letters), "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    assert "warning: rebuilding from scratch" in result.stderr and name in result.stderr
    assert json.loads(result.stdout)["added"] == 4  # nothing reused from the damaged files
    answer = Engine(settings.load(index=str(index)), encoder=encoder).search(QUESTION)
    assert answer.total and answer.results


def publish_copy(index: Path, damage: str) -> Path:
    """Publish a newer generation (a copy of the live one), damaged."""
    generation = live(index)
    newer = index / "gen-000099"
    shutil.copytree(generation, newer)
    (index / "CURRENT").write_text(newer.name)
    DAMAGE[damage][0](newer)
    return newer


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_server_keeps_its_last_good_generation(index, tmp_path, encoder, damage):
    engine = Engine(settings.load(index=str(index)), encoder=encoder)
    before = engine.search(QUESTION).to_dict()
    publish_copy(index, damage)
    after = engine.search(QUESTION).to_dict()
    assert after == before
    client = web(index, tmp_path, engine)
    assert client.get("/api/search", query_string={"q": QUESTION}).status_code == 200
    health = client.get("/healthz")
    data = health.get_json()
    assert health.status_code == 503 and data["status"] == "degraded"
    assert DAMAGE[damage][1] in data["error"] and data["generation"] == "gen-000001"
    assert data["determinations"] == 4 and str(tmp_path) not in health.get_data(as_text=True)


def test_a_good_index_is_ok_and_reopening_rehashes_only_what_changed(index, tmp_path, monkeypatch):
    health = web(index, tmp_path).get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    generation, manifest = store.open_generation(settings.load(index=str(index)))
    assert set(manifest.files) >= {"store.sqlite", "vectors.faiss", "sentences.npy",
                                   "terms/postings_weights.npy", "terms/rows.json"}
    hashed = []
    real = generations._sha256
    monkeypatch.setattr(generations, "_sha256", lambda path: hashed.append(path.name) or real(path))
    generations.verify(generation, manifest)
    assert hashed == []
    garble(generation / "sentences.npy")
    with pytest.raises(IndexUnavailable, match="sentences.npy does not match its checksum"):
        generations.verify(generation, manifest)
    assert hashed == ["sentences.npy"]


def test_an_index_without_checksums_is_refused_and_rebuilt(index, letters, encoder):
    """An index from before checksums cannot be shown to be whole: it is refused, and rebuilt."""
    manifest_path = live(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["files"]
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable, match="no checksums.*rebuild with 'precedent index'"):
        Engine(settings.load(index=str(index)), encoder=encoder).search(QUESTION)
    report = build([letters], settings.load(index=str(index)), encoder=encoder)
    assert report.added == 4 and any("no checksums" in w for w in report.warnings)
    assert Engine(settings.load(index=str(index)), encoder=encoder).search(QUESTION).total


@pytest.mark.parametrize("name", ["vectors.faiss", "sentences.npy", "terms/postings_weights.npy"])
def test_a_file_damaged_in_place_under_a_running_server_is_refused_not_served(index, tmp_path, encoder, name):
    """Vectors and postings are memory-mapped: damage written into the served files would change the
    answers without a word (an outside hostile run saw a different top 10). Each query checks the
    served files' stat first, hashes a changed one again, and refuses a damaged index."""
    engine = Engine(settings.load(index=str(index)), encoder=encoder)
    client = web(index, tmp_path, engine)
    assert client.get("/api/search", query_string={"q": QUESTION}).status_code == 200
    garble(live(index) / name)
    response = client.get("/api/search", query_string={"q": QUESTION})
    assert response.status_code == 503 and name.split("/")[0] in response.get_json()["error"]
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] != "ok"


def test_a_damaged_file_whose_checksum_was_deleted_from_the_manifest_is_refused(index):
    """Found by an outside hostile run: two edits (drop a file's entry, then garble it) went unseen."""
    generation = live(index)
    manifest = json.loads((generation / "manifest.json").read_text())
    del manifest["files"]["sentences.npy"]
    (generation / "manifest.json").write_text(json.dumps(manifest))
    garble(generation / "sentences.npy")
    done = run_cli("search", QUESTION, "--index", str(index))
    assert done.returncode == 2 and "sentences.npy" in done.stderr
    assert done.stderr.strip().count("\n") == 0
