"""The store, the index backends, the filter mask and similar cases, over two hand-made letters.

Real SQLite, real Whoosh, the real term matrix and real FAISS; the vectors are hand-made, so no model
is loaded. Every keyword test runs over both keyword backends.
"""

from __future__ import annotations

import numpy as np
import pytest

from indexer.determination import Determination, Issue, Patient, Reviewer, Section
from indexer.ingest.chunk import chunk_determination
from indexer.search import similar
from indexer.search.backends import KEYWORD_BACKENDS
from indexer.search.collection import Collection
from indexer.search.filters import allowed
from indexer.search.query import understand
from indexer.search.semantic import FaissSemanticIndex
from indexer.store import Store

PT = "Physical therapy is not medically necessary without functional improvement after prior sessions."
MRI = "An MRI of the knee is medically necessary because the exam shows instability and effusion."


def letter(doc_id: str, item: str, decision: str, treatment: str, rationale: str) -> Determination:
    issue = Issue(item=item, decision=decision, treatment=treatment, body_part=None, guidelines=["MTUS"],
                  rationale=rationale, section_id="rationale-1")
    return Determination(doc_id=doc_id, source=f"{doc_id}.txt", format="test", case_number=doc_id,
                         reviewer=Reviewer(["Orthopedics"]), patient=Patient(), issues=[issue],
                         sections=[Section("rationale-1", "Rationale", rationale)])


@pytest.fixture(params=sorted(KEYWORD_BACKENDS))
def generation(tmp_path, request):
    """A generation of two letters: a store, a keyword index (each backend in turn) and a FAISS index."""
    letters = [letter("CM1", "Physical therapy x 8", "Upheld", "physical therapy", PT),
               letter("CM2", "MRI of the knee", "Overturned", "mri", MRI)]
    added = [(d, chunk_determination(d, 150, 1)) for d in letters]
    store = Store(tmp_path / "store.sqlite")
    for number, (determination, chunks) in enumerate(added):
        store.add_determination(determination, f"hash{number}")
        for chunk in chunks:
            store.add_chunk(chunk, f"embed{number}")
        axis = np.zeros(4, dtype=np.float32)
        axis[number] = 1.0
        store.save_embedding(f"embed{number}", axis, np.stack([axis]))
    FaissSemanticIndex.write(tmp_path, store.number_chunks())
    store.commit()
    backend = KEYWORD_BACKENDS[request.param]
    backend.create(tmp_path / backend.DIRECTORY)
    backend.write(tmp_path / backend.DIRECTORY, [], added)
    collection = Collection(store)
    keyword = backend(tmp_path / backend.DIRECTORY, {c.chunk_id: c.position for c in collection.chunks})
    semantic = FaissSemanticIndex(tmp_path, collection.chunks, sentence_weight=0.5)
    return collection, keyword, semantic


def test_chunks_of_a_rationale_belong_to_its_item():
    chunks = chunk_determination(letter("CM1", "PT", "Upheld", "physical therapy", PT), 150, 1)
    assert [(c.kind, c.issue_index, c.section_id) for c in chunks] == [("rationale", 0, "rationale-1")]


def test_store_round_trips_determinations_and_numbers_chunks(generation):
    collection, _, _ = generation
    assert collection.determination("CM2").issues[0].decision == "Overturned"
    assert [c.position for c in collection.chunks] == [0, 1]
    assert collection.chunk_text(1) == MRI
    assert collection.store.sources() == {}


def test_keyword_index_scores_matching_chunks_by_position(generation):
    _, keyword, _ = generation
    scores = keyword.search(understand("functional improvement"), None)
    assert list(scores) == [0]


def test_keyword_index_searches_only_inside_the_mask(generation):
    _, keyword, _ = generation
    assert keyword.search(understand("knee instability"), np.array([True, False])) == {}


def test_semantic_index_finds_the_closest_chunk_within_a_cut_off(generation):
    _, _, semantic = generation
    assert set(semantic.search(np.array([0, 1, 0, 0], dtype=np.float32), None, 0.3)) == {1}
    assert semantic.search(np.array([0, 1, 0, 0], dtype=np.float32), np.array([True, False]), 0.3) == {}


def test_semantic_index_gives_sentence_similarities_and_stored_vectors(generation):
    _, _, semantic = generation
    assert semantic.sentence_similarity(0, np.array([1, 0, 0, 0], dtype=np.float32)).tolist() == [1.0]
    assert semantic.vectors([1]).tolist() == [[0.0, 1.0, 0.0, 0.0]]


def test_filter_mask_passes_only_the_matching_items_chunks(generation):
    collection, _, _ = generation
    mask, items = allowed(collection, {"decision": "Overturned"})
    assert mask.tolist() == [False, True] and items == {"CM2": {0}}
    assert allowed(collection, {}) == (None, None)


def test_similar_cases_name_what_they_share(generation):
    collection, _, semantic = generation
    source = similar.from_determination(collection, semantic, "CM1")
    assert source.own_positions == [0]
    ranked, shared = similar.rank(collection, {1: 0.5}, source, None, second_weight=0.1)
    assert [r.doc_id for r in ranked] == ["CM2"] and shared == {"CM2": []}
    assert similar.issue_from_text("PT for the knee was denied").treatment == "physical therapy"


def test_keyword_index_reads_phrases_and_operators(generation):
    _, keyword, _ = generation
    assert list(keyword.search(understand('"functional improvement"'), None)) == [0]
    assert keyword.search(understand('"improvement functional"'), None) == {}
    assert list(keyword.search(understand("knee AND instability"), None)) == [1]
    assert keyword.search(understand("knee AND functional"), None) == {}
    assert list(keyword.search(understand("therapy NOT knee"), None)) == [0]


