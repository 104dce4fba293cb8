"""Letter-level facts: case number, reviewer credentials, patient age, sex and injury date."""

from __future__ import annotations

import re
from datetime import date

from ..determination import Patient, Reviewer
from . import layouts

MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}

_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
         r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
DATE = re.compile(
    rf"(?P<numeric>\b\d{{1,2}}[/\-.]\d{{1,2}}[/\-.](?:\d{{4}}|\d{{2}})\b)"
    rf"|(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
    rf"|(?P<written>\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b)"
    rf"|(?P<day_first>\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\b)",
    re.IGNORECASE,
)
CASE_NUMBER = re.compile(r"\b(C[MB]\d{2}-\d{5,8})\b")
CASE_LABEL = re.compile(
    r"(?i)\b(?:IMR\s+)?case\s*(?:number|no\.?|#)\s*:?\s*([A-Z]{1,4}\d{2}-?\d{4,8})\b")
INJURY_CUE = re.compile(
    r"(?i)(?:date\s+of\s+(?:the\s+)?injury|injury\s+date|\bDOI\b|injur(?:y|ies|ed)|"
    r"industrial\s+(?:injury|accident)|\bhurt\b|\bfell\b|\bslipped\b|accident|incident|"
    r"cumulative\s+trauma)"
)
AGE = re.compile(
    r"(?i)\b(\d{2})(?:\s*|-)(?:year|yr)s?(?:\s*|-)old\b|\b(\d{2})\s*y\.?\s?/?o\.?(?!\w)|"
    r"\bage(?:d)?\s*:?\s*(\d{2})\b|\b(\d{2})\s+years\s+of\s+age\b"
)
BIRTH_CUE = re.compile(r"(?i)\b(?:birth\s*dates?|dates?\s+of\s+birth|DOB|born(?:\s+on)?)\b[\s:]*")
SEX_WORDS = {
    "male": re.compile(r"\b(?:male|man|gentleman|Mr\.?)\b", re.IGNORECASE),
    "female": re.compile(r"\b(?:female|woman|lady|Mrs\.?|Ms\.?)\b", re.IGNORECASE),
}
PRONOUNS = {"male": re.compile(r"\b(?:[Hh]e|[Hh]is|[Hh]im|[Hh]imself)\b(?!/)"),
            "female": re.compile(r"(?<!/)\b(?:[Ss]he|[Hh]er|[Hh]ers|[Hh]erself)\b")}


def parse_date(text: str) -> str | None:
    """Read one date in any form the letters use and return it as YYYY-MM-DD."""
    match = DATE.search(text)
    if not match:
        return None
    try:
        if match.group("iso"):
            year, month, day = (int(p) for p in match.group("iso").split("-"))
        elif match.group("numeric"):
            month, day, year = (int(p) for p in re.split(r"[/\-.]", match.group("numeric")))
            if year < 100:
                year += 2000 if year <= date.today().year % 100 else 1900
        else:
            raw = match.group("written") or match.group("day_first")
            words = re.findall(r"[A-Za-z]+|\d+", raw)
            month_word = next(w for w in words if w.isalpha() and w.lower()[:3] in MONTHS)
            numbers = [int(w) for w in words if w.isdigit()]
            key = month_word.lower() if month_word.lower() in MONTHS else month_word.lower()[:3]
            month, day, year = MONTHS[key], numbers[0], numbers[-1]
        return date(year, month, day).isoformat()
    except (ValueError, StopIteration, KeyError):
        return None


def date_of_injury(texts: list[str]) -> str | None:
    """Find the date of injury: the first date that follows an injury cue closely."""
    for text in texts:
        for cue in INJURY_CUE.finditer(text):
            window = text[cue.end(): cue.end() + 70]
            found = DATE.search(window)
            if found and not re.search(r"[.;]\s", window[: found.start()]):
                parsed = parse_date(found.group(0))
                if parsed:
                    return parsed
    return None


def case_number(text: str) -> str | None:
    """Find the IMR case number (e.g. CM15-0123456)."""
    labelled = CASE_LABEL.search(text)
    if labelled:
        return labelled.group(1).upper()
    found = CASE_NUMBER.search(text)
    return found.group(1) if found else None


def header_dates(header: str, fallback: str = "") -> dict[str, str | None]:
    """Read the dates of the letter's header block (Date Assigned, Date of Injury, ...).

    A label is looked for in the header first, then in the fallback text (the letter's top); a
    label whose date sits on a later line of a split cell ("Application" / "Received:" /
    "12/01/2016") is read because the header's lines are joined.
    """
    found: dict[str, str | None] = {}
    for name, label in layouts.HEADER_DATES.items():
        found[name] = None
        for text in (header, fallback):
            match = label.search(text or "")
            date_match = DATE.match(text, match.end()) if match else None
            if date_match:
                found[name] = parse_date(date_match.group(0))
                break
    return found


