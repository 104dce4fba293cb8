"""Outcome rates: Wilson's interval, counting per value, and the charts drawn from them."""

from __future__ import annotations

import re

import pytest

from indexer.determination import Determination, Issue, Patient, Reviewer
from indexer.errors import QueryError
from indexer.search.rates import check_by, outcome_rates, wilson
from webui.charts import rate_chart


@pytest.mark.parametrize("successes, total, low, high", [
    (3, 4, 0.3006, 0.9544),      # four letters: the interval spans most of the range
    (0, 4, 0.0, 0.4899),
    (4, 4, 0.5101, 1.0),
    (40, 50, 0.6696, 0.8876),
    (1, 1, 0.2065, 1.0),
])
def test_wilson_interval_matches_known_values(successes, total, low, high):
    assert wilson(successes, total) == pytest.approx((low, high), abs=1e-4)


def test_wilson_narrows_with_more_letters_and_holds_the_rate():
    widths = [wilson(3 * n, 4 * n) for n in (1, 5, 25)]
    assert widths[0][1] - widths[0][0] > widths[1][1] - widths[1][0] > widths[2][1] - widths[2][0]
    assert all(low < 0.75 < high for low, high in widths)
    assert wilson(0, 0) == (0.0, 1.0)


class Letters:
    """The two lookups outcome_rates makes of an open collection."""

    def __init__(self, determinations):
        self.outlines = {d.doc_id: d.outline() for d in determinations}

    def issue(self, doc_id, index):
        return self.outlines[doc_id].issues[index]


def letter(doc_id, treatment, decision, reasons=(), specialty=("Orthopedic Surgery",),
           decided="2017-01-10"):
    return Determination(doc_id=doc_id, source=f"{doc_id}.txt", format="imr-issues-decisions",
                         case_number=doc_id,
                         reviewer=Reviewer(specialty=list(specialty)), patient=Patient(),
                         issues=[Issue(item=treatment, decision=decision, treatment=treatment, body_part=None,
                                       guidelines=[], rationale="", reasons=list(reasons))],
                         sections=[], decision_date=decided)


LETTERS = Letters([
    letter("a", "physical therapy", "Upheld", ["no functional improvement documented"]),
    letter("b", "physical therapy", "Upheld", ["no functional improvement documented"], ("Chiropractor",)),
    letter("c", "physical therapy", "Overturned", ["functional improvement documented"],
           decided="2016-12-20"),
    letter("d", "mri", "Overturned", ["red flags or neurological findings present"]),
    letter("e", "mri", None),  # no decision read: not counted
])
MATCHED = [(doc_id, 0) for doc_id in "abcde"]


def test_rates_by_treatment_count_each_match_once_with_its_interval():
    rows = [r.to_dict() for r in outcome_rates(LETTERS, MATCHED, "treatment")]
    assert [r["value"] for r in rows] == ["physical therapy", "mri"]
    pt = rows[0]
    assert (pt["upheld"], pt["overturned"], pt["total"]) == (2, 1, 3)
    assert pt["upheld_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert (pt["ci_low"], pt["ci_high"]) == pytest.approx(wilson(2, 3), abs=1e-4)
    assert pt["filters"]["upheld"] == {"treatment": "physical therapy"}


def test_rates_by_reason_pair_the_denial_with_its_approval():
    rows = {r.value: r.to_dict() for r in outcome_rates(LETTERS, MATCHED, "reason")}
    topic = rows["functional improvement"]
    assert (topic["upheld"], topic["overturned"]) == (2, 1)
    assert topic["filters"] == {"upheld": {"reason": "no functional improvement documented"},
                                "overturned": {"reason": "functional improvement documented"}}
    assert rows["red flags or neurological findings"]["overturned"] == 1


def test_rates_by_year_in_order_and_by_specialty():
    years = [r.to_dict() for r in outcome_rates(LETTERS, MATCHED, "year")]
    assert [r["value"] for r in years] == ["2016", "2017"]
    assert years[0]["filters"]["overturned"] == {"decided_year_from": 2016, "decided_year_to": 2016}
    specialties = {r.value: r.total for r in outcome_rates(LETTERS, MATCHED, "specialty")}
    assert specialties == {"Orthopedic Surgery": 3, "Chiropractor": 1}


def test_an_unknown_grouping_is_a_query_error():
    assert check_by(None) == "treatment" and check_by(" Year ") == "year"
    with pytest.raises(QueryError, match="unknown grouping"):
        check_by("colour")


def test_chart_is_accessible_svg_without_inline_styles_and_links_each_bar():
    rows = [r.to_dict() for r in outcome_rates(LETTERS, MATCHED, "treatment")]
    svg = str(rate_chart(rows, "By treatment", "t1", lambda row, side: f"/?q=x&treatment={row['value']}"))
    assert svg.startswith("<svg") and 'aria-labelledby="t1-title"' in svg and "<title id=\"t1-title\">" in svg
    assert "style=" not in svg and "<script" not in svg  # the CSP forbids both
    assert 'href="/?q=x&amp;treatment=physical therapy"' in svg
    # Two thirds upheld: the upheld bar spans 66.67% and the overturned one starts there.
    assert 'class="bar bar-upheld" x="0.00%" y="20" width="66.67%"' in svg
    assert 'class="bar bar-overturned" x="66.67%"' in svg
    assert "67% upheld · 2 of 3 · 95% CI 21%–94%" in svg
    labels = re.findall(r'aria-label="([^"]+)"', svg)
    assert "physical therapy: 2 of 3 upheld (67%). Show only physical therapy." in labels
    # MRI: one overturned, none upheld, so only one bar and no empty link.
    assert svg.count("bar-upheld") == 1 and svg.count("bar-overturned") == 2


def test_chart_escapes_values_and_says_what_it_leaves_out():
    rows = [{"value": f"<b>{n}</b>", "upheld": 1, "overturned": 1, "total": 2, "upheld_rate": 0.5,
             "ci_low": 0.09, "ci_high": 0.91} for n in range(10)]
    svg = str(rate_chart(rows, "T", "t2", lambda row, side: None))
    assert "<b>" not in svg and "&lt;b&gt;0&lt;/b&gt;" in svg
    assert svg.count('class="rate-row"') == 8 and "and 2 more values, not drawn" in svg
    assert "<a " not in svg  # no link where no filter can be added
