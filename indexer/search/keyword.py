"""The Whoosh keyword index: BM25F over stemmed chunk fields, weighted by what a chunk is.

Everything Whoosh lives here: the schema, writing, turning a Query into Whoosh queries, and
scoring chunks by position.

A chunk's text goes into the field named after its kind, so the field boosts rank a disputed
item's rationale above the clinical summary above everything else. The disputed item's own
words and its guideline citations get fields of their own.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import qparser, query, scoring
from whoosh.fields import ID, TEXT, Schema
from whoosh.writing import IndexingError

from ..determination import OTHER, RATIONALE, SUMMARY, Chunk, Determination, Issue
from .base import ScoreCache, Scores
from .query import Query
from .terms import ANALYZER, is_plain, stems

CACHE_SIZE = 128
COMMON_SHARE = 0.3  # a word in more than this share of chunks is dropped from free text
TEXT_FIELDS = {RATIONALE: "rationale", SUMMARY: "summary", OTHER: "body"}
FIELD_BOOSTS = {"rationale": 2.0, "item": 1.5, "summary": 1.2, "citation": 0.6, "body": 0.5}
# Free text searches the chunk's own text and its disputed item (the item as written, its reasons, a
# partial authorization's words): on the real letters keyword nDCG@10 0.766 -> 0.802 with the item.
QUERY_FIELDS = ("rationale", "item", "summary", "body", "citation")


def schema() -> Schema:
    text = {name: TEXT(analyzer=ANALYZER, phrase=True) for name in FIELD_BOOSTS}
    return Schema(chunk_id=ID(stored=True, unique=True), doc_id=ID(stored=True), **text)


def _create(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    whoosh_index.create_in(str(directory), schema())


def _write(directory: Path, removed_doc_ids: list[str],
           added: list[tuple[Determination, list[Chunk]]]) -> None:
    """Delete the chunks of removed determinations and add new ones, in one commit."""
    ix = whoosh_index.open_dir(str(directory))
    writer = ix.writer(limitmb=256)
    try:
        for doc_id in removed_doc_ids:
            writer.delete_by_term("doc_id", doc_id)
        for determination, chunks in added:
            for chunk in chunks:
                fields = {"chunk_id": chunk.chunk_id, "doc_id": chunk.doc_id,
                          TEXT_FIELDS[chunk.kind]: chunk.text}
                if chunk.issue_index is not None:
                    issue = determination.issues[chunk.issue_index]
                    fields["item"] = item_terms(issue)
                    fields["citation"] = " ".join(c.text for c in issue.citations)
                writer.add_document(**fields)
        writer.commit()
        # Deleted documents linger in segments and skew BM25 statistics: purge them once they
        # are a tenth of the index.
        if ix.doc_count_all() > 1.1 * ix.doc_count():
            ix.optimize()
    except BaseException:
        try:
            writer.cancel()
        except IndexingError:  # a failed commit has closed the writer already: report the first error
            pass
        raise


def item_terms(issue: Issue) -> str:
    """The words a disputed item is found by: as written, and what the letter says of it.

    A partial authorization and the decisive reasons are read from the letter, not written in the
    item line, yet a reviewer asks for them in words ("cyclobenzaprine partial authorization").
    """
    words = [issue.item]
    if issue.partial:
        words.append("partial authorization, partially authorized, modified request")
    words.extend(issue.reasons)
    return ". ".join(words)


@functools.cache
def _parser() -> qparser.MultifieldParser:
    """The query parser, built once (building it costs more than parsing a question)."""
    parser = qparser.MultifieldParser(list(QUERY_FIELDS), schema(), fieldboosts=FIELD_BOOSTS,
                                      group=qparser.OrGroup)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.remove_plugin_class(qparser.RangePlugin)
    parser.remove_plugin_class(qparser.BoostPlugin)
    return parser


def parse(text: str) -> query.Query:
    """Parse user syntax (quotes, AND/OR/NOT); malformed syntax falls back to plain words."""
    parser = _parser()
    try:
        parsed = parser.parse(text)
        if _usable(parsed):
            return parsed
    except Exception:  # whoosh raises assorted errors on malformed syntax
        pass
    plain = re.sub(r"[^\w\s./-]", " ", text)
    plain = re.sub(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b", " ", plain)
    return parser.parse(plain)


def _usable(parsed: query.Query) -> bool:
    return parsed is not query.NullQuery and bool(list(parsed.all_terms(phrases=True)))


# Expansions and near-phrases only look where decisions are argued: each extra field costs a
# posting-list read per query term, and the citation and "other" fields add little there.
EXPANSION_FIELDS = ("rationale", "item", "summary")


def phrase_query(words: str, boost: float = 1.0) -> query.Query:
    """Match a word or phrase in the main fields, e.g. an expansion "physical therapy"."""
    tokens = [t.text for t in ANALYZER(words)]
    if not tokens:
        return query.NullQuery
    alternatives = []
    for field in EXPANSION_FIELDS:
        field_boost = FIELD_BOOSTS[field]
        if len(tokens) == 1:
            alternatives.append(query.Term(field, tokens[0], boost=boost * field_boost))
        else:
            alternatives.append(query.Phrase(field, tokens, boost=boost * field_boost))
    return query.Or(alternatives)


def bigram_query(pairs: list[tuple[str, str]], boost: float = 1.0) -> query.Query:
    """Reward chunks where the query's consecutive words stand together."""
    alternatives = [query.Phrase(field, list(pair), slop=2, boost=boost * FIELD_BOOSTS[field])
                    for pair in pairs for field in ("rationale", "summary")]
    return query.Or(alternatives) if alternatives else query.NullQuery


