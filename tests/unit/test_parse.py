import pytest

from evaluation import synthetic
from indexer.ingest.decisions import decision_from_text
from indexer.ingest.parse import parse_text
from tests.paths import SEEDS

# What a careful reader sees in each real seed letter.
SEED_FACTS = {
    "000_74dc26ae42cf2dcd": dict(
        item="Physical therapy, twice weekly for the left hip", treatment="physical therapy",
        body_part="hip", guidelines=["MTUS", "ODG"], age=59, sex="male", doi="2013-09-12",
        specialty=["Internal Medicine"], licensure=["California", "Indiana", "New York"]),
    "001_51724547fdffc05b": dict(
        item="8 physical therapy visits 2 x 4 for the lumbar spine", treatment="physical therapy",
        body_part="lumbar spine", guidelines=["MTUS"], age=45, sex="male", doi="2014-03-06",
        specialty=["Occupational Medicine"], licensure=["California"]),
    "002_6a0a26d25a8a10ba": dict(
        item="CONTINUE TWELVE (12) PHYSICAL THERAPY SESSIONS FOR CERVICAL SPINE",
        treatment="physical therapy", body_part="cervical spine", guidelines=["MTUS"], age=None,
        sex=None, doi="2009-05-29", specialty=["Occupational Medicine"], licensure=["California"]),
    "003_62a2a58c2269f96f": dict(
        item="6 Physical Therapy Treatments (Bilateral Lower Legs)", treatment="physical therapy",
        body_part="lower extremity", guidelines=["MTUS"], age=56, sex="male", doi="2012-04-11",
        specialty=["Physical Medicine and Rehabilitation", "Interventional Spine"],
        licensure=["California"]),
    "004_7412a174a059eca0": dict(
        item="12 Physical Therapy Treatments for The Lumbar Spine", treatment="physical therapy",
        body_part="lumbar spine", guidelines=["MTUS", "ACOEM", "ODG"], age=None, sex=None,
        doi="2013-03-18", specialty=["Physical Medicine Rehab", "Pain Medicine"],
        licensure=["California"]),
}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seeds_parse_to_the_facts_a_reader_sees(seed):
    expected = SEED_FACTS[seed.stem]
    d = parse_text(seed.read_text(), seed.name)
    assert d.doc_id == seed.stem and d.source == seed.name
    assert d.format == "imr-issues-decisions" and d.warnings == []
    assert len(d.issues) == 1
    issue = d.issues[0]
    assert issue.item == expected["item"]
    assert issue.decision == "Upheld"
    assert issue.treatment == expected["treatment"]
    assert issue.body_part == expected["body_part"]
    assert issue.guidelines == expected["guidelines"]
    assert issue.rationale.endswith("not medically necessary.")
    assert "Decision rationale" not in issue.rationale and "  " not in issue.rationale
    assert (d.patient.age, d.patient.sex, d.patient.date_of_injury) == (
        expected["age"], expected["sex"], expected["doi"])
    assert d.reviewer.specialty == expected["specialty"]
    assert d.reviewer.licensure == expected["licensure"]
    assert [s.id for s in d.sections] == [
        "how-made", "clinical-case-summary", "decisions", "issue-1"]


def test_seed_citations_keep_chapter_and_pages():
    d = parse_text(SEEDS[4].read_text(), SEEDS[4].name)
    pages = [(c.source, c.pages) for c in d.issues[0].citations]
    assert pages == [("MTUS", "298"), ("ODG", None)]
    assert "Low Back Chapter" in d.issues[0].citations[1].text


