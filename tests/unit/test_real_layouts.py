"""The layout variants of real IMR letters, each on a short letter written for the test.

The letters imitate how pypdf extracts the DWC's PDFs: single line breaks, a line holding one
space between paragraphs, pages joined by four line breaks (which can fall mid-sentence).
"""

import pytest

from indexer.determination import Partial
from indexer.ingest import facts
from indexer.ingest.decisions import decision_from_text
from indexer.ingest.parse import FORMAT_NOTICE, parse_text

HEADER = """Case Number: CM17-0044123
Date Assigned: 02/14/2017 Date of Injury:  09/30/2016
Decision Date: 03/20/2017 UR Denial Date:  02/01/2017
Priority:  Standard Application
Received:
02/08/2017

HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no
affiliation with the employer, employee, providers or the claims administrator.

The Expert Reviewer has the following credentials:
State(s) of Licensure: Nevada, Utah
{credentials}

CLINICAL CASE SUMMARY
The expert reviewer developed the following clinical case summary based on a review of the
case file, including all medical records:

{summary}
IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:

"""

SUMMARY = """This case involves a now 36-year-old female who slipped on a wet floor at work on
09/30/2016. She has neck pain. Treatment has included medication and rest.
"""

PAGE = "\n<page>\n"


def extracted(text: str) -> str:
    """Give text the shape pypdf gives the letters: a space at each line's end (so a blank
    line holds one space) and pages joined by four line breaks."""
    return "\n".join(line + " " for line in text.split("\n")).replace("\n<page> \n", "\n\n\n\n")


def letter(items: str, summary: str = SUMMARY,
           credentials: str = "Certification(s)/Specialty: Internal Medicine") -> str:
    """Build a real-style letter around the decisions text given."""
    return extracted(HEADER.format(credentials=credentials, summary=summary) + items)


ONE_ITEM = """Naproxen 550mg #60: Upheld

Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment
2016, Section(s): NSAIDs.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,
Section(s): NSAIDs.

Decision rationale: NSAIDs are advised at the lowest dose for the shortest period. There is
no record of benefit. The request for Naproxen 550mg #60 is not medically necessary.
"""


def parse(text):
    return parse_text(text, "letter.txt")


def test_header_block_dates_and_the_split_application_received_cell():
    d = parse(letter(ONE_ITEM))
    assert d.case_number == "CM17-0044123"
    assert (d.date_assigned, d.decision_date, d.ur_denial_date) == (
        "2017-02-14", "2017-03-20", "2017-02-01")
    assert facts.header_dates("Priority: Standard Application Received: 02/08/2017")[
        "application_received"] == "2017-02-08"
    assert d.patient.date_of_injury == "2016-09-30"
    assert [i.decision for i in d.issues] == ["Upheld"] and d.warnings == []


def test_the_header_is_the_record_for_the_date_of_injury():
    summary = SUMMARY.replace("09/30/2016", "09/03/2016")
    assert parse(letter(ONE_ITEM, summary)).patient.date_of_injury == "2016-09-30"


@pytest.mark.parametrize("credentials, expected", [
    ("Certification(s)/Specialty: Physical Medicine & Rehabilitation",
     ["Physical Medicine & Rehabilitation"]),
    ("Certification(s)/Specialty: Physical Medicine & Rehabilitation, Pain Management",
     ["Physical Medicine & Rehabilitation", "Pain Management"]),
    ("Certification(s)/Specialty: Neurology, Internal Medicine, Public Health & General\n"
     "Preventive Medicine",
     ["Neurology", "Internal Medicine", "Public Health & General Preventive Medicine"]),
    ("Certification(s)/Specialty: Family Practice  Case Number: CM17-0044123", ["Family Practice"]),
])
def test_credentials_block_specialties(credentials, expected):
    d = parse(letter(ONE_ITEM, credentials=credentials))
    assert d.reviewer.specialty == expected
    assert d.reviewer.licensure == ["Nevada", "Utah"]


def test_credentials_wrapped_in_single_spaced_text():
    text = ("The Expert Reviewer has the following credentials:\nState(s) of Licensure: Ohio\n"
            "Certification(s)/Specialty: Internal Medicine, General\nPreventive Medicine\n")
    assert facts.reviewer(text).specialty == ["Internal Medicine", "General Preventive Medicine"]


