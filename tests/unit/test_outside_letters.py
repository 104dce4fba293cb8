"""Letters written outside the project (tests/fixtures/outside), checked against their truth.json.

Each entry of truth.json names a letter (.txt, or .pdf for the typeset ones) and the facts a
reader takes from it: case number, date of injury, age, sex, and each disputed item with its
decision and treatment category.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from indexer import vocabulary
from indexer.ingest.parse import FORMAT_NOTICE, FORMAT_PROFESSIONAL_REVIEW, parse_text
from indexer.ingest.read import read_letter

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "outside"
TRUTH = json.loads((HERE / "truth.json").read_text())

# truth.json names some treatments the vocabulary has no category for: each maps to the closest
# category the vocabulary has (a tuple where the item names two things).
CLOSEST_CATEGORY: dict[str, str | tuple[str, ...]] = {
    "topical lidocaine": "topical analgesic",  # Lidoderm patches
    "power mobility device": "wheelchair",  # a motorized scooter; wheelchairs and scooters
    # "Psychological evaluation and six sessions of cognitive behavioral therapy": an evaluation and
    # a course of psychotherapy in one request.
    "psychotherapy": ("psychological treatment", "psychological evaluation"),
    "home health": "home health care",
    "knee arthroplasty": "knee replacement",
    "inpatient stay": "hospital stay",
    "hyaluronic acid injection": "viscosupplementation",  # Synvisc-One
    "sedative hypnotic": "sleep aid",  # Ambien
    "cervical fusion": "spinal fusion",
    "lumbar fusion": "spinal fusion",
    "lab tests": "laboratory testing",
    "cervical collar": "brace",
    "nsaid injection": "nsaid",  # Toradol IM: the vocabulary files an injected drug under the drug
    "shoulder sling": "sling",
    "specialist consultation": "consultation",
}

# (file, item number) of disputed items whose letter cites no guideline for them. Read from the
# letters: every item there cites at least one (a "did not cite" line is only ever the Claims
# Administrator's, and the MAXIMUS guideline beside it cites ODG).
CITES_NOTHING: set[tuple[str, int]] = set()

BOILERPLATE = re.compile(r"Sincerely|\bcc:|Page\s+\d+\s+of\s+\d+|IMR\s+Case\s+Number|Attestation|"
                         r"conflict\s+of\s+interest|final\s+and\s+binding")


def _id(entry: dict) -> str:
    return entry["file"]


@cache
def parsed(name: str):
    path = HERE / name
    text, _ = read_letter(path)
    return parse_text(text, str(path))


def _is_category(name: str) -> bool:
    return vocabulary.treatment_group(name) is not None or name in vocabulary.GROUPS


@pytest.mark.parametrize("entry", TRUTH, ids=_id)
def test_items_and_decisions(entry):
    d = parsed(entry["file"])
    assert len(d.issues) == len(entry["issues"]), [i.item for i in d.issues]
    assert [i.decision for i in d.issues] == [t["decision"] for t in entry["issues"]]
    assert not any("decision not recognised" in w for w in d.warnings)


@pytest.mark.parametrize("entry", TRUTH, ids=_id)
def test_header_and_patient_facts(entry):
    d = parsed(entry["file"])
    assert d.case_number == entry["case_number"]
    assert d.patient.date_of_injury == entry["date_of_injury"]
    assert (d.patient.age, d.patient.sex) == (entry["age"], entry["sex"])


@pytest.mark.parametrize("entry", TRUTH, ids=_id)
def test_every_rationale_is_there_and_free_of_boilerplate(entry):
    d = parsed(entry["file"])
    for issue in d.issues:
        assert issue.rationale.strip(), issue.item
        found = BOILERPLATE.search(issue.rationale)
        assert not found, f"{issue.item}: {found.group(0)!r} in the rationale"


@pytest.mark.parametrize("entry", TRUTH, ids=_id)
def test_guidelines_where_the_letter_cites_one(entry):
    d = parsed(entry["file"])
    for number, issue in enumerate(d.issues, start=1):
        if (entry["file"], number) not in CITES_NOTHING:
            assert issue.guidelines, issue.item


@pytest.mark.parametrize("entry", TRUTH, ids=_id)
def test_treatment_categories(entry):
    d = parsed(entry["file"])
    for issue, truth in zip(d.issues, entry["issues"], strict=True):
        expected = truth["treatment"]
        if not _is_category(expected):
            assert expected in CLOSEST_CATEGORY, f"{expected!r} is no vocabulary category: map it"
            closest = CLOSEST_CATEGORY[expected]
            expected_names = closest if isinstance(closest, tuple) else (closest,)
        else:
            expected_names = (expected,)
        assert all(_is_category(name) for name in expected_names), expected_names
        accepted = set(expected_names).union(*(vocabulary.categories_in(n) for n in expected_names))
        assert issue.treatment in accepted, (issue.item, issue.treatment, expected_names)


NOTICES = [e for e in TRUTH if parsed(e["file"]).format == FORMAT_NOTICE]
REVIEWS = [e for e in TRUTH if parsed(e["file"]).format == FORMAT_PROFESSIONAL_REVIEW]


def test_the_2013_notices_and_older_reviews_are_recognised():
    assert {e["file"][:3] for e in NOTICES} == {"o01", "o02", "o03"}
    assert {e["file"][:3] for e in REVIEWS} == {"o11", "o12"}


@pytest.mark.parametrize("entry", NOTICES, ids=_id)
def test_notice_items_take_their_own_block_and_the_summary_ends_before_them(entry):
    d = parsed(entry["file"])
    summary = d.section("clinical-case-summary").text
    assert not re.search(r"Regarding\s+the\s+request|Rationale\s+for\s+the\s+Decision", summary)
    for number, issue in enumerate(d.issues, start=1):
        section = d.section(issue.section_id).text
        assert re.match(rf"{number}\)\s+Regarding\s+the\s+request\s+for", section), section[:80]
        assert "Rationale for the Decision" in section
        # the rationale is the block's own: it ends on this item's conclusion
        assert re.search(r"(?i)medically\s+necessary(?:\s+and\s+appropriate)?\.$", issue.rationale)


@pytest.mark.parametrize("entry", NOTICES + REVIEWS, ids=_id)
def test_no_two_issues_share_a_rationale(entry):
    rationales = [i.rationale for i in parsed(entry["file"]).issues]
    assert len(set(rationales)) == len(rationales)


@pytest.mark.parametrize("entry", REVIEWS, ids=_id)
def test_older_reviews_read_each_issue_from_its_own_sections(entry):
    d = parsed(entry["file"])
    assert "conflict of interest" in d.section("attestation").text
    assert len({i.section_id for i in d.issues}) == len(d.issues)
    for issue in d.issues:
        assert d.section(issue.section_id).text.strip() == issue.rationale
