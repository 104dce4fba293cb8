"""Near-identical letters: MinHash grouping of written rationales, and collapsing a ranking."""

from __future__ import annotations

import numpy as np
import pytest

from indexer import near_duplicates
from indexer.search.collapse import shown_rows

TEMPLATE = (
    "The California MTUS guidelines recommend physical therapy for myalgia and myositis at nine to ten "
    "visits over eight weeks, with a fading of treatment frequency and a transition to an active "
    "self-directed home exercise program. The patient has already completed {done} sessions of physical "
    "therapy for the {part} without documented objective functional improvement, and there is no "
    "explanation why a home program would not suffice. The requested {asked} additional sessions exceed "
    "the guideline recommendations. The request is not medically necessary.")
OTHER = (
    "Epidural steroid injections are recommended for radicular pain in a dermatomal distribution with "
    "corroborative findings on imaging or electrodiagnostic testing. The examination documents a positive "
    "straight leg raise, diminished ankle reflex and decreased sensation in the L5 dermatome, and the MRI "
    "shows a disc extrusion compressing the L5 nerve root after failed conservative care with therapy and "
    "medication. The request for the transforaminal injection is medically necessary.")


def signatures(**texts):
    return {doc_id: near_duplicates.signature(text) for doc_id, text in texts.items()}


def test_a_template_with_a_few_words_changed_is_one_group_and_a_different_letter_is_not():
    found = signatures(
        a=TEMPLATE.format(done="twelve", part="lumbar spine", asked="eight"),
        b=TEMPLATE.format(done="twelve", part="lumbar spine", asked="six"),
        c=TEMPLATE.format(done="twelve", part="lumbar spine", asked="eight") + " No red flags.",
        d=OTHER)
    outcomes = dict.fromkeys(found, "Upheld")
    group_of = near_duplicates.groups(found, outcomes, 0.7)
    assert group_of == {"a": "a", "b": "a", "c": "a"}


def test_near_identical_text_with_another_decision_is_not_grouped():
    text = TEMPLATE.format(done="twelve", part="knee", asked="eight")
    found = signatures(a=text, b=text.replace("is not medically", "is medically"))
    assert near_duplicates.groups(found, {"a": "Upheld", "b": "Overturned"}, 0.7) == {}
    assert near_duplicates.groups(found, {"a": "Upheld", "b": "Upheld"}, 0.7) == {"a": "a", "b": "a"}


