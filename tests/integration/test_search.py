"""Retrieval on real indexes: ranking, filters at the disputed-item level, excerpts, similar."""

from __future__ import annotations

import re

import pytest

from indexer.search.query import QueryError

FUNCTIONAL = "PT denied for lack of functional improvement"


def marked(excerpt) -> list[str]:
    return [m.lower() for m in re.findall(r"<mark[^>]*>(.*?)</mark>", excerpt.html)]


def test_seed_precedent_query_ranks_the_three_on_point_letters_first(seed_searcher):
    response = seed_searcher.search(FUNCTIONAL)
    top = [r.doc_id[:3] for r in response.results[:3]]
    assert sorted(top) == ["000", "002", "004"]
    for result in response.results[:3]:
        assert any("functional improvement" in marked(e) for e in result.excerpts), result.doc_id
    assert response.understood["filters"] == {"decision": "Upheld", "treatment": "physical therapy",
                                              "reason": "no functional improvement documented"}
    assert response.facets["decision"] == {"Upheld": 5}


def test_filter_that_matches_nothing_says_why(seed_searcher):
    response = seed_searcher.search(FUNCTIONAL, filters={"decision": "Overturned"})
    assert response.results == [] and response.total == 0
    assert "decision=Overturned" in response.message and "5 match without" in response.message


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_every_mode_answers_and_reports_itself(searcher, mode):
    response = searcher.search("epidural steroid injection radiculopathy", mode=mode, k=5)
    assert response.mode == mode and 0 < len(response.results) <= 5
    assert [r.rank for r in response.results] == list(range(1, len(response.results) + 1))
    scores = [r.score for r in response.results]
    assert scores == sorted(scores, reverse=True)
    assert response.results[0].treatment == "epidural steroid injection"


def mixed_letter(searcher):
    """A corpus letter with disputed items of both decisions."""
    for determination in searcher.determinations.values():
        decisions = {i.decision for i in determination.issues}
        if decisions == {"Upheld", "Overturned"}:
            return determination
    pytest.fail("corpus has no letter with mixed decisions")


def test_filters_apply_to_the_disputed_item_not_the_letter(searcher):
    letter = mixed_letter(searcher)
    overturned = {i.item for i in letter.issues if i.decision == "Overturned"}
    upheld = next(i for i in letter.issues if i.decision == "Upheld")
    response = searcher.search(upheld.item, k=50, filters={"decision": "Overturned"})
    hit = next((r for r in response.results if r.doc_id == letter.doc_id), None)
    assert hit is not None, "the letter must be found for its overturned item"
    assert hit.decision == "Overturned" and hit.item in overturned
    assert all(r.decision == "Overturned" for r in response.results)
    assert response.facets["decision"] == {"Overturned": response.total}


def test_keyword_mode_finds_exact_jargon_and_phrases(searcher):
    response = searcher.search('"9792.20"', mode="keyword")
    assert "002_6a0a26d25a8a10ba" in [r.doc_id for r in response.results]
    quoted = searcher.search('"medial branch block"', mode="keyword")
    assert quoted.results and all(
        any("medial branch block" in e.text.lower() for e in r.excerpts) for r in quoted.results)


def test_abbreviations_and_brand_names_expand(searcher):
    by_brand = searcher.search("Neurontin", mode="keyword")
    assert by_brand.results and by_brand.results[0].treatment == "anticonvulsant"
    assert "gabapentin" in " ".join(marked(by_brand.results[0].excerpts[0]))


def test_paraphrase_is_found_by_meaning_with_the_closest_sentence_marked(searcher):
    response = searcher.search("sleeping pill every night for a year", mode="semantic", k=3)
    assert response.results[0].treatment == "sleep aid"
    excerpt = response.results[0].excerpts[0]
    assert "<mark" in excerpt.html


@pytest.mark.parametrize("query", [
    '"unbalanced quote', "AND", "*", "x" * 10000, "🦴 knee 🦵", "<script>alert(1)</script>",
    "'; DROP TABLE chunks; --", "NOT", "((((", "treatment:", "decision:maybe surgery",
])
def test_hostile_queries_answer_or_explain(searcher, query):
    try:
        response = searcher.search(query)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert response.results or response.message
    for result in response.results:
        for excerpt in result.excerpts:
            assert "<script>" not in excerpt.html


def test_unknown_filter_key_and_value_are_refused(searcher):
    with pytest.raises(QueryError, match="unknown filter"):
        searcher.search("knee", filters={"colour": "blue"})
    with pytest.raises(QueryError, match="unknown decision"):
        searcher.search("knee", filters={"decision": "maybe"})


def test_similar_to_a_determination_excludes_itself_and_names_what_is_shared(searcher):
    source = "000_74dc26ae42cf2dcd"
    response = searcher.similar(doc_id=source, k=5)
    ids = [r.doc_id for r in response.results]
    assert source not in ids and len(ids) == 5
    assert response.results[0].treatment == "physical therapy"
    assert "physical therapy" in response.results[0].shared
    filtered = searcher.similar(doc_id=source, k=5, filters={"decision": "Overturned"})
    assert all(r.decision == "Overturned" for r in filtered.results)


def test_similar_to_pasted_text(searcher):
    pasted = ("UR denied Ambien 10mg. The patient has taken zolpidem nightly for insomnia for over "
              "a year without a sleep evaluation.")
    response = searcher.similar(text=pasted, k=3)
    assert response.results[0].treatment == "sleep aid"
    with pytest.raises(QueryError):
        searcher.similar(text="   ")


