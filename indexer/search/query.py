"""Read a reviewer's question: filters, domain words, expansions and what to embed.

"PT denied for lack of functional improvement" is read as treatment=physical therapy and
decision=Upheld (soft: matching items rank first), with PT expanded to "physical therapy" for
the keyword retriever and spelled out for the semantic one. Fielded terms (decision:overturned,
guideline:odg) and explicit filters are hard: only matching disputed items are searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import reasons, vocabulary
from ..errors import QueryError
from .terms import is_plain, stems, terms

FILTER_KEYS = ("decision", "treatment", "body_part", "guideline", "specialty",
               "injury_year_from", "injury_year_to", "reason", "decided_year_from", "decided_year_to",
               "partial")
# Facet keys a client may send back as filters: a treatment group filters on the treatment.
FILTER_ALIASES = {"treatment_group": "treatment"}
YEAR_KEYS = ("injury_year_from", "injury_year_to", "decided_year_from", "decided_year_to")
# Not in the outside contract: used by conversations ("without ODG").
EXTRA_KEYS = ("guideline_not",)
ISSUE_KEYS = ("decision", "treatment", "body_part", "guideline", "guideline_not", "reason", "partial")
MAX_QUERY_CHARS = 1000
MODES = ("hybrid", "keyword", "semantic")
MODE_ALIASES = {"meaning": "semantic"}
DEFAULT_K, MOST_K = 10, 100
# "therapy after a shoulder operation": letters list what follows an operation as associated surgical
# services, written "postoperative".
AFTER_SURGERY = re.compile(r"(?i)\bpost[-\s]?op(?:erative(?:ly)?)?\b|\bafter\s+(?:the\s+|a\s+|an\s+|his\s+|"
                           r"her\s+|their\s+)?(?:\w+\s+){0,2}(?:surgery|operation|procedure)\b")
AFTER_SURGERY_WORDS = [("postoperative", 0.5), ("post-operative", 0.5), ("associated surgical service", 0.3)]
# "cyclobenzaprine partial authorization": the claims administrator allowed part of the request.
PARTIAL = re.compile(r"(?i)\bpartial(?:ly)?\s+(?:authori[sz]|certif|approv|modif|denied|denial)|"
                     r"\bmodified\s+(?:request|authori[sz]ation|certification)|\bremaining\s+portion")
_FIELDED = re.compile(r"(?i)\b(" + "|".join(FILTER_KEYS) + r"):(\"[^\"]*\"|[^\s\"]+)")
# Words of a chat question that say nothing about the cases sought.
CHAT_WORDS = re.compile(
    r"(?i)\b(?:show|find|give|list|me|us|please|cases?|determinations?|letters?|decisions?|"
    r"imrs?|examples?|any|all|where|which|that|were|was|what|about|the|for|of|a|an|in|on|with|"
    # Negations are everywhere in rationales ("no documentation", "lack of benefit"): as lone
    # keywords they match nearly every letter, so only the embedding reads them.
    r"lack|lacking|absence|absent|without|insufficient|missing|no|not)\b")


@dataclass
class Query:
    raw: str
    text: str
    filters: dict[str, str | int] = field(default_factory=dict)
    understood: dict[str, str] = field(default_factory=dict)
    expansions: list[tuple[str, float]] = field(default_factory=list)
    semantic_text: str = ""
    keyword_text: str = ""
    notes: list[str] = field(default_factory=list)

    def term_weights(self) -> dict[str, float]:
        """Index terms to mark in excerpts, weighted: the user's own words over expansions."""
        weights: dict[str, float] = {}
        for word, boost in self.expansions:
            for term in stems(word):
                weights[term] = max(weights.get(term, 0.0), 0.5 * boost)
        for term in stems(self.keyword_text):
            weights[term] = 1.0
        return weights

    def bigrams(self) -> list[tuple[str, str]]:
        """Consecutive word pairs of the user's words ("functional improvement")."""
        if not is_plain(self.keyword_text):
            return []
        words = terms(self.keyword_text)
        return list(zip(words, words[1:], strict=False))

    def all_filters(self) -> dict:
        """The reading reported to the user: hard filters over soft ones."""
        return {**self.understood, **self.filters}


