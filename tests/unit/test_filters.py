"""Filters at the disputed-item level and how an item agrees with what a question named."""

import pytest

from indexer.determination import Determination, Issue, Partial, Patient, Reviewer
from indexer.search.filters import MISMATCH, SIBLING, agreement, issue_passes, letter_passes

NOT_TRIED = "conservative or first-line care not tried"


def item(treatment="knee arthroscopy", decision="Upheld", reasons=(NOT_TRIED,), group="surgery"):
    return Issue(item="Right knee arthroscopy", decision=decision, treatment=treatment, body_part="knee",
                 guidelines=["MTUS"], rationale="", treatment_group=group, reasons=list(reasons))


def letter(decision_date="2017-01-10", injury="2016-10-23"):
    return Determination("CM16-1", "a.txt", "imr-issues-decisions", "CM16-1",
                         Reviewer(["Orthopedic Surgery"]), Patient(50, "male", injury), [item()], [],
                         decision_date=decision_date)


@pytest.mark.parametrize("filters, passes", [
    ({"treatment": "surgery"}, True), ({"treatment": "knee arthroscopy"}, True),
    ({"treatment": "injection"}, False), ({"treatment": "rotator cuff repair"}, False),
    ({"reason": NOT_TRIED}, True),
    ({"reason": "no functional improvement documented"}, False),
    ({"decision": "Overturned"}, False), ({"guideline_not": "MTUS"}, False),
])
def test_issue_filters(filters, passes):
    assert issue_passes(item(), filters) is passes


@pytest.mark.parametrize("filters, passes", [
    ({"decided_year_from": 2017}, True), ({"decided_year_to": 2016}, False),
    ({"injury_year_from": 2016, "injury_year_to": 2016}, True), ({"specialty": "ortho"}, True),
    ({"specialty": "psychiatry"}, False),
])
def test_letter_filters(filters, passes):
    assert letter_passes(letter(), filters) is passes


def test_a_letter_without_a_decision_date_fails_a_decision_year_filter():
    assert not letter_passes(letter(decision_date=None), {"decided_year_from": 2000})


def test_agreement_pushes_down_what_contradicts_the_question():
    assert agreement(item(), {"treatment": "surgery", "decision": "Upheld"}) == 1.0
    assert agreement(item(), {"treatment": "epidural steroid injection"}) == MISMATCH["treatment"]
    assert agreement(item(), {"treatment": "rotator cuff repair"}) == SIBLING
    assert agreement(item(), {"reason": "no functional improvement documented"}) == MISMATCH["reason"]
    assert agreement(item(reasons=()), {"reason": "no functional improvement documented"}) == 1.0
    assert agreement(item(), {"decision": "Overturned"}) == MISMATCH["decision"]


def test_a_question_about_partial_authorizations_favours_them():
    partial = item()
    partial.partial = Partial("Norco #120", "Norco #60")
    assert agreement(partial, {"partial": "yes"}) == 1.0
    assert agreement(item(), {"partial": "yes"}) == MISMATCH["partial"]


def test_a_partial_filter_keeps_or_drops_partial_authorizations():
    partial = item()
    partial.partial = Partial("Norco #120", "Norco #60")
    assert issue_passes(partial, {"partial": "yes"}) and not issue_passes(item(), {"partial": "yes"})
    assert issue_passes(item(), {"partial": "no"}) and not issue_passes(partial, {"partial": "no"})
