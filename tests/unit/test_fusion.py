import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.search import fusion


@pytest.mark.parametrize("keyword, semantic, weight, expected_order", [
    ({1: 10.0, 2: 5.0}, {}, 0.5, [1, 2]),
    ({}, {3: 0.9, 4: 0.5}, 0.5, [3, 4]),
    ({1: 10.0, 2: 9.0}, {2: 0.9, 1: 0.31}, 0.5, [2, 1]),     # agreement beats one strong vote
    ({1: 10.0, 2: 9.0}, {2: 0.9, 1: 0.31}, 0.0, [1, 2]),     # weight 0: keyword alone
])
def test_convex_orders_by_weighted_normalized_scores(keyword, semantic, weight, expected_order):
    fused = fusion.convex(keyword, semantic, weight, floor=0.3)
    assert sorted(fused, key=fused.get, reverse=True) == expected_order


def test_convex_scales_are_bounded():
    fused = fusion.convex({1: 42.0}, {1: 0.8, 2: 0.3}, 0.5, floor=0.3)
    assert fused[1] == pytest.approx(1.0) and fused[2] == pytest.approx(0.0)


def test_rrf_matches_its_formula():
    fused = fusion.rrf({1: 3.0, 2: 1.0}, {2: 0.9}, k=60, semantic_weight=0.5)
    assert fused[1] == pytest.approx(0.5 / 61)
    assert fused[2] == pytest.approx(0.5 / 62 + 0.5 / 61)


def test_aggregate_takes_the_best_chunk_plus_a_little_of_the_second():
    doc_of = {1: "a", 2: "a", 3: "b"}.__getitem__
    scored = fusion.aggregate({1: 0.9, 2: 0.5, 3: 0.95}, doc_of, second_weight=0.1)
    assert scored["a"] == (pytest.approx(0.95), [1, 2])
    assert scored["b"] == (pytest.approx(0.95), [3])


@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9, 1.0])),
                min_size=0, max_size=80, unique_by=lambda pair: pair[0]),
       st.lists(st.integers(0, 9), min_size=31, max_size=31))
def test_best_two_over_arrays_scores_letters_as_aggregate_does(chunks, letter_of_chunk):
    """ranking.best_two (arrays, what searches use) against fusion.aggregate (the definition), ties
    of equal chunks included."""
    from types import SimpleNamespace

    import numpy as np

    from indexer.search.ranking import best_two

    tables = SimpleNamespace(chunk_doc=np.array(letter_of_chunk))
    positions = np.array([p for p, _ in chunks], dtype=np.int64)
    scores = np.array([s for _, s in chunks], dtype=np.float64)
    docs, best, score = best_two(tables, positions, scores, 0.1)
    expected = fusion.aggregate(dict(chunks), lambda p: letter_of_chunk[p], second_weight=0.1)
    assert docs.tolist() == sorted(expected)
    for doc, top, total in zip(docs.tolist(), best.tolist(), score.tolist(), strict=True):
        assert total == pytest.approx(expected[doc][0], abs=1e-12)
        assert top == max(s for p, s in chunks if letter_of_chunk[p] == doc)
