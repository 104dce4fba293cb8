import numpy as np

from indexer.search.highlight import excerpt, merge_spans, render
from indexer.search.terms import stems

TEXT = ("Physical therapy resulted in increased pain. There was no documentation indicating "
        "objective functional improvement with prior physical therapy. The request is dated May "
        "11, 2015. The note is dated April 15, 2015. The patient has <script> in the chart.")


def weights(words):
    return {term: 1.0 for term in stems(words)}


def test_adjacent_matches_merge_into_one_mark():
    result = excerpt(TEXT, weights("functional improvement"), "Rationale", "issue-1")
    assert "<mark>functional improvement</mark>" in result.html
    assert result.found_by == "keyword"


def test_excerpt_is_40_to_80_words_at_sentence_boundaries_and_escaped():
    result = excerpt(TEXT, weights("functional improvement"), "Rationale", "issue-1")
    assert 10 <= len(result.text.split()) <= 80
    assert result.text.endswith(".") and result.text[0].isupper()
    long = excerpt(TEXT, weights("chart"), "Rationale", "issue-1")
    assert "&lt;script&gt;" in long.html and "<script>" not in long.html
    assert "<script>" in long.text  # text stays plain, as written


def test_long_sentences_are_trimmed_at_word_boundaries():
    sentence = " ".join(f"word{i}" for i in range(200)) + " target here."
    result = excerpt(sentence, weights("target"), "S", "s")
    assert len(result.text.split()) <= 82 and "<mark>target</mark>" in result.html
    assert result.text.startswith("… word")


def test_passage_found_by_meaning_marks_its_closest_sentence():
    similarity = np.array([0.1, 0.7, 0.2, 0.1, 0.1])
    result = excerpt(TEXT, {}, "Rationale", "issue-1", similarity)
    assert result.found_by == "semantic"
    assert '<mark class="semantic">There was no documentation' in result.html


def test_render_and_merge():
    assert render("a <b> c", [(3, 4)]) == "a &lt;<mark>b</mark>&gt; c"
    assert merge_spans("x-ray film", [(0, 1), (2, 5), (6, 10)]) == [(0, 10)]


def test_cut_gives_the_analyzers_terms_and_spans():
    """Excerpts cut text with terms.cut (fast); the index with ANALYZER: both must agree."""
    from indexer.search.terms import ANALYZER, cut

    for text in ["Physical therapy (PT) x12 is NOT medically necessary per MTUS 9792.24.2; ACOEM p.299.",
                 "ÉCOLE Straße İstanbul ﬁne 3.5mg x.y.z a an I'm MRI's", "", "ǅ ß ΣΑΣ — the 1st/2nd visits"]:
        assert cut(text) == [(t.text, t.startchar, t.endchar)
                             for t in ANALYZER(text, chars=True, positions=True)]


def test_cut_agrees_with_the_analyzer_on_the_real_letters():
    import pytest

    from indexer.search.terms import ANALYZER, cut
    from tests.paths import REAL

    letters = sorted(REAL.rglob("*.txt"))
    if not letters:
        pytest.skip("the real letters are not beside the repository")
    for letter in letters:
        text = letter.read_text(errors="replace")
        assert cut(text) == [(t.text, t.startchar, t.endchar)
                             for t in ANALYZER(text, chars=True, positions=True)], letter.name
