import pytest

from indexer.engine import readable
from indexer.search.followup import Turn, is_follow_up, refine
from indexer.search.query import QueryError, check_filters, understand


def test_reads_a_reviewer_question():
    q = understand("PT denied for lack of functional improvement")
    assert q.understood == {"decision": "Upheld", "treatment": "physical therapy",
                            "reason": "no functional improvement documented"}
    assert ("physical therapy", 0.8) in q.expansions
    assert q.semantic_text.startswith("physical therapy (PT)")
    assert "lack" not in q.keyword_text.split()


@pytest.mark.parametrize("text, expected", [
    ("esi approved for the low back",
     {"decision": "Overturned", "treatment": "epidural steroid injection",
      "body_part": "lumbar spine"}),
    ("Norco non-certified", {"decision": "Upheld", "treatment": "opioid"}),
    ("knee MRI citing ODG", {"treatment": "mri", "body_part": "knee", "guideline": "ODG"}),
    ('"functional improvement" AND NOT acupuncture', {"reason": "no functional improvement documented"}),
    ("acupuncture AND NOT chiropractic", {"treatment": "acupuncture"}),
])
def test_domain_words_become_soft_filters(text, expected):
    assert understand(text).understood == expected


@pytest.mark.parametrize("text, treatment", [
    ("shoulder surgery denied because conservative care was not tried", "surgery"),
    ("right knee arthroscopy", "knee arthroscopy"),
    ("muscle relaxer for a flare-up", "muscle relaxant"),
    ("shots in the back for sciatica", "epidural steroid injection"),
    ("injections for the neck", "injection"),
])
def test_treatments_are_read_at_the_finest_level_the_question_names(text, treatment):
    assert understand(text).understood["treatment"] == treatment


def test_a_question_about_partial_authorizations_is_understood():
    assert understand("cyclobenzaprine partial authorization").understood == {
        "treatment": "muscle relaxant", "partial": "yes"}
    assert "partial" not in understand("partial tear of the rotator cuff").understood


def test_a_reason_named_in_plain_words_is_understood():
    q = understand("was more PT denied because it's unclear how many sessions were already done?")
    assert q.understood["reason"] == "prior treatment or results not documented"
    assert "reason" not in understand("knee MRI").understood


@pytest.mark.parametrize("filters, expected", [
    ({"reason": "no functional improvement"}, {"reason": "no functional improvement documented"}),
    ({"treatment": "surgery"}, {"treatment": "surgery"}),
    ({"treatment": "Norco"}, {"treatment": "opioid"}),
    ({"decided_year_from": "2016", "decided_year_to": "2017"},
     {"decided_year_from": 2016, "decided_year_to": 2017}),
    ({"treatment_group": "surgery", "partial": "Yes"}, {"treatment": "surgery", "partial": "yes"}),
])
def test_new_filters_are_normalized(filters, expected):
    assert check_filters(filters) == expected


def test_fielded_terms_are_hard_filters():
    q = understand("decision:overturned guideline:odg knee")
    assert q.filters == {"decision": "Overturned", "guideline": "ODG"}
    assert q.text == "knee"


@pytest.mark.parametrize("filters, message", [
    ({"colour": "red"}, "unknown filter"), ({"decision": "perhaps"}, "unknown decision"),
    ({"injury_year_from": "201"}, "year"), ({"decided_year_to": "soon"}, "year"),
    ({"reason": "because I said so"}, "unknown reason"), ({"partial": "perhaps"}, "partial must be"),
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
    ("only the ones with no documented functional improvement",
     {"decision": "Upheld", "reason": "no functional improvement documented"}),
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


def test_what_follows_an_operation_is_looked_for_as_postoperative():
    words = [w for w, _ in understand("therapy after a shoulder operation").expansions]
    assert "postoperative" in words and "associated surgical service" in words
    assert "postoperative" not in [w for w, _ in understand("shoulder therapy").expansions]


@pytest.mark.parametrize("text, reason", [
    ("only the ones that did not exceed the visit limit", "within recommended number or duration"),
    ("MRI denied even though red flags were present", None),
    ("PT approved even though there was no improvement", None),
])
def test_negated_and_conceded_reasons_are_not_read_as_asked(text, reason):
    assert understand(text).understood.get("reason") == reason


def test_follow_ups_keep_the_reason_on_the_decided_side_and_accept_groups():
    turn = refine(refine(Turn("physical therapy"), "only the ones with no improvement"),
                  "only the overturned ones")
    assert turn.filters == {"decision": "Overturned", "reason": "functional improvement documented"}
    assert refine(Turn("knee"), "what about surgery?").filters == {"treatment": "surgery"}
    assert "treatment" not in refine(Turn("opioids"), "only the ones without urine drug screens").filters


def test_text_utf8_cannot_hold_is_made_readable_before_it_reaches_the_core():
    assert readable("knee \ud800 surgery") == "knee \ufffd surgery"
    assert readable(None) is None and readable("plain") == "plain"
