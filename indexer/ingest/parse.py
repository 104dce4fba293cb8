"""Parse a cleaned IMR letter into a Determination: layout, sections, disputed items, facts."""

from __future__ import annotations

import re
from pathlib import Path

from .. import reasons, vocabulary
from ..determination import Determination, Issue, Section
from . import clean, facts, layouts
from .clean import Block
from .items import drop_repeated_list, finish, split_items
from .reviews import base_id, professional_review_issues

# Raise when parsing changes what it reads from a letter: the next build re-reads every letter
# (reusing its embeddings where the chunk text did not change).
PARSER_VERSION = 6

FORMAT_IMR_ISSUES = "imr-issues-decisions"
FORMAT_FINAL_LETTER = "final-determination-letter"
FORMAT_PROFESSIONAL_REVIEW = "medical-professional-review"
FORMAT_NOTICE = "notice-of-imr-determination"
FORMAT_UNSTRUCTURED = "unstructured"

def parse_text(text: str, source: str) -> Determination:
    """Parse a letter's raw text (artifacts and all) into a Determination."""
    blocks = clean.blocks(text, layouts.HEADING_PATTERNS, layouts.LINE_STARTS,
                          layouts.PARAGRAPH_ENDS)
    grouped = _group(blocks)
    header_text = " ".join(b.text for sid, group in grouped if sid == "header" for b in group)
    all_text = "\n\n".join(b.text for b in blocks)
    layout = _layout(grouped, header_text)
    warnings: list[str] = []
    if layout == FORMAT_UNSTRUCTURED:
        warnings.append("no recognizable section headings: indexed as unstructured paragraphs")
        sections = [Section(f"p{n}", f"Paragraph {n}", b.text)
                    for n, b in enumerate(blocks, start=1) if b.text]
        issues: list[Issue] = []
    elif layout == FORMAT_PROFESSIONAL_REVIEW:
        sections = _sections(grouped)
        issues = professional_review_issues(grouped)
    else:
        sections, issues = _decision_sections(grouped, header_text)
    if layout != FORMAT_UNSTRUCTURED and not issues:
        warnings.append("no disputed item with a decision was recognised")
    for number, issue in enumerate(issues, start=1):
        if issue.decision is None:
            warnings.append(f"item {number}: decision not recognised")
        # Once the decision is final: the reasons read from a rationale depend on which side won.
        issue.treatment_group = vocabulary.treatment_group(issue.treatment)
        issue.reasons = reasons.reasons_of(issue.rationale, issue.decision)
    dates = facts.header_dates(header_text, all_text[:2000])  # header fields sit at the top
    case_no = facts.case_number(header_text or all_text) or facts.case_number(all_text)
    return Determination(
        doc_id=case_no or Path(source).stem,
        source=Path(source).name,
        format=layout,
        case_number=case_no,
        reviewer=facts.reviewer(_credentials(grouped) or all_text),
        patient=_patient(grouped, all_text, dates),
        issues=issues,
        sections=sections,
        warnings=warnings,
        sources=[Path(source).name],
        decision_date=dates["decision_date"],
        ur_denial_date=dates["ur_denial_date"],
        date_assigned=dates["date_assigned"],
    )


def _layout(grouped, header_text: str) -> str:
    """Name the letter's layout from its section headings and title."""
    ids = [section_id for section_id, _ in grouped]
    if "medical-professional-review" in ids or "issue-at-dispute" in ids:
        return FORMAT_PROFESSIONAL_REVIEW
    title = header_text[:600] or (grouped[0][1][0].text if grouped and grouped[0][1] else "")
    if layouts.NOTICE_TITLE.search(title):
        return FORMAT_NOTICE
    if "decisions" in ids and (
        "documents-reviewed" in ids or re.search(r"(?i)final\s+determination\s+letter", header_text)
    ):
        return FORMAT_FINAL_LETTER
    if "decisions" in ids or ("clinical-case-summary" in ids and "how-made" in ids):
        return FORMAT_IMR_ISSUES
    return FORMAT_UNSTRUCTURED


