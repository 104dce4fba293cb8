"""Contrast and outcome rates over the real model and index: the API, the CLI and the real letters."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys

import pytest

from indexer.search.contrast import for_determination, for_question
from indexer.search.rates import outcome_rates, wilson
from tests.paths import ROOT

QUESTION = "PT denied for lack of functional improvement"


def test_contrast_finds_both_sides_for_the_questions_treatment(searcher):
    contrast = for_question(searcher, QUESTION)
    assert contrast.treatment == "physical therapy"
    assert contrast.upheld and contrast.overturned and contrast.message is None
    assert all(r.decision == "Upheld" and r.treatment == "physical therapy" for r in contrast.upheld)
    assert all(r.decision == "Overturned" and r.treatment == "physical therapy" for r in contrast.overturned)
    assert contrast.totals["Upheld"] >= len(contrast.upheld) and contrast.totals["Overturned"] >= 1
    # The best upheld case turns on the question's reason; the overturned side is not pushed down for
    # carrying its counterpart.
    assert "no functional improvement documented" in contrast.upheld[0].reasons
    aspects = {d.aspect: d for d in contrast.differences}
    assert "reasons" in aspects
    upheld_issue = searcher.collection.issue(contrast.upheld[0].doc_id, contrast.upheld[0].issue_index)
    assert aspects["reasons"].upheld == "; ".join(upheld_issue.reasons)


def test_differences_read_the_whole_rationale_not_the_outline(searcher):
    """What a guideline allows is read from a rationale's sentences, which the server's letter outlines
    leave out: the contrast reads the whole item."""
    contrast = for_question(searcher, QUESTION)
    allows = {d.aspect: d for d in contrast.differences}["guideline allows"]
    best = contrast.overturned[0]
    assert allows.overturned != "not stated"
    whole = searcher.collection.issue(best.doc_id, best.issue_index, rationale=True)
    assert allows.overturned in whole.rationale
    assert searcher.collection.issue(best.doc_id, best.issue_index).rationale == ""


def test_a_reason_filter_is_swapped_for_its_counterpart_on_the_other_side(searcher):
    contrast = for_question(searcher, "physical therapy",
                            {"reason": "no functional improvement documented", "decision": "Upheld"})
    assert contrast.upheld
    assert all("no functional improvement documented" in r.reasons for r in contrast.upheld)
    assert all("functional improvement documented" in r.reasons for r in contrast.overturned)
    assert "decision" not in contrast.understood["filters"]


def test_one_empty_side_is_said_plainly(client):
    data = client.get("/api/contrast", query_string={"q": "TENS unit denied"}).get_json()
    assert data["upheld"] and data["overturned"] == []
    # The corpus holds no overturned TENS unit at all, and the message says so.
    assert data["message"].startswith("No Overturned determination for tens unit is in the index; ")
    assert data["differences"] == []


def test_api_contrast_follows_the_contract(client):
    response = client.get("/api/contrast", query_string={"q": QUESTION, "body_part": "lumbar spine"})
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) >= {"query", "understood", "upheld", "overturned", "differences", "message"}
    assert data["understood"]["filters"]["treatment"] == "physical therapy"
    result = data["upheld"][0]
    assert set(result) >= {"doc_id", "source", "score", "rank", "decision", "treatment", "item", "url",
                           "excerpts"}
    assert all(set(d) == {"aspect", "upheld", "overturned"} for d in data["differences"])


@pytest.mark.parametrize("params, words", [
    ({}, "empty query"), ({"q": "knee", "colour": "red"}, "unknown filter"),
    ({"q": "knee", "decided_year_to": "soon"}, "year"),
])
def test_api_contrast_bad_input_is_a_json_400(client, params, words):
    response = client.get("/api/contrast", query_string=params)
    assert response.status_code == 400 and words in response.get_json()["error"]


def test_api_rates_count_every_match_not_only_the_top_ten(client, searcher):
    data = client.get("/api/rates", query_string={"q": "physical therapy", "by": "treatment"}).get_json()
    assert data["by"] == "treatment"
    everything = searcher.search("physical therapy", k=100)
    assert everything.total > 10
    issues = [searcher.collection.determination(doc_id).issues[index]
              for doc_id, index in everything.matched if index is not None]  # near-identical ones too
    decided = [issue for issue in issues if issue.decision in ("Upheld", "Overturned")]
    assert len(everything.matched) == everything.total > len(everything.results)
    assert sum(row["total"] for row in data["rows"]) == len(decided)
    counts = collections.Counter((issue.treatment, issue.decision) for issue in decided)
    for row in data["rows"]:
        assert (row["upheld"], row["overturned"]) == (counts[(row["value"], "Upheld")],
                                                      counts[(row["value"], "Overturned")])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson(row["upheld"], row["total"]), abs=1e-4)
        assert row["ci_low"] <= row["upheld_rate"] <= row["ci_high"]


@pytest.mark.parametrize("by", ["reason", "specialty", "year"])
def test_api_rates_each_grouping_follows_the_contract(client, by):
    data = client.get("/api/rates", query_string={"q": "physical therapy", "by": by,
                                                  "decision": "Upheld"}).get_json()
    assert data["by"] == by and data["rows"]
    for row in data["rows"]:
        assert set(row) >= {"value", "upheld", "overturned", "total", "upheld_rate", "ci_low", "ci_high"}
        assert row["overturned"] == 0 and row["upheld"] == row["total"]  # the filter applies


def test_api_rates_bad_grouping_is_a_400(client):
    response = client.get("/api/rates", query_string={"q": "knee", "by": "colour"})
    assert response.status_code == 400 and "unknown grouping" in response.get_json()["error"]


def test_answer_page_draws_rate_charts_whose_bars_add_a_filter(client):
    page = client.get("/", query_string={"q": "physical therapy", "guideline": "MTUS"}).get_data(as_text=True)
    assert 'class="rates"' in page and page.count('class="rate-chart"') == 4
    assert "style=" not in page.split('class="rates"')[1].split("</details>")[0]
    bar = 'href="/?q=physical+therapy&amp;mode=hybrid&amp;guideline=MTUS&amp;treatment=physical+therapy"'
    assert bar in page
    assert 'href="/contrast?q=physical+therapy&amp;guideline=MTUS"' in page


def test_contrast_page_and_determination_page_show_both_sides(client, searcher):
    page = client.get("/contrast", query_string={"q": QUESTION}).get_data(as_text=True)
    assert "side-upheld" in page and "side-overturned" in page and 'class="differences"' in page
    upheld = for_question(searcher, QUESTION).upheld[0]
    determination = client.get(f"/d/{upheld.doc_id}").get_data(as_text=True)
    assert "Decided the other way?" in determination and "side-overturned" in determination
    contrasts = for_determination(searcher, upheld.doc_id)
    therapy = next(c for c in contrasts if c.treatment == "physical therapy")
    assert therapy.this["doc_id"] == upheld.doc_id and therapy.overturned
    assert all(r.doc_id != upheld.doc_id for r in therapy.upheld + therapy.overturned)
    assert all(r.decision == "Overturned" for r in therapy.overturned)


def test_cli_contrast_json_and_text(corpus_index):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "indexer", "contrast", QUESTION, "--index", str(corpus_index), "-k", "2"]
    data = json.loads(subprocess.run([*run, "--json"], env=env, capture_output=True, text=True,
                                     timeout=300, check=True).stdout)
    assert len(data["upheld"]) == 2 and data["overturned"] and data["differences"]
    text = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300, check=True).stdout
    assert text.startswith("Contrast for physical therapy") and "UPHELD" in text and "OVERTURNED" in text
    assert data["upheld"][0]["doc_id"] in text and "What differs" in text
    bad = subprocess.run([*run, "--filter", "colour=red"], env=env, capture_output=True, text=True,
                         timeout=300)
    assert bad.returncode == 2 and "unknown filter" in bad.stderr and "Traceback" not in bad.stderr


def most_overturned(collection, n=10) -> list[str]:
    """The n treatments with the most Overturned items in the index (ties by name)."""
    counts = collections.Counter(issue.treatment for d in collection.determinations.values()
                                 for issue in d.issues if issue.decision == "Overturned" and issue.treatment)
    return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def test_real_letters_contrast_finds_an_overturned_counterpart(real_searcher):
    """For the 10 treatments most often overturned, ask about a denied request (the first Upheld item's
    words, or "<treatment> denied" where none was upheld) and open that letter's page."""
    collection = real_searcher.collection
    asked, on_page = {}, {}
    for treatment in most_overturned(collection):
        upheld = [(d.doc_id, i.item) for d in collection.determinations.values() for i in d.issues
                  if i.treatment == treatment and i.decision == "Upheld"]
        question = upheld[0][1] if upheld else f"{treatment} denied"
        contrast = for_question(real_searcher, question)
        asked[treatment] = contrast.treatment == treatment and bool(contrast.overturned)
        if upheld:
            page = [c for c in for_determination(real_searcher, upheld[0][0]) if c.treatment == treatment]
            # The letter's first item of that treatment may itself be the overturned one.
            other = "upheld" if page and page[0].this["decision"] == "Overturned" else "overturned"
            on_page[treatment] = bool(page and getattr(page[0], other))
    print(f"\nOverturned counterpart: asked {sum(asked.values())} of {len(asked)} {asked}; "
          f"determination page {sum(on_page.values())} of {len(on_page)} {on_page}")
    assert sum(asked.values()) >= 8, asked
    assert sum(on_page.values()) >= 8, on_page


def test_real_letters_rates_match_the_letters(real_searcher):
    matched = [(doc_id, index) for doc_id, d in real_searcher.collection.determinations.items()
               for index, issue in enumerate(d.issues) if issue.treatment == "mri"]
    rows = {r.value: r for r in outcome_rates(real_searcher.collection, matched, "treatment")}
    truth = collections.Counter(real_searcher.collection.issue(d, i).decision for d, i in matched)
    assert (rows["mri"].upheld, rows["mri"].overturned) == (truth["Upheld"], truth["Overturned"])