LAYOUT_B = """MAXIMUS FEDERAL SERVICES, INC.
Independent Medical Review
Final Determination Letter

IMR Case Number:  CM14-0098765    Date of Injury:  3/6/2011
Date of UR Decision:  6/2/2014

HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no
affiliation with the employer. The expert reviewer is Board Certified in Orthopedic Surgery
and is licensed to practice in California.

DOCUMENTS REVIEWED
Medical records from the treating physician.

CLINICAL CASE SUMMARY
The patient is a 51-year-old woman injured at work. She has chronic knee pain and
mechanical locking. Her physician requested an MRI and a course of Soma.

IMR DECISION(S) AND
RATIONALE(S)
The Final Determination was based on decisions for the disputed items/services set forth below:
1. MRI of the right knee is medically necessary and appropriate.
Guidelines Relied Upon by the Claims Administrator (Utilization Review Organization):
ACOEM Chapter 13 Knee Complaints.
Guidelines Relied Upon by the Independent Medical Reviewer:
MTUS ACOEM Chapter 13 Knee Complaints, pages 341-343.
Rationale for the Decision:
The knee locks and the McMurray test is positive after six weeks of therapy. Imaging is
indicated, so the MRI is medically necessary.

2. Soma 350mg #90 is not medically necessary and appropriate.
Guidelines Relied Upon by the Independent Medical Reviewer:
MTUS Chronic Pain Medical Treatment Guidelines, page 29.
Rationale for the Decision:
Carisoprodol is not recommended for longer than two to three weeks. The Soma is not
medically necessary.
"""

LAYOUT_C = """MEDICAL PROFESSIONAL REVIEW

ISSUE AT DISPUTE: Is the request for 12 sessions of chiropractic care for the lumbar spine
medically necessary?

CASE SUMMARY: This 38 year old male delivery driver hurt his low back lifting a crate on
Sept. 3, 2011. He has had 24 chiropractic visits.

DOCUMENTS REVIEWED FOR DETERMINATION:
UR letter; progress reports.

MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:
MTUS Chronic Pain Medical Treatment Guidelines, Manual therapy, pages 58-59.

RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:
Guidelines allow up to 18 visits with documented functional improvement. He has had 24
visits without measurable gains. The requested chiropractic care is not medically necessary.

MEDICAL REVIEWER QUALIFICATIONS:
The reviewer is board certified in Chiropractic and licensed in California and Nevada.
"""


def test_final_determination_letter_with_mixed_decisions():
    d = parse_text(LAYOUT_B, "letter_b.txt")
    assert d.format == "final-determination-letter"
    assert d.doc_id == d.case_number == "CM14-0098765"
    assert d.patient.date_of_injury == "2011-03-06"
    assert (d.patient.age, d.patient.sex) == (51, "female")
    assert [(i.item, i.decision, i.treatment, i.body_part) for i in d.issues] == [
        ("MRI of the right knee", "Overturned", "mri", "knee"),
        ("Soma 350mg #90", "Upheld", "muscle relaxant", None),
    ]
    assert d.issues[0].guidelines == ["MTUS", "ACOEM"]
    assert d.reviewer.specialty == ["Orthopedic Surgery"]
    assert "documents-reviewed" in [s.id for s in d.sections]


def test_medical_professional_review_with_label_and_text_on_one_line():
    d = parse_text(LAYOUT_C, "letter_c.txt")
    assert d.format == "medical-professional-review"
    assert len(d.issues) == 1
    issue = d.issues[0]
    assert issue.item == "12 sessions of chiropractic care for the lumbar spine"
    assert (issue.decision, issue.treatment, issue.body_part) == (
        "Upheld", "chiropractic", "lumbar spine")
    assert d.patient.date_of_injury == "2011-09-03"
    assert (d.patient.age, d.patient.sex) == (38, "male")
    assert d.reviewer.licensure == ["California", "Nevada"]


def test_overturned_in_professional_review_layout():
    text = LAYOUT_C.replace("is not medically necessary.", "is medically necessary.").replace(
        "without measurable gains", "with clear gains")
    assert parse_text(text, "c2.txt").issues[0].decision == "Overturned"


def test_unstructured_text_is_still_indexed_with_a_warning():
    d = parse_text("Dear claimant,\n\nWe reviewed your file about knee pain.\n\nRegards.\n", "x.txt")
    assert d.format == "unstructured" and d.issues == []
    assert d.sections and d.warnings


@pytest.mark.parametrize("text, decision", [
    ("Therefore, the request is not medically necessary.", "Upheld"),
    ("The request is medically necessary and appropriate.", "Overturned"),
    ("Thus the UR non-certification is upheld.", "Upheld"),
    ("The patient has pain.", None),
])
def test_decision_from_text(text, decision):
    assert decision_from_text(text) == decision


