"""Generate realistic synthetic IMR letters, with their known truth, in every layout.

Letters are rendered the way PDF text extraction delivers them (doubled line breaks, a line
holding one space at a paragraph end, page breaks as blank runs, hyphenated line ends, double
spaces after sentences), so parsing, retrieval and benchmarks are exercised on the real mess.
"""

from __future__ import annotations

import copy
import json
import random
import textwrap
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from . import varied
from .scenarios import SCENARIOS, Scenario

LAYOUTS = ("imr-issues-decisions", "final-determination-letter", "medical-professional-review")
SPECIALTIES = [("Orthopedic Surgery", None), ("Physical Medicine and Rehabilitation", "Pain Medicine"),
               ("Internal Medicine", None), ("Occupational Medicine", None),
               ("Anesthesiology", "Pain Medicine"), ("Family Practice", None),
               ("Neurology", None), ("Psychiatry", None)]
STATES = ["California", "Texas", "New York", "Arizona", "Oregon", "Florida"]


@dataclass
class TruthIssue:
    item: str
    decision: str
    treatment: str
    body_part: str | None
    scenario: str
    reason: str


@dataclass
class Letter:
    name: str
    layout: str
    text: str
    case_number: str | None
    age: int
    sex: str
    date_of_injury: str
    specialty: str
    issues: list[TruthIssue] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.case_number or Path(self.name).stem

    def truth(self) -> dict:
        data = asdict(self)
        data.pop("text")
        data["doc_id"] = self.doc_id
        return data


def _date_formats(day: date, rng: random.Random) -> str:
    choices = [day.strftime("%m/%d/%Y"), f"{day.month}/{day.day}/{day.strftime('%y')}",
               f"{day.strftime('%B')} {day.day}, {day.year}", day.strftime("%m/%d/%y")]
    return rng.choice(choices)


def _fill(text: str, rng: random.Random, age: int) -> str:
    return text.format(n=rng.choice([12, 18, 24, 28, 36]), weeks=rng.choice([3, 4, 6, 8]),
                       years=rng.choice([2, 3, 5]), months=rng.choice([4, 6, 9, 14]), age=age)


class _Case:
    def __init__(self, rng: random.Random, scenarios: list[Scenario], number: int):
        self.rng = rng
        self.scenarios = scenarios
        self.age = rng.randint(28, 63)
        self.sex = rng.choice(["male", "female"])
        self.injury = date(rng.randint(2008, 2015), rng.randint(1, 12), rng.randint(1, 28))
        self.case_number = f"CM{rng.randint(13, 16)}-{rng.randint(0, 9999999):07d}"
        self.specialty, self.subspecialty = rng.choice(SPECIALTIES)
        self.states = ["California"] + rng.sample(STATES[1:], rng.randint(0, 2))
        self.items = [_fill(rng.choice(s.items), rng, self.age) for s in scenarios]
        self.number = number

    @property
    def he(self) -> str:
        return "he" if self.sex == "male" else "she"

    @property
    def his(self) -> str:
        return "his" if self.sex == "male" else "her"

    def summary(self) -> list[str]:
        rng = self.rng
        opening = rng.choice([
            f"The injured worker is a {self.age} year old {self.sex} who sustained an industrial "
            f"injury on {_date_formats(self.injury, rng)}.",
            f"This {self.age}-year-old {self.sex} was injured at work on "
            f"{_date_formats(self.injury, rng)} while lifting boxes.",
            f"The patient is a {self.age} year old {self.sex} with a date of injury of "
            f"{_date_formats(self.injury, rng)}.",
        ])
        facts = [_fill(h, rng, self.age) for s in self.scenarios for h in s.history]
        pronoun = (f"{self.he.capitalize()} continues to report pain and limited activity, and "
                   f"{self.his} treating physician has requested further care.")
        request = "Currently under review is the request for " + "; ".join(self.items) + "."
        return [" ".join([opening, *facts, pronoun]), request]

    def rationale(self, scenario: Scenario) -> str:
        return " ".join(_fill(s, self.rng, self.age) for s in scenario.rationale)

    def truth(self, name: str, layout: str, text: str) -> Letter:
        return Letter(name, layout, text, self.case_number if layout != LAYOUTS[0] else None,
                      self.age, self.sex, self.injury.isoformat(), self.specialty,
                      [TruthIssue(item, s.decision, s.treatment, s.body_part, s.key, s.reason)
                       for item, s in zip(self.items, self.scenarios, strict=True)])


