"""Parse a cleaned IMR letter into a Determination: layout, sections, disputed items, facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import reasons, vocabulary
from ..determination import Citation, Determination, Issue, Partial, Section
from ..sentences import sentences
from . import clean, facts, layouts
from .clean import Block

# Raise when parsing changes what it reads from a letter: the next build re-reads every letter
# (reusing its embeddings where the chunk text did not change).
PARSER_VERSION = 6

FORMAT_IMR_ISSUES = "imr-issues-decisions"
FORMAT_FINAL_LETTER = "final-determination-letter"
FORMAT_PROFESSIONAL_REVIEW = "medical-professional-review"
FORMAT_NOTICE = "notice-of-imr-determination"
FORMAT_UNSTRUCTURED = "unstructured"

_NEGATIVE = re.compile(
    r"(?i)\bnot\s*(?:medically\s+)?(?:necessary|reasonable|appropriate|certified|recommended|"
    r"supported|indicated|warranted|approved|established)|\bnon-?certif|\bupheld\b|\buphold\b|"
    r"\bdenied\b|\bdenial\s+is\s+(?:upheld|affirmed)|\bnot\s*medically\s+necessary")
_POSITIVE = re.compile(
    r"(?i)\b(?:is|are|was|were|be|deemed|considered)\s+(?:medically\s+necessary|reasonable\s+and\s+"
    r"necessary|certified|approved|warranted|supported|indicated|appropriate)|\boverturned\b|"
    r"\boverturn\b|\bmedically\s+necessary\s+and\s+appropriate")
_CONCLUSION = re.compile(r"(?i)medically\s+necessary|certif|upheld|uphold|overturn|approved|"
                         r"denied|warranted|appropriate|recommended")


@dataclass
class _DraftIssue:
    item: str
    decision: str | None
    blocks: list[str] = field(default_factory=list)
    claims_guideline: str = ""
    reviewer_guideline: str = ""
    rationale: list[str] = field(default_factory=list)
    partial: Partial | None = None


def decision_from_text(text: str) -> str | None:
    """Read Upheld/Overturned from the conclusion of a rationale; None when it says neither."""
    for sentence in reversed(sentences(text)):
        if not _CONCLUSION.search(sentence) or _is_advice(sentence):
            continue
        if _NEGATIVE.search(sentence):
            return "Upheld"
        if _POSITIVE.search(sentence):
            return "Overturned"
    return None


def _is_advice(sentence: str) -> bool:
    """Tell advice appended after a conclusion (how to wean opioids) from the conclusion itself."""
    return bool(layouts.NOT_CONCLUSIONS.search(sentence)) and not re.search(r"(?i)\brequest", sentence)


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
        issues = _professional_review_issues(grouped)
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
    base = _base_id(section_id)
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
            intro, drafts, closing = _split_items(texts)
            split.append((sid, blocks, intro, drafts, closing))
        else:
            split.append((sid, blocks, None, [], []))
    _drop_repeated_list(split)
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
            issue = _finish(draft, f"issue-{number}")
            issues.append(issue)
            title = f"{issue.item}: {issue.decision}" if issue.decision else issue.item
            sections.append(Section(f"issue-{number}", title, "\n\n".join(draft.blocks)))
    if len(issues) == 1 and issues[0].decision is None:
        overall = re.search(r"(?i)final\s+determination\s*:\s*(uphold|overturn)", header_text)
        if overall:
            issues[0].decision = "Upheld" if overall.group(1).lower() == "uphold" else "Overturned"
    return sections, issues


def _drop_repeated_list(split) -> None:
    """Keep one copy of an item a letter lists twice (a summary list, then each item with its
    guidelines and rationale): a bare listed item gives way to a copy with a body."""
    copies: dict[tuple[str, str | None], list[_DraftIssue]] = {}
    for _, _, _, group, _ in split:
        for draft in group:
            copies.setdefault((_key(draft.item), draft.decision), []).append(draft)
    for _, _, intro, group, _ in split:
        for draft in list(group):
            same = copies[(_key(draft.item), draft.decision)]
            bodied = [d for d in same if len(d.blocks) > 1]
            if len(draft.blocks) == 1 and len(same) > 1 and (bodied or draft is not same[0]):
                group.remove(draft)
                intro.extend(draft.blocks)
    _decide_from_list(split)


def _decide_from_list(split) -> None:
    """Give an item whose body names no decision ("1) Regarding the request for X:") the decision
    of its line in the list printed before it, and drop that line: matched by the item's words,
    else, where the counts agree, by order."""
    drafts = [(intro, group, draft) for _, _, intro, group, _ in split for draft in group]
    undecided = [draft for _, _, draft in drafts if draft.decision is None and _labelled(draft)]
    listed = [(intro, group, draft) for intro, group, draft in drafts
              if draft.decision is not None and len(draft.blocks) == 1]
    if not undecided or not listed:
        return
    order = {id(draft): index for index, (_, _, draft) in enumerate(drafts)}

    def take(entry, draft: _DraftIssue) -> None:
        intro, group, line = entry
        draft.decision = line.decision
        group.remove(line)
        intro.extend(line.blocks)
        listed.remove(entry)

    for draft in list(undecided):
        same = [entry for entry in listed if _key(entry[2].item) == _key(draft.item)]
        if same and len({entry[2].decision for entry in same}) == 1:
            for entry in same[1:]:
                take(entry, _DraftIssue(draft.item, None))
            take(same[0], draft)
            undecided.remove(draft)
    # By order only for a list printed before all the bodies it decides.
    if undecided and len(undecided) == len(listed) and max(order[id(e[2])] for e in listed) < min(
            order[id(d)] for d in undecided):
        for draft, entry in zip(undecided, list(listed), strict=True):
            draft.item = entry[2].item  # the listed line names the item the decision is on
            take(entry, draft)


def _labelled(draft: _DraftIssue) -> bool:
    """Tell an item with a body of its own (a guideline or rationale label follows its line)."""
    return any(p.match(text) for text in draft.blocks[1:] for p in layouts.PARAGRAPH_STARTS)


def _key(item: str) -> str:
    """Reduce an item to lower-case words, to tell two printings of it apart from two items."""
    return re.sub(r"[^a-z0-9]+", " ", item.lower()).strip()


def _item_line(text: str, following: str = "") -> tuple[str, str | None, Partial | None] | None:
    """Read "X: Upheld" style item lines (and their variants) into (item, decision, partial)."""
    limit = 1000 if layouts.ORIGINAL_REQUEST.search(text) else 450
    if len(text) > limit or any(p.match(text) for p in layouts.PARAGRAPH_STARTS):
        return None
    found = layouts.ITEM_REGARDING.match(text)
    if found:
        return found.group("item"), None, None
    found = layouts.DETERMINED.match(text)
    if found:
        return found.group("item"), "Upheld" if found.group("neg") else "Overturned", None
    found = layouts.ITEM_DECISION.match(text)
    item, partial = _partial(found.group("item")) if found else ("", None)
    item = item if partial else _last_sentence(item)
    if found and not layouts.NOT_ITEMS.match(item.strip()):
        word = re.sub(r"\s+", " ", found.group("decision"))
        decision = "Overturned" if layouts.OVERTURNING.match(word) else "Upheld"
        return item, decision, partial
    labelled_next = any(p.match(following) for p in layouts.PARAGRAPH_STARTS)
    found = layouts.ITEM_DECISION_BARE.match(text)
    if found and labelled_next:
        return found.group("item"), found.group("decision").capitalize(), None
    found = layouts.ITEM_NECESSITY.match(text)
    # Unnumbered, "X is medically necessary." could be a rationale's last sentence: it is an
    # item line only when a guideline or rationale label follows it.
    if found and (found.group("number") or labelled_next):
        return found.group("item"), "Upheld" if found.group("neg") else "Overturned", None
    return None


def _last_sentence(item: str) -> str:
    """Drop prose run into the front of an item line ("... this letter. Final Determination")."""
    parts = sentences(item)
    lead = " ".join(parts[:-1])
    return parts[-1] if len(parts) > 1 and len(lead) >= 80 else item


def _partial(item: str) -> tuple[str, Partial | None]:
    """Split a partial authorization's narrative into the decided remainder and what it was cut from."""
    text = re.sub(r"\s+", " ", item).strip()
    found = layouts.PARTIAL.match(text)
    if not found:
        return item, None
    authorized = found.group("authorized") or found.group("authorized2")
    return found.group("item"), Partial(_clean_item(found.group("requested")), _clean_item(authorized))