def test_generated_letters_of_every_layout_parse_to_their_known_truth():
    """Letters not seen while writing the parser: decisions, items, treatments, injury dates."""
    letters = synthetic.generate(120, seed=99)
    items = decisions = treatments = dates = total = 0
    for letter in letters:
        d = parse_text(letter.text, letter.name)
        assert d.format == letter.layout
        dates += d.patient.date_of_injury == letter.date_of_injury
        items += len(d.issues) == len(letter.issues)
        for parsed, truth in zip(d.issues, letter.issues, strict=False):
            total += 1
            decisions += parsed.decision == truth.decision
            treatments += parsed.treatment == truth.treatment
    assert items / len(letters) >= 0.95
    assert decisions / total >= 0.98
    assert treatments / total >= 0.90
    assert dates / len(letters) >= 0.95


def test_professional_review_with_several_items_and_one_rationale():
    text = """MEDICAL PROFESSIONAL REVIEW
ISSUE(S) AT DISPUTE:
1. Norco 10/325 #120
2. Lumbar MRI
CASE SUMMARY:
A 52 y.o. female injured her back on 2/3/2012 lifting a patient.
RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:
There is no documented functional benefit from chronic opioids and no urine drug screen, so
the Norco is not medically necessary. She now has new foot drop and progressive weakness, a
red flag, so the lumbar MRI is medically necessary.
"""
    d = parse_text(text, "c3.txt")
    assert [(i.item, i.decision, i.treatment) for i in d.issues] == [
        ("Norco 10/325 #120", "Upheld", "opioid"), ("Lumbar MRI", "Overturned", "mri")]
    assert (d.patient.age, d.patient.sex, d.patient.date_of_injury) == (52, "female", "2012-02-03")


def test_single_spaced_lists_and_unnumbered_necessity_items():
    text = """MEDICAL PROFESSIONAL REVIEW
ISSUE AT DISPUTE:
Aquatic therapy x 8
Cervical MRI
CASE SUMMARY:
The injured worker is a 61 year old man who was injured on 4/4/2011 when he fell from a ladder and
struck his neck and low back on the ground below, and has had ongoing pain since then.
RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:
Aquatic therapy is recommended where reduced weight bearing is desirable, which is not documented.
The aquatic therapy is not medically necessary. There are no red flags and a normal neurological
examination, so the cervical MRI is not medically necessary.
"""
    d = parse_text(text, "c4.txt")
    assert [(i.item, i.decision, i.treatment) for i in d.issues] == [
        ("Aquatic therapy x 8", "Upheld", "aquatic therapy"), ("Cervical MRI", "Upheld", "mri")]
    letter_b = LAYOUT_B.replace("1. MRI of the right knee", "MRI of the right knee").replace(
        "2. Soma 350mg #90", "Soma 350mg #90")
    assert [i.item for i in parse_text(letter_b, "b2.txt").issues] == [
        "MRI of the right knee", "Soma 350mg #90"]


def test_weaning_advice_after_the_conclusion_does_not_decide():
    text = ("The request for Norco is not medically necessary. The patient is advised to speak with "
            "the treating physician, and a gradual weaning is appropriate.")
    assert decision_from_text(text) == "Upheld"
    assert decision_from_text("The request is notmedically necessary.") == "Upheld"


def test_a_list_printed_twice_gives_each_item_once():
    text = """IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:

1. Lumbar MRI is not medically necessary and appropriate.

2. Gabapentin 300mg #90 is medically necessary and appropriate.

1. Lumbar MRI is not medically necessary and appropriate.
Rationale for the Decision: No red flags are recorded. The MRI is not medically necessary.

2. Gabapentin 300mg #90 is medically necessary and appropriate.
Rationale for the Decision: Neuropathic pain improved. Gabapentin is medically necessary.
"""
    d = parse_text(text, "twice.txt")
    assert [(i.item, i.decision) for i in d.issues] == [
        ("Lumbar MRI", "Upheld"), ("Gabapentin 300mg #90", "Overturned")]
    assert all(i.rationale for i in d.issues)