class WhooshKeywordIndex:
    """An open Whoosh index whose documents are mapped to chunk positions."""

    DIRECTORY = "whoosh"
    create = staticmethod(_create)
    write = staticmethod(_write)

    def __init__(self, directory: Path, position_of_chunk: dict[str, int]):
        self.ix = whoosh_index.open_dir(str(directory))
        self.searcher = self.ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
        count = self.searcher.doc_count_all()
        self.position_of_docnum = np.full(count, -1, dtype=np.int64)
        for docnum, fields in self.searcher.reader().iter_docs():
            self.position_of_docnum[docnum] = position_of_chunk.get(fields["chunk_id"], -1)
        self._cache = ScoreCache(CACHE_SIZE)

    def search(self, q: Query, mask: np.ndarray | None) -> Scores:
        """BM25F scores of every matching chunk; repeated questions come from a small cache
        (a conversation replays its turns, refinements repeat the previous question)."""
        return self._cache.get(q, lambda: self._scores(self.whoosh_query(q), mask))

    def clear_cache(self) -> None:
        self._cache.clear()

    def whoosh_query(self, q: Query) -> query.Query:
        """The user's words (common ones dropped), the expansions, and near-phrases of the words."""
        parsed = parse(self.without_common_words(q.keyword_text))
        extra = [phrase_query(word, boost) for word, boost in q.expansions]
        extra.append(bigram_query(q.bigrams()))
        return query.Or([parsed, *[e for e in extra if e is not query.NullQuery]])

    def share(self, term: str) -> float:
        """The share of chunks whose main fields hold an index term."""
        # doc_frequency still counts deleted documents until segments merge: so must the total.
        count = self.searcher.doc_count_all() or 1
        return max(self.searcher.doc_frequency(field, term) for field in EXPANSION_FIELDS) / count

    def without_common_words(self, text: str) -> str:
        """Drop words found in more than COMMON_SHARE of all chunks ("pain", "patient"), as a
        common-terms query does: they barely move BM25 but make it score most of the index.
        Text with search syntax, or made only of common words, is kept whole."""
        if not is_plain(text):
            return text
        words = text.split()
        kept = [w for w in words if not (stems(w) and all(self.share(t) > COMMON_SHARE
                                                          for t in stems(w)))]
        return " ".join(kept) if kept else text

    def _scores(self, parsed: query.Query, mask: np.ndarray | None) -> Scores:
        """Score every matching chunk; mask (a boolean array over positions) filters before ranking."""
        allow = None
        if mask is not None:
            valid = self.position_of_docnum >= 0
            keep = np.zeros(len(self.position_of_docnum), dtype=bool)
            keep[valid] = mask[self.position_of_docnum[valid]]
            allow = set(np.nonzero(keep)[0].tolist())
            if not allow:
                return {}
        results = self.searcher.search(parsed, limit=None, filter=allow, terms=False)
        scores: Scores = {}
        for hit in results:
            position = int(self.position_of_docnum[hit.docnum])
            if position >= 0:
                scores[position] = float(hit.score)
        return scores

    def close(self) -> None:
        self.searcher.close()
