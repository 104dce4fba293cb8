"""The letter layouts Precedent recognises, described as data.

Each heading has a stable section id (used in permalinks) and a display title. Headings match
case-insensitively with flexible spacing, so wrapped or re-cased headings still match.
"""

from __future__ import annotations

import re


def _heading(words: str) -> re.Pattern:
    pattern = re.sub(r"\\ ", r"\\s+", words)
    pattern = pattern.replace(r"\(?S\)?", r"(?:\(S\)|S)?")
    return re.compile(rf"(?i)\s*{pattern}\s*:?\s*")


# section id -> (display title, heading pattern)
HEADINGS: dict[str, tuple[str, re.Pattern]] = {
    "how-made": ("How the IMR final determination was made",
                 _heading(r"HOW THE IMR FINAL DETERMINATION WAS MADE")),
    "documents-reviewed": ("Documents reviewed",
                           _heading(r"DOCUMENT\(?S\)? REVIEWED(?: FOR (?:THE )?DETERMINATION)?")),
    "clinical-case-summary": ("Clinical case summary",
                              _heading(r"(?:CLINICAL |EXPERT REVIEWER(?:'S)? )?CASE SUMMARY")),
    "decisions": ("IMR issues, decisions and rationales",
                  _heading(r"(?:IMR|INDEPENDENT MEDICAL REVIEW) (?:ISSUES,? DECISIONS,? AND RATIONALES"
                           r"|DECISION\(?S\)? AND RATIONALE\(?S\)?)")),
    "medical-professional-review": ("Medical professional review",
                                    _heading(r"MEDICAL PROFESSIONAL REVIEW")),
    "issue-at-dispute": ("Issue at dispute", _heading(r"ISSUE\(?S\)? (?:AT|IN) DISPUTE")),
    # The older letters print the issue, determination, guidelines and rationale once per issue.
    "determination": ("Determination", _heading(r"DETERMINATION")),
    "guidelines-relied-upon": (
        "Medical treatment guidelines relied upon",
        _heading(r"MEDICAL TREATMENT GUIDELINE\(?S\)? (?:RELIED UPON BY (?:THE )?PROFESSIONAL "
                 r"REVIEWER(?: AND WHY)?|USED)"),
    ),
    "rationale": (
        "Rationale",
        _heading(r"RATIONALE FOR WHY THE REQUESTED TREATMENT/?SERVICES? (?:IS/WAS|IS|WAS) "
                 r"(?:NOT )?MEDICALLY NECESSARY"),
    ),
    "reviewer-qualifications": ("Medical reviewer qualifications",
                                _heading(r"(?:(?:MEDICAL )?REVIEWER QUALIFICATIONS|MEDICAL "
                                         r"QUALIFICATIONS OF THE EXPERT REVIEWER)")),
    # "Reviewer's Attestation: I have no conflict of interest...": a statement, not a rationale.
    "attestation": ("Reviewer's attestation",
                    _heading(r"(?:(?:EXPERT |PROFESSIONAL )?REVIEWER(?:['\u2019]?S)? )?ATTESTATION")),
}

HEADING_PATTERNS = [(section_id, pattern) for section_id, (_, pattern) in HEADINGS.items()]

# Labels inside a decisions section: each opens a paragraph of its own.
ITEM_DECISION = re.compile(
    r"(?is)^(?:\d{1,2}[.)]\s*)?(?P<item>.{2,900}?)\s*[:\-\u2013]\s*"
    r"(?P<decision>upheld|overturned|uphold|overturn|(?:is\s+)?not\s+medically\s+necessary|"
    r"(?:is\s+)?medically\s+necessary|non-?certified|certified|denied|approved)\.?\s*$"
)
# A typeset letter can lose the colon between item and decision ("MRI of the knee   Upheld"):
# read so only where a guideline or rationale label follows.
ITEM_DECISION_BARE = re.compile(
    r"(?s)^(?:\d{1,2}[.)]\s*)?(?P<item>[^.]{2,300}?)\s+(?P<decision>Upheld|Overturned|UPHELD|OVERTURNED)"
    r"\.?\s*$"
)
# Words that end in a colon inside a rationale but are not disputed items.
NOT_ITEMS = re.compile(r"(?i)^(?:(?:IMR\s+)?final\s+|overall\s+)?(?:conclusion|decision|determination|"
                       r"rationale|recommendation|summary|therefore|result|outcome|assessment|plan)s?$")
OVERTURNING = re.compile(r"(?i)^(?:overturn(?:ed)?|(?:is\s+)?medically\s+necessary|certified|"
                         r"approved)$")