PARTIALS = """Tizanidine 4mg #90 was the original request. Tizanidine 4mg #45 was authorized by the
Claims Administrator. The remaining IMR eligible portion of the original request, Tizanidine
4mg #45 is: Upheld

Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment
2016, Section(s): Muscle relaxants.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,
Section(s): Muscle relaxants.

Decision rationale: A short course is supported and was already allowed. The request is not
medically necessary.

Aquatic therapy ten visits was the original request. Aquatic therapy four visits was
authorized by the Claims Administrator. The remaining IMR eligible portion of the original
request, Aquatic therapy six visits: Overturned

Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment
2016, Section(s): Aquatic therapy.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,
Section(s): Aquatic therapy.

Decision rationale: Weight bearing is limited. The request is medically necessary.

Rental of a walker for three months was the original request. The Claims Administrator
authorized rental of a walker for one month, leaving the original request IMR eligible. The
original request, Rental of a walker for three months is:
Upheld

Claims Administrator guideline: The Claims Administrator did not cite any medical evidence
for its decision.

MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its decision.

Decision rationale: A month of use was allowed for recovery. The request is not medically
necessary.
"""


def test_partial_authorizations_decide_the_remainder():
    d = parse(letter(PARTIALS))
    assert [(i.item, i.decision) for i in d.issues] == [
        ("Tizanidine 4mg #45", "Upheld"), ("Aquatic therapy six visits", "Overturned"),
        ("Rental of a walker for three months", "Upheld")]
    assert [i.partial for i in d.issues] == [
        Partial("Tizanidine 4mg #90", "Tizanidine 4mg #45"),
        Partial("Aquatic therapy ten visits", "Aquatic therapy four visits"),
        Partial("Rental of a walker for three months", "rental of a walker for one month")]


COLONS = """Associated surgical service: Knee immobilizer: Upheld
Claims Administrator guideline: The Claims Administrator did not cite any medical evidence
for its decision.

MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its decision.

Decision rationale: The surgery is not certified, so the brace is not medically necessary.

Retrospective ketorolac injection DOS: 12/02/2016: Upheld

Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment
2016, Section(s): NSAIDs.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,
Section(s): NSAIDs.

Decision rationale: Injected NSAIDs are not advised for chronic pain. The request is not
medically necessary.

Morphine sulfate ER 15mg #60 day supply: 30: Overturned

Claims Administrator guideline: Decision based on MTUS Opioid Treatment 2016, Section(s):
3. Opioids for Chronic Pain: Overview of Recommendations.

MAXIMUS guideline: Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3
Opioid monitoring.

Decision rationale: Function improved and monitoring is documented. The request is medically
necessary.
"""


def test_colons_inside_items_the_decision_follows_the_last():
    d = parse(letter(COLONS))
    assert [(i.item, i.decision) for i in d.issues] == [
        ("Associated surgical service: Knee immobilizer", "Upheld"),
        ("Retrospective ketorolac injection DOS: 12/02/2016", "Upheld"),
        ("Morphine sulfate ER 15mg #60 day supply: 30", "Overturned")]
    # a cited section numbered "3." is not a fourth item
    assert d.issues[2].citations[0].text.startswith("MTUS Opioid Treatment 2016")


TRACTION = """Cervical traction unit for home use with the over the door attachment and
supplies:
Overturned
Claims Administrator guideline: Decision based on MTUS Neck and Upper Back
Complaints 2004.

MAXIMUS guideline: Decision based on MTUS Neck and Upper Back Complaints 2004.

Decision rationale: Traction helps this radicular pain. The request is medically necessary.
"""


def test_decision_word_alone_and_items_run_into_labels_and_headings():
    summary = SUMMARY.rstrip() + "\n"  # no blank line before the next heading
    d = parse(letter(TRACTION, summary))
    assert [(i.item, i.decision) for i in d.issues] == [
        ("Cervical traction unit for home use with the over the door attachment and supplies",
         "Overturned")]
    assert d.section("clinical-case-summary").text.endswith("rest.")
    assert d.issues[0].citations[0].text == "MTUS Neck and Upper Back Complaints 2004"


PAGE_JOINS = """Physical therapy for the neck two times a week
<page>
for four weeks: Upheld

Claims Administrator guideline: Decision based on MTUS Neck and Upper Back Complaints
2004.

MAXIMUS guideline: Decision based on MTUS Neck and Upper Back Complaints 2004.

Decision rationale: Six visits were completed with no gain in motion or strength, and
<page>
no home program is noted. The request is not medically necessary.
"""