def _segments(texts: list[str]) -> list[str]:
    """Re-cut paragraphs where extraction lost the breaks between an item and its neighbours."""
    out: list[str] = []
    for text in texts:
        if layouts.DECISION_WORD.match(text) and out and not out[-1].rstrip().endswith("."):
            # A decision word left alone on the line after a wrapped item.
            glue = " " if out[-1].rstrip().endswith((":", "-")) else ": "
            text = out.pop().rstrip() + glue + text.strip()
        elif out and out[-1].rstrip().endswith(":") and _is_guideline(out[-1]):
            # "Section(s):" at a line end: the cited section wrapped onto the next line.
            text = out.pop().rstrip() + " " + text
        for piece in layouts.INLINE_LABELS.split(_after_boilerplate(text, out)):
            out.extend(_cut_after_decisions(piece))
    return [t for t in out if t.strip()]


def _after_boilerplate(text: str, out: list[str]) -> str:
    """Move a layout's stock sentence run into the text after it to a paragraph of its own."""
    for pattern in layouts.BOILERPLATE:
        found = pattern.search(text)
        if found and text[found.end():].strip():
            out.append(text[:found.end()].strip())
            return text[found.end():]
    return text


def _is_guideline(text: str) -> bool:
    """Tell a Claims Administrator or MAXIMUS guideline paragraph."""
    return bool(layouts.CLAIMS_GUIDELINE.match(text) or layouts.REVIEWER_GUIDELINE.match(text))


