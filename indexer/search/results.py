"""What a search returns: ranked determinations with their excerpts, facets and message."""

from __future__ import annotations

from dataclasses import dataclass, field

from .highlight import Excerpt


@dataclass
class Result:
    doc_id: str
    source: str
    score: float
    rank: int
    decision: str | None
    treatment: str | None
    item: str | None
    url: str
    excerpts: list[Excerpt]
    body_part: str | None = None
    guidelines: list[str] = field(default_factory=list)
    specialty: list[str] = field(default_factory=list)
    issue_index: int | None = None
    shared: list[str] = field(default_factory=list)
    treatment_group: str | None = None
    reasons: list[str] = field(default_factory=list)
    near_duplicates: list[str] = field(default_factory=list)  # near-identical letters collapsed into it
    near_identical_to_source: bool = False  # similar cases: the compared letter's own near-duplicate

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        data["excerpts"] = [e.to_dict() for e in self.excerpts]
        data["score"] = round(self.score, 6)
        return data


@dataclass
class SearchResponse:
    query: str
    mode: str
    understood: dict
    total: int
    facets: dict
    message: str | None
    results: list[Result]
    # Every match, as arrays (ranking.Ranking): what outcome rates count. Not in the JSON.
    ranking: object = field(default=None, repr=False, compare=False)

    @property
    def matched(self) -> list[tuple[str, int | None]]:
        """Every match as (doc_id, matched item index or None), best first."""
        return self.ranking.matched() if self.ranking is not None else []

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        data.pop("ranking")
        data["results"] = [r.to_dict() for r in self.results]
        return data

    def letters(self) -> list[str]:
        """Every letter shown, best first, each near-identical one right after the result it rides with."""
        return [doc_id for r in self.results for doc_id in (r.doc_id, *r.near_duplicates)]
