"""An operator's mistakes and a full or read-only disk are said in one line, never a traceback; the index
being served stays as it was, and no half-written staging folder is left behind."""

from __future__ import annotations

import gc
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from indexer import settings
from indexer.errors import IndexWriteError
from indexer.generations import IndexDir
from indexer.ingest.build import build
from indexer.search.searcher import Searcher
from tests.paths import CORPUS, ROOT

QUESTIONS = ["physical therapy functional improvement", "lumbar MRI", "opioid weaning"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def precedent(*args, limit_bytes: int | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    def limit():  # a file size limit: the kernel refuses writes past it (EFBIG), as a full disk does
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return subprocess.run([sys.executable, "-m", "indexer", *map(str, args)], env=ENV, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit if limit_bytes else None)


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = [line for line in done.stderr.splitlines()
             if line.strip() and not line.lstrip().startswith(("Loading weights", "\r"))
             and "it/s]" not in line]
    assert "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def first_letters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fault-letters")
    for letter in sorted(CORPUS.glob("*.txt"))[:3]:
        shutil.copy(letter, folder / letter.name)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory, first_letters, encoder) -> Path:
    index = tmp_path_factory.mktemp("fault-index") / "index"
    build([first_letters], settings.load(index=str(index)), encoder=encoder)
    return index


def answers(index: Path, encoder) -> dict[str, list[str]]:
    searcher = Searcher(settings.load(index=str(index)), encoder=encoder)  # verifies every checksum
    return {q: [r.doc_id for r in searcher.search(q, k=5).results] for q in QUESTIONS}


def forget_failed_writers() -> None:
    """Collect the files Whoosh leaves open after a failed commit, here rather than in a later test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def assert_unchanged(index: Path, generation: Path, before: dict, encoder) -> None:
    assert IndexDir(index).require() == generation
    assert not list(index.glob(".staging-*")), "a staging folder was left behind"
    assert answers(index, encoder) == before


@pytest.fixture
def tmpfs(tmp_path):
    """A 1 MiB tmpfs, where the machine lets us mount one (root, not in an unprivileged container)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave_kib: int) -> None:
    free = shutil.disk_usage(disk).free - leave_kib * 1024
    if free > 0:
        with open(disk / "filler", "wb") as handle:
            handle.write(b"\0" * free)


# Whoosh leaves its segment files open after a failed commit: the leak is its own (the process of a CLI
# build ends there), so these tests let its ResourceWarnings pass and collect them before the next test.
WHOOSH_LEAKS = pytest.mark.filterwarnings("ignore::ResourceWarning",
                                          "ignore::pytest.PytestUnraisableExceptionWarning")


@WHOOSH_LEAKS
@pytest.mark.parametrize("leave_kib", [40, 250, 500])
def test_a_full_disk_is_one_line_and_the_index_is_kept(tmpfs, built, encoder, leave_kib):
    index = tmpfs / "index"
    shutil.copytree(built, index)
    before, generation = answers(index, encoder), IndexDir(index).require()
    fill(tmpfs, leave_kib)  # full at a different stage of the build each time
    with pytest.raises(IndexWriteError) as refused:
        build([CORPUS], settings.load(index=str(index)), encoder=encoder)
    message = str(refused.value)
    del refused
    forget_failed_writers()
    assert "\n" not in message and str(index) in message and "disk is full" in message
    assert "still served" in message
    assert_unchanged(index, generation, before, encoder)


def test_a_file_size_limit_is_one_line_from_the_cli(tmp_path, built, encoder):
    index = tmp_path / "index"
    shutil.copytree(built, index)
    before, generation = answers(index, encoder), IndexDir(index).require()
    done = precedent("index", CORPUS, "--index", index, limit_bytes=64 * 1024)
    assert done.returncode == 1
    line = one_line(done)
    assert str(index) in line and "precedent index" in line
    assert_unchanged(index, generation, before, encoder)


@WHOOSH_LEAKS
def test_a_read_only_index_folder_is_one_line(tmp_path, tmpfs, built, encoder):
    index = tmpfs / "index"
    shutil.copytree(built, index)
    before, generation = answers(index, encoder), IndexDir(index).require()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    with pytest.raises(IndexWriteError, match="not writable"):
        build([CORPUS], settings.load(index=str(index)), encoder=encoder)
    forget_failed_writers()
    assert answers(index, encoder) == before and IndexDir(index).require() == generation


@pytest.mark.parametrize("where", ["{file}", "{file}/sub"])
def test_an_index_path_at_or_under_a_file_is_one_line(tmp_path, first_letters, where):
    (tmp_path / "a-file").write_text("not an index")
    index = where.format(file=tmp_path / "a-file")
    done = precedent("index", first_letters, "--index", index)
    assert done.returncode == 2
    assert "not a folder" in one_line(done)


def test_a_missing_input_folder_creates_no_index_and_is_said_once(tmp_path):
    missing = tmp_path / "no" / "such" / "folder"
    done = precedent("index", missing, "--index", tmp_path / "index")
    assert done.returncode in (1, 2)
    line = one_line(done)
    assert line.count(str(missing)) == 1 and "no such file or folder" in line
    assert not (tmp_path / "index").exists()


def test_odd_files_are_listed_as_failed_and_the_rest_indexed(tmp_path, first_letters, encoder):
    letters = tmp_path / "letters"
    shutil.copytree(first_letters, letters)
    os.mkfifo(letters / "pipe.txt")
    (letters / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (letters / "loop").symlink_to(letters)
    (letters / "x.txt").mkdir()
    report = build([letters, tmp_path / "absent"], settings.load(index=str(tmp_path / "index")),
                   encoder=encoder)
    failed = {Path(f.path).name: f.error for f in report.failed}
    assert failed == {"absent": "no such file or folder", "pipe.txt": "not a regular file (a FIFO)",
                      "gone.txt": "broken symbolic link: its target does not exist",
                      "loop": "symbolic link loop: this folder is already being read",
                      "x.txt": "a folder, not a letter file"}
    assert report.added == 3


def busy_port() -> socket.socket:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder


def test_serve_on_a_port_in_use_is_one_line(tmp_path):
    holder = busy_port()
    try:
        done = precedent("serve", "--port", holder.getsockname()[1], "--index", tmp_path / "index",
                         timeout=120)
    finally:
        holder.close()
    assert done.returncode == 2
    assert "cannot listen" in one_line(done)


@pytest.mark.parametrize("option, value", [("--port", "99999"), ("--port", "0"), ("--threads", "0")])
def test_serve_refuses_bad_numbers(tmp_path, option, value):
    done = precedent("serve", option, value, "--index", tmp_path / "index", timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"Invalid value for '{option}'" in done.stderr and "range" in done.stderr