def test_page_joins_fall_inside_paragraphs_items_and_sentences():
    issue = parse(letter(PAGE_JOINS)).issues[0]
    assert issue.item == "Physical therapy for the neck two times a week for four weeks"
    assert "strength, and no home program" in issue.rationale


NOTHING_CITED = """Lumbar brace: Upheld

Claims Administrator guideline: The Claims Administrator based their decision on
recommendation(s) outside of the MTUS Guidelines. Decision based on Non-MTUS Citation
Official Disability Guidelines (ODG), Low Back, Lumbar supports.

MAXIMUS guideline: The Expert Reviewer based their decision on recommendation(s) outside
of the MTUS. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG),
Low Back, Lumbar supports.

Decision rationale: ODG does not advise braces for prevention. The request is not
medically necessary.

"""


def test_guideline_lines_that_cite_nothing_and_mtus_parts_with_years():
    brace, naproxen = parse(letter(NOTHING_CITED + ONE_ITEM)).issues
    assert brace.guidelines == ["ODG"]
    assert [c.source for c in brace.citations] == ["ODG"]
    assert naproxen.guidelines == ["MTUS"]
    assert naproxen.citations[0].text == "MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs"
    immobilizer = parse(letter(COLONS)).issues[0]
    assert immobilizer.citations == [] and immobilizer.guidelines == []


WEANING = """Tramadol 50mg #120: Upheld

Claims Administrator guideline: Decision based on MTUS Opioid Treatment 2016.

MAXIMUS guideline: Decision based on MTUS Opioid Treatment 2016.

Decision rationale: No pain scores or drug screens are documented. Therefore, the request for
Tramadol 50mg #120 is not medically necessary.

This medical necessity decision should not be interpreted as a recommendation to stop the
opioid abruptly. The treating physician and the patient are advised to consult the MTUS
guidance on tapering, and a gradual weaning is appropriate for this patient.
"""


def test_an_opioid_weaning_paragraph_is_neither_an_item_nor_the_conclusion():
    d = parse(letter(WEANING))
    assert [(i.item, i.decision) for i in d.issues] == [("Tramadol 50mg #120", "Upheld")]
    assert "weaning" in d.issues[0].rationale
    assert decision_from_text(d.issues[0].rationale) == "Upheld"


@pytest.mark.parametrize("sentence, age, sex", [
    ("This case involves a now 36-year-old female who slipped at work.", 36, "female"),
    ("The injured worker is a(n) 57 year old male who fell from a ladder.", 57, "male"),
    ("The 58 year old female injured worker reported wrist pain after typing.", 58, "female"),
    ("The applicant, 44 years of age, is a man who was struck by a pallet.", 44, "male"),
])
def test_age_and_sex_phrasings(sentence, age, sex):
    d = parse(letter(ONE_ITEM, sentence + "\n"))
    assert (d.patient.age, d.patient.sex) == (age, sex)


def test_no_age_and_two_birthdates_gives_no_age():
    summary = ("The injured worker is a woman who was hurt at work. Her records list her date of\n"
               "birth as 02-11-1970 and 02-11-1977. She has shoulder pain.\n")
    assert parse(letter(ONE_ITEM, summary)).patient.age is None
    one = summary.replace(" and 02-11-1977", "")
    assert parse(letter(ONE_ITEM, one)).patient.age == 47


NOTICE = """Notice of Independent Medical Review Determination
Dated: 10/21/2013

IMR Case Number:  CM13-0031234    Date of UR Decision:  8/9/2013
Date of Injury:  4/2/2010
IMR Application Received:  8/26/2013

Dear Ms. Sample:

MAXIMUS Federal Services, Inc. has completed the Independent Medical Review (IMR) of the
above workers' compensation case. This letter provides you with the IMR Final Determination.

Final Determination: UPHOLD
This means we decided that none of the disputed items/services are medically necessary and
appropriate.

1. MAXIMUS Federal Services, Inc. has determined the request for topical ketoprofen cream
120 grams is notmedically necessary and appropriate.
2. MAXIMUS Federal Services, Inc. has determined the request for aquatic therapy twice weekly
for six weeks is not medically necessary and appropriate.

INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE

HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer.

Medical Qualifications of the Expert Reviewer:
The expert reviewer is Board Certified in Anesthesiology, has a subspecialty in Pain Medicine
and is licensed to practice in California.

Case Summary:
The expert reviewer developed the following case summary based on a review of the records:
Disclaimer: The following summary was taken from the utilization review letter. "The
claimant is a 61 year old woman who reported a lifting injury on 4/2/2010. She has neck
pain radiating to both shoulders."

1. MAXIMUS Federal Services, Inc. has determined the request for topical ketoprofen cream
120 grams is notmedically necessary and appropriate.
Guidelines relied upon by the Claims Administrator (Utilization Review Agency) in making its
decision: MTUS Chronic Pain Medical Treatment Guidelines, Topical Analgesics, page 111.
Guidelines relied upon by the Expert Reviewer in making his/her decision: MTUS Chronic Pain
Medical Treatment Guidelines, Topical Analgesics, page 112.
Rationale for the Decision:
Ketoprofen is not approved for topical use. The request is not medically necessary.

2. MAXIMUS Federal Services, Inc. has determined the request for aquatic therapy twice weekly
for six weeks is not medically necessary and appropriate.
Guidelines relied upon by the Claims Administrator (Utilization Review Agency) in making its
decision: MTUS Chronic Pain Medical Treatment Guidelines, Aquatic therapy, page 22.
Guidelines relied upon by the Expert Reviewer in making his/her decision: MTUS Chronic Pain
Medical Treatment Guidelines, Aquatic therapy, page 22.
Rationale for the Decision:
Land-based therapy can be done. The request is not medically necessary.
"""