def _cut_after_decisions(text: str) -> list[str]:
    """Cut "...: Upheld" out of running text: the item ends at its decision and begins after
    the sentence that concluded the previous rationale."""
    pieces, cursor = [], 0
    for match in layouts.INLINE_DECISION.finditer(text):
        pieces.append(text[cursor:match.end()])
        cursor = match.end()
    pieces.append(text[cursor:])
    out: list[str] = []
    for piece in (p.strip() for p in pieces):
        if piece and layouts.ENDS_IN_DECISION.search(piece) and len(sentences(piece)) > 1:
            out.extend(_detach_item(piece))
        elif piece:
            out.append(piece)
    return out


def _detach_item(text: str) -> list[str]:
    """Split a rationale's closing sentences (its conclusion, or advice after it) off an item
    line they were run into."""
    parts = sentences(text)
    for index in range(len(parts) - 1, 0, -1):
        if decision_from_text(parts[index - 1]) or _is_advice(parts[index - 1]):
            return [" ".join(parts[:index]), " ".join(parts[index:])]
    # No conclusion read: the item is the last sentence, or a partial authorization's narrative.
    index = next((k for k, part in enumerate(parts) if layouts.ORIGINAL_REQUEST.search(part)), len(parts) - 1)
    lead = " ".join(parts[:index])
    return [lead, " ".join(parts[index:])] if len(lead) >= 80 else [text]


def _split_items(texts: list[str]) -> tuple[list[str], list[_DraftIssue], list[str]]:
    """Split a decisions section's paragraphs into its introduction, one draft per item, and the
    letter's closing (signature, copies) where one follows the items."""
    intro: list[str] = []
    drafts: list[_DraftIssue] = []
    closing: list[str] = []
    in_closing = False
    texts = _segments(texts)
    for index, text in enumerate(texts):
        following = texts[index + 1] if index + 1 < len(texts) else ""
        line = _item_line(text, following) or _bare_item(text, following)
        if line:
            item, decision, partial = line
            drafts.append(_DraftIssue(_clean_item(item), decision, [text], partial=partial))
            in_closing = False
        elif not drafts:
            intro.append(text)
        elif in_closing:
            closing.append(text)
        else:
            body, rest = _before_closing(text)
            if body:
                _add_to(drafts[-1], body)
            if rest:
                closing.append(rest)
                in_closing = True
    return intro, drafts, closing


def _before_closing(text: str) -> tuple[str, str]:
    """Cut a paragraph where the letter's closing begins: (what comes before, the closing)."""
    found = layouts.CLOSING.search(text)
    if not found:
        return text, ""
    return text[:found.start()].strip(), text[found.start():].strip()


def _bare_item(text: str, following: str) -> tuple[str, None, None] | None:
    """Read a numbered item line without a decision, when a guideline or rationale follows."""
    if layouts.NUMBERED.match(text) and len(text) < 250 and any(
            p.match(following) for p in layouts.PARAGRAPH_STARTS):
        return layouts.NUMBERED.sub("", text).strip(" ."), None, None
    return None


def _add_to(draft: _DraftIssue, text: str) -> None:
    """File a paragraph under the item it follows: a guideline, or the rationale."""
    draft.blocks.append(text)
    if layouts.CLAIMS_GUIDELINE.match(text):
        draft.claims_guideline = layouts.CLAIMS_GUIDELINE.sub("", text)
    elif layouts.REVIEWER_GUIDELINE.match(text):
        draft.reviewer_guideline = layouts.REVIEWER_GUIDELINE.sub("", text)
    elif layouts.RATIONALE.match(text):
        draft.rationale.append(layouts.RATIONALE.sub("", text))
    elif draft.rationale or not draft.reviewer_guideline:
        draft.rationale.append(text)
    else:
        draft.reviewer_guideline += " " + text


