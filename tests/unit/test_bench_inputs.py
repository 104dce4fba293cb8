"""The benchmark's inputs: reviewer questions never asked before, varied letters, cached corpora."""

from __future__ import annotations

from collections import Counter

from evaluation import corpora, questions, synthetic
from indexer.ingest.parse import parse_text
from indexer.reasons import reasons_in_question
from indexer.vocabulary import TREATMENTS, treatment_mentions


def test_questions_are_distinct_seeded_and_read_as_reviewer_questions():
    asked = questions.take(1000, seed=5)
    assert len({q.lower() for q in asked}) == 1000
    assert asked == questions.take(1000, seed=5)
    assert questions.take(50, seed=6) != asked[:50]
    # every question names a treatment the engine recognises, across many categories
    categories = {m[2] for q in asked for m in treatment_mentions(q)}
    assert all(treatment_mentions(q) for q in asked)
    assert len(categories) >= 100
    # brand, lay and abbreviated words too, not only category names
    assert sum(not any(c in q.lower() for c in TREATMENTS) for q in asked) > 100
    assert sum(bool(reasons_in_question(q)) for q in asked) > 300


def test_varied_letters_span_the_vocabulary_and_parse_to_their_truth():
    letters = list(synthetic.generate_varied(120, seed=3))
    issues = [issue for letter in letters for issue in letter.issues]
    assert len({letter.doc_id for letter in letters}) == 120
    assert len({i.treatment for i in issues}) >= 40
    assert len({i.reason for i in issues}) >= 20
    assert {i.decision for i in issues} == {"Upheld", "Overturned"}
    assert len({letter.layout for letter in letters}) == len(synthetic.LAYOUTS)
    agree = Counter()
    for letter in letters:
        parsed = parse_text(letter.text, letter.name)
        assert len(parsed.issues) == len(letter.issues), letter.name
        for got, truth in zip(parsed.issues, letter.issues, strict=True):
            agree["decision"] += got.decision == truth.decision
            agree["treatment"] += got.treatment == truth.treatment
    assert agree["decision"] == len(issues)
    assert agree["treatment"] >= 0.9 * len(issues)


def test_a_pool_bounds_the_distinct_clinical_text_but_not_the_letters():
    letters = list(synthetic.generate_varied(200, seed=4, pool=15))
    assert len({letter.text for letter in letters}) == 200
    assert len({letter.doc_id for letter in letters}) == 200
    assert len({tuple(i.item for i in letter.issues) for letter in letters}) <= 15
    rationales = {i.rationale for letter in letters for i in parse_text(letter.text, letter.name).issues}
    assert len(rationales) <= 15 * 3 * len(synthetic.LAYOUTS)


def test_a_corpus_is_written_once_and_rewritten_when_its_recipe_changes(tmp_path):
    first = corpora.prepare(12, tmp_path, seed=1)
    files = first.files()
    assert len(files) == 12
    written = {f: (f.stat().st_mtime_ns, f.read_text()) for f in files}
    again = corpora.prepare(12, tmp_path, seed=1)
    assert {f: (f.stat().st_mtime_ns, f.read_text()) for f in again.files()} == written
    other = corpora.prepare(12, tmp_path, seed=2)
    assert other.letters == first.letters
    assert [f.read_text() for f in other.files()] != [text for _, text in written.values()]
