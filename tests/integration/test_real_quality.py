"""Ranking-quality floors over reviewer questions judged on the 194 real letters.

Skipped where ../shared/real is absent. The held-out questions are not scored here: they are
kept for a final check by `python -m evaluation.real --heldout`, never for tuning.
"""

from __future__ import annotations

import pytest

from evaluation.real import load_questions, rank_quality


@pytest.fixture(scope="module")
def quality(real_searcher):
    return rank_quality(real_searcher, load_questions())


def test_hybrid_meets_its_floor_on_real_letters(quality):
    assert quality["hybrid"].ndcg >= 0.85


def test_hybrid_beats_each_mode_alone_and_keyword_beats_whole_letter_bm25(quality):
    assert quality["hybrid"].ndcg > quality["keyword"].ndcg
    assert quality["hybrid"].ndcg > quality["semantic"].ndcg
    assert quality["keyword"].ndcg > quality["whole-letter bm25"].ndcg


@pytest.mark.parametrize("style", ["natural", "paraphrase"])
def test_questions_about_reasons_and_in_lay_words_are_answered(quality, style):
    assert quality["hybrid"].by_style[style] >= 0.75
