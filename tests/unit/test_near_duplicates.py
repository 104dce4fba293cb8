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
