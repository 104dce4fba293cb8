"""Building the index: incremental, deduplicating, refusing bad input, surviving kill -9."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evaluation import synthetic
from indexer import settings
from indexer.errors import IndexUnavailable
from indexer.generations import IndexDir, Manifest
from indexer.ingest.build import build
from indexer.search.searcher import Searcher
from indexer.settings import Settings
from tests.paths import ROOT, SEEDS
from tests.pdfs import minimal_pdf


def config(index: Path, **overrides) -> Settings:
    return settings.load(index=str(index), **overrides)


def test_incremental_rebuild_skips_unchanged_replaces_changed_and_prunes(tmp_path, letters_dir,
                                                                         encoder):
    index = tmp_path / "index"
    first = build([letters_dir], config(index), encoder=encoder)
    assert (first.added, first.unchanged, first.determinations) == (5, 0, 5)

    again = build([letters_dir], config(index), encoder=lambda: pytest.fail("model loaded"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)

    changed = letters_dir / SEEDS[0].name
    changed.write_text(changed.read_text().replace("left hip", "left knee"))
    (letters_dir / SEEDS[1].name).unlink()
    third = build([letters_dir], config(index), prune=True, encoder=encoder)
    assert (third.updated, third.removed, third.unchanged, third.determinations) == (1, 1, 3, 4)

    searcher = Searcher(config(index), encoder=encoder)
    assert SEEDS[1].stem not in searcher.determinations
    assert "left knee" in searcher.determination(SEEDS[0].stem).issues[0].item
    old_words = searcher.search("left hip", mode="keyword").results
    assert all(r.doc_id != SEEDS[0].stem or "hip" in r.excerpts[0].text for r in old_words)


def test_bad_files_fail_with_a_reason_and_everything_else_is_indexed(tmp_path, letters_dir,
                                                                     encoder):
    (letters_dir / "empty.txt").write_text("")
    (letters_dir / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (letters_dir / "random.pdf").write_bytes(os.urandom(3000))
    (letters_dir / "truncated.pdf").write_bytes(minimal_pdf("Some letter text here")[:200])
    (letters_dir / "image-only.pdf").write_bytes(minimal_pdf(""))
    (letters_dir / "huge.txt").write_text("word " * 4000)
    (letters_dir / ".hidden.txt").write_text(SEEDS[0].read_text())
    (letters_dir / "notes.md").write_text("not a letter")
    conf = config(tmp_path / "index", max_file_mb=0.015)  # 15 KB: the seeds fit, huge.txt (20 KB) not
    report = build([letters_dir], conf, encoder=encoder)
    reasons = {Path(f.path).name: f.error for f in report.failed}
    assert set(reasons) == {"empty.txt", "junk.txt", "random.pdf", "truncated.pdf",
                            "image-only.pdf", "huge.txt"}
    assert report.determinations == 5
    assert reasons["empty.txt"] == "empty file"
    assert reasons["junk.txt"] == "binary file, not text"
    assert reasons["random.pdf"] == "not a PDF (no %PDF header)"
    assert reasons["truncated.pdf"].startswith("unreadable PDF")
    assert "no text layer" in reasons["image-only.pdf"]
    assert "over the" in reasons["huge.txt"]
    assert all("\n" not in reason for reason in reasons.values())


def test_pdf_letters_and_duplicates_under_two_names(tmp_path, encoder):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.pdf").write_bytes(minimal_pdf(
        "CLINICAL CASE SUMMARY\nThe injured worker is a 40 year old female injured on 1/2/2012.\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\nAcupuncture x 6: Overturned\n"
        "Decision rationale: An initial trial is medically necessary."))
    shutil.copy(SEEDS[2], folder / "first.txt")
    shutil.copy(SEEDS[2], folder / "second-copy.txt")
    report = build([folder], config(tmp_path / "index"), encoder=encoder)
    assert report.failed == [] and report.determinations == 2
    searcher = Searcher(config(tmp_path / "index"), encoder=encoder)
    pdf = searcher.determination("letter")
    assert (pdf.issues[0].item, pdf.issues[0].decision) == ("Acupuncture x 6", "Overturned")
    duplicate = next(d for d in searcher.determinations.values() if d.doc_id != "letter")
    assert duplicate.sources == ["first.txt", "second-copy.txt"]
    assert any("same letter" in w for w in duplicate.warnings)


def test_index_refuses_other_model_or_schema(tmp_path, letters_dir, encoder):
    index = tmp_path / "index"
    build([letters_dir], config(index), encoder=encoder)
    with pytest.raises(IndexUnavailable, match="model"):
        Searcher(config(index, model="some-other-model"), encoder=encoder)
    generation = IndexDir(index).current()
    manifest = json.loads((generation / "manifest.json").read_text())
    (generation / "manifest.json").write_text(json.dumps({**manifest, "schema_version": 0}))
    with pytest.raises(IndexUnavailable, match="schema"):
        Manifest.load(generation).check(config(index))


def test_a_build_killed_midway_leaves_the_previous_index_whole(tmp_path, letters_dir, encoder):
    index = tmp_path / "index"
    build([letters_dir], config(index), encoder=encoder)
    live = IndexDir(index).current()
    reader = Searcher(config(index), encoder=encoder)

    more = tmp_path / "more"
    synthetic.write(synthetic.generate(60, seed=5), more)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer", "index", str(letters_dir), str(more), "--index",
         str(index)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not list(index.glob(".staging-*/store.sqlite")):
        time.sleep(0.1)
    time.sleep(4)  # well into reading and embedding
    assert process.poll() is None, "the build finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert IndexDir(index).current() == live
    assert reader.search("physical therapy", mode="keyword").total == 5
    assert Searcher(config(index), encoder=encoder).counts()["determinations"] == 5

    report = build([letters_dir, more], config(index), encoder=encoder)
    assert (report.added, report.unchanged, report.determinations) == (60, 5, 65)
    assert not list(index.glob(".staging-*"))
    assert reader.search("physical therapy", mode="keyword").total == 5  # old reader unharmed


def test_encrypted_pdf_is_reported(tmp_path, encoder):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(minimal_pdf("A letter about knee surgery and therapy"))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    folder = tmp_path / "in"
    folder.mkdir()
    with open(folder / "locked.pdf", "wb") as handle:
        writer.write(handle)
    shutil.copy(SEEDS[0], folder)
    report = build([folder], config(tmp_path / "index"), encoder=encoder)
    assert [(Path(f.path).name, f.error) for f in report.failed] == [
        ("locked.pdf", "encrypted PDF: a password is needed")]
    assert report.determinations == 1


@pytest.mark.parametrize("backend", ["matrix", "whoosh"])
def test_an_updated_index_ranks_like_a_fresh_one(tmp_path, letters_dir, encoder, backend):
    """Replaced letters leave deleted Whoosh documents behind; they must not skew BM25."""
    updated = tmp_path / "updated"
    build([letters_dir], config(updated, keyword_backend=backend), encoder=encoder)
    for letter in letters_dir.iterdir():
        letter.write_text(letter.read_text() + "\n")
    report = build([letters_dir], config(updated, keyword_backend=backend), encoder=encoder)
    assert report.updated == 5
    fresh = tmp_path / "fresh"
    build([letters_dir], config(fresh, keyword_backend=backend), encoder=encoder)
    searchers = [Searcher(config(index), encoder=encoder) for index in (updated, fresh)]
    for query in ("functional improvement", "PT lumbar spine exceeds guidelines", "Norco"):
        old, new = (s.search(query, mode="keyword").results for s in searchers)
        assert [r.doc_id for r in old] == [r.doc_id for r in new]
        # Whoosh keeps field lengths in one lossy byte per document, so a merged index is
        # within a rounding error of a fresh one, not bit-equal.
        assert [r.score for r in old] == pytest.approx([r.score for r in new], rel=0.02)


def test_the_manifest_names_the_keyword_backend_and_a_switch_rewrites_its_files(tmp_path, letters_dir,
                                                                                encoder):
    index = tmp_path / "index"
    build([letters_dir], config(index, keyword_backend="matrix"), encoder=encoder)
    manifest = Manifest.load(IndexDir(index).require())
    assert manifest.keyword_backend == "matrix" and "terms/postings_weights.npy" in manifest.files
    question = "physical therapy functional improvement"
    before = Searcher(config(index), encoder=encoder).search(question, mode="keyword").results

    report = build([letters_dir], config(index, keyword_backend="whoosh"),
                   encoder=lambda: pytest.fail("model loaded"))
    assert report.unchanged == 5
    generation = IndexDir(index).require()
    manifest = Manifest.load(generation)
    assert manifest.keyword_backend == "whoosh" and not (generation / "terms").exists()
    assert any(name.startswith("whoosh/") for name in manifest.files)
    # The searcher opens what the generation holds, whatever the setting says now.
    searcher = Searcher(config(index, keyword_backend="matrix"), encoder=encoder)
    after = searcher.search(question, mode="keyword").results
    assert before and [r.doc_id for r in after] == [r.doc_id for r in before]
    assert [r.score for r in after] == pytest.approx([r.score for r in before], rel=1e-4)


def test_many_letters_are_parsed_in_a_process_per_core_as_one_process_parses_them(tmp_path):
    """parse_many spawns a process per core from PARALLEL_FROM letters: the same determinations, in the
    same order, a bad file failing with its reason in its place."""
    from indexer.ingest.build import Failure, parse_letter, parse_many

    bad = tmp_path / "empty.txt"
    bad.write_text("")
    files = [*SEEDS, bad, *SEEDS[:2]]
    serial = [parse_letter(file, 2**20) for file in files]
    parallel = parse_many(files, 2**20, parallel_from=2)
    assert [type(d) for d in parallel] == [type(d) for d in serial]
    assert isinstance(parallel[len(SEEDS)], Failure) and parallel[len(SEEDS)].path == str(bad)
    assert [d.to_dict() for d in parallel if not isinstance(d, Failure)] == \
        [d.to_dict() for d in serial if not isinstance(d, Failure)]
