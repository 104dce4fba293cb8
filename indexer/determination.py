"""What a parsed IMR letter is: a determination with its disputed items and sections."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace


@dataclass
class Section:
    id: str
    title: str
    text: str


@dataclass
class Citation:
    """One guideline reference, e.g. MTUS Chronic Pain, Physical Medicine, pages 98-99."""

    source: str
    text: str
    pages: str | None = None


@dataclass
class Partial:
    """A partial authorization: what was asked for and what the claims administrator allowed.

    The issue's item is then the remainder that went to IMR and was decided.
    """

    requested: str
    authorized: str


@dataclass
class Issue:
    """A disputed item and what the reviewer decided about it."""

    item: str
    decision: str | None
    treatment: str | None
    body_part: str | None
    guidelines: list[str]
    rationale: str
    citations: list[Citation] = field(default_factory=list)
    section_id: str | None = None
    treatment_group: str | None = None  # the parent of treatment: surgery, injection, medication...
    reasons: list[str] = field(default_factory=list)  # decisive reasons, from reasons.REASONS
    partial: Partial | None = None


@dataclass
class Patient:
    age: int | None = None
    sex: str | None = None
    date_of_injury: str | None = None


@dataclass
class Reviewer:
    specialty: list[str] = field(default_factory=list)
    licensure: list[str] = field(default_factory=list)


@dataclass
class Determination:
    doc_id: str
    source: str
    format: str
    case_number: str | None
    reviewer: Reviewer
    patient: Patient
    issues: list[Issue]
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # From the letter's header block; the header is the record where it and the summary disagree.
    decision_date: str | None = None
    ur_denial_date: str | None = None
    date_assigned: str | None = None

    def to_dict(self) -> dict:
        """Return the contract's JSON shape."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Determination:
        return cls(
            doc_id=data["doc_id"],
            source=data["source"],
            format=data["format"],
            case_number=data.get("case_number"),
            reviewer=Reviewer(**data["reviewer"]),
            patient=Patient(**data["patient"]),
            issues=[
                Issue(**{**issue, "citations": [Citation(**c) for c in issue.get("citations", [])],
                         "partial": Partial(**issue["partial"]) if issue.get("partial") else None})
                for issue in data["issues"]
            ],
            sections=[Section(**section) for section in data["sections"]],
            warnings=list(data.get("warnings", [])),
            sources=list(data.get("sources", [])),
            decision_date=data.get("decision_date"),
            ur_denial_date=data.get("ur_denial_date"),
            date_assigned=data.get("date_assigned"),
        )

    def outline(self) -> Determination:
        """This determination without its text (sections and rationales): what ranking, filters and facets
        read of every letter, a sixth of a real letter's size."""
        return replace(self, sections=[], issues=[replace(issue, rationale="") for issue in self.issues])

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def injury_year(self) -> int | None:
        date = self.patient.date_of_injury
        return int(date[:4]) if date else None

    @property
    def decided_year(self) -> int | None:
        return int(self.decision_date[:4]) if self.decision_date else None


RATIONALE, SUMMARY, OTHER = "rationale", "summary", "other"


@dataclass
class Chunk:
    chunk_id: str
    doc_id: str
    section_id: str
    section_title: str
    kind: str
    issue_index: int | None
    text: str

    def embedding_text(self, determination: Determination) -> str:
        """Return the text to embed: the chunk, led by its disputed item for context."""
        if self.issue_index is not None:
            return f"{determination.issues[self.issue_index].item}. {self.text}"
        return self.text
