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
    "clinical-case-summary": ("Clinical case summary", _heading(r"(?:CLINICAL )?CASE SUMMARY")),
    "decisions": ("IMR issues, decisions and rationales",
                  _heading(r"IMR (?:ISSUES,? DECISIONS,? AND RATIONALES"
                           r"|DECISION\(?S\)? AND RATIONALE\(?S\)?)")),
    "medical-professional-review": ("Medical professional review",
                                    _heading(r"MEDICAL PROFESSIONAL REVIEW")),
    "issue-at-dispute": ("Issue at dispute", _heading(r"ISSUE\(?S\)? (?:AT|IN) DISPUTE")),
    "guidelines-relied-upon": (
        "Medical treatment guidelines relied upon",
        _heading(r"MEDICAL TREATMENT GUIDELINE\(?S\)? RELIED UPON BY (?:THE )?PROFESSIONAL "
                 r"REVIEWER(?: AND WHY)?"),
    ),
    "rationale": (
        "Rationale",
        _heading(r"RATIONALE FOR WHY THE REQUESTED TREATMENT/?SERVICES? (?:IS/WAS|IS|WAS) "
                 r"(?:NOT )?MEDICALLY NECESSARY"),
    ),
    "reviewer-qualifications": ("Medical reviewer qualifications",
                                _heading(r"(?:MEDICAL )?REVIEWER QUALIFICATIONS")),
}

HEADING_PATTERNS = [(section_id, pattern) for section_id, (_, pattern) in HEADINGS.items()]

# Labels inside a decisions section: each opens a paragraph of its own.
ITEM_DECISION = re.compile(
    r"(?is)^(?:\d{1,2}[.)]\s*)?(?P<item>.{2,400}?)\s*[:\-\u2013]\s*"
    r"(?P<decision>upheld|overturned|uphold|overturn|(?:is\s+)?not\s+medically\s+necessary|"
    r"(?:is\s+)?medically\s+necessary|non-?certified|certified|denied|approved)\.?\s*$"
)
# Words that end in a colon inside a rationale but are not disputed items.
NOT_ITEMS = re.compile(r"(?i)^(?:conclusion|decision|determination|rationale|recommendation|"
                       r"summary|therefore|result|outcome|assessment|plan)s?$")
OVERTURNING = re.compile(r"(?i)^(?:overturn(?:ed)?|(?:is\s+)?medically\s+necessary|certified|"
                         r"approved)$")
ITEM_NECESSITY = re.compile(
    r"(?is)^(?P<number>\d{1,2}[.)]\s*)?(?P<item>.{2,400}?)\s+(?:is|are|was|were)\s+(?P<neg>not\s+)?"
    r"medically\s+necessary(?:\s+and\s+appropriate)?\.?\s*$"
)
CLAIMS_GUIDELINE = re.compile(
    r"(?i)^(?:Claims\s+Administrator(?:'s)?\s+guidelines?|Guidelines?\s+relied\s+upon\s+by\s+"
    r"the\s+Claims\s+Administrator[^:]*)\s*:\s*"
)
REVIEWER_GUIDELINE = re.compile(
    r"(?i)^(?:MAXIMUS\s+guidelines?|Guidelines?\s+relied\s+upon\s+by\s+the\s+(?:Expert|Independent"
    r"\s+Medical|Physician|Professional)\s+Reviewer[^:]*)\s*:\s*"
)
RATIONALE = re.compile(
    r"(?i)^(?:Decision\s+rationale|Rationale\s+for\s+the\s+decision|The\s+(?:Expert|Physician)"
    r"\s+Reviewer'?s\s+decision\s+rationale|Rationale)\s*:\s*"
)
NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(?=\S)")

PARAGRAPH_STARTS = [CLAIMS_GUIDELINE, REVIEWER_GUIDELINE, RATIONALE]
PARAGRAPH_ENDS = [re.compile(r"(?i):\s*(?:upheld|overturned)\.?\s*$"),
                  re.compile(r"(?i)\b(?:is|are)\s+(?:not\s+)?medically\s+necessary\s+and\s+"
                             r"appropriate\.?\s*$")]
# Where text is not double-spaced, a numbered line opens a paragraph too ("2. Soma 350mg...").
LINE_STARTS = [*PARAGRAPH_STARTS, NUMBERED]

# Sentences every letter of a layout carries; kept for display, kept out of retrieval.
BOILERPLATE = [
    re.compile(r"(?i)the expert reviewer developed the following clinical case summary based on "
               r"a review of the case file, including all medical records:?"),
    re.compile(r"(?i)the final determination was based on decisions for the disputed "
               r"items/services set forth below:?"),
]