@pytest.mark.parametrize("shape", ["plain", "doubled", "single"])
def test_2013_notice_layout(shape):
    text = {"plain": NOTICE, "doubled": NOTICE.replace("\n", " \n\n").replace("\n\n \n\n", "\n\n \n\n \n\n"),
            "single": NOTICE.replace("\n\n", "\n")}[shape]
    d = parse(text)
    assert d.format == FORMAT_NOTICE
    assert [(i.item, i.decision) for i in d.issues] == [
        ("topical ketoprofen cream 120 grams", "Upheld"),
        ("aquatic therapy twice weekly for six weeks", "Upheld")]
    assert d.issues[0].citations[0].pages == "112"
    assert (d.case_number, d.decision_date, d.ur_denial_date) == ("CM13-0031234", "2013-10-21", "2013-08-09")
    assert (d.patient.age, d.patient.sex, d.patient.date_of_injury) == (61, "female", "2010-04-02")
    assert d.reviewer.specialty == ["Anesthesiology", "Pain Medicine"]
    assert d.warnings == []


RUN_ON = ("The Final Determination was based on decisions for the disputed items/services set forth "
          "below: Shoulder ultrasound: Upheld Claims Administrator guideline: Decision based on MTUS "
          "Shoulder Complaints 2004. MAXIMUS guideline: Decision based on MTUS Shoulder Complaints "
          "2004. Decision rationale: No red flags are noted. The request for shoulder ultrasound is "
          "not medically necessary. Naproxen 500mg #60: Overturned Claims Administrator guideline: "
          "The Claims Administrator did not cite any medical evidence for its decision. MAXIMUS "
          "guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016. Decision rationale: "
          "NSAIDs help this flare. The request for naproxen is medically necessary. Home exercise "
          "kit: Upheld Claims Administrator guideline: The Claims Administrator did not cite any "
          "medical evidence for its decision. MAXIMUS guideline: The Expert Reviewer did not cite any "
          "medical evidence for its decision. Decision rationale: No kit is needed for a home "
          "program. The request is not medically necessary.\n")


def test_three_items_run_into_one_paragraph_are_three_items():
    d = parse(letter(RUN_ON))
    assert [(i.item, i.decision) for i in d.issues] == [
        ("Shoulder ultrasound", "Upheld"), ("Naproxen 500mg #60", "Overturned"),
        ("Home exercise kit", "Upheld")]
    assert d.issues[1].rationale == "NSAIDs help this flare. The request for naproxen is medically necessary."


@pytest.mark.parametrize("item_lines", [
    "Knee MRI:\n\nUpheld\n\n",  # the decision set apart by a blank line
    "Knee MRI     Upheld\n\n",  # a table cell: the colon is lost
    "Knee MRI:Upheld\n\n",
])
def test_a_typeset_letters_only_decision_is_read(item_lines):
    text = ("IMR ISSUES, DECISIONS AND RATIONALES\n\n" + item_lines +
            "Claims Administrator guideline: Decision based on MTUS Knee Complaints 2004.\n\n"
            "MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004.\n\n"
            "Decision rationale: Imaging is advised only after a month of care. The request is "
            "medically necessary.\n")
    d = parse(text)
    assert [(i.item, i.decision) for i in d.issues] == [("Knee MRI", "Upheld")]