def test_the_same_template_about_much_else_stays_apart():
    base = TEMPLATE.format(done="twelve", part="knee", asked="eight")
    rewritten = base[: len(base) // 3] + " " + OTHER
    found = signatures(a=base, b=rewritten)
    assert near_duplicates.similarity(found["a"], found["b"]) < 0.7
    assert near_duplicates.groups(found, {"a": "Upheld", "b": "Upheld"}, 0.7) == {}


def test_estimated_similarity_follows_the_shingles():
    first = TEMPLATE.format(done="twelve", part="knee", asked="eight")
    second = TEMPLATE.format(done="four", part="cervical spine", asked="six")
    a, b = near_duplicates.shingles(first), near_duplicates.shingles(second)
    exact = len(a & b) / len(a | b)
    estimate = near_duplicates.similarity(near_duplicates.signature(first), near_duplicates.signature(second))
    assert exact == pytest.approx(estimate, abs=0.1)


def test_reasoning_too_short_to_tell_apart_is_never_signed():
    assert near_duplicates.signature("The request is not medically necessary.") is None


def test_groups_chain_through_a_letter_near_both_others():
    steps = [TEMPLATE.format(done="twelve", part="knee", asked="eight"),
             TEMPLATE.format(done="four", part="knee", asked="eight"),
             TEMPLATE.format(done="four", part="knee", asked="two")]
    found = {str(i): near_duplicates.signature(text) for i, text in enumerate(steps)}
    assert set(near_duplicates.groups(found, dict.fromkeys(found, "Upheld"), 0.7).values()) == {"0"}


def test_collapse_keeps_the_best_of_each_group_and_names_the_rest():
    # ranked letters x, b, y, a, c; a, b and c form group 0
    rows, members = shown_rows(np.array([-1, 0, -1, 0, 0]), k=10)
    assert rows.tolist() == [0, 1, 2]
    assert members == {1: [3, 4]}


def test_collapse_fills_k_rows_past_collapsed_letters():
    rows, members = shown_rows(np.array([0, 0, 1, 0, -1, 1, -1]), k=3)
    assert rows.tolist() == [0, 2, 4]
    assert members == {0: [1, 3], 2: [5]}


def test_collapse_without_groups_changes_nothing():
    rows, members = shown_rows(np.array([-1, -1, -1]), k=2)
    assert rows.tolist() == [0, 1] and members == {}


def _datasketch_groups(signatures, outcomes, threshold):
    """The grouping as datasketch's own MinHashLSH does it: the reference groups() must equal."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=max(0.1, threshold - near_duplicates.LSH_SLACK),
                     num_perm=near_duplicates.NUM_PERM)
    hashes = {d: MinHash(num_perm=near_duplicates.NUM_PERM, hashvalues=s, scheme=near_duplicates.SCHEME)
              for d, s in sorted(signatures.items())}
    for doc_id, minhash in hashes.items():
        lsh.insert(doc_id, minhash)
    parent = {d: d for d in hashes}

    def root(d):
        while parent[d] != d:
            d = parent[d]
        return d

    for doc_id, minhash in hashes.items():
        for other in lsh.query(minhash):
            if other != doc_id and outcomes[doc_id] == outcomes[other] and \
                    near_duplicates.similarity(signatures[doc_id], signatures[other]) >= threshold:
                first, second = sorted((root(doc_id), root(other)))
                parent[second] = first
    members = {}
    for d in parent:
        members.setdefault(root(d), []).append(d)
    return {d: min(g) for g in members.values() if len(g) > 1 for d in g}


@pytest.mark.parametrize("pairs_at_once", [near_duplicates.PAIRS_AT_ONCE, 7], ids=["one-batch", "of-7"])
def test_banded_grouping_equals_datasketch_lsh(monkeypatch, pairs_at_once):
    """groups() bands the signatures over one array; it must find exactly what datasketch's LSH finds,
    over templates edited a little, a lot, decided either way, and unrelated letters."""
    import random

    monkeypatch.setattr(near_duplicates, "PAIRS_AT_ONCE", pairs_at_once)
    rng = random.Random(5)
    words = [f"w{n}" for n in range(400)]
    base = [[rng.choice(words) for _ in range(120)] for _ in range(12)]
    signatures, outcomes = {}, {}
    for number in range(300):
        text = list(base[number % 12])
        for _ in range(rng.choice([0, 2, 5, 15, 40, 120])):  # from a copy to a different letter
            text[rng.randrange(len(text))] = rng.choice(words)
        signatures[f"L{number:03d}"] = near_duplicates.signature(" ".join(text))
        outcomes[f"L{number:03d}"] = rng.choice(["Upheld", "Upheld", "Overturned"])
    expected = _datasketch_groups(signatures, outcomes, 0.7)
    assert len(set(expected.values())) > 5 and len(expected) < 300  # groups, and letters in none
    assert near_duplicates.groups(signatures, outcomes, 0.7) == expected


def test_banded_pairs_are_every_pair_sharing_a_band():
    """The pairs made in numpy, bucket size by bucket size, are exactly those a loop over buckets makes:
    buckets of 2 to 30 equal rows, rows in several buckets, and rows alone."""
    rng = np.random.default_rng(3)
    matrix = rng.integers(0, 6, size=(400, 12)).astype(np.uint64)  # 3 bands of 4: many collisions
    matrix[rng.integers(0, 400, 30)] = matrix[7]  # one bucket of ~30 in every band
    expected = set()
    for band in range(3):
        buckets = {}
        for row in range(len(matrix)):
            buckets.setdefault(tuple(matrix[row, band * 4:(band + 1) * 4].tolist()), []).append(row)
        expected |= {(a, b) for members in buckets.values() for i, a in enumerate(members)
                     for b in members[i + 1:]}
    found = near_duplicates._banded_pairs(matrix, 3, 4)
    assert len(expected) > 500 and found.tolist() == sorted(map(list, expected))
    assert near_duplicates._banded_pairs(np.arange(12, dtype=np.uint64).reshape(3, 4), 1, 4).shape == (0, 2)
