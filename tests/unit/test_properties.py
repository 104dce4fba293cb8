"""Properties over any text, surrogates and control characters included: the cleaner, the parser, query
understanding and follow-ups never raise (but for the one QueryError an empty question deserves), and
what they return holds together. Examples per test: the hypothesis profile (tests/conftest.py)."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from indexer.errors import QueryError
from indexer.ingest import clean
from indexer.ingest.parse import parse_text
from indexer.search.followup import Turn, adjust, is_follow_up, refine
from indexer.search.query import FILTER_KEYS, understand
from tests.paths import SEEDS

# Every code point, lone surrogates (category Cs) and control characters included.
ANY_CHAR = st.characters(exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=300)
# Lines of a real letter shuffled with hostile ones, so the parser's deep paths (headings, items,
# decisions, rationales) meet broken input too.
LETTER_LINES = [line for line in SEEDS[0].read_text().split("\n") if line.strip()] if SEEDS else ["x"]
ODD_LINES = ["", " ", "\f", "\r\n", "\x00", "\ud800", "Upheld", ":  Overturned"]
LETTERISH = st.lists(st.one_of(st.sampled_from(LETTER_LINES), ANY_TEXT, st.sampled_from(ODD_LINES)),
                     max_size=40).map("\n".join)
QUESTIONS = st.one_of(ANY_TEXT, st.lists(st.sampled_from(
    ["only", "the", "overturned", "upheld", "what about", "knee", "without", "ODG", "MTUS", "PT", "NOT",
     "decision:upheld", 'treatment:"physical therapy"', "guideline:", "injury_year_from:20x", "\"", "AND",
     "acupuncture", "clear filters", "any decision", "post-op", "partially authorized", "\ud800", "\x00",
     "no functional improvement", "*", "(", "lumbar MRI"]), max_size=12).map(" ".join))


def _utf8(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate


@given(ANY_TEXT)
def test_normalize_never_fails_is_idempotent_and_leaves_no_control_or_surrogate(text):
    once = clean.normalize(text)
    assert clean.normalize(once) == once
    assert all(ch == "\n" or unicodedata.category(ch)[0] != "C" for ch in once)


@given(ANY_TEXT)
def test_tidy_and_join_lines_are_idempotent(text):
    tidied = clean.tidy(clean.normalize(text))
    assert clean.tidy(tidied) == tidied
    joined = clean.join_lines(clean.normalize(text).split("\n"))
    assert clean.join_lines([joined]) == joined


@given(LETTERISH)
def test_cleaned_blocks_are_tidy_single_paragraphs(text):
    for block in clean.blocks(text):
        assert "\n" not in block.text and clean.tidy(block.text) == block.text


@given(LETTERISH)
def test_any_text_parses_to_a_determination_that_serializes(text):
    determination = parse_text(text, "hostile.txt")
    data = determination.to_dict()
    _utf8(data)
    assert determination.doc_id and determination.source == "hostile.txt"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", section.id) for section in determination.sections)
    assert len({section.id for section in determination.sections}) == len(determination.sections)
    assert all(issue.decision in ("Upheld", "Overturned", None) for issue in determination.issues)


@given(QUESTIONS, st.dictionaries(st.sampled_from(["decision", "guideline", "body_part"]),
                                  st.sampled_from(["Upheld", "odg", "knee", "maybe", ""]), max_size=2))
@example("DECISION:UPHELD", {})  # found by this test: filters alone searched nothing and said none matched
def test_any_question_is_understood_or_refused_in_one_line(question, filters):
    try:
        query = understand(question, filters)
    except QueryError as error:
        assert "\n" not in str(error)
        return
    assert set(query.filters) <= set(FILTER_KEYS) | {"guideline_not"}
    assert query.keyword_text.strip() and query.semantic_text.strip()
    query.term_weights(), query.bigrams()


@given(QUESTIONS, st.one_of(st.none(), st.builds(
    Turn, query=QUESTIONS, filters=st.dictionaries(st.sampled_from(["decision", "body_part", "guideline"]),
                                                   st.sampled_from(["Upheld", "knee", "ODG"]), max_size=2),
    mode=st.sampled_from(["hybrid", "keyword", "semantic"]))))
def test_any_follow_up_refines_or_starts_over(message, previous):
    is_follow_up(message)
    turn = refine(previous, message)
    assert isinstance(turn, Turn) and isinstance(turn.query, str)
    if previous is None:
        assert turn.filters == {}


@given(st.one_of(st.none(), st.dictionaries(st.sampled_from(["decision", "body_part"]), ANY_TEXT,
                                            max_size=2)), st.one_of(st.none(), ANY_TEXT))
def test_a_chip_needs_a_question_before_it(set_filter, drop):
    with pytest.raises(QueryError):
        adjust(None, set_filter, drop, None)
    turn = adjust(Turn("knee MRI"), set_filter, drop, None)
    assert turn.query == "knee MRI"
