import re

import pytest

from indexer.ingest import clean, layouts
from tests.paths import SEEDS


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


def test_space_marked_text_paragraphs_end_at_a_line_of_spaces():
    # Single line breaks; a line holding one space ends a paragraph; a short line is no end.
    raw = ("Priority:  Standard Application \nReceived:  \n01/05/2017 \n \nThe first paragraph "
           "wraps onto \na second line: \nand ends here. \n \nA second paragraph. \n \nThird one \n")
    assert [b.text for b in blocks(raw)] == [
        "Priority: Standard Application Received: 01/05/2017",
        "The first paragraph wraps onto a second line: and ends here.",
        "A second paragraph.", "Third one"]


def test_space_marked_page_join_inside_a_sentence_is_joined():
    page = "\n\n\n\n"
    raw = ("A long paragraph of prose that runs right up to the margin of the page and then \n"
           + page + "goes on at the top of the next page. \n \nNext paragraph here. \n \nMore. \n")
    assert [b.text for b in blocks(raw)][0] == (
        "A long paragraph of prose that runs right up to the margin of the page and then goes on "
        "at the top of the next page.")


def test_single_spaced_page_join_joins_unless_the_paragraph_had_ended():
    page = "\n\n\n\n"
    wide = "word " * 16
    raw = (f"{wide}\n{wide}and the sentence\n{page}carries on.\nShort end.\n{page}"
           f"{wide}\nNew paragraph.\n")
    texts = [b.text for b in blocks(raw)]
    assert texts[0].endswith("and the sentence carries on.")
    assert texts[-1].startswith("word") and "Short end." in texts


def test_a_stray_line_of_spaces_does_not_make_text_space_marked():
    lines = ["Some prose line that is long enough to set the width of the page here."] * 30
    assert not clean.is_space_marked([*lines, " ", *lines, " "])
    assert clean.is_space_marked([*lines[:5], " ", *lines[:5], " ", "", "", "", *lines[:3]])
