"""The disputed items of a decisions section: item lines, their decisions, rationales and citations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import vocabulary
from ..determination import Citation, Issue, Partial
from ..sentences import sentences
from . import layouts
from .decisions import decision_from_text, is_advice


@dataclass
class DraftIssue:
    item: str
    decision: str | None
    blocks: list[str] = field(default_factory=list)
    claims_guideline: str = ""
    reviewer_guideline: str = ""
    rationale: list[str] = field(default_factory=list)
    partial: Partial | None = None


def drop_repeated_list(split) -> None:
    """Keep one copy of an item a letter lists twice (a summary list, then each item with its
    guidelines and rationale): a bare listed item gives way to a copy with a body."""
    copies: dict[tuple[str, str | None], list[DraftIssue]] = {}
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

    def take(entry, draft: DraftIssue) -> None:
        intro, group, line = entry
        draft.decision = line.decision
        group.remove(line)
        intro.extend(line.blocks)
        listed.remove(entry)

    for draft in list(undecided):
        same = [entry for entry in listed if _key(entry[2].item) == _key(draft.item)]
        if same and len({entry[2].decision for entry in same}) == 1:
            for entry in same[1:]:
                take(entry, DraftIssue(draft.item, None))
            take(same[0], draft)
            undecided.remove(draft)
    # By order only for a list printed before all the bodies it decides.
    if undecided and len(undecided) == len(listed) and max(order[id(e[2])] for e in listed) < min(
            order[id(d)] for d in undecided):
        for draft, entry in zip(undecided, list(listed), strict=True):
            draft.item = entry[2].item  # the listed line names the item the decision is on
            take(entry, draft)


def _labelled(draft: DraftIssue) -> bool:
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
    return found.group("item"), Partial(clean_item(found.group("requested")), clean_item(authorized))


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
        if decision_from_text(parts[index - 1]) or is_advice(parts[index - 1]):
            return [" ".join(parts[:index]), " ".join(parts[index:])]
    # No conclusion read: the item is the last sentence, or a partial authorization's narrative.
    index = next((k for k, part in enumerate(parts) if layouts.ORIGINAL_REQUEST.search(part)), len(parts) - 1)
    lead = " ".join(parts[:index])
    return [lead, " ".join(parts[index:])] if len(lead) >= 80 else [text]


def split_items(texts: list[str]) -> tuple[list[str], list[DraftIssue], list[str]]:
    """Split a decisions section's paragraphs into its introduction, one draft per item, and the
    letter's closing (signature, copies) where one follows the items."""
    intro: list[str] = []
    drafts: list[DraftIssue] = []
    closing: list[str] = []
    in_closing = False
    texts = _segments(texts)
    for index, text in enumerate(texts):
        following = texts[index + 1] if index + 1 < len(texts) else ""
        line = _item_line(text, following) or _bare_item(text, following)
        if line:
            item, decision, partial = line
            drafts.append(DraftIssue(clean_item(item), decision, [text], partial=partial))
            in_closing = False
        elif not drafts:
            intro.append(text)
        elif in_closing:
            closing.append(text)
        else:
            body, rest = before_closing(text)
            if body:
                _add_to(drafts[-1], body)
            if rest:
                closing.append(rest)
                in_closing = True
    return intro, drafts, closing


def before_closing(text: str) -> tuple[str, str]:
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


def _add_to(draft: DraftIssue, text: str) -> None:
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


def clean_item(item: str) -> str:
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


def finish(draft: DraftIssue, section_id: str) -> Issue:
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