# "not" is sometimes glued to the next word by the extractor ("notmedically").
ITEM_NECESSITY = re.compile(
    r"(?is)^(?P<number>\d{1,2}[.)]\s*)?(?P<item>.{2,400}?)\s+(?:is|are|was|were)\s+(?P<neg>not\s*)?"
    r"medically\s*necessary(?:\s+and\s+appropriate)?\.?\s*$"
)
# The 2013 notice's item sentence; an item line even without a number or a label after it.
DETERMINED = re.compile(
    r"(?is)^(?:\d{1,2}[.)]\s*)?MAXIMUS\s+Federal\s+Services,?\s+Inc\.?,?\s+has\s+determined\s+"
    r"(?:that\s+)?(?P<item>.{2,600}?)\s+(?:is|are|was|were)\s+(?P<neg>not\s*)?medically\s*"
    r"necessary(?:\s+and\s+appropriate)?\.?\s*$"
)
# A partial authorization: the decided item is the remainder (or the whole original request
# when the administrator left it IMR eligible); requested and authorized are kept beside it.
_AUTHORIZED = (r"(?:(?P<authorized>.+?)\s+was\s+authorized\s+by\s+the\s+Claims\s+Administrator|The\s+"
               r"Claims\s+Administrator\s+authorized\s+(?P<authorized2>.+?),?\s+leaving\s+the\s+original\s+"
               r"request\s+IMR[\s-]+eligible)")
ORIGINAL_REQUEST = re.compile(r"(?i)\bwas\s+the\s+original\s+request\b")
PARTIAL = re.compile(
    rf"(?is)^(?P<requested>.+?)\s+was\s+the\s+original\s+request\.\s*{_AUTHORIZED}\.\s*"
    r"(?:The\s+remaining\s+IMR[\s-]+eligible\s+portion\s+of\s+the\s+original\s+request|The\s+original"
    r"\s+request)\s*(?:,|\bis\b)\s*(?P<item>.+?)(?:,?\s+is)?$"
)
# "Guidelines relied upon by", "Medical Treatment Guideline(s) Relied Upon by" (the 2013 notices).
_RELIED_UPON = r"(?:Medical\s+Treatment\s+)?Guidelines?(?:\(s\))?\s+relied\s+upon\s+by\s+the\s+"
CLAIMS_GUIDELINE = re.compile(
    rf"(?i)^(?:Claims\s+Administrator(?:'s)?\s+guidelines?|{_RELIED_UPON}Claims\s+Administrator[^:]*)"
    r"\s*:\s*"
)
REVIEWER_GUIDELINE = re.compile(
    rf"(?i)^(?:MAXIMUS\s+guidelines?|{_RELIED_UPON}(?:Expert|Independent\s+Medical|Physician|"
    r"Professional)\s+Reviewer[^:]*)\s*:\s*"
)
RATIONALE = re.compile(
    r"(?i)^(?:Decision\s+rationale|Rationale\s+for\s+the\s+decision|The\s+(?:Expert|Physician)"
    r"\s+Reviewer'?s\s+decision\s+rationale|Rationale)\s*:\s*"
)
NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(?=\S)")
# The 2013 notice opens each item's guidelines and rationale with "1) Regarding the request for X:";
# the decision is the one the item's line in the list above gave.
REGARDING = re.compile(r"(?i)^\s*(?:\d{1,2}[.)]\s*)?Regarding\s+the\s+requests?\s+for\s+")
ITEM_REGARDING = re.compile(
    r"(?is)^\s*(?:\d{1,2}[.)]\s*)?Regarding\s+the\s+requests?\s+for\s+(?P<item>.{2,400}?)\s*:\s*$"
)
# Where a letter's closing begins (the cover letter's signature block, copies, typist's initials,
# the reviewer's attestation): never part of an item's rationale.
CLOSING = re.compile(
    r"(?i)\bThis\s+decision\s+is\s+final\s+and\s+binding\b|\bSincerely\s*,|^(?:Respectfully|"
    r"Regards)\s*,?\s*$|^cc\s*:|^/[a-z]{1,4}(?:[/\s]|$)|\b(?:Expert\s+|Professional\s+)?Reviewer"
    r"(?:['\u2019]?s)?\s+Attestation\s*:|\bI\s+(?:have|had)\s+no\s+(?:affiliation|conflicts?\s+of\s+"
    r"interest)\b|^(?:Associate\s+|Deputy\s+)?Medical\s+Director\s*$|"
    # a signature: a name and its degrees alone in a paragraph ("Paul Manchester, MD, MPH")
    r"(?-i:^(?:Dr\.\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){1,3},\s*(?:M\.?D|D\.?O)\.?(?:,?\s*[A-Z][A-Z.]{1,5})*"
    r"(?:\s+(?:Associate\s+)?Medical\s+Director)?\s*$)"
)

PARAGRAPH_STARTS = [CLAIMS_GUIDELINE, REVIEWER_GUIDELINE, RATIONALE]
DECISION_WORD = re.compile(r"(?i)^\s*(?:upheld|overturned)\.?\s*$")
PARAGRAPH_ENDS = [re.compile(r"(?i):\s*(?:upheld|overturned)\.?\s*$"), DECISION_WORD,
                  re.compile(r"(?i)\b(?:is|are)\s+(?:not\s*)?medically\s*necessary\s+and\s+"
                             r"appropriate\.?\s*$")]
