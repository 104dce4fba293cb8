"""The decisive reasons read from rationales and questions (indexer.reasons).

The rationale snippets are written for these tests in the style of IMR letters: the guideline quoted as
the standard, then the reviewer's finding, then the conclusion.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.reasons import (
    COUNTERPART,
    DECISION_OF,
    REASONS,
    canonical_reason,
    reasons_in_question,
    reasons_of,
)

FI, EXCEEDS = "no functional improvement documented", "exceeds recommended number or duration"
PRIOR, TRIED = "prior treatment or results not documented", "conservative or first-line care not tried"
NEURO, OBJECTIVE = "no red flags or neurological findings", "missing objective findings"
NOT_REC, LONG_TERM = "not recommended by the guideline", "long-term use not supported"
RISK, MONITORING = "no risk factors", "monitoring not documented"
RATIONALE, UNSPECIFIED = "no rationale for the request", "request not specified"
SURGERY, HOME = "surgery not contemplated", "home exercise program sufficient"
DUPLICATE = "duplicate or recent study"
PRIMARY, REHAB, CRITERIA = ("primary request not certified", "not part of a rehabilitation program",
                            "guideline criteria not met")
DIAGNOSIS = "no diagnosis or indication"
FI_OK, WITHIN, FAILED = ("functional improvement documented", "within recommended number or duration",
                         "conservative care failed")
NEURO_OK, RISK_OK, ACUTE = ("red flags or neurological findings present", "risk factors present",
                            "acute or post-operative need")
PRIMARY_OK, CRITERIA_OK = "primary request certified", "guideline criteria met"

WEANING = ("This decision addresses the medical necessity of opioids as they have been prescribed. It should "
           "not be interpreted as a recommendation to stop long-term opioids abruptly and the patient is "
           "advised to speak with the treating physician.")

# (rationale, decision, the reasons expected first in this order, reasons that must not be given)
RATIONALES = [
    pytest.param(
        "Per MTUS, physical medicine is recommended for 9-10 visits over 8 weeks, and further visits "
        "require documented functional improvement. The claimant has attended 12 sessions so far. The "
        "request for 8 more sessions exceeds the recommended number of visits. Therefore, the request is "
        "not medically necessary.", "Upheld", [EXCEEDS], [FI], id="guideline-mentions-FI-finding-is-count"),
    pytest.param(
        "ODG allows an initial trial of 6 acupuncture visits, extended only with evidence of objective "
        "functional improvement. In this case, the records show 6 completed visits but no documentation of "
        "objective functional improvement, such as reduced work restrictions. Therefore, additional "
        "acupuncture is not medically necessary.", "Upheld", [FI], [EXCEEDS], id="no-FI-in-this-case"),
    pytest.param(
        "The guidelines support 8 visits for this condition. The injured worker has had prior physical "
        "therapy; however, it is not clear how many sessions were completed or what the outcome was. "
        "As such, the request is not medically necessary.", "Upheld", [PRIOR], [], id="unclear-how-many"),
    pytest.param(
        "Although there are no red flags, the injured worker completed 6 sessions with documented "
        "improvement in function and a reduction in work restrictions. The request for 4 more visits is "
        "within the guideline recommendations. The request is medically necessary.", "Overturned",
        [FI_OK, WITHIN], [NEURO, NEURO_OK], id="overturned-mentions-no-red-flags"),
    pytest.param(
        "The worker has persistent knee pain despite 8 weeks of therapy and anti-inflammatories, with no "
        "improvement, and a positive McMurray test. MRI is medically necessary.", "Overturned",
        [FAILED], [FI_OK], id="overturned-no-improvement-is-failed-care"),
    pytest.param(
        "Proton pump inhibitors are recommended for patients at intermediate or high risk of "
        "gastrointestinal events. The records do not document any history of GI bleeding or dyspepsia, "
        "and the patient is not on high-dose NSAIDs. Omeprazole is not medically necessary.", "Upheld",
        [RISK], [], id="ppi-no-gi-risk"),
    pytest.param(
        "Ongoing opioid management requires urine drug testing and review of the CURES report. There is no "
        "evidence that a recent urine drug screen was obtained, and the CURES database was not checked. "
        "The patient has used hydrocodone for several months without documented pain relief. Norco is not "
        "medically necessary. " + WEANING, "Upheld", [MONITORING], [], id="opioid-monitoring-and-weaning"),
    pytest.param(
        "Muscle relaxants are recommended for a short course of no longer than 2 to 3 weeks. The patient has "
        "been taking cyclobenzaprine since August 2016, exceeding the recommended short-term use. The "
        "request is not medically necessary.", "Upheld", [LONG_TERM], [EXCEEDS], id="muscle-relaxant-months"),
    pytest.param(
        "Imaging is reserved for red-flag conditions or when surgery is being considered. The neurological "
        "examination is normal, and there is no documentation that the claimant would consider surgical "
        "intervention. The lumbar MRI is not medically necessary.", "Upheld", [NEURO, SURGERY], [],
        id="mri-normal-neuro-no-surgery"),
    pytest.param(
        "Since the requested right knee arthroscopy is not medically necessary, the associated cold therapy "
        "unit is not medically necessary either.", "Upheld", [PRIMARY], [SURGERY], id="ancillary"),
    pytest.param(
        "The MTUS 2016 guidelines recommend physical therapy with a transition to home exercise. The "
        "patient completed 10 sessions and there is no explanation why the remaining exercises cannot be "
        "performed independently at home. Not medically necessary.", "Upheld", [HOME], [], id="home-program"),
    pytest.param(
        "The ODG states that therapeutic ultrasound is not recommended. No exceptional factors are noted "
        "that would support treatment outside of the guidelines. The request is not medically necessary.",
        "Upheld", [NOT_REC], [], id="not-recommended-by-guideline"),
    pytest.param(
        "There is no indication that the patient was unable to tolerate oral NSAIDs, and a trial of "
        "first-line antidepressants or anticonvulsants is not documented. The topical compound is not "
        "medically necessary.", "Upheld", [TRIED], [], id="topical-first-line"),
    pytest.param(
        "The patient had a lumbar MRI on 11/02/2016. It is unclear why a repeat study is being requested "
        "so soon. The request is not medically necessary.", "Upheld", [DUPLICATE], [], id="repeat-study"),
    pytest.param(
        "The request does not specify the quantity or the duration of the rental. Therefore, the request "
        "is not medically necessary.", "Upheld", [UNSPECIFIED], [], id="unspecified"),
    pytest.param(
        "A TENS unit may be considered as an adjunct to a program of functional restoration. There is no "
        "indication that the unit will be used in conjunction with an active exercise program. The request "
        "is not medically necessary.", "Upheld", [REHAB], [], id="tens-alone"),
    pytest.param(
        "The treating physician did not provide a clear rationale for the study or explain how the results "
        "would change the treatment plan. Not medically necessary.", "Upheld", [RATIONALE], [],
        id="no-rationale"),
    pytest.param(
        "The transportation request does not meet the guideline criteria. The request is not medically "
        "necessary.", "Upheld", [CRITERIA], [], id="generic-criteria"),
    pytest.param(
        "Given the patient's age and comorbid hypertension, a preoperative metabolic panel is appropriate. "
        "The request is medically necessary.", "Overturned", [RISK_OK], [], id="preop-risk"),
    pytest.param(
        "Opioids are supported for a limited time in the immediate postoperative period. The request for "
        "Percocet after the approved shoulder surgery is medically necessary.", "Overturned", [ACUTE], [],
        id="post-op-opioid"),
    pytest.param(
        "The concurrent request for shoulder surgery is supported. Therefore, the sling is medically "
        "necessary.", "Overturned", [PRIMARY_OK], [PRIMARY], id="primary-certified"),
    pytest.param(
        "Muscle relaxants are a second-line option for acute spasm. On the 12/01/2016 examination there was "
        "no muscle spasm noted. The request for Flexeril is not medically necessary.", "Upheld", [OBJECTIVE],
        [], id="no-spasm"),
    pytest.param(
        "Topical lidocaine is recommended for localized neuropathic pain. The claimant has not been "
        "diagnosed with a neuropathic condition; the records describe a wrist sprain. Not medically "
        "necessary.", "Upheld", [DIAGNOSIS], [], id="no-diagnosis"),
    pytest.param(
        "The medical records reveal the criteria for a home health aide are met, as the worker is "
        "homebound after the crush injury. The request is medically necessary.", "Overturned", [CRITERIA_OK],
        [CRITERIA], id="criteria-met"),
    pytest.param(
        "There is no documentation of neurological deficits on examination. Therefore the EMG is not "
        "medically necessary.", None, [NEURO], [NEURO_OK], id="decision-read-from-text"),
]


@pytest.mark.parametrize("rationale, decision, expected, excluded", RATIONALES)
def test_reasons_of(rationale, decision, expected, excluded):
    got = reasons_of(rationale, decision)
    assert got[:len(expected)] == expected or set(expected) <= set(got), got
    assert not set(excluded) & set(got), got
    side = decision or "Upheld"
    assert all(DECISION_OF[label] == side for label in got), got


def test_reasons_of_without_text():
    assert reasons_of("", "Upheld") == []
    assert reasons_of("The request is not medically necessary.", "Upheld") == []


QUESTIONS = [
    ("PT denied because it's unclear how many sessions were already done", [PRIOR]),
    ("the number of prior visits is unknown", [PRIOR]),
    ("acupuncture denied, it didn't help", [FI]),
    ("no objective gains from chiropractic", [FI]),
    ("no functional improvement after therapy", [FI]),
    ("too many physical therapy visits", [EXCEEDS]),
    ("chiro beyond the maximum", [EXCEEDS]),
    ("acupuncture over the limit", [EXCEEDS]),
    ("lumbar MRI with no red flags", [NEURO]),
    ("normal neuro exam, MRI denied", [NEURO]),
    ("Soma used for months", [LONG_TERM]),
    ("long term opioids", [LONG_TERM]),
    ("MRI without trying conservative care first", [TRIED]),
    ("PPI without GI risk", [RISK]),
    ("Norco with no urine drug screen", [MONITORING]),
    ("post-op PT denied because the surgery was denied", [PRIMARY]),
    ("PT approved because it helped", [FI_OK]),
    ("MRI approved after failed physical therapy", [FAILED]),
    ("knee MRI", []),
    ("Norco", []),
    ("gym membership for the lumbar spine", []),
    ("why was the cervical MRI denied", []),
]


@pytest.mark.parametrize("question, expected", QUESTIONS)
def test_reasons_in_question(question, expected):
    got = reasons_in_question(question)
    assert got[:len(expected)] == expected if expected else got == [], got


@pytest.mark.parametrize("value, expected", [
    ("no functional improvement documented", FI),
    ("No-Functional-Improvement-Documented", FI),
    ("long_term_use_not_supported", LONG_TERM),
    ("exceeds recommended number", EXCEEDS),
    ("didn't help", FI),
    ("red flags", NEURO),
    ("knee", None),
    ("", None),
])
def test_canonical_reason(value, expected):
    assert canonical_reason(value) == expected


def test_taxonomy_is_stable_and_paired():
    assert len(REASONS) >= 20
    for label, description in REASONS.items():
        assert label == label.lower() and label.strip() == label
        assert description and "\n" not in description
        assert DECISION_OF[label] in ("Upheld", "Overturned")
    for label, other in COUNTERPART.items():
        assert COUNTERPART[other] == label and DECISION_OF[label] != DECISION_OF[other]


REAL = Path(__file__).resolve().parents[3] / "shared" / "real" / "text"


@pytest.mark.skipif(not REAL.is_dir(), reason="the real letters live beside the repository")
def test_most_real_items_get_a_reason():
    from indexer.ingest.parse import parse_text
    from indexer.ingest.read import read_letter

    items = []
    for path in sorted(REAL.glob("r*.txt"))[:40]:
        text, _ = read_letter(path)
        items += [(i.rationale, i.decision) for i in parse_text(text, path.name).issues]
    with_reason = sum(bool(reasons_of(rationale, decision)) for rationale, decision in items)
    assert items and with_reason / len(items) >= 0.85


def test_text_that_never_ends_a_sentence_is_read_in_bounded_pieces():
    endless = "there is no documentation of functional improvement " + "and no " * 3000
    assert "no functional improvement documented" in reasons_of(endless, "Upheld")  # seconds, not minutes