def _clean_item(item: str) -> str:
    """Reduce "Is the request for X medically necessary?" to X."""
    item = re.sub(r"\s+", " ", item).strip(" .:-")
    prefix = re.compile(r"(?i)^(?:is|are|was|were|whether|the|requests?|requested|for|that)\s+")
    while prefix.match(item):
        item = prefix.sub("", item, count=1)
    item = re.sub(r"(?i)\s+(?:(?:is|are|was|were)\s+)?(?:not\s*)?medically\s+necessary"
                  r"(?:\s+and\s+appropriate)?\W*$", "", item)
    # "X is: Upheld" leaves a dangling verb behind the item.
    item = re.sub(r"(?i)[\s,]+(?:is|are)$", "", item)
    return item.strip(" .:?,") or item


def _finish(draft: _DraftIssue, section_id: str) -> Issue:
    """Turn a draft into an Issue: decision, treatment, body part, guidelines and citations."""
    rationale = " ".join(draft.rationale).strip()
    decision = draft.decision or decision_from_text(rationale)
    reviewer_guideline = layouts.NO_CITATION.sub(" ", draft.reviewer_guideline)
    claims_guideline = layouts.NO_CITATION.sub(" ", draft.claims_guideline)
    cited = reviewer_guideline + " " + rationale
    guidelines = vocabulary.guidelines_in(cited) or vocabulary.guidelines_in(claims_guideline)
    return Issue(
        item=draft.item,
        decision=decision,
        treatment=vocabulary.treatment_of(draft.item) or vocabulary.dominant_treatment(rationale),
        body_part=vocabulary.body_part_of(draft.item) or _first_or_none(
            vocabulary.body_parts_in(rationale)),
        guidelines=guidelines,
        rationale=rationale,
        citations=citations(reviewer_guideline),
        section_id=section_id,
        partial=draft.partial,
    )


def _first_or_none(values: list[str]) -> str | None:
    return values[0] if values else None


def citations(guideline_text: str) -> list[Citation]:
    """Split "Decision based on ... Page(s): 98-99." statements into citations."""
    found: list[Citation] = []
    for piece in re.split(r"(?i)(?=decision\s+based\s+on)", guideline_text or ""):
        piece = re.sub(r"(?i)^decision\s+based\s+on\s+", "", piece).strip(" .")
        if not piece:
            continue
        sources = vocabulary.guidelines_in(piece) or ["Other"]
        pages = re.search(r"(?i)pages?\(?s?\)?\s*:?\s*([\d][\d\s,&\-]*)", piece)
        found.append(Citation(sources[0], piece, pages.group(1).strip(" ,") if pages else None))
    return found


@dataclass
class _Review:
    """One ISSUE AT DISPUTE of layout (c) and the determination, guidelines and rationale after it."""

    disputed: str
    determination: str = ""
    guidelines: str = ""
    rationale: str = ""
    heading: str = ""
    section_id: str = "rationale"


def _base_id(section_id: str) -> str:
    """Drop the "-2" a repeated heading's section id carries."""
    return section_id.rsplit("-", 1)[0] if section_id[-1].isdigit() else section_id


def _reviews(grouped) -> list[_Review]:
    """Gather layout (c)'s sections into reviews: an issue heading opens one, and the
    determination, guidelines and rationale headings after it fill it."""
    reviews: list[_Review] = []
    for sid, blocks in grouped:
        base, text = _base_id(sid), "\n\n".join(b.text for b in blocks if not b.heading)
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


def _professional_review_issues(grouped) -> list[Issue]:
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
    rationale = _before_closing(review.rationale)[0]
    stated = decision_from_text(review.determination) if review.determination else None
    default = stated or ("Upheld" if re.search(r"(?i)\bNOT\s+MEDICALLY", review.heading) else (
        "Overturned" if review.heading else None))
    parts = _numbered_items(rationale) if len(items) > 1 else [rationale]
    if len(parts) != len(items):
        parts = [_passage_about(item, rationale) for item in items]
    issues = []
    for item, part in zip(items, parts, strict=True):
        issue = _finish(_DraftIssue(_clean_item(item), None, [], "", review.guidelines, [part]),
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
        if not _CONCLUSION.search(sentence):
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