# Where text is not double-spaced, a numbered line opens a paragraph too ("2. Soma 350mg...").
LINE_STARTS = [*PARAGRAPH_STARTS, NUMBERED, REGARDING]

# Labels that may be run into the text before them when line breaks are lost (typeset PDFs).
INLINE_LABELS = re.compile(
    r"(?i)(?<=\S)\s*(?=(?:Claims\s+Administrator\s+guideline|MAXIMUS\s+guideline|Decision\s+rationale|"
    r"Guidelines?\s+relied\s+upon\s+by\s+the|Rationale\s+for\s+the\s+decision)\s*:|"
    r"Medical\s+Treatment\s+Guideline(?:s|\(s\))?\s+relied\s+upon\s+by\s+the\s+[A-Za-z ]{3,40}:)"
)
# Where a decision ends an item run into more text: "MRI of the knee: Upheld Claims ...".
INLINE_DECISION = re.compile(r"(?i):\s*(?:upheld|overturned)\b\.?(?=\s+\S)")
ENDS_IN_DECISION = re.compile(r"(?i)[:\-\u2013]\s*(?:upheld|overturned)\.?\s*$")

# Guideline statements that cite nothing: they name MTUS only to say it was not used.
NO_CITATION = re.compile(
    r"(?i)(?:The\s+)?(?:Claims\s+Administrator|Expert\s+Reviewer|Reviewer)\s+(?:did\s+not\s+cite\s+any\s+"
    r"medical\s+evidence\s+for\s+(?:its|their|his/her)\s+decision|based\s+(?:their|its|his/her)\s+"
    r"decision\s+on\s+recommendation\(?s?\)?\s+outside\s+of\s+the\s+MTUS(?:\s+Guidelines)?)\.?"
)
# Sentences after a rationale's conclusion that must not be read as the conclusion
# (the opioid-weaning advice the letters append to opioid decisions).
NOT_CONCLUSIONS = re.compile(
    r"(?i)should\s+not\s+be\s+interpreted\s+as\s+a\s+recommendation|\bwean(?:ing|ed)?\b|"
    r"\btaper(?:ing|ed)?\b|advised\s+to\s+(?:speak|consult|discuss)"
)

# The header block of the letters: label -> Determination field (dates as YYYY-MM-DD).
HEADER_DATES: dict[str, re.Pattern] = {
    "date_assigned": re.compile(r"(?i)\bDate\s+Assigned\s*:\s*"),
    "date_of_injury": re.compile(r"(?i)\bDate\s+of\s+Injury\s*:\s*"),
    "decision_date": re.compile(r"(?i)\b(?:Decision\s+Date|Date\s+of\s+(?:IMR\s+)?Determination|"
                                r"Dated)\s*:\s*"),
    "ur_denial_date": re.compile(r"(?i)\b(?:UR\s+Denial\s+Date|Date\s+of\s+UR\s+(?:Decision|Denial))\s*:\s*"),
    "application_received": re.compile(r"(?i)\b(?:IMR\s+)?Application\s+Received\s*:\s*"),
}
# Fields that can follow the specialty in a credentials block or header: a specialty ends there.
FIELD_LABELS = re.compile(
    r"(?i)\s*\b(?:IMR\s+|MAXIMUS\s+)?Case\s+Number\b|\s*\bState\(?s?\)?\s+of\s+Licensure\b|"
    r"\s*\bDate\s+(?:Assigned|of\s+Injury)\b|\s*\b(?:Decision|UR\s+Denial)\s+Date\b|\s*\bPriority\s*:|"
    r"\s*\bCLINICAL\s+CASE\s+SUMMARY\b|\s*\bHOW\s+THE\s+IMR\b"
)
# The 2013-era letters open with this title.
NOTICE_TITLE = re.compile(r"(?i)notice\s+of\s+independent\s+medical\s+review\s+determination")

# Sentences every letter of a layout carries; kept for display, kept out of retrieval.
BOILERPLATE = [
    re.compile(r"(?i)the expert reviewer developed the following clinical case summary based on "
               r"a review of the case file, including all medical records:?"),
    re.compile(r"(?i)the final determination was based on decisions for the disputed "
               r"items/services set forth below:?"),
    # The 2013 notices: a summary copied from the utilization review letter.
    re.compile(r"(?i)Disclaimer:\s*The\s+following\s+(?:clinical\s+)?(?:case\s+)?summary\s+was\s+taken\s+"
               r"(?:directly\s+)?from\s+the\s+utilization\s+review[^.]{0,200}\.(?:\s*All\s+medical\s+records"
               r"[^.]{0,200}\.)?"),
]