HOW_MADE = ("MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she "
            "has no affiliation with the employer, employee, providers or the claims administrator. "
            "He/she has been in active clinical practice for more than five years and is currently "
            "working at least 24 hours a week in active practice. The expert reviewer was selected "
            "based on his/her clinical experience, education, background, and expertise in the same "
            "or similar specialties that evaluate and/or treat the medical condition and disputed "
            "items/services. He/she is familiar with governing laws and regulations, including the "
            "strength of evidence hierarchy that applies to Independent Medical Review "
            "determinations.")


def _layout_a(case: _Case) -> list[tuple[str, str]]:
    credentials = (f"The expert reviewer is Board Certified in {case.specialty}"
                   + (f", has a subspecialty in {case.subspecialty}" if case.subspecialty else "")
                   + f" and is licensed to practice in {', '.join(case.states)}.")
    blocks = [("heading", "HOW THE IMR FINAL DETERMINATION WAS MADE"), ("para", HOW_MADE),
              ("para", credentials), ("heading", "CLINICAL CASE SUMMARY"),
              ("para", "The expert reviewer developed the following clinical case summary based on "
                       "a review of the case file, including all medical records:")]
    blocks += [("para", p) for p in case.summary()]
    blocks += [("heading", "IMR ISSUES, DECISIONS AND RATIONALES"),
               ("para", "The Final Determination was based on decisions for the disputed "
                        "items/services set forth below:")]
    for item, scenario in zip(case.items, case.scenarios, strict=True):
        blocks += [
            ("item", f"{item}:  {scenario.decision}"),
            ("para", f"Claims Administrator guideline: Decision based on {scenario.guideline}."),
            ("para", f"MAXIMUS guideline: Decision based on {scenario.guideline}."),
            ("para", f"Decision rationale: {case.rationale(scenario)}"),
        ]
    return blocks