def test_keyword_index_finds_an_item_by_its_own_words(generation):
    _, keyword, _ = generation
    assert list(keyword.search(understand("x 8"), None)) in ([0], [])  # "x" and "8" are too short to index
    assert list(keyword.search(understand("MRI"), None)) == [1]


def test_term_matrix_scores_as_whoosh_does(tmp_path):
    """The same BM25F scores, to float precision, for words, phrases, expansions and near-phrases."""
    from indexer.search.keyword import WhooshKeywordIndex
    from indexer.search.matrix import MatrixKeywordIndex

    letters = [letter("CM1", "Physical therapy x 8", "Upheld", "physical therapy", PT + " " + PT),
               letter("CM2", "MRI of the knee", "Overturned", "mri", MRI),
               letter("CM3", "Physical therapy x 12", "Overturned", "physical therapy",
                      "Therapy with physical modalities helped; the knee MRI shows functional gains.")]
    added = [(d, chunk_determination(d, 150, 1)) for d in letters]
    opened = []
    for backend in (WhooshKeywordIndex, MatrixKeywordIndex):
        backend.create(tmp_path / backend.DIRECTORY)
        backend.write(tmp_path / backend.DIRECTORY, [], added)
        opened.append(backend(tmp_path / backend.DIRECTORY,
                              {c.chunk_id: n for n, c in enumerate(c for _, cs in added for c in cs)}))
    whoosh, matrix = opened
    matched = 0
    for question in ("PT after knee surgery", "physical therapy functional improvement", '"knee MRI"',
                     "MRI OR therapy", "therapy NOT knee", "knee ANDMAYBE functional"):
        for filters in ({}, {"decision": "Overturned"}):
            q = understand(question, filters)
            mask = None if not filters else np.array([False, True, True])
            expected = whoosh.search(q, mask)
            found = matrix.search(q, mask)
            assert found.keys() == expected.keys(), question
            assert all(found[p] == pytest.approx(expected[p], rel=1e-5) for p in expected), question
            matched += bool(expected)
    assert matched >= 10


def test_term_matrix_drops_removed_letters_on_write(tmp_path):
    from indexer.search.matrix import MatrixKeywordIndex

    letters = [letter("CM1", "Physical therapy x 8", "Upheld", "physical therapy", PT),
               letter("CM2", "MRI of the knee", "Overturned", "mri", MRI)]
    added = [(d, chunk_determination(d, 150, 1)) for d in letters]
    folder = tmp_path / MatrixKeywordIndex.DIRECTORY
    MatrixKeywordIndex.create(folder)
    MatrixKeywordIndex.write(folder, [], added)
    MatrixKeywordIndex.write(folder, ["CM1"], [])
    keyword = MatrixKeywordIndex(folder, {added[1][1][0].chunk_id: 0})
    assert keyword.search(understand("physical therapy functional"), None) == {}
    assert list(keyword.search(understand("knee instability"), None)) == [0]


def test_an_unknown_keyword_backend_is_refused_in_one_line():
    from indexer.errors import IndexUnavailable
    from indexer.search.backends import keyword_backend

    with pytest.raises(IndexUnavailable, match="unknown keyword backend 'lucene'"):
        keyword_backend("lucene")


def test_the_collection_holds_outlines_and_reads_whole_letters_from_the_store(generation, monkeypatch):
    from indexer.search import collection as collection_module

    collection, _, _ = generation
    outline = collection.outlines["CM1"]
    assert outline.sections == [] and outline.issues[0].rationale == ""
    assert (outline.issues[0].item, outline.issues[0].decision) == ("Physical therapy x 8", "Upheld")
    assert collection.issue("CM1", 0).rationale == ""
    assert collection.issue("CM1", 0, rationale=True).rationale == PT
    whole = collection.determination("CM2")
    assert whole.sections[0].text == MRI and whole.issues[0].rationale == MRI
    assert list(collection.determinations) == ["CM1", "CM2"] and "CM3" not in collection.determinations
    with pytest.raises(KeyError):
        collection.determinations["CM3"]
    monkeypatch.setattr(collection_module, "CACHED_LETTERS", 1)
    letters = collection_module.Letters(collection.store, ["CM1", "CM2"])
    first = letters["CM1"]
    assert letters["CM1"] is first  # kept
    letters["CM2"]
    assert letters["CM1"] is not first and letters["CM1"] == first  # dropped, read again


@pytest.mark.parametrize(("schema", "readable"), [(4, False), (5, True), (6, True), (7, False)])
def test_generations_of_schema_5_are_read_and_others_refused(tmp_path, schema, readable):
    """Schema 6 added the row map; a schema-5 generation has none and its rows are its chunk positions
    (read by the test above). A server older than 6 refuses a schema-6 generation instead of reading
    rows as positions."""
    from indexer import settings
    from indexer.errors import IndexUnavailable
    from indexer.generations import SCHEMA_VERSION, Manifest

    config = settings.load(index=str(tmp_path))
    manifest = Manifest(schema, config.model, 384, config.chunk_words, config.chunk_overlap, 0, 0, {})
    assert SCHEMA_VERSION == 6
    if readable:
        manifest.check(config)
    else:
        with pytest.raises(IndexUnavailable, match=f"index schema {schema} does not match"):
            manifest.check(config)