def check_mode(value: str | None) -> str:
    """Read a search mode (hybrid when none is given); raise QueryError on an unknown one."""
    if value is not None and not isinstance(value, str):
        raise QueryError(f"unknown mode {value!r}: use hybrid, keyword or semantic")
    mode = (value or "hybrid").strip().lower()
    mode = MODE_ALIASES.get(mode, mode)
    if mode not in MODES:
        raise QueryError(f"unknown mode {value!r}: use hybrid, keyword or semantic")
    return mode


def check_k(value, most: int = MOST_K) -> int:
    """Read how many results to return (DEFAULT_K when none is given)."""
    try:
        k = int(value) if value not in (None, "") else DEFAULT_K
    except (TypeError, ValueError):
        raise QueryError(f"k must be a number, not {value!r}") from None
    if not 1 <= k <= most:
        raise QueryError(f"k must be between 1 and {most}")
    return k


def check_filters(filters: dict[str, str]) -> dict[str, str | int]:
    """Validate and normalize explicit filters; raise QueryError on an unknown key or value."""
    checked: dict[str, str | int] = {}
    for key, value in filters.items():
        key = FILTER_ALIASES.get(key, key)
        if key not in FILTER_KEYS and key not in EXTRA_KEYS:
            raise QueryError(f"unknown filter {key!r}: use one of {', '.join(FILTER_KEYS)}")
        value = str(value).strip().strip('"')
        if not value:
            continue
        if key in YEAR_KEYS:
            if not re.fullmatch(r"(19|20)\d\d", value):
                raise QueryError(f"{key} must be a year such as 2014, not {value!r}")
            checked[key] = int(value)
            continue
        if key == "specialty":
            checked[key] = value
            continue
        if key == "partial":  # only partial authorizations (yes) or none of them (no)
            answer = {"yes": "yes", "true": "yes", "1": "yes", "no": "no", "false": "no", "0": "no"}
            if value.lower() not in answer:
                raise QueryError(f"partial must be yes or no, not {value[:40]!r}")
            checked[key] = answer[value.lower()]
            continue
        if key == "reason":
            normal = reasons.canonical_reason(value)
            if normal is None:
                raise QueryError(f"unknown reason {value!r} (see the reason facet for known values)")
            checked[key] = normal
            continue
        normal = vocabulary.canonical(key.removesuffix("_not"), value)
        if normal is None:
            known = {"decision": "Upheld, Overturned", "guideline": "MTUS, ACOEM, ODG, Other"}
            hint = known.get(key, "see the facets for known values")
            raise QueryError(f"unknown {key.replace('_', ' ')} {value!r} ({hint})")
        checked[key] = normal
    return checked


def _uppercase_abbreviations(text: str) -> str:
    lookup = {a.lower(): a for a in vocabulary.ABBREVIATIONS}
    return re.sub(r"[A-Za-z][A-Za-z/\-]*[A-Za-z]",
                  lambda m: lookup.get(m.group(0).lower(), m.group(0)), text)


