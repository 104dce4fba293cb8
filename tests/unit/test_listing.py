"""The file listing reports every thing named like a letter that it does not read, and never opens a FIFO."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from indexer.ingest.listing import list_letters

LETTER = "Independent Medical Review Final Determination Letter, physical therapy is upheld.\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "letters"
    root.mkdir()
    (root / "good.txt").write_text(LETTER)
    (root / "notes.md").write_text("not a letter, said nothing of")
    (root / ".hidden.txt").write_text(LETTER)
    return root


def reasons(listing) -> dict[str, str]:
    return {path.name: why for path, why in listing.problems}


def test_letters_are_found_recursively_and_hidden_files_skipped(folder):
    (folder / "sub").mkdir()
    (folder / "sub" / "deeper.PDF").write_bytes(b"%PDF-1.4")
    listing = list_letters([folder])
    assert [p.name for p in listing.files] == ["good.txt", "deeper.PDF"]
    assert listing.problems == [] and listing.missing == []


def test_broken_links_and_link_loops_are_reported(folder):
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "back").symlink_to(folder)  # a folder linking to its parent
    found = reasons(list_letters([folder]))
    assert "broken symbolic link" in found["gone.txt"]
    assert found["a.txt"] == found["b.txt"] == "symbolic link loop"
    assert "symbolic link loop" in found["back"]


def test_fifos_and_sockets_are_reported_never_opened(folder, tmp_path):
    os.mkfifo(folder / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "socket.pdf"))
    try:
        listing = list_letters([folder, folder / "pipe.txt"])  # would hang if the FIFO were read
    finally:
        server.close()
    found = reasons(listing)
    assert found["pipe.txt"] == "not a regular file (a FIFO)"
    assert found["socket.pdf"] == "not a regular file (a socket)"
    assert [p.name for p in listing.files] == ["good.txt"]


def test_a_folder_named_like_a_letter_is_read_and_said_when_empty(folder):
    (folder / "empty.txt").mkdir()
    (folder / "holds.txt").mkdir()
    (folder / "holds.txt" / "inner.txt").write_text(LETTER)
    listing = list_letters([folder])
    assert reasons(listing) == {"empty.txt": "a folder, not a letter file"}
    assert "inner.txt" in [p.name for p in listing.files]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder: permissions cannot be tested")
def test_an_unreadable_folder_is_reported(folder):
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        found = reasons(list_letters([folder]))
    finally:
        locked.chmod(0o755)
    assert found["locked"].startswith("cannot read this folder")


def test_missing_paths_are_listed_apart(folder, tmp_path):
    listing = list_letters([folder, tmp_path / "no-such-folder"])
    assert listing.missing == [tmp_path / "no-such-folder"]
    assert [p.name for p in listing.files] == ["good.txt"]
