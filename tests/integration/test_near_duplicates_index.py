"""Near-identical letters in a real index: one search row, no twice-listed similar case, and groups
that follow incremental builds. The near-identical letters are written here from one synthetic letter."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from indexer import settings
from indexer.generations import Manifest, checksums
from indexer.ingest.build import build
from indexer.search.searcher import Searcher
from indexer.store import Store
from tests.paths import CORPUS, SEEDS

TEMPLATE = (CORPUS / "synthetic" / "sample_002.txt").read_text()
QUERY = "knee MRI meniscal tear McMurray locking arthroscopy"


def variant(case_number: str, age: str, *edits: tuple[str, str]) -> str:
    text = TEMPLATE.replace("CM13-4866552", case_number).replace("59 year old", f"{age} year old")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    folder = tmp_path_factory.mktemp("near-identical-letters")
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    (folder / "template_a.txt").write_text(variant("CM19-0000001", "59"))
    (folder / "template_b.txt").write_text(variant("CM19-0000002", "47", ("six weeks", "eight weeks")))
    return folder


@pytest.fixture(scope="module")
def index(letters, tmp_path_factory, encoder):
    directory = tmp_path_factory.mktemp("near-identical-index")
    report = build([letters], settings.load(index=str(directory)), encoder=encoder)
    assert report.determinations == len(SEEDS) + 2 and not report.failed
    return directory


@pytest.fixture(scope="module")
def near_searcher(index, encoder):
    return Searcher(settings.load(index=str(index)), encoder=encoder)


def rows(response):
    return [r.doc_id for r in response.results]


def test_two_near_identical_letters_are_one_result_naming_the_other(near_searcher):
    response = near_searcher.search(QUERY, k=10)
    pair = {"CM19-0000001", "CM19-0000002"}
    shown = [r for r in response.results if r.doc_id in pair]
    assert len(shown) == 1
    assert shown[0].near_duplicates == sorted(pair - {shown[0].doc_id})
    assert all(not r.near_duplicates for r in response.results if r.doc_id not in pair)
    assert [r.rank for r in response.results] == list(range(1, len(response.results) + 1))
    assert response.to_dict()["results"][0]["near_duplicates"] is not None


def test_near_duplicates_do_not_take_rows_from_other_letters(near_searcher):
    response = near_searcher.search(QUERY, k=len(SEEDS) + 2)
    assert len(rows(response)) == len(set(rows(response)))
    assert not {"CM19-0000001", "CM19-0000002"} <= set(rows(response))
    assert response.total == len(near_searcher.matching(QUERY))  # still counted as matches


def test_similar_cases_never_list_near_identical_letters_twice(near_searcher):
    pasted = variant("CM19-0000009", "52")
    response = near_searcher.similar(text=pasted, k=10)
    pair = [d for d in rows(response) if d in {"CM19-0000001", "CM19-0000002"}]
    assert len(pair) == 1 and response.results[0].doc_id == pair[0]
    assert response.results[0].near_duplicates


def test_a_letters_own_near_duplicate_is_listed_and_marked(near_searcher):
    response = near_searcher.similar(doc_id="CM19-0000001", k=10)
    assert response.results[0].doc_id == "CM19-0000002"
    assert response.results[0].near_identical_to_source
    assert not any(r.near_identical_to_source for r in response.results[1:])


def test_an_index_built_before_groups_existed_is_signed_and_grouped_on_its_next_build(letters, index,
                                                                                      tmp_path, encoder):
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    generation = copy / (copy / "CURRENT").read_text().strip()
    older = sqlite3.connect(generation / "store.sqlite")
    older.executescript("DROP TABLE signatures; DROP TABLE near_duplicates;")
    older.close()
    manifest = Manifest.load(generation)
    manifest.files = checksums(generation)
    manifest.save(generation)
    assert Searcher(settings.load(index=str(copy)), encoder=encoder).collection.group_of == {}

    assert build([letters], settings.load(index=str(copy)), encoder=encoder).unchanged == len(SEEDS) + 2
    assert _groups(copy) == {"CM19-0000001": "CM19-0000001", "CM19-0000002": "CM19-0000001"}


def test_incremental_builds_keep_the_groups_right(letters, index, tmp_path, encoder):
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    configured = settings.load(index=str(copy))

    (letters / "template_c.txt").write_text(
        variant("CM19-0000003", "38", ("and bracing", "and a knee brace")))
    assert build([letters], configured, encoder=encoder).added == 1
    assert _groups(copy) == {"CM19-0000001": "CM19-0000001", "CM19-0000002": "CM19-0000001",
                             "CM19-0000003": "CM19-0000001"}

    (letters / "template_a.txt").unlink()
    (letters / "template_c.txt").unlink()
    assert build([letters], configured, prune=True, encoder=encoder).removed == 2
    assert _groups(copy) == {}
    response = Searcher(configured, encoder=encoder).search(QUERY, k=10)
    assert "CM19-0000002" in rows(response)
    assert all(not r.near_duplicates for r in response.results)


def _groups(index) -> dict[str, str]:
    generation = index / (index / "CURRENT").read_text().strip()
    store = Store(generation / "store.sqlite", readonly=True)
    try:
        return store.near_duplicates()
    finally:
        store.close()
