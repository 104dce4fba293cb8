"""The naive peer the issue measures against: off-the-shelf parts, no domain knowledge.

BM25 over whole letters (Whoosh defaults), MiniLM over 200-word windows (a letter scores its
best window), fused by untuned reciprocal rank fusion (k=60). Used by make eval for comparison.
"""

from __future__ import annotations

from whoosh import qparser
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from indexer.encoder import Encoder


class NaivePeer:
    def __init__(self, letters: dict[str, str], encoder: Encoder):
        self.encoder = encoder
        self.ix = RamStorage().create_index(Schema(doc_id=ID(stored=True), text=TEXT))
        writer = self.ix.writer()
        for doc_id, text in letters.items():
            writer.add_document(doc_id=doc_id, text=text)
        writer.commit()
        self.window_docs: list[str] = []
        windows: list[str] = []
        for doc_id, text in letters.items():
            words = text.split()
            for start in range(0, max(len(words), 1), 200):
                windows.append(" ".join(words[start:start + 200]))
                self.window_docs.append(doc_id)
        self.vectors = encoder.texts(windows)

    def search(self, query: str, k: int = 10) -> list[str]:
        with self.ix.searcher() as searcher:
            parser = qparser.QueryParser("text", self.ix.schema, group=qparser.OrGroup)
            hits = searcher.search(parser.parse(query), limit=100)
            keyword = [hit["doc_id"] for hit in hits]
        scores = self.vectors @ self.encoder.query(query)
        best: dict[str, float] = {}
        for doc_id, score in zip(self.window_docs, scores, strict=True):
            best[doc_id] = max(best.get(doc_id, -1.0), float(score))
        semantic = sorted(best, key=best.get, reverse=True)[:100]
        fused: dict[str, float] = {}
        for ranking in (keyword, semantic):
            for rank, doc_id in enumerate(ranking, start=1):
                fused[doc_id] = fused.get(doc_id, 0.0) + 1 / (60 + rank)
        return sorted(fused, key=fused.get, reverse=True)[:k]


def letters_of(searcher) -> dict[str, str]:
    """The full text of every indexed determination, as a whole-letter baseline reads it."""
    return {doc_id: "\n\n".join(s.text for s in d.sections)
            for doc_id, d in searcher.determinations.items()}