def _layout_b(case: _Case) -> list[tuple[str, str]]:
    rng = case.rng
    overall = {"Upheld"} == {s.decision for s in case.scenarios}
    blocks = [("line", "MAXIMUS FEDERAL SERVICES, INC."), ("line", "Independent Medical Review"),
              ("line", "P.O. Box 138009"), ("line", "Sacramento, CA 95813-8009"),
              ("line", "Final Determination Letter"),
              ("line", f"IMR Case Number:  {case.case_number}    Date of Injury:  "
                       f"{case.injury.strftime('%m/%d/%Y')}"),
              ("line", f"Claims Number:  {rng.randint(10**7, 10**8)}    Date of UR Decision:  "
                       f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2014"),
              ("line", "Priority:  Standard"),
              ("para", "Treatment(s) in Dispute Listed on IMR Application: " + "; ".join(case.items)),
              ("para", "MAXIMUS Federal Services has completed the Independent Medical Review (IMR) "
                       "of the above workers' compensation case. This letter provides you with the "
                       "IMR Final Determination and explains how the determination was made."),
              ("para", "Final Determination: " + ("UPHOLD. This means we decided that none of the "
                                                  "disputed items/services are medically necessary "
                                                  "and appropriate." if overall else
                                                  "OVERTURN. This means we decided that at least one "
                                                  "disputed item/service is medically necessary.")),
              ("heading", "HOW THE IMR FINAL DETERMINATION WAS MADE"),
              ("para", HOW_MADE + f" The expert reviewer is Board Certified in {case.specialty} and "
                                  f"is licensed to practice in {', '.join(case.states)}."),
              ("heading", "DOCUMENTS REVIEWED"),
              ("para", "Application of Independent Medical Review; Utilization Review Determination; "
                       "Medical Records from the treating physician; Utilization Review Guidelines"),
              ("heading", "CLINICAL CASE SUMMARY")]
    blocks += [("para", p) for p in case.summary()]
    blocks += [("heading", "IMR DECISION(S) AND RATIONALE(S)"),
               ("para", "The Final Determination was based on decisions for the disputed "
                        "items/services set forth below:")]
    for number, (item, scenario) in enumerate(zip(case.items, case.scenarios, strict=True), 1):
        verdict = ("is not medically necessary and appropriate" if scenario.decision == "Upheld"
                   else "is medically necessary and appropriate")
        blocks += [
            ("item", f"{number}.  {item} {verdict}."),
            ("para", "Guidelines Relied Upon by the Claims Administrator (Utilization Review "
                     f"Organization): The Claims Administrator based its decision on the "
                     f"{scenario.guideline}."),
            ("para", "Guidelines Relied Upon by the Independent Medical Reviewer: The Expert "
                     f"Reviewer based his/her decision on the {scenario.guideline}."),
            ("para", f"Rationale for the Decision: {case.rationale(scenario)}"),
        ]
    return blocks


def _layout_c(case: _Case) -> list[tuple[str, str]]:
    several = len(case.items) > 1
    disputed = [f"{n}. {item}" if several else item for n, item in enumerate(case.items, 1)]
    rationales = [f"{n}. Regarding {item}: {case.rationale(s)}" if several else case.rationale(s)
                  for n, (item, s) in enumerate(zip(case.items, case.scenarios, strict=True), 1)]
    blocks = [("heading", "MEDICAL PROFESSIONAL REVIEW"),
              ("line", f"IMR Case Number: {case.case_number}"),
              ("heading", "ISSUE AT DISPUTE:")]
    blocks += [("para", d) for d in disputed]
    blocks += [("heading", "CASE SUMMARY:")] + [("para", p) for p in case.summary()]
    blocks += [("heading", "DOCUMENTS REVIEWED FOR DETERMINATION:"),
               ("para", "Progress reports, utilization review letter, imaging reports.")]
    blocks += [("heading", "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER "
                           "AND WHY:"),
               ("para", "; ".join(s.guideline for s in case.scenarios) + ". These guidelines are "
                        "part of the MTUS or are nationally recognized and address the request.")]
    blocks += [("heading", "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT "
                           "MEDICALLY NECESSARY:")]
    blocks += [("para", r) for r in rationales]
    blocks += [("heading", "MEDICAL REVIEWER QUALIFICATIONS:"),
               ("para", f"The reviewer is board certified in {case.specialty} and is licensed to "
                        f"practice in {', '.join(case.states)}.")]
    return blocks


def _hyphenate(word: str, rng: random.Random) -> tuple[str, str] | None:
    core = word.strip(".,;:()")
    if len(core) < 9 or not core.isalpha() or rng.random() > 0.35:
        return None
    cut = rng.randint(4, len(core) - 4)
    start = word.index(core)
    return word[: start + cut] + "-", word[start + cut:]


def render(blocks: list[tuple[str, str]], rng: random.Random, doubled: bool = True,
           width: int = 95) -> str:
    """Lay blocks out as PDF-extracted text, artifacts included."""
    lines: list[str] = []
    for kind, text in blocks:
        if kind in ("heading", "line"):
            lines.append(text + " ")
            if kind == "line":
                lines.append(" ")
            continue
        text = text.replace(". ", ".  ")
        wrapped = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
        for number, line in enumerate(wrapped):
            words = line.split(" ")
            if number + 1 < len(wrapped) and len(words) > 3:
                split = _hyphenate(words[-1], rng)
                if split:
                    line = " ".join(words[:-1] + [split[0]])
                    wrapped[number + 1] = split[1] + " " + wrapped[number + 1]
            lines.append(line + " ")
        lines.append(" ")
    out: list[str] = []
    for number, line in enumerate(lines, 1):
        out.append(line)
        if number % 48 == 0:
            out.append("\n\n" if doubled else "\n")  # a page break
    if doubled:
        return "\n\n".join(out) + "\n"
    return "\n".join("" if line == " " else line for line in out) + "\n"


def generate(count: int, seed: int = 7, prefix: str = "synthetic") -> list[Letter]:
    """Generate count letters, cycling through the layouts, some with several mixed items."""
    rng = random.Random(seed)
    letters = []
    for number in range(count):
        layout = LAYOUTS[number % len(LAYOUTS)]
        items = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        scenarios = rng.sample(SCENARIOS, items)
        case = _Case(rng, scenarios, number)
        blocks = {"imr-issues-decisions": _layout_a, "final-determination-letter": _layout_b,
                  "medical-professional-review": _layout_c}[layout](case)
        text = render(blocks, rng, doubled=rng.random() < 0.8)
        name = f"{prefix}_{number:03d}.txt"
        letters.append(case.truth(name, layout, text))
    return letters


class _Fixed(_Case):
    """A case whose clinical text (summary, rationales) is written once and reused as it is."""

    def __init__(self, rng: random.Random, scenarios: list[Scenario], number: int):
        super().__init__(rng, scenarios, number)
        self._summary = _Case.summary(self)
        self._rationales = {s.key: _Case.rationale(self, s) for s in scenarios}

    def summary(self) -> list[str]:
        return self._summary

    def rationale(self, scenario: Scenario) -> str:
        return self._rationales[scenario.key]

    def reissued(self, rng: random.Random, number: int) -> _Fixed:
        """The same clinical text under another letter's header: case number, reviewer, claim."""
        other = copy.copy(self)
        other.rng, other.number = rng, number
        other.specialty, other.subspecialty = rng.choice(SPECIALTIES)
        other.states = ["California"] + rng.sample(STATES[1:], rng.randint(0, 2))
        return other


LAYOUT_OF = {"imr-issues-decisions": _layout_a, "final-determination-letter": _layout_b,
             "medical-professional-review": _layout_c}


def generate_varied(count: int, seed: int = 7, prefix: str = "bench", pool: int = 0) -> Iterator[Letter]:
    """Yield count letters over composed scenarios (varied.py) mixed with the hand-written ones.

    Every letter has its own case number. With pool > 0 the clinical text of each letter (items,
    summary, rationales) is one of pool cases written once, under the letter's own header, so a
    corpus of any size holds at most about pool x layouts distinct texts to embed.
    """
    rng = random.Random(seed)
    cases: list[_Fixed] = []
    numbers: set[str] = set()
    for number in range(count):
        layout = LAYOUTS[number % len(LAYOUTS)]
        if pool and len(cases) >= pool:
            case = rng.choice(cases).reissued(rng, number)
        else:
            items = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
            scenarios = [SCENARIOS[rng.randrange(len(SCENARIOS))] if rng.random() < 0.15
                         else varied.scenario(rng) for _ in range(items)]
            scenarios = list({s.key: s for s in scenarios}.values())
            case = (_Fixed if pool else _Case)(rng, scenarios, number)
            if pool:
                cases.append(case)
        while case.case_number in numbers:
            case.case_number = f"CM{rng.randint(13, 16)}-{rng.randint(0, 9999999):07d}"
        numbers.add(case.case_number)
        text = render(LAYOUT_OF[layout](case), rng, doubled=rng.random() < 0.8)
        yield case.truth(f"{prefix}_{number:06d}.txt", layout, text)


def write(letters: list[Letter], directory: Path) -> None:
    """Write letters as .txt files and their truth as truth.json."""
    directory.mkdir(parents=True, exist_ok=True)
    for letter in letters:
        (directory / letter.name).write_text(letter.text)
    (directory / "truth.json").write_text(json.dumps([x.truth() for x in letters], indent=1))
