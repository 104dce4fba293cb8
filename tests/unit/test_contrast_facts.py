"""Facts a rationale turns on, read from real-letter-like sentences, and the differences of a pair."""

from __future__ import annotations

import pytest

from indexer.contrast import NOT_STATED, differences, facts_of, requested_quantity
from indexer.determination import Issue


def issue(rationale: str, decision: str = "Upheld", item: str = "Physical therapy", reasons=(),
          guidelines=("MTUS",)) -> Issue:
    return Issue(item=item, decision=decision, treatment="physical therapy", body_part=None,
                 guidelines=list(guidelines), rationale=rationale, reasons=list(reasons))


@pytest.mark.parametrize("rationale, aspect, value", [
    ("Medical records document 8 prior therapy sessions with improved range of motion.",
     "prior sessions", "8 sessions done or authorized"),
    ("The patient has completed twelve sessions of chiropractic care to date.",
     "prior sessions", "twelve sessions done or authorized"),
    ("The patient was authorized an initial trial of 6 sessions by previous reviewer.",
     "prior sessions", "6 sessions done or authorized"),
    ("In this case, the request for an initial 12 sessions exceeds the recommended guidelines.",
     "requested", "12 sessions"),
    ("The CA MTUS Post-surgical Treatment Guidelines recommend up to 24 sessions of physical therapy "
     "for Bankart surgery.", "guideline allows", "up to 24 sessions"),
    ("ODG recommends an initial trial of 6 visits over 2 weeks.", "guideline allows",
     "initial trial of 6 visits over 2 weeks"),
    ("The medical records report further conservative care of at least 1 month and presence of "
     "neurologic deficit which is decreased sensation.", "duration", "of at least 1 month"),
    ("The MRI indicated the patient had a full thickness tear.", "imaging",
     "MRI indicated the patient had a full thickness tear"),
    ("From the provided records it appears that a lumbar x-ray was obtained following the injury and "
     "was negative.", "imaging", "x-ray was obtained following the injury and was negative"),
    ("The patient's current regimen is 120 mg MED per day.", "dosage", "120 mg MED"),
])
def test_a_fact_is_read_from_the_reviewers_sentence(rationale, aspect, value):
    facts = facts_of(issue(rationale))
    assert aspect in facts, facts
    assert facts[aspect].value == value
    assert facts[aspect].evidence.startswith(rationale.split()[0])


@pytest.mark.parametrize("rationale, aspect", [
    # The guideline's numbers are its allowance, not the patient's history or duration.
    ("MTUS recommend that up to 18 visits over 6-8 weeks may be appropriate with documentation of "
     "objective functional improvement.", "prior sessions"),
    ("MTUS recommend that up to 18 visits over 6-8 weeks may be appropriate.", "duration"),
    # "from up to 3 visits per week" is a frequency, not an allowance.
    ('MTUS states "Allow for fading of treatment frequency (from up to 3 visits per week to 1 or less)."',
     "guideline allows"),
    # "is not indicated" says nothing an image showed.
    ("Without evidence of nerve root compromise, magnetic resonance imaging is not indicated.", "imaging"),
    ("Physical therapy is indicated for up to 8-10 sessions over 4-8 weeks for myalgia.", "requested"),
])
def test_guideline_text_and_frequencies_are_not_read_as_case_facts(rationale, aspect):
    assert aspect not in facts_of(issue(rationale))


def test_reasons_are_read_as_documented_facts():
    facts = facts_of(issue("", reasons=["no functional improvement documented",
                                        "no red flags or neurological findings"]))
    assert facts["functional improvement"].value == "not documented"
    assert facts["red flags or neurological findings"].value == "none documented"
    approved = facts_of(issue("", "Overturned", reasons=["conservative care failed"]))
    assert approved["conservative or first-line care"].value == "tried and failed"


@pytest.mark.parametrize("item, quantity", [
    ("Physical therapy 2 times a week for 4 weeks, right knee", "8 visits (2 a week for 4 weeks)"),
    ("Physical therapy three times a week for two weeks", "6 visits (3 a week for 2 weeks)"),
    ("Six physical therapy visits for the lumbar", "Six physical therapy visits"),
    ("Physical therapy 3x4 following left knee arthroscopy", "12 visits (3 a week for 4 weeks)"),
    ("Associated surgical service: Physical therapy, times 12", "times 12"),
    ("Norco 10/325mg #90", "10/325mg #90"),
    ("MRI of the lumbar spine", None),
])
def test_requested_quantity_from_the_item(item, quantity):
    assert requested_quantity(item) == quantity


def test_differences_name_what_differs_and_skip_what_agrees():
    upheld = issue("The patient has completed 12 sessions of physical therapy. There is no documentation of "
                   "objective functional improvement.", item="Physical therapy 2 times a week for 3 weeks",
                   reasons=["no functional improvement documented"])
    overturned = issue("Medical records document 6 prior therapy sessions with improved range of motion and "
                       "a reduction in work restrictions.", "Overturned",
                       item="Physical therapy 2 times a week for 3 weeks",
                       reasons=["functional improvement documented"], guidelines=["MTUS", "ODG"])
    rows = {d.aspect: d for d in differences(upheld, overturned)}
    assert (rows["functional improvement"].upheld, rows["functional improvement"].overturned) == (
        "not documented", "documented")
    assert rows["prior sessions"].upheld == "12 sessions done or authorized"
    assert rows["prior sessions"].overturned == "6 sessions done or authorized"
    assert rows["reasons"].upheld == "no functional improvement documented"
    assert rows["guidelines cited"].overturned == "MTUS; ODG"
    assert "requested" not in rows  # both ask for the same 6 visits: no difference
    order = [d.aspect for d in differences(upheld, overturned)]
    assert order.index("reasons") < order.index("functional improvement") < order.index("prior sessions")


def test_an_aspect_stated_on_one_side_only_says_not_stated_on_the_other():
    upheld = issue("There is no evidence of any red flag conditions.",
                   reasons=["no red flags or neurological findings"])
    overturned = issue("The records indicate a neurologic deficit.", "Overturned", reasons=[])
    rows = {d.aspect: d for d in differences(upheld, overturned)}
    assert rows["red flags or neurological findings"].overturned == NOT_STATED
    assert rows["reasons"].overturned == NOT_STATED
