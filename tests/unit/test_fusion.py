import pytest

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
