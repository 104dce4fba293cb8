"""The read side: open an index once, then answer searches and similar-case lookups.

A search runs the keyword and semantic retrievers over chunks (filters applied inside both,
at the level of the disputed item), fuses their scores, ranks determinations by their best
chunks, puts items that match the query's own words (treatment, decision...) first, and
builds highlighted excerpts for the top results.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import faiss
import numpy as np

from ..determination import Determination, Issue
from ..encoder import Encoder
from ..store import IndexDir, Manifest, connect
from . import fusion, keyword
from .filters import UNKNOWN, agreement
from .filters import allowed as passing
from .highlight import Excerpt, excerpt
from .query import ISSUE_KEYS, Query, QueryError, understand
from .results import NotFound, Ranked, Result, SearchResponse
from .similar import MAX_PASTED_CHARS
from .similar import similar as similar_cases

MODES = ("hybrid", "keyword", "semantic")
SENTENCE_RESCORE = 300
KEYWORD_FLOOR = 0.15  # a keyword match below this share of the best one is not counted
KEYWORD_CACHE = 128

__all__ = ["MAX_PASTED_CHARS", "MODES", "NotFound", "QueryError", "Result", "SearchResponse",
           "Searcher", "load_determination"]


class Searcher:
    """An open index: load once per process, then search many times."""

    def __init__(self, settings: dict, encoder: Encoder | None = None):
        self.settings = settings
        generation = IndexDir(settings["index"]).require()
        self.generation = generation
        self.manifest = Manifest.load(generation)
        self.manifest.check(settings["model"], settings["chunk_words"], settings["chunk_overlap"])
        self.db = connect(generation / "store.sqlite", readonly=True)
        rows = self.db.execute(
            "SELECT chunk_id, doc_id, section_id, section_title, kind, issue_index, "
            "sentence_start, sentence_count FROM chunks ORDER BY position").fetchall()
        self.chunks = [dict(r) for r in rows]
        self.doc_of_row = [r["doc_id"] for r in rows]
        self.determinations = {
            r["doc_id"]: Determination.from_dict(json.loads(r["body"]))
            for r in self.db.execute("SELECT doc_id, body FROM determinations")
        }
        self.rows_of_doc: dict[str, list[int]] = {}
        for row, doc_id in enumerate(self.doc_of_row):
            self.rows_of_doc.setdefault(doc_id, []).append(row)
        self.vectors = faiss.read_index(str(generation / "vectors.faiss"))
        faiss.omp_set_num_threads(1)  # one query at a time: a second OpenMP pool only contends
        self.sentence_vectors = np.load(generation / "sentences.npy", mmap_mode="r")
        self.keyword = keyword.KeywordIndex(
            generation / "whoosh", {c["chunk_id"]: i for i, c in enumerate(self.chunks)})
        self._encoder = encoder
        self._labels: dict[int, set[str]] = {}  # citation labels per issue, built on first use
        self._keyword_cache: dict[tuple, dict[int, float]] = {}

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = Encoder(self.settings["model"], int(self.settings["query_cache"]))
        return self._encoder

    def clear_caches(self) -> None:
        """Forget cached query embeddings and keyword scores (for honest benchmarks)."""
        self._keyword_cache.clear()
        self.encoder.clear_cache()

    def counts(self) -> dict:
        return {"determinations": len(self.determinations), "chunks": len(self.chunks)}

    def determination(self, doc_id: str) -> Determination:
        try:
            return self.determinations[doc_id]
        except KeyError:
            raise NotFound(f"no determination {doc_id!r} in the index") from None

    def similar(self, doc_id: str | None = None, text: str | None = None, k: int = 10,
                filters: dict | None = None) -> SearchResponse:
        """Find the determinations closest to one determination or to pasted text."""
        return similar_cases(self, doc_id, text, k, filters)

    def _citation_labels(self, issue: Issue) -> set[str]:
        key = id(issue)
        if key not in self._labels:
            self._labels[key] = {citation_label(c) for c in issue.citations}
        return self._labels[key]

    def chunk_text(self, row: int) -> str:
        found = self.db.execute("SELECT text FROM chunks WHERE position = ?", (row,)).fetchone()
        return found["text"] if found else ""

    # --- filtering -------------------------------------------------------------------

    # --- retrieval -------------------------------------------------------------------

    def _keyword_scores(self, q: Query, mask) -> dict[int, float]:
        """BM25F scores of every matching chunk; repeated questions come from a small cache
        (a conversation replays its turns, refinements repeat the previous question)."""
        key = (q.keyword_text, tuple(q.expansions), tuple(sorted(q.filters.items())))
        if key in self._keyword_cache:
            return self._keyword_cache[key]
        scores = self._score_keywords(q, mask)
        self._keyword_cache[key] = scores
        if len(self._keyword_cache) > KEYWORD_CACHE:
            self._keyword_cache.pop(next(iter(self._keyword_cache)))
        return scores

    def _score_keywords(self, q: Query, mask) -> dict[int, float]:
        parsed = keyword.parse(self.keyword.without_common_words(q.keyword_text))
        extra = [keyword.phrase_query(word, boost) for word, boost in q.expansions]
        extra.append(keyword.bigram_query(q.bigrams()))
        extra = [e for e in extra if e is not keyword.query.NullQuery]
        return self.keyword.search(keyword.query.Or([parsed, *extra]), mask)

    def semantic_scores(self, vector: np.ndarray, mask, cutoff: float) -> dict[int, float]:
        params = None
        if mask is not None:
            ids = np.nonzero(mask)[0].astype("int64")
            if not len(ids):
                return {}
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        _, scores, rows = self.vectors.range_search(vector[None, :].astype(np.float32), cutoff,
                                                    params=params)
        found = {int(r): float(s) for r, s in zip(rows, scores, strict=True)}
        return self._with_best_sentence(found, vector) if self.settings["sentence_weight"] else found

    def _with_best_sentence(self, scores: dict[int, float], vector: np.ndarray) -> dict[int, float]:
        """Blend a chunk's similarity with its closest sentence's (passage-level evidence).

        A long rationale can hold the one sentence that decides the question; averaging the whole
        chunk dilutes it. Only the best SENTENCE_RESCORE chunks are rescored.
        """
        weight = float(self.settings["sentence_weight"])
        top = sorted(scores, key=scores.get, reverse=True)[:SENTENCE_RESCORE]
        for row in top:
            chunk = self.chunks[row]
            if not chunk["sentence_count"]:
                continue
            start = chunk["sentence_start"]
            block = np.asarray(self.sentence_vectors[start:start + chunk["sentence_count"]],
                               dtype=np.float32)
            best = float((block @ vector).max())
            scores[row] = (1 - weight) * scores[row] + weight * max(best, scores[row])
        return scores

    def search(self, raw: str, mode: str = "hybrid", k: int = 10,
               filters: dict | None = None, ignore=()) -> SearchResponse:
        """Answer a query: ranked determinations with facets, excerpts and a message."""
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}: use hybrid, keyword or semantic")
        q = understand(raw, filters, ignore)
        response = self._run(q, mode, k)
        if response.total == 0 and mode != "semantic" and q.keyword_text != _plain(q.keyword_text):
            # Quotes or operators found nothing: the words alone may.
            loose = understand(_plain(raw) or raw, filters, ignore)
            relaxed = self._run(loose, mode, k)
            if relaxed.total:
                relaxed.message = (f"No letter matches {q.keyword_text!r} exactly; showing "
                                   f"matches for the words {loose.keyword_text!r}.")
                relaxed.query = q.raw
                return relaxed
        if response.total == 0 and q.filters:
            relaxed = self._run(understand(raw, {}), mode, 0)
            wanted = ", ".join(f"{key}={value}" for key, value in q.filters.items())
            response.message = (
                f"No determination matches {wanted}"
                + (f"; {relaxed.total} match without that filter." if relaxed.total else ".")
            )
        elif response.total == 0:
            response.message = (f"Nothing matched {q.text!r}: try other words"
                                + (" or the semantic mode." if mode == "keyword" else "."))
        if q.notes:
            response.message = "; ".join([*q.notes, *([response.message] if response.message else [])])
        return response

    def _run(self, q: Query, mode: str, k: int) -> SearchResponse:
        mask, allowed = passing(self.determinations, self.chunks, q.filters)
        cutoff = float(self.settings["similarity_cutoff"])
        keyword_scores = self._keyword_scores(q, mask) if mode != "semantic" else {}
        vector = self.encoder.query(q.semantic_text) if mode != "keyword" else None
        semantic_scores = self.semantic_scores(vector, mask, cutoff) if vector is not None else {}
        if mode == "keyword":
            fused = keyword_scores
        elif mode == "semantic":
            fused = semantic_scores
        elif self.settings["fusion"] == "rrf":
            fused = fusion.rrf(keyword_scores, semantic_scores, float(self.settings["rrf_k"]),
                               float(self.settings["semantic_weight"]))
        else:
            fused = fusion.convex(keyword_scores, semantic_scores,
                                  float(self.settings["semantic_weight"]), cutoff)
        counted = self._counted(keyword_scores, semantic_scores)
        ranked = self._rank(fused, q.understood, allowed, counted)
        results = [self.result_for(r, rank, q, vector, fused)
                   for rank, r in enumerate(ranked[:k], start=1)]
        return SearchResponse(
            query=q.raw, mode=mode,
            understood={"text": q.text, "filters": q.all_filters()},
            total=len(ranked), facets=self.facets(ranked), message=None, results=results)

    def _counted(self, keyword_scores: dict, semantic_scores: dict) -> set[str]:
        """Determinations that count as matches: a real keyword match or a close meaning."""
        best: dict[str, float] = {}
        for row, score in keyword_scores.items():
            doc_id = self.doc_of_row[row]
            best[doc_id] = max(best.get(doc_id, 0.0), score)
        top = max(best.values(), default=0.0)
        counted = {d for d, s in best.items() if s >= KEYWORD_FLOOR * top}
        counted.update(self.doc_of_row[row] for row in semantic_scores)
        return counted

    def _rank(self, fused: dict[int, float], understood: dict, allowed, counted: set[str]
              ) -> list[Ranked]:
        ranked = []
        second = float(self.settings["second_chunk_weight"])
        for doc_id, (score, rows) in fusion.aggregate(fused, self.doc_of_row.__getitem__,
                                                      second).items():
            if doc_id not in counted:
                continue
            issue_index, factor = self._matched_issue(doc_id, rows, fused, understood, allowed)
            ranked.append(Ranked(doc_id, score * factor, rows, issue_index))
        ranked.sort(key=lambda r: (-r.score, r.doc_id))
        return ranked

    def _matched_issue(self, doc_id: str, rows: list[int], fused: dict, understood: dict,
                       allowed) -> tuple[int | None, float]:
        """Pick the disputed item whose passages matched best, favouring the query's words."""
        issues = self.determinations[doc_id].issues
        candidates = sorted(allowed[doc_id]) if allowed and doc_id in allowed and allowed[doc_id] \
            else list(range(len(issues)))
        if not candidates:
            return None, UNKNOWN ** len([k for k in understood if k in ISSUE_KEYS])
        letter_best = max(fused[r] for r in rows)
        best = (None, -1.0, 1.0)
        for index in candidates:
            own = [fused[r] for r in rows if self.chunks[r]["issue_index"] == index]
            strength = max(own) if own else 0.8 * letter_best
            factor = agreement(issues[index], understood)
            if strength * factor > best[1]:
                best = (index, strength * factor, factor)
        return best[0], best[2]

    def facets(self, ranked: list[Ranked]) -> dict:
        facets: dict[str, dict[str, int]] = {key: {} for key in (
            "decision", "treatment", "treatment_group", "reason", "guideline", "body_part", "citation")}
        for r in ranked:
            issue = self._issue(r.doc_id, r.issue_index)
            if issue is None:
                continue
            for key, values in (("decision", [issue.decision]), ("treatment", [issue.treatment]),
                                ("treatment_group", [issue.treatment_group]), ("reason", issue.reasons),
                                ("guideline", issue.guidelines), ("body_part", [issue.body_part]),
                                ("citation", self._citation_labels(issue))):
                for value in values:
                    if value:
                        facets[key][value] = facets[key].get(value, 0) + 1
        return {k: dict(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in facets.items()}

    def _issue(self, doc_id: str, index: int | None) -> Issue | None:
        issues = self.determinations[doc_id].issues
        return issues[index] if index is not None and index < len(issues) else None

    # --- results and excerpts --------------------------------------------------------

    def result_for(self, ranked: Ranked, rank: int, q: Query | None, vector, fused: dict,
                shared: list[str] | None = None) -> Result:
        determination = self.determinations[ranked.doc_id]
        issue = self._issue(ranked.doc_id, ranked.issue_index)
        terms = q.term_weights() if q is not None else {}
        excerpts = self._excerpts(ranked, terms, vector, fused)
        anchor = excerpts[0].section_id if excerpts else (issue.section_id if issue else "")
        return Result(
            doc_id=determination.doc_id, source=determination.source, score=ranked.score,
            rank=rank, decision=issue.decision if issue else None,
            treatment=issue.treatment if issue else None, item=issue.item if issue else None,
            url=f"/d/{quote(determination.doc_id)}" + (f"#{anchor}" if anchor else ""),
            excerpts=excerpts, body_part=issue.body_part if issue else None,
            guidelines=list(issue.guidelines) if issue else [],
            specialty=list(determination.reviewer.specialty), issue_index=ranked.issue_index,
            shared=shared or [], treatment_group=issue.treatment_group if issue else None,
            reasons=list(issue.reasons) if issue else [])

    def _excerpts(self, ranked: Ranked, terms: dict[str, float], vector, fused: dict) -> list[Excerpt]:
        """The 1-3 best passages: the best chunks, from different sections where possible."""
        rows = ranked.rows
        if ranked.issue_index is not None:  # the matched item's own passages first
            rows = sorted(rows, key=lambda r: self.chunks[r]["issue_index"] != ranked.issue_index)
        best = fused[ranked.rows[0]]
        chosen: list[int] = []
        for row in rows:
            if len(chosen) == 3 or (chosen and fused[row] < 0.5 * best):
                break
            if any(self.chunks[c]["section_id"] == self.chunks[row]["section_id"] for c in chosen):
                continue
            chosen.append(row)
        excerpts = []
        for row in chosen:
            chunk = self.chunks[row]
            similarity = None
            if vector is not None and chunk["sentence_count"]:
                start = chunk["sentence_start"]
                block = np.asarray(self.sentence_vectors[start:start + chunk["sentence_count"]],
                                   dtype=np.float32)
                similarity = block @ vector
            excerpts.append(excerpt(self.chunk_text(row), terms, chunk["section_title"],
                                    chunk["section_id"], similarity, chunk["chunk_id"]))
        return excerpts

def _plain(text: str) -> str:
    """The words of a query without quotes or operators."""
    return re.sub(r"\s+", " ", re.sub(r'"|\b(?:AND|OR|NOT)\b', " ", text)).strip()


def citation_label(citation) -> str:
    """Name a citation briefly: "MTUS Chronic Pain, Physical Medicine p. 98-99"."""
    text = re.sub(r"(?i)pages?\(?s?\)?\s*:?.*$", "", citation.text)
    text = re.sub(r"(?i)\b(?:medical\s+)?treatment\s+guidelines?\b|\bnon-mtus\s+citation\b|"
                  r"\(effective[^)]*\)", "", text)
    text = re.sub(r"(?i)\bguidelines?\b", " ", text)
    words: list[str] = []
    for word in text.split():
        if word.upper() == "MTUS" and "MTUS" in words:
            continue
        words.append(word.upper() if word.upper() in ("MTUS", "ODG", "ACOEM") else
                     word[:1].upper() + word[1:] if len(word) > 3 else word)
    text = " ".join(words).strip(" ,.;")
    return f"{text} p. {citation.pages}" if citation.pages else text


def load_determination(settings: dict, doc_id: str) -> Determination:
    """Read one determination from the live index without loading the search engines."""
    generation = IndexDir(settings["index"]).require()
    Manifest.load(generation)
    db = connect(generation / "store.sqlite", readonly=True)
    try:
        row = db.execute("SELECT body FROM determinations WHERE doc_id = ?", (doc_id,)).fetchone()
    finally:
        db.close()
    if row is None:
        raise NotFound(f"no determination {doc_id!r} in the index")
    return Determination.from_dict(json.loads(row["body"]))