def understand(raw: str, filters: dict[str, str] | None = None, ignore=()) -> Query:
    """Turn a question and explicit filters into a Query."""
    if raw is None or not raw.strip():
        raise QueryError("empty query: type what you are looking for")
    notes = []
    if len(raw) > MAX_QUERY_CHARS:
        raw = raw[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        notes.append(f"query shortened to its first {len(raw)} characters")
    explicit = dict(filters or {})
    for match in _FIELDED.finditer(raw):
        explicit.setdefault(match.group(1).lower(), match.group(2).strip('"'))
    text = re.sub(r"\s+", " ", _FIELDED.sub(" ", raw)).strip()
    checked = check_filters(explicit)
    if _FIELDED.search(raw) and not re.search(r"\w", text):  # "decision:upheld" alone: nothing to rank by
        raise QueryError("filters alone are not a question: add words to look for, e.g. decision:upheld knee")
    text = _uppercase_abbreviations(text)
    # What the user excluded ("NOT acupuncture") is no part of what they are looking for.
    wanted = re.sub(r'\bNOT\s+("[^"]*"|\S+)', " ", text)
    wanted = re.sub(r'\b(?:AND|OR)\b|"', " ", wanted)

    understood: dict[str, str] = {}
    decisions = {label for _, _, label in vocabulary.decision_mentions(wanted)}
    if len(decisions) == 1:
        understood["decision"] = decisions.pop()
    treatments = vocabulary.treatment_mentions(wanted)
    specific = [m for m in treatments if not vocabulary.is_generic(m[2])]
    if specific or treatments:
        understood["treatment"] = (specific or treatments)[0][2]
    body = vocabulary.body_part_mentions(wanted)
    if body:
        understood["body_part"] = body[0][2]
    cited = vocabulary.guideline_mentions(wanted)
    if cited:
        understood["guideline"] = cited[0][2]
    if PARTIAL.search(wanted):
        understood["partial"] = "yes"
    named_reasons = reasons.reasons_in_question(wanted)
    if named_reasons:
        understood["reason"] = named_reasons[0]
    understood = {k: v for k, v in understood.items() if k not in checked and k not in ignore}

    expansions: list[tuple[str, float]] = []
    for start, end, category in treatments:
        word = wanted[start:end]
        named = vocabulary.synonyms_of(word)
        expansions.extend((synonym, 0.8) for synonym in named)
        lay = not named and not vocabulary.is_generic(category)  # "anxiety pill", "shots in the back"
        if lay or word in vocabulary.CLASS_WORDS or word.lower() in vocabulary.CLASS_WORDS:
            # A class or a lay word names no drug or procedure itself: the letters name its members.
            expansions.extend((w, 0.3) for w in vocabulary.TREATMENTS[category][:25])
        elif category in ("opioid", "muscle relaxant", "nsaid", "anticonvulsant"):
            expansions.append((category, 0.4))
    if AFTER_SURGERY.search(wanted):
        expansions.extend(AFTER_SURGERY_WORDS)
    for start, end, _ in body:
        expansions.extend((s, 0.5) for s in vocabulary.synonyms_of(wanted[start:end]))

    keyword_text = _without_decision_words(text)
    keyword_text = CHAT_WORDS.sub(" ", keyword_text) if is_plain(keyword_text) else keyword_text
    return Query(
        raw=raw, text=text, filters=checked, understood=understood,
        # Quotes and operators ask for exactly those words: no expansion.
        expansions=_unique(expansions) if is_plain(text) else [],
        semantic_text=re.sub(r"\s+", " ", _spelled_out(wanted)).strip() or text,
        keyword_text=re.sub(r"\s+", " ", keyword_text).strip() or text,
        notes=notes,
    )


def _without_decision_words(text: str) -> str:
    if not is_plain(text):
        return text
    kept, cursor = [], 0
    for start, end, _ in vocabulary.decision_mentions(text):
        kept.append(text[cursor:start])
        cursor = end
    kept.append(text[cursor:])
    return " ".join(kept)


def _spelled_out(text: str) -> str:
    """Spell out abbreviations for the embedding model: "PT" -> "physical therapy (PT)"."""
    def expand(match: re.Match) -> str:
        word = match.group(0)
        if word not in vocabulary.ABBREVIATIONS:
            return word
        long_forms = [w for w in vocabulary.synonyms_of(word) if not w.isupper()]
        return f"{long_forms[0]} ({word})" if long_forms else word
    return re.sub(r"[A-Za-z][A-Za-z/\-]*[A-Za-z]", expand, text)


def _unique(pairs: list[tuple[str, float]]) -> list[tuple[str, float]]:
    best: dict[str, tuple[str, float]] = {}
    for word, boost in pairs:
        key = word.lower()
        if key not in best or best[key][1] < boost:
            best[key] = (word, boost)
    return list(best.values())[:40]
