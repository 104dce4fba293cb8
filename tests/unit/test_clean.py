import re

import pytest

from indexer import clean, layouts
from tests.conftest import SEEDS


def blocks(raw):
    return clean.blocks(raw, layouts.HEADING_PATTERNS, layouts.PARAGRAPH_STARTS,
                        layouts.PARAGRAPH_ENDS)


@pytest.mark.parametrize("lines, expected", [
    (["treatment included x-", "rays and MRI"], "treatment included x-rays and MRI"),
    (["is not medi-", "cally necessary"], "is not medically necessary"),
    (["a follow-", "up visit"], "a follow-up visit"),
    (["the C7 - T-", "1 interspace"], "the C7 - T-1 interspace"),
    (["documen-", "tation of benefit"], "documentation of benefit"),
    (["8-  to 10-session  course "], "8- to 10-session course"),
])
def test_join_lines_mends_hyphens_and_spaces(lines, expected):
    assert clean.join_lines(lines) == expected


def test_doubled_line_breaks_and_single_space_paragraph_ends():
    raw = ("First line of a \n\nsentence that goes \n\non and on. \n\n \n\nSecond paragraph "
           "\n\nhere. \n\n")
    assert [b.text for b in blocks(raw)] == [
        "First line of a sentence that goes on and on.", "Second paragraph here."]


def test_page_break_inside_a_sentence_is_joined():
    raw = ("one two three four \n\nfive six of denials, \n\n\n\ncompletion or benefits. \n\n"
           " \n\nnext \n\npara \n\n")
    assert blocks(raw)[0].text == "one two three four five six of denials, completion or benefits."


def test_wrapped_heading_is_recognised():
    raw = "Intro text here. \n\n \n\nIMR DECISION(S) AND \n\nRATIONALE(S) \n\nThe Final text \n\n"
    found = blocks(raw)
    assert [b.heading for b in found] == [None, "decisions", None]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_paragraphs_have_no_broken_sentences_or_double_spaces(seed):
    for block in blocks(seed.read_text()):
        assert "\n" not in block.text
        assert "  " not in block.text
        assert block.text == block.text.strip()
        # a line break never survives inside a word: no "medi- cally" style leftovers
        assert not re.search(r"[a-z]- [a-z]{2,}", block.text), block.text


def test_cp1252_quotes_and_invisible_characters_are_normalized():
    assert clean.normalize("a\u00adb\u200bc\r\nd") == "abc\nd"


@pytest.mark.parametrize("left, right, joined", [
    ("in-", "jection", "injection"), ("pre-", "scription", "prescription"),
    ("non-", "certified", "non-certified"), ("post-", "operative", "post-operative"),
    ("ex-", "amination", "examination"), ("left-", "sided", "left-sided"),
])
def test_hyphen_rules_on_common_clinical_words(left, right, joined):
    assert clean.join_lines([f"the {left}", f"{right} today"]) == f"the {joined} today"