def patient(summary: str, all_text: str, on: str | None = None) -> Patient:
    """Read the patient's age, sex and date of injury, preferring the clinical summary.

    on: the date to count an age from a birthdate at, where the letter states no age.
    """
    sources = [summary, all_text] if summary else [all_text]
    age = None
    for text in sources:
        found = AGE.search(text)
        if found:
            age = int(next(g for g in found.groups() if g))
            break
    if age is None:
        age = _age_from_birthdate(sources, on)
    return Patient(age=age, sex=_sex(summary or all_text),
                   date_of_injury=date_of_injury(sources))


def _age_from_birthdate(texts: list[str], on: str | None) -> int | None:
    """Count the age from a stated birthdate; None when the letter gives two different ones."""
    births = set()
    for text in texts:
        for cue in BIRTH_CUE.finditer(text):
            for found in DATE.finditer(text[cue.end(): cue.end() + 40]):
                births.add(parse_date(found.group(0)))
    births.discard(None)
    if len(births) != 1 or not on:
        return None
    born, then = date.fromisoformat(births.pop()), date.fromisoformat(on)
    years = then.year - born.year - ((then.month, then.day) < (born.month, born.day))
    return years if 14 <= years < 100 else None


def _sex(text: str) -> str | None:
    """Tell the patient's sex from the summary; never from "He/she" reviewer boilerplate."""
    text = re.sub(r"(?i)\b(?:he|his|him)\s*/\s*(?:she|her|hers)\b", " ", text)
    for sex, pattern in SEX_WORDS.items():
        if re.search(rf"(?i)\b\d{{2}}[\s-]*(?:year|yr)s?[\s-]*old\s+{pattern.pattern}", text) or \
           re.search(rf"(?i)\by/?o\s+{pattern.pattern}", text):
            return sex
    counts = {sex: len(p.findall(text)) for sex, p in PRONOUNS.items()}
    for sex, pattern in SEX_WORDS.items():
        counts[sex] += 2 * len(pattern.findall(text))
    male, female = counts["male"], counts["female"]
    if male >= 2 * max(female, 1) or (male and not female):
        return "male"
    if female >= 2 * max(male, 1) or (female and not male):
        return "female"
    return None


# A credentials value may wrap onto one more line: short, without a colon or a full stop.
_WRAPPED = r"(?:\n+(?![^\n]*:)[^\n.]{1,50}(?=\n|$))?"
_SPECIALTY_PATTERNS = [
    re.compile(rf"(?i)Certification\(?s?\)?\s*/\s*Specialty\s*:[ \t]*(?P<v>[^\n]+{_WRAPPED})"),
    re.compile(r"(?i)Board[\s-]+Certified\s+in\s+(?P<v>[^,.;\n]+?)(?=\s*(?:,|\.|;|and\s+is|and\s+has"
               r"|who|with|\n|$))"),
    re.compile(r"(?i)(?:has\s+a\s+)?sub-?specialty\s+(?:in\s+)?(?P<v>[^,.;\n]+?)(?=\s*(?:,|\.|;|and\s+is"
               r"|\n|$))"),
    re.compile(r"(?i)(?<!/)specialty\s*:\s*(?P<v>[^\n.;]+)"),
]
_LICENSE_PATTERNS = [
    re.compile(r"(?i)State\(?s?\)?\s+of\s+Licensure\s*:\s*(?P<v>[A-Za-z ,]+)"),
    re.compile(r"(?i)licensed\s+(?:to\s+practice\s+)?in\s+(?P<v>[A-Z][A-Za-z ,]*?(?:\s+and\s+[A-Z]"
               r"[A-Za-z ]+)?)(?=\s*(?:\.|;|,\s*(?:has|is|and\s+(?:has|is))|\s+and\s+(?:is|has)|\n|$))"),
]


def reviewer(text: str) -> Reviewer:
    """Read the expert reviewer's specialties and licensure from the credentials text."""
    specialties: list[str] = []
    for pattern in _SPECIALTY_PATTERNS:
        for match in pattern.finditer(text):
            for value in re.split(r"\s*(?:,|;|/)\s*", _field_value(match.group("v"))):
                value = value.strip(" .")
                if value and len(value) < 60 and value.lower() not in [s.lower() for s in specialties]:
                    specialties.append(value)
    licensure: list[str] = []
    for pattern in _LICENSE_PATTERNS:
        for match in pattern.finditer(text):
            value_text = re.split(r"(?i)\s*\bCertification", _field_value(match.group("v")))[0]
            for value in re.split(r"\s*,\s*|\s+and\s+", value_text):
                value = value.strip(" .")
                if value and value not in licensure and len(value) < 30:
                    licensure.append(value)
    return Reviewer(specialty=specialties, licensure=licensure)


def _field_value(value: str) -> str:
    """Cut a header or credentials value where the next field's label begins."""
    end = layouts.FIELD_LABELS.search(value)
    return re.sub(r"\s+", " ", value[: end.start()] if end else value).strip()
