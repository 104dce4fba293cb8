"""`precedent index` killed with SIGKILL at random moments: after each kill the index still opens, verifies
and answers as before (or as the finished build, when the kill came after it published), and the next
build succeeds. PRECEDENT_KILL_ROUNDS sets the number of kills (3 by default, 10 in the full run)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from indexer import settings
from indexer.generations import IndexDir
from indexer.ingest.build import build
from indexer.search.searcher import Searcher
from tests.paths import CORPUS, ROOT

ROUNDS = int(os.environ.get("PRECEDENT_KILL_ROUNDS", "3"))
QUESTIONS = ["physical therapy functional improvement", "lumbar MRI", "opioid weaning", "knee surgery"]
ARTIFACT = ROOT / "tests" / "artifacts" / "reliability" / "kill9.json"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def answers(index: Path, encoder) -> dict[str, list[str]]:
    searcher = Searcher(settings.load(index=str(index)), encoder=encoder)  # verifies every checksum
    return {q: [r.doc_id for r in searcher.search(q, k=5).results] for q in QUESTIONS}


def start_build(letters: Path, index: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "indexer", "index", str(letters), "--prune", "--index",
                             str(index)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def letter_sets(tmp_path: Path) -> list[Path]:
    """Two folders of letters that differ, so that every build has letters to add and to drop."""
    letters = sorted(CORPUS.rglob("*.txt"))
    folders = []
    for number, chosen in enumerate((letters[:6], letters[3:9])):
        folder = tmp_path / f"letters-{number}"
        folder.mkdir()
        for letter in chosen:
            shutil.copy(letter, folder / letter.name)
        folders.append(folder)
    return folders


def test_builds_killed_at_random_moments_leave_a_good_index(tmp_path, encoder):
    rng = random.Random(int(os.environ.get("PRECEDENT_KILL_SEED", "10")))
    index = tmp_path / "index"
    folders = letter_sets(tmp_path)
    assert start_build(folders[0], index).wait(timeout=600) == 0
    assert start_build(folders[1], index).wait(timeout=600) == 0  # every embedding is cached from here on
    started = time.perf_counter()  # time a build like those to be killed: the other letters, pruned
    assert start_build(folders[0], index).wait(timeout=600) == 0
    full_build = time.perf_counter() - started
    before = answers(index, encoder)
    rounds = []
    for number in range(ROUNDS):
        letters = folders[(number + 1) % 2]
        live = IndexDir(index).require()
        delay = rng.uniform(0, full_build)
        process = start_build(letters, index)
        started = time.perf_counter()
        while time.perf_counter() - started < delay and process.poll() is None:
            time.sleep(0.05)
        finished_first = process.poll() is not None
        if finished_first:  # builds got quicker than timed: draw later moments within what they take
            full_build = time.perf_counter() - started
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        now = IndexDir(index).require()
        after_kill = answers(index, encoder)  # opens and verifies whatever is live
        if now == live:
            assert after_kill == before, f"round {number}: the old index answers differently"
        # the next build succeeds and gives the answers of an uninterrupted build over these letters
        report = build([letters], settings.load(index=str(index)), prune=True, encoder=encoder)
        assert not report.failed and not list(index.glob(".staging-*"))
        before = answers(index, encoder)
        if now != live:
            assert after_kill == before, f"round {number}: the published build answers differently"
        rounds.append({"delay_s": round(delay, 2), "published_before_kill": now != live,
                       "exited_before_kill": finished_first})
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps({"kills": len(rounds), "survived": len(rounds),
                                    "killed_mid_build": sum(not r["published_before_kill"] for r in rounds),
                                    "build_seconds": round(full_build, 1), "rounds": rounds}, indent=1))
    assert len(rounds) == ROUNDS
