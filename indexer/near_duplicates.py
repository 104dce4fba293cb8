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
PAIRS_AT_ONCE = 65_536
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
    close = np.concatenate([  # a batch of pairs at a time: a million pairs' rows are 4 GB
        np.count_nonzero(matrix[batch[:, 0]] == matrix[batch[:, 1]], axis=1) / matrix.shape[1] >= threshold
        for batch in np.array_split(candidates, -(-len(candidates) // PAIRS_AT_ONCE))])
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
    """Every pair of rows (i < j) equal on all values of at least one band, as an (n, 2) array sorted by
    (i, j). Pairs are made in numpy, a bucket size at a time: a template shared by 25 letters is 300
    pairs in every band."""
    found = []
    for band in range(bands):
        block = np.ascontiguousarray(matrix[:, band * rows:(band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        _, bucket, count = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(count[bucket] > 1)
        if not len(shared):
            continue
        shared = shared[np.argsort(bucket[shared], kind="stable")]  # members ascending within a bucket
        starts = np.flatnonzero(np.r_[True, np.diff(bucket[shared]) != 0])
        sizes = np.diff(np.r_[starts, len(shared)])
        for size in np.unique(sizes).tolist():
            members = shared[starts[sizes == size][:, None] + np.arange(size)]  # (buckets, size)
            first, second = np.triu_indices(size, 1)
            found.append(members[:, first].ravel() * len(matrix) + members[:, second].ravel())
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.unique(np.concatenate(found))
    return np.stack([pairs // len(matrix), pairs % len(matrix)], axis=1).astype(np.int64)


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
