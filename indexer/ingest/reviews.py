"""The older medical professional review: each ISSUE AT DISPUTE read with its own determination."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..determination import Issue
from ..sentences import sentences
from . import layouts
from .decisions import CONCLUSION, decision_from_text
from .items import DraftIssue, before_closing, clean_item, finish


@dataclass
class _Review:
    """One ISSUE AT DISPUTE of layout (c) and the determination, guidelines and rationale after it."""

    disputed: str
    determination: str = ""
    guidelines: str = ""
    rationale: str = ""
    heading: str = ""
    section_id: str = "rationale"


def base_id(section_id: str) -> str:
    """Drop the "-2" a repeated heading's section id carries."""
    return section_id.rsplit("-", 1)[0] if section_id[-1].isdigit() else section_id


def _reviews(grouped) -> list[_Review]:
    """Gather layout (c)'s sections into reviews: an issue heading opens one, and the
    determination, guidelines and rationale headings after it fill it."""
    reviews: list[_Review] = []
    for sid, blocks in grouped:
        base, text = base_id(sid), "\n\n".join(b.text for b in blocks if not b.heading)
        if base == "issue-at-dispute":
            reviews.append(_Review(text))
        elif base in ("determination", "guidelines-relied-upon", "rationale"):
            last = reviews[-1] if reviews else None
            if last is None or (last.rationale and (base != "guidelines-relied-upon" or last.guidelines)) or (
                    base == "determination" and last.determination):
                reviews.append(_Review(""))  # the next issue's, without an issue heading of its own
            review = reviews[-1]
            if base == "determination":
                review.determination = f"{review.determination}\n\n{text}".strip()
            elif base == "guidelines-relied-upon":
                review.guidelines = f"{review.guidelines}\n\n{text}".strip()
            else:
                review.rationale, review.heading, review.section_id = text, blocks[0].text, sid
    return reviews


def professional_review_issues(grouped) -> list[Issue]:
    """Read layout (c): items from ISSUE AT DISPUTE, decisions from the determination or the
    rationale. Older letters repeat the issue heading before each issue's own determination,
    guidelines and rationale: each issue is then read from its own."""
    reviews = _reviews(grouped)
    decided = [r for r in reviews if r.rationale or r.determination]
    listed = _numbered_items(reviews[0].disputed) if reviews else []
    if len(decided) > 1 and all(r.disputed for r in decided):
        pairs = [([layouts.NUMBERED.sub("", item) for item in _numbered_items(r.disputed)], r)
                 for r in decided]
    elif len(decided) > 1 and len(listed) == len(decided):
        pairs = [([item], r) for item, r in zip(listed, decided, strict=True)]
    else:
        review = decided[0] if decided else (reviews[0] if reviews else _Review(""))
        pairs = [(listed, review)]
    issues: list[Issue] = []
    for items, review in pairs:
        issues.extend(_review_issues(items, review))
    return issues


def _review_issues(items: list[str], review: _Review) -> list[Issue]:
    """Read the issues one review decides; its determination statement decides a lone item."""
    rationale = before_closing(review.rationale)[0]
    stated = decision_from_text(review.determination) if review.determination else None
    default = stated or ("Upheld" if re.search(r"(?i)\bNOT\s+MEDICALLY", review.heading) else (
        "Overturned" if review.heading else None))
    parts = _numbered_items(rationale) if len(items) > 1 else [rationale]
    if len(parts) != len(items):
        parts = [_passage_about(item, rationale) for item in items]
    issues = []
    for item, part in zip(items, parts, strict=True):
        issue = finish(DraftIssue(clean_item(item), None, [], "", review.guidelines, [part]),
                        review.section_id)
        shared = len(items) > 1 and parts.count(part) > 1
        issue.decision = (stated if len(items) == 1 else None) or (
            decision_about(issue.item, part) if shared else None) or decision_from_text(part) or default
        issues.append(issue)
    return issues


def decision_about(item: str, text: str) -> str | None:
    """Decide one item from a rationale that concludes on several: use the conclusion
    sentence that names the item best ("The request for Soma ... is not medically necessary")."""
    words = set(re.findall(r"[a-z]{3,}", item.lower())) - {"the", "for", "and", "with"}
    best, best_overlap = None, 0
    for sentence in sentences(text):
        if not CONCLUSION.search(sentence):
            continue
        overlap = len(words & set(re.findall(r"[a-z]{3,}", sentence.lower())))
        if overlap > best_overlap:
            verdict = decision_from_text(sentence)
            if verdict:
                best, best_overlap = verdict, overlap
    return best


def _numbered_items(text: str) -> list[str]:
    """Split "1. X 2. Y" (numbers in sequence from 1) into items; else paragraphs."""
    cuts, expected = [], 1
    for match in re.finditer(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+(?=\S)", text):
        if int(match.group(1)) == expected:
            cuts.append(match)
            expected += 1
    if len(cuts) > 1:
        ends = [m.start() for m in cuts[1:]] + [len(text)]
        return [text[m.end():end].strip() for m, end in zip(cuts, ends, strict=True)]
    pieces = [p.strip() for p in text.split("\n\n") if p.strip()]
    if len(pieces) > 1 and not all(len(p) < 250 for p in pieces):
        pieces = [text.strip()]
    if len(cuts) == 1 and len(pieces) == 1:
        pieces = [text[cuts[0].end():].strip()]
    return pieces or ([text.strip()] if text.strip() else [])


def _passage_about(item: str, rationale: str) -> str:
    """Pick the rationale paragraphs that speak of an item; all of it when none stands out."""
    words = {w for w in re.findall(r"[a-z]{4,}", item.lower())}
    paragraphs = [p for p in rationale.split("\n\n") if p.strip()]
    scored = [(len(words & set(re.findall(r"[a-z]{4,}", p.lower()))), p) for p in paragraphs]
    best = max((score for score, _ in scored), default=0)
    chosen = [p for score, p in scored if score == best and best > 0]
    return "\n\n".join(chosen) if chosen and len(chosen) < len(paragraphs) else rationale
