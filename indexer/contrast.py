"""What a rationale turns on, read as facts, and how an Upheld and an Overturned item differ.

Facts come from the letter itself: the decisive reasons (`reasons.py`) say whether functional
improvement, red flags, failed conservative care or objective findings were documented; the
reviewer's own sentences give the numbers (sessions done, sessions requested, what the guideline
allows, how long, imaging results, dosage or MED). Guideline text quoted as the standard is not a
fact about the case, so numbers in it count only as the guideline's allowance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .determination import Issue
from .reasons import is_finding
from .sentences import sentences

# The order in which differences are listed: what the reviewers say decided the cases first.
ASPECTS = ("reasons", "functional improvement", "red flags or neurological findings",
           "conservative or first-line care", "objective findings", "risk factors", "surgery",
           "acute or post-operative", "monitoring", "prior sessions", "requested", "guideline allows",
           "duration", "imaging", "dosage", "guidelines cited")
NOT_STATED = "not stated"

# A decisive reason read as a documented fact: reason label -> (aspect, value).
REASON_FACTS = {
    "no functional improvement documented": ("functional improvement", "not documented"),
    "functional improvement documented": ("functional improvement", "documented"),
    "no red flags or neurological findings": ("red flags or neurological findings", "none documented"),
    "red flags or neurological findings present": ("red flags or neurological findings", "present"),
    "conservative or first-line care not tried": ("conservative or first-line care",
                                                  "not shown tried and failed"),
    "conservative care failed": ("conservative or first-line care", "tried and failed"),
    "missing objective findings": ("objective findings", "missing"),
    "objective findings documented": ("objective findings", "documented"),
    "no risk factors": ("risk factors", "none documented"),
    "risk factors present": ("risk factors", "present"),
    "surgery not contemplated": ("surgery", "not contemplated"),
    "primary request not certified": ("surgery", "primary request not certified"),
    "primary request certified": ("surgery", "primary request certified"),
    "acute or post-operative need": ("acute or post-operative", "acute or post-operative need"),
    "monitoring not documented": ("monitoring", "not documented (drug screens, CURES, risk)"),
}

_N = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|twenty-four)"
_RANGE = rf"{_N}(?:\s*(?:-|to)\s*{_N})?"
_UNIT = r"(?:sessions?|visits?|treatments?)"
_PRIOR = re.compile(
    rf"(?i)\b(?:completed|attended|undergone|received|had|has had|underwent|participated in)\s+"
    rf"(?:at least\s+|approximately\s+|about\s+|over\s+|a total of\s+)?({_N})\s+(?:[\w-]+\s+){{0,3}}?{_UNIT}|"
    rf"\b({_N})\s+(?:prior|previous|past|completed|previously authorized)\s+(?:[\w-]+\s+){{0,2}}?{_UNIT}|"
    rf"\b({_N})\s+{_UNIT}\s+(?:[\w-]+\s+){{0,3}}?(?:completed|to date|so far|previously|already)\b|"
    rf"\bauthorized\s+(?:an?\s+)?(?:initial\s+)?(?:trial\s+of\s+)?({_N})\s+{_UNIT}")
_REQUESTED = re.compile(
    rf"(?i)\brequest(?:ed)?\s+(?:is\s+|was\s+)?(?:for\s+)?(?:an?\s+)?(?:initial\s+|additional\s+|further\s+)?"
    rf"({_N})\s+(?:[\w-]+\s+){{0,2}}?{_UNIT}")
_ALLOWS = re.compile(
    rf"(?i)\b(?:up to|initial trial of|trial of|a total of|total (?:of )?up to|for)\s+({_RANGE})\s+"
    rf"(?:[\w-]+\s+){{0,2}}?{_UNIT}\b(?!\s+(?:per|a|each)\s+week)(?:\s+over\s+{_RANGE}\s+(?:weeks|months))?|"
    rf"\b({_RANGE})\s+{_UNIT}\s+over\s+{_RANGE}\s+(?:weeks|months)|\b({_N})-visit (?:clinical )?trial")
_ITEM_COUNT = re.compile(
    rf"(?i)(?:\btimes|\bx|#|\bquantity:?|\bqty:?)\s*({_N})\b(?!\s*(?:mg|mcg|%|day))|"
    rf"\b({_N})\s+(?:[\w-]+\s+){{0,2}}?{_UNIT}\b|\b({_N})\s+times\s+(?:a|per)\s+week\s+(?:for|x)\s+({_N})\s+weeks|"
    r"\b(\d)\s*[xX×]\s*(\d{1,2})\b(?!\s*(?:mg|mcg|%|day))")
_DURATION = re.compile(
    rf"(?i)\b(?:for|over|of|at least|more than|less than|since|within|after)\s+(?:the\s+(?:past|last)\s+)?"
    rf"(?:at least\s+|about\s+|over\s+)?({_RANGE})\s+(days?|weeks?|months?|years?)\b|"
    rf"\b({_RANGE})\s+(days?|weeks?|months?|years?)\s+(?:post[- ]?op\w*|after (?:the )?(?:injury|surgery))")
_IMAGING = re.compile(
    r"(?i)\b(?:MRI|magnetic resonance imaging|x-rays?|radiographs?|CT(?: scan)?|EMG|NCV|NCS|"
    r"electrodiagnostic (?:study|studies|testing)|imaging|ultrasound)\b(?:\s+[\w,/-]+){0,6}?\s+"
    r"(?:showed|shows|revealed|reveals|demonstrated|demonstrates|(?<!is )(?<!not )indicated|confirmed|"
    r"(?:was|were) (?:noted to be\s+)?(?:negative|normal|unremarkable|positive))\s*([^.;]{0,90})")
_MED = re.compile(r"\b(\d{2,4}(?:\.\d+)?)\s*(?:mg\s*)?(?:MED|MME|morphine (?:milligram )?equivalents?)\b|"
                  r"\b(?:MED|MME|morphine[- ]equivalent dos\w+)\s*(?:of|is|was|=|:)?\s*(\d{2,4})")
_DOSE = re.compile(r"(?i)\b\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?\s*(?:mg|mcg|ml|%)(?:\s*#\s*\d+)?|#\s*\d+")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20, "twenty-four": 24}
MAX_VALUE_CHARS = 90


@dataclass
class Fact:
    """One documented fact of a disputed item: an aspect, its value, and the sentence it is read from."""

    aspect: str
    value: str
    evidence: str = ""


@dataclass
class Difference:
    """One aspect on which an Upheld and an Overturned item differ."""

    aspect: str
    upheld: str
    overturned: str

    def to_dict(self) -> dict:
        return {"aspect": self.aspect, "upheld": self.upheld, "overturned": self.overturned}


def number(word: str) -> int | None:
    """Read "12" or "twelve" as 12."""
    word = word.lower()
    return int(word) if word.isdigit() else _WORDS.get(word)


def facts_of(issue: Issue) -> dict[str, Fact]:
    """The facts one item's rationale turns on, by aspect (the first statement of each wins)."""
    found: dict[str, Fact] = {}
    for reason in issue.reasons:
        if reason in REASON_FACTS:
            aspect, value = REASON_FACTS[reason]
            found.setdefault(aspect, Fact(aspect, value))
    requested = requested_quantity(issue.item)
    if requested:
        found["requested"] = Fact("requested", requested, issue.item)
    for sentence in sentences(issue.rationale or ""):
        for aspect, value in _sentence_facts(sentence, is_finding(sentence)):
            found.setdefault(aspect, Fact(aspect, value, sentence))
    return found


