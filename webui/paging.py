"""One page of a long determination: a letter disputing thousands of items is read a page at a time,
so no single answer renders (or sends) more than `page_size` issues and sections."""

from __future__ import annotations

from dataclasses import dataclass, replace

from indexer.determination import Determination

from .errors import BadRequest


@dataclass
class Page:
    number: int
    pages: int
    per_page: int
    issues: int  # in the whole letter
    sections: int

    def to_dict(self) -> dict:
        return {"page": self.number, "pages": self.pages, "per_page": self.per_page,
                "issues": self.issues, "sections": self.sections}


def page_of(determination: Determination, number: int, per_page: int) -> tuple[Determination, Page]:
    """The determination cut to page `number` (1-based) of its issues and sections, and where it stands."""
    total = max(len(determination.issues), len(determination.sections), 1)
    pages = -(-total // per_page)
    if number > pages:
        raise BadRequest(f"page {number} is past the last page ({pages}) of {determination.doc_id}", 404)
    start, end = (number - 1) * per_page, number * per_page
    cut = replace(determination, issues=determination.issues[start:end],
                  sections=determination.sections[start:end])
    return cut, Page(number, pages, per_page, len(determination.issues), len(determination.sections))


def section_pages(determination: Determination, per_page: int) -> dict[str, int]:
    """The page each section is drawn on, so a link to an item on another page can say which."""
    return {section.id: i // per_page + 1 for i, section in enumerate(determination.sections)}
