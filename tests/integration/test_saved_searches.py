"""Saved searches over a real index that grows: the API, the CLI, the saved-search page and its Atom
feed; a letter indexed after a search was saved is new to it until the search is looked at."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from indexer import settings
from indexer.cli import cli
from indexer.engine import Engine
from indexer.ingest.build import build
from tests.paths import CORPUS, SEEDS

ATOM = "{http://www.w3.org/2005/Atom}"
KNEE = "knee MRI meniscal tear McMurray"
NEW_LETTER = "CM19-0000007"


@pytest.fixture
def grown(tmp_path, encoder):
    """An index of the seeds, and a function that adds a knee MRI letter to it incrementally."""
    letters, index = tmp_path / "letters", tmp_path / "index"
    letters.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, letters / seed.name)
    configured = settings.load(index=str(index))
    build([letters], configured, encoder=encoder)

    def add_letter():
        text = (CORPUS / "synthetic" / "sample_002.txt").read_text().replace("CM13-4866552", NEW_LETTER)
        (letters / "new.txt").write_text(text)
        assert build([letters], configured, encoder=encoder).added == 1
    return configured, add_letter


@pytest.fixture
def saved_client(grown, encoder, tmp_path):
    from webui import create_app

    configured, add_letter = grown
    app = create_app({"TESTING": True, "PRECEDENT": configured,
                      "PRECEDENT_ENGINE": Engine(configured, encoder=encoder),
                      "CONVERSATIONS": str(tmp_path / "conversations.sqlite")})
    return app.test_client(), add_letter


def test_api_saved_search_reports_a_letter_indexed_later_until_it_is_looked_at(saved_client):
    client, add_letter = saved_client
    created = client.post("/api/saved", json={"query": KNEE, "filters": {}})
    assert created.status_code == 201
    knee = created.get_json()[0]
    assert set(knee) >= {"id", "query", "filters", "new"} and knee["new"] == []
    carpal = client.post("/api/saved", json={"query": "carpal tunnel release", "filters": {},
                                             "mode": "keyword"}).get_json()[1]

    add_letter()
    listed = {s["id"]: s for s in client.get("/api/saved").get_json()}
    assert listed[knee["id"]]["new"] == [NEW_LETTER]
    assert listed[carpal["id"]]["new"] == []

    page = client.get(f"/saved/{knee['id']}").get_data(as_text=True)
    assert "1 new since you last looked" in page and f"/d/{NEW_LETTER}" in page
    assert client.get("/api/saved").get_json()[0]["new"] == []  # opening it marked it seen

    remaining = client.delete(f"/api/saved/{knee['id']}").get_json()
    assert [s["id"] for s in remaining] == [carpal["id"]]


@pytest.mark.parametrize("body, words", [
    ({"filters": {}}, "question to save"),
    ({"query": "knee", "filters": {"colour": "red"}}, "unknown filter"),
    ({"query": "knee", "filters": {"decision": "maybe"}}, "unknown decision"),
    ({"query": "knee", "filters": "decision=Upheld"}, "filters must be"),
    ({"query": "knee", "mode": "psychic"}, "unknown mode"),
])
def test_api_bad_saved_search_is_a_json_400(saved_client, body, words):
    client, _ = saved_client
    response = client.post("/api/saved", json=body)
    assert response.status_code == 400 and words in response.get_json()["error"]


def test_api_saved_refuses_a_form_post_and_an_unknown_id(saved_client):
    client, _ = saved_client
    assert client.post("/api/saved", data={"query": KNEE}).status_code == 400  # JSON only: no form CSRF
    missing = client.delete("/api/saved/99")
    assert missing.status_code == 404 and "no saved search 99" in missing.get_json()["error"]
    assert client.get("/saved/99.atom").status_code == 404


def test_atom_feed_lists_every_match_with_permalinks(saved_client):
    client, add_letter = saved_client
    search = client.post("/api/saved", json={"query": KNEE, "filters": {}}).get_json()[0]
    add_letter()
    response = client.get(f"/saved/{search['id']}.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id").endswith(f"/saved/{search['id']}.atom")
    assert KNEE in feed.findtext(f"{ATOM}title") and feed.findtext(f"{ATOM}updated")
    entries = feed.findall(f"{ATOM}entry")
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert f"http://localhost/d/{NEW_LETTER}" in links
    assert all(e.findtext(f"{ATOM}id") and e.findtext(f"{ATOM}title") and e.findtext(f"{ATOM}updated")
               for e in entries)
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    engine = client.application.extensions["precedent.engine"]
    assert len(entries) == len(engine.searcher().matching(KNEE))


def test_cli_saved_add_list_show_remove(grown):
    configured, add_letter = grown
    runner = CliRunner()
    index = ["--index", configured.index]
    added = runner.invoke(cli, ["saved", "add", KNEE, "--filter", "decision=Overturned", *index, "--json"])
    assert added.exit_code == 0, added.output
    search = json.loads(added.stdout)[0]
    assert search["filters"] == {"decision": "Overturned"} and search["new"] == []

    add_letter()  # its knee MRI item is Overturned
    listed = runner.invoke(cli, ["saved", *index])
    assert listed.exit_code == 0 and f"new: {NEW_LETTER}" in listed.output
    assert "1 new since" in listed.output
    shown = runner.invoke(cli, ["saved", "show", str(search["id"]), *index, "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["new"] == [NEW_LETTER]
    assert json.loads(runner.invoke(cli, ["saved", *index, "--json"]).stdout)[0]["new"] == []

    assert runner.invoke(cli, ["saved", "remove", str(search["id"]), *index]).exit_code == 0
    gone = runner.invoke(cli, ["saved", "remove", str(search["id"]), *index])
    assert gone.exit_code == 1 and "no saved search" in gone.output and "Traceback" not in gone.output
    bad = runner.invoke(cli, ["saved", "add", KNEE, "--filter", "colour=red", *index])
    assert bad.exit_code == 2 and "unknown filter" in bad.output


def test_saved_searches_live_beside_the_generations_and_outlast_builds(grown):
    configured, add_letter = grown
    Engine(configured).watchlist().add("knee", {}, "keyword")
    add_letter()
    index = Path(configured.index)
    assert (index / "saved.sqlite").is_file()
    assert not list(index.glob("gen-*/saved.sqlite"))
    assert [s.query for s in Engine(configured).watchlist().all()] == ["knee"]


HUGE_ID = 2**63  # over what SQLite holds: found by an outside hostile run as a 500


@pytest.mark.parametrize("method, path", [("get", f"/saved/{HUGE_ID}"), ("get", f"/saved/{HUGE_ID}.atom"),
                                          ("delete", f"/api/saved/{HUGE_ID}"), ("get", "/saved/0")])
def test_an_id_no_saved_search_can_have_is_a_404(saved_client, method, path):
    client, _ = saved_client
    response = getattr(client, method)(path)
    assert response.status_code == 404


def test_the_cli_says_an_impossible_saved_id_in_one_line(grown):
    configured, _ = grown
    result = CliRunner().invoke(cli, ["saved", "remove", str(HUGE_ID), "--index", configured.index])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"no saved search {HUGE_ID}" in result.output


def test_a_saved_question_with_control_characters_keeps_its_feed_valid_xml(saved_client):
    client, _ = saved_client
    search = client.post("/api/saved", json={"query": "knee\u0000 MRI\u0007", "filters": {}}).get_json()[0]
    feed = ET.fromstring(client.get(f"/saved/{search['id']}.atom").data)  # raises if not XML
    assert "knee MRI" in feed.findtext(f"{ATOM}title")


def test_the_feed_holds_the_newest_letters_and_reads_only_those_whole(saved_client, monkeypatch):
    from webui import feeds

    client, add_letter = saved_client
    search = client.post("/api/saved", json={"query": KNEE, "filters": {}}).get_json()[0]
    every = ET.fromstring(client.get(f"/saved/{search['id']}.atom").data).findall(f"{ATOM}entry")
    assert len(every) > 2
    monkeypatch.setattr(feeds, "MOST_ENTRIES", 2)
    engine = client.application.extensions["precedent.engine"]
    read = []
    letters = engine.searcher().collection.determinations
    monkeypatch.setattr(letters.store, "determination",
                        lambda doc_id, real=letters.store.determination: read.append(doc_id) or real(doc_id))
    letters._read.clear()
    newest = ET.fromstring(client.get(f"/saved/{search['id']}.atom").data).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in newest] == [e.findtext(f"{ATOM}id") for e in every[:2]]
    assert len(read) == 2
