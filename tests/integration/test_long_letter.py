"""A letter disputing 3,000 items is indexed, then read a page at a time: no page or API answer draws
more than page_size items and sections, whatever the letter's length. Sizes are asserted; times are
printed for the benchmark's reader (run with -s), never asserted."""

from __future__ import annotations

import re
import time

import pytest

from tests.paths import SEEDS

ITEMS = 3000
pytestmark = pytest.mark.slow


def long_letter(items: int) -> str:
    """A seed letter's header and summary, then `items` disputed items each with its rationale."""
    head = SEEDS[0].read_text().split("The Final Determination was based on decisions")[0]
    parts = [head, "The Final Determination was based on decisions for the disputed items/services "
                   "set forth below: \n\n \n\n"]
    for number in range(1, items + 1):
        item = f"Compound cream number {number}, 30 grams"
        parts.append(f"{item}:  {'Upheld' if number % 2 else 'Overturned'} \n\n \n\n"
                     f"Decision rationale: The {item.lower()} is not medically necessary. \n\n \n\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def long_index(tmp_path_factory, encoder):
    from indexer import settings
    from indexer.ingest.build import build

    letters = tmp_path_factory.mktemp("long-letters")
    (letters / "long.txt").write_text(long_letter(ITEMS))
    (letters / SEEDS[1].name).write_text(SEEDS[1].read_text())
    directory = tmp_path_factory.mktemp("long-index")
    started = time.perf_counter()
    report = build([letters], settings.load(index=str(directory)), encoder=encoder)
    print(f"\nindexed a {ITEMS}-item letter in {time.perf_counter() - started:.1f} s")
    assert report.determinations == 2 and not report.failed
    return directory


@pytest.fixture(scope="module")
def long_client(long_index, encoder, tmp_path_factory):
    from indexer import settings
    from indexer.engine import Engine
    from webui import create_app

    configured = settings.load(index=str(long_index))
    app = create_app({"TESTING": True, "PRECEDENT": configured,
                      "PRECEDENT_ENGINE": Engine(configured, encoder=encoder),
                      "CONVERSATIONS": str(tmp_path_factory.mktemp("long-conv") / "c.sqlite")})
    return app.test_client()


def _timed(client, path, **params):
    started = time.perf_counter()
    response = client.get(path, query_string=params)
    print(f"{path} {params}: {response.status_code}, {len(response.data) / 1024:.0f} KiB, "
          f"{time.perf_counter() - started:.2f} s")
    return response


def test_the_api_answers_a_page_of_a_long_letter(long_client):
    data = _timed(long_client, "/api/determinations/long", similar="1").get_json()
    assert len(data["issues"]) == 100 and len(data["sections"]) == 100
    assert data["paging"] == {"page": 1, "pages": 31, "per_page": 100, "issues": ITEMS, "sections": ITEMS + 3}
    assert {"doc_id", "source", "format", "case_number", "reviewer", "patient", "warnings"} <= set(data)
    assert data["issues"][0]["item"] == "Compound cream number 1, 30 grams"
    last = _timed(long_client, "/api/determinations/long", page="31").get_json()
    assert last["issues"] == [] and [s["id"] for s in last["sections"]][-1] == f"issue-{ITEMS}"
    middle = _timed(long_client, "/api/determinations/long", page="12").get_json()
    assert middle["issues"][0]["item"] == "Compound cream number 1101, 30 grams"
    assert long_client.get("/api/determinations/long", query_string={"page": "32"}).status_code == 404


def test_the_page_draws_one_page_and_links_to_the_next(long_client):
    page = _timed(long_client, "/d/long", q="compound cream")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and len(page.data) < 1_000_000
    assert len(re.findall(r'<section id="', html)) == 100
    letter = html.split('class="similar-panel')[0]  # the letter itself, before the panels of other cases
    assert letter.count('class="badge badge-') == 100
    assert 'rel="next" href="?page=2&amp;q=compound+cream"' in html and "Page 1 of 31" in html
    # an item listed on page 1 whose section falls on page 2 links there
    assert 'href="?page=2&amp;q=compound+cream#issue-98"' in html
    second = _timed(long_client, "/d/long", page="2").get_data(as_text=True)
    assert 'id="issue-98"' in second and 'rel="prev"' in second


def test_searches_over_the_long_letter_stay_bounded(long_client):
    data = _timed(long_client, "/api/search", q="compound cream topical analgesics", k="100").get_json()
    assert data["results"][0]["doc_id"] == "long" and len(data["results"]) <= 2
    assert all(len(result["excerpts"]) <= 3 for result in data["results"])
    similar = _timed(long_client, "/api/similar/long").get_json()
    assert [r["doc_id"] for r in similar["results"]] in ([], [SEEDS[1].stem])