def test_syntax_that_finds_nothing_is_relaxed_to_its_words(searcher):
    response = searcher.search('"acupuncture zolpidem gabapentin"', mode="keyword")
    assert response.results and "exactly" in response.message


def test_a_treatment_group_filter_matches_every_category_in_it(searcher):
    response = searcher.search("arthroscopy meniscectomy", filters={"treatment": "surgery"}, k=50)
    assert response.total > 0
    assert set(response.facets["treatment_group"]) == {"surgery"}
    assert "knee arthroscopy" in response.facets["treatment"]
    narrow = searcher.search("arthroscopy meniscectomy", filters={"treatment": "knee arthroscopy"}, k=50)
    assert set(narrow.facets["treatment"]) == {"knee arthroscopy"}
    assert "physical therapy" not in response.facets["treatment"]


def test_a_reason_filter_keeps_only_items_decided_for_that_reason(searcher):
    reason = "no functional improvement documented"
    response = searcher.search("therapy", filters={"reason": reason}, k=50)
    assert response.total > 0
    assert all(reason in r.reasons for r in response.results)
    assert response.facets["reason"][reason] == response.total
    everything = searcher.search("therapy", k=50)
    assert everything.total > response.total and len(everything.facets["reason"]) > 1


def test_a_question_naming_a_reason_ranks_items_decided_for_it_first(searcher):
    response = searcher.search("physical therapy beyond the number of visits the guideline allows")
    assert response.understood["filters"]["reason"] == "exceeds recommended number or duration"
    assert "exceeds recommended number or duration" in response.results[0].reasons


def test_real_letters_filter_by_decision_year_and_report_header_dates(real_searcher):
    determination = next(iter(real_searcher.determinations.values()))
    assert determination.decision_date and determination.ur_denial_date and determination.date_assigned
    in_2017 = real_searcher.search("MRI", filters={"decided_year_from": "2017"}, k=100)
    assert 0 < in_2017.total < real_searcher.search("MRI", k=100).total
    for result in in_2017.results:
        assert real_searcher.determination(result.doc_id).decision_date >= "2017-01-01"


def test_real_partial_authorizations_are_found_by_their_words(real_searcher):
    response = real_searcher.search("cyclobenzaprine partial authorization", mode="keyword", k=5)
    top = real_searcher.determination(response.results[0].doc_id).issues[response.results[0].issue_index]
    assert top.partial is not None and top.treatment == "muscle relaxant"


@pytest.mark.parametrize("filters", [
    {"decision": "Upheld"}, {"decision": "Overturned", "partial": "no"},
    {"partial": "no", "guideline": "MTUS"},
    {"treatment": "physical therapy"}, {"reason": "no functional improvement documented"},
    {"guideline": "MTUS"}, {"guideline_not": "ODG", "decision": "Upheld"},
    {"body_part": "lumbar spine", "specialty": "occupational"},
    {"injury_year_from": 2012, "treatment": "physical therapy"},
])
def test_the_items_a_filter_allows_are_those_each_passing_it(searcher, filters):
    """filters.allowed tests each filter once per distinct value it reads: it must agree with trying
    every item of every letter."""
    from indexer.search.filters import allowed, issue_passes, letter_passes

    collection = searcher.collection
    _, passing = allowed(collection, filters)
    issue_level = bool(filters.keys() & {"decision", "treatment", "reason", "partial", "body_part",
                                          "guideline", "guideline_not"})
    expected = {}
    for doc_id, determination in collection.determinations.items():
        if not letter_passes(determination, filters):
            continue
        items = {n for n, issue in enumerate(determination.issues) if issue_passes(issue, filters)}
        if items or not issue_level:
            expected[doc_id] = items if issue_level else set(range(len(determination.issues)))
    assert expected, "a filter that allows nothing tests nothing here"
    assert {doc_id: set(passing[doc_id]) for doc_id in passing} == expected


@pytest.mark.parametrize("question", ["Upheld", "OVERTURNED"])
def test_a_question_that_only_names_a_decision_says_what_to_add(searcher, question):
    """Found by an independent measurement: "Upheld" alone ranked nothing and said "try other words"."""
    response = searcher.search(question)
    assert response.total == 0
    assert "names a decision, not what was decided" in response.message
    assert f'"{question.lower()} lumbar MRI"' in response.message


def test_which_questions_only_name_a_decision():
    from indexer.search.searcher import _only_a_decision

    assert _only_a_decision("upheld denial") == _only_a_decision("was the denial upheld") == "Upheld"
    assert _only_a_decision("Overturned") == "Overturned"
    assert _only_a_decision("overturned PT") is None and _only_a_decision("knee MRI") is None


def test_a_decision_with_what_was_decided_still_searches(searcher):
    response = searcher.search("upheld physical therapy")
    assert response.total > 0 and response.message is None


def test_a_warmed_engine_has_done_the_first_questions_work(corpus_index, encoder):
    """Engine.warm (serve and each worker call it before listening) answers one question: the
    vocabulary's patterns are compiled and the collection's tables built before a reviewer asks."""
    from indexer import settings, vocabulary
    from indexer.engine import Engine

    vocabulary._treatment_index.cache_clear()
    engine = Engine(settings.load(index=str(corpus_index)), encoder=encoder)
    engine.warm()
    assert vocabulary._treatment_index.cache_info().currsize == 1
    assert "tables" in engine.searcher().collection.__dict__  # the cached property, built
