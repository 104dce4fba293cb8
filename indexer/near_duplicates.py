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
    with at least one near-identical other. LSH proposes candidates: letters whose signatures agree
    on every value of some band (datasketch's banding for threshold - LSH_SLACK, done here over one
    array: 30x faster than datasketch's objects at 10k letters, the same candidates); a pair joins only
    when its estimated Jaccard similarity reaches the threshold and its outcomes agree; groups are the
    pairs' connected components."""
    ids = sorted(signatures)
    if len(ids) < 2:
        return {}
    matrix = np.stack([signatures[doc_id] for doc_id in ids])
    candidates = _banded_pairs(matrix, *_bands(max(0.1, threshold - LSH_SLACK)))
    if not len(candidates):
        return {}
    first, second = candidates[:, 0], candidates[:, 1]
    close = np.count_nonzero(matrix[first] == matrix[second], axis=1) / matrix.shape[1] >= threshold
    parent = list(range(len(ids)))

    def root(row: int) -> int:
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    for a, b in candidates[close].tolist():
        if outcomes.get(ids[a]) == outcomes.get(ids[b]):
            low, high = sorted((root(a), root(b)))
            parent[high] = low
    members: dict[int, list[int]] = {}
    for row in range(len(ids)):
        members.setdefault(root(row), []).append(row)
    return {ids[row]: ids[min(group)] for group in members.values() if len(group) > 1 for row in group}


def _bands(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) as datasketch's MinHashLSH chooses them for this threshold."""
    from datasketch import MinHashLSH  # pulls in scipy (seconds): only a build groups letters

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _banded_pairs(matrix: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Every pair of rows (i < j) equal on all values of at least one band, as an (n, 2) array."""
    found = set()
    for band in range(bands):
        block = np.ascontiguousarray(matrix[:, band * rows:(band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        _, bucket, count = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(count[bucket] > 1)
        if not len(shared):
            continue
        shared = shared[np.argsort(bucket[shared], kind="stable")]
        for members in np.split(shared, np.flatnonzero(np.diff(bucket[shared])) + 1):
            members = members.tolist()
            found.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    return np.array(sorted(found), dtype=np.int64).reshape(-1, 2)


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
