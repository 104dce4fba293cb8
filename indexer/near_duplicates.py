"""Near-identical letters: MinHash signatures of a determination's rationale text, grouped with LSH.

A letter's text for comparison is the rationale of every disputed item, in order: a search result is
a whole determination, so only letters whose whole reasoning reads the same (a reviewer's template, a
provider's repeated request decided the same way) may stand in for one another. Shingles are word
5-grams of that text, lower-cased, with numbers kept (a different dose or count is a real difference).
Letters whose reasoning is too short to tell apart are never grouped, nor letters whose decisions
differ: a template's "is not medically necessary" and its "is medically necessary" read alike to
shingles, and a reviewer must see both.
"""

from __future__ import annotations

import re

import numpy as np

from .determination import Determination
from .store import Store

NUM_PERM = 256  # the estimate's standard error is about 0.03 near a threshold of 0.7
SHINGLE_WORDS = 5
SCHEME = "affine32"  # datasketch's permutation scheme; stored signatures are only comparable within one
LSH_SLACK = 0.15
FEWEST_SHINGLES = 20  # reasoning shorter than ~25 words is never grouped
_WORD = re.compile(r"[a-z0-9]+(?:[.'/-][a-z0-9]+)*")


def rationale_text(determination: Determination) -> str:
    """The text compared: every disputed item's rationale, in order."""
    return "\n".join(issue.rationale for issue in determination.issues if issue.rationale)


def outcome(determination: Determination) -> str:
    """The decisions of a letter's items, in order: only letters with the same outcome are grouped."""
    return "/".join(issue.decision or "?" for issue in determination.issues)


def shingles(text: str) -> set[str]:
    """The word 5-grams of a text, lower-cased."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a text's shingles; None when it is too short to compare."""
    found = shingles(text)
    if len(found) < FEWEST_SHINGLES:
        return None
    from datasketch import MinHash  # pulls in scipy (seconds): only a build signs letters

    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([s.encode() for s in found])
    return minhash.hashvalues.copy()


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.count_nonzero(first == second)) / len(first)


def groups(signatures: dict[str, np.ndarray], outcomes: dict[str, str], threshold: float
           ) -> dict[str, str]:
    """Group near-identical letters: doc_id -> its group's id (the group's first doc_id), for letters
    with at least one near-identical other. LSH proposes candidates; a pair joins only when its
    estimated Jaccard similarity reaches the threshold and its outcomes agree; groups are the pairs'
    connected components."""
    from datasketch import MinHash, MinHashLSH  # pulls in scipy (seconds): only a build groups letters

    # LSH banded for a lower threshold misses fewer true pairs; the estimate then decides.
    lsh = MinHashLSH(threshold=max(0.1, threshold - LSH_SLACK), num_perm=NUM_PERM)
    minhashes = {}
    for doc_id in sorted(signatures):
        minhashes[doc_id] = MinHash(num_perm=NUM_PERM, hashvalues=signatures[doc_id],
                                     scheme=SCHEME)
        lsh.insert(doc_id, minhashes[doc_id])
    parent = {doc_id: doc_id for doc_id in minhashes}

    def root(doc_id: str) -> str:
        while parent[doc_id] != doc_id:
            parent[doc_id] = parent[parent[doc_id]]
            doc_id = parent[doc_id]
        return doc_id

    for doc_id, minhash in minhashes.items():
        for other in lsh.query(minhash):
            if other == doc_id or outcomes.get(doc_id) != outcomes.get(other):
                continue
            if similarity(signatures[doc_id], signatures[other]) >= threshold:
                first, second = sorted((root(doc_id), root(other)))
                parent[second] = first
    members: dict[str, list[str]] = {}
    for doc_id in parent:
        members.setdefault(root(doc_id), []).append(doc_id)
    return {doc_id: min(group) for group in members.values() if len(group) > 1 for doc_id in group}



def regroup(store: Store, threshold: float) -> int:
    """Sign the letters that have no signature yet, then group every letter afresh (so an added or
    removed letter moves every group it touches); return how many letters are in a group."""
    for doc_id in store.unsigned():
        determination = store.determination(doc_id)
        store.save_signature(doc_id, outcome(determination), signature(rationale_text(determination)))
    minhashes, outcomes = store.signatures()
    group_of = groups(minhashes, outcomes, threshold)
    store.save_near_duplicates(group_of)
    return len(group_of)
