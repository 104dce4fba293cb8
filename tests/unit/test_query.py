import pytest

from indexer.followup import Turn, is_follow_up, refine
from indexer.query import QueryError, check_filters, understand


def test_reads_a_reviewer_question():
    q = understand("PT denied for lack of functional improvement")
    assert q.understood == {"decision": "Upheld", "treatment": "physical therapy"}
    assert ("physical therapy", 0.8) in q.expansions
    assert q.semantic_text.startswith("physical therapy (PT)")
    assert "lack" not in q.keyword_text.split()


@pytest.mark.parametrize("text, expected", [
    ("esi approved for the low back",
     {"decision": "Overturned", "treatment": "epidural steroid injection",
      "body_part": "lumbar spine"}),
    ("Norco non-certified", {"decision": "Upheld", "treatment": "opioid"}),
    ("knee MRI citing ODG", {"treatment": "mri", "body_part": "knee", "guideline": "ODG"}),
    ('"functional improvement" AND NOT acupuncture', {}),
])
def test_domain_words_become_soft_filters(text, expected):
    assert understand(text).understood == expected


def test_fielded_terms_are_hard_filters():
    q = understand("decision:overturned guideline:odg knee")
    assert q.filters == {"decision": "Overturned", "guideline": "ODG"}
    assert q.text == "knee"


@pytest.mark.parametrize("filters, message", [
    ({"colour": "red"}, "unknown filter"), ({"decision": "perhaps"}, "unknown decision"),
    ({"injury_year_from": "201"}, "year"),
])
def test_bad_filters(filters, message):
    with pytest.raises(QueryError, match=message):
        check_filters(filters)


def test_empty_and_oversized_queries():
    with pytest.raises(QueryError):
        understand("   ")
    long = understand("knee " * 3000)
    assert len(long.text) <= 1000 and long.notes


@pytest.mark.parametrize("message, filters", [
    ("only the overturned ones", {"decision": "Overturned"}),
    ("what about the knee?", {"decision": "Upheld", "body_part": "knee"}),
    ("without ODG", {"decision": "Upheld", "guideline_not": "ODG"}),
    ("any decision", {}),
])
def test_follow_ups_refine_the_previous_turn(message, filters):
    previous = Turn("PT for lack of functional improvement", {"decision": "Upheld"})
    assert is_follow_up(message)
    turn = refine(previous, message)
    assert turn.filters == filters and turn.query == previous.query


def test_follow_up_swaps_the_treatment_and_a_new_question_starts_over():
    previous = Turn("PT denied for lack of functional improvement", {"decision": "Upheld"})
    swapped = refine(previous, "what about acupuncture?")
    assert swapped.query == "acupuncture denied for lack of functional improvement"
    assert swapped.filters["treatment"] == "acupuncture"
    fresh = refine(previous, "lumbar fusion surgery after failed conservative care")
    assert fresh.filters == {} and fresh.query.startswith("lumbar fusion")