def _sentence_facts(sentence: str, finding: bool) -> list[tuple[str, str]]:
    """The facts one sentence states; guideline text only states what the guideline allows."""
    facts = []
    allows = _ALLOWS.search(sentence)
    if allows and not finding:
        facts.append(("guideline allows", _clip(allows.group(0))))
    if not finding:
        return facts
    prior = _PRIOR.search(sentence)
    if prior:
        unit = _unit_word(prior.group(0))
        facts.append(("prior sessions", f"{_first_group(prior)} {unit} done or authorized"))
    requested = _REQUESTED.search(sentence)
    if requested:
        facts.append(("requested", f"{_first_group(requested)} {_unit_word(requested.group(0))}"))
    duration = _DURATION.search(sentence)
    if duration and not allows and not re.search(rf"(?i){_UNIT}\s*$", sentence[:duration.start()]):
        facts.append(("duration", _clip(duration.group(0))))
    imaging = _IMAGING.search(sentence)
    if imaging:
        facts.append(("imaging", _clip(imaging.group(0))))
    med = _MED.search(sentence)
    if med:
        facts.append(("dosage", f"{_first_group(med)} mg MED"))
    return facts


def requested_quantity(item: str) -> str | None:
    """The quantity an item asks for: "12 visits" (3 times a week for 4 weeks), "#60", "10mg #30"."""
    match = _ITEM_COUNT.search(item or "")
    if match and (match.group(4) or match.group(6)):
        per_week, weeks = (number(g) for g in (match.group(3, 4) if match.group(4) else match.group(5, 6)))
        if per_week and weeks:
            return f"{per_week * weeks} visits ({per_week} a week for {weeks} weeks)"
    dose = _DOSE.findall(item or "")
    if dose:
        return " ".join(d.strip() for d in dose)[:MAX_VALUE_CHARS]
    return _clip(match.group(0)) if match else None


def differences(upheld: Issue, overturned: Issue, upheld_citations: list[str] | None = None,
                overturned_citations: list[str] | None = None) -> list[Difference]:
    """The aspects on which two items of the same treatment differ, in ASPECTS order.

    An aspect stated on one side only is a difference ("not stated" on the other); one stated
    alike on both sides is not.
    """
    left, right = facts_of(upheld), facts_of(overturned)
    rows: list[Difference] = []
    for aspect in ASPECTS:
        if aspect == "reasons":
            a, b = "; ".join(upheld.reasons), "; ".join(overturned.reasons)
        elif aspect == "guidelines cited":
            a = "; ".join(upheld_citations if upheld_citations is not None else upheld.guidelines)
            b = "; ".join(overturned_citations if overturned_citations is not None else overturned.guidelines)
        else:
            a = left[aspect].value if aspect in left else ""
            b = right[aspect].value if aspect in right else ""
        if (a or b) and a.lower() != b.lower():
            rows.append(Difference(aspect, a or NOT_STATED, b or NOT_STATED))
    return rows


def _first_group(match: re.Match) -> str:
    return next(g for g in match.groups() if g)


def _unit_word(text: str, default: str = "sessions") -> str:
    unit = re.search(r"(?i)\b(sessions?|visits?|treatments?)\b", text)
    return unit.group(1).lower() if unit else default


def _clip(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,")
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS].rsplit(" ", 1)[0] + "…"