def _credentials(grouped) -> str:
    """Gather the credentials text, one paragraph a line so a field ends at its line's end."""
    return "\n".join(_text_of(grouped, sid) for sid in ("how-made", "reviewer-qualifications", "header"))


def _patient(grouped, all_text: str, dates: dict[str, str | None]):
    """Read the patient facts; the header's date of injury is the record where it has one."""
    patient = facts.patient(_text_of(grouped, "clinical-case-summary"),
                            _without(all_text, _text_of(grouped, "how-made")),
                            on=dates["decision_date"] or dates["date_of_injury"])
    if dates["date_of_injury"]:
        patient.date_of_injury = dates["date_of_injury"]
    return patient


def _without(text: str, part: str) -> str:
    return text.replace(part, " ") if part else text


def _group(blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """Group blocks under the heading that precedes them; text before any heading is 'header'."""
    grouped: list[tuple[str, list[Block]]] = []
    seen: dict[str, int] = {}
    for block in blocks:
        if block.heading:
            seen[block.heading] = seen.get(block.heading, 0) + 1
            suffix = "" if seen[block.heading] == 1 else f"-{seen[block.heading]}"
            grouped.append((block.heading + suffix, [block]))
        elif grouped:
            grouped[-1][1].append(block)
        else:
            grouped.append(("header", [block]))
    return grouped


def _text_of(grouped, section_id: str) -> str:
    """Return the text of the first section with this id."""
    for sid, blocks in grouped:
        if sid == section_id:
            return "\n\n".join(b.text for b in blocks if not b.heading)
    return ""


def _title(section_id: str, blocks: list[Block]) -> str:
    base = base_id(section_id)
    if base in layouts.HEADINGS:
        return layouts.HEADINGS[base][0]
    return "Letter header" if section_id == "header" else blocks[0].text[:80]


def _sections(grouped) -> list[Section]:
    return [
        Section(sid, _title(sid, blocks), "\n\n".join(b.text for b in blocks if not b.heading))
        for sid, blocks in grouped
        if any(not b.heading for b in blocks) or sid != "header"
    ]


def _decision_sections(grouped, header_text: str) -> tuple[list[Section], list[Issue]]:
    """Split the decisions section of layouts (a) and (b) into one section per disputed item."""
    split = []
    for sid, blocks in grouped:
        texts = [b.text for b in blocks if not b.heading]
        # Items can sit outside the decisions section: the 2013 notice lists them in its cover
        # letter, and prints each one's guidelines and rationale after the case summary.
        if sid.startswith("decisions") or any(
                layouts.DETERMINED.match(t) or layouts.ITEM_REGARDING.match(t) for t in texts):
            intro, drafts, closing = split_items(texts)
            split.append((sid, blocks, intro, drafts, closing))
        else:
            split.append((sid, blocks, None, [], []))
    drop_repeated_list(split)
    sections: list[Section] = []
    issues: list[Issue] = []
    for sid, blocks, intro, drafts, closing in split:
        if intro is None:
            sections.extend(_sections([(sid, blocks)]))
            continue
        intro.extend(closing)  # the signature block stays with the section, after its items' lines
        if intro or drafts or sid != "header":
            sections.append(Section(sid, _title(sid, blocks), "\n\n".join(intro)))
        for draft in drafts:
            number = len(issues) + 1
            issue = finish(draft, f"issue-{number}")
            issues.append(issue)
            title = f"{issue.item}: {issue.decision}" if issue.decision else issue.item
            sections.append(Section(f"issue-{number}", title, "\n\n".join(draft.blocks)))
    if len(issues) == 1 and issues[0].decision is None:
        overall = re.search(r"(?i)final\s+determination\s*:\s*(uphold|overturn)", header_text)
        if overall:
            issues[0].decision = "Upheld" if overall.group(1).lower() == "uphold" else "Overturned"
    return sections, issues

