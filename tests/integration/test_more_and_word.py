"""Show more (pages past the first ten results) and the case note as a Word document."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

QUESTION = "physical therapy"


def _doc_ids(html: str) -> list[str]:
    return re.findall(r'<li class="result" data-doc="([^"]+)"', html)


def test_api_search_offset_continues_the_ranking(client):
    first = client.get("/api/search", query_string={"q": QUESTION, "k": 20}).get_json()
    assert first["total"] > 12, "the corpus must hold more than a page of matches for this test"
    page = client.get("/api/search", query_string={"q": QUESTION, "k": 10, "offset": 10}).get_json()
    assert [r["doc_id"] for r in page["results"]] == [r["doc_id"] for r in first["results"][10:20]]
    assert [r["rank"] for r in page["results"]] == list(range(11, 11 + len(page["results"])))


@pytest.mark.parametrize("offset", ["-1", "abc", "100000"])
def test_bad_offset_is_a_400(client, offset):
    response = client.get("/api/search", query_string={"q": QUESTION, "offset": offset})
    assert response.status_code == 400 and "offset" in response.get_json()["error"]


def test_question_page_links_to_more_and_the_fragment_continues(client):
    page = client.get("/", query_string={"q": QUESTION}).get_data(as_text=True)
    first = _doc_ids(page)
    assert len(first) == 10
    more = re.search(r'data-more="([^"]+)"', page).group(1).replace("&amp;", "&")
    fragment = client.get(more, headers={"X-Requested-With": "fetch"})
    assert fragment.status_code == 200
    following = _doc_ids(fragment.get_data(as_text=True))
    assert following and not set(following) & set(first)
    whole = client.get("/api/search", query_string={"q": QUESTION, "k": 10 + len(following)}).get_json()
    assert first + following == [r["doc_id"] for r in whole["results"]]
    # without JavaScript the link shows the same question with ten more
    href = re.search(r'<a class="more" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert _doc_ids(client.get(href).get_data(as_text=True)) == first + following


def test_conversation_turn_shows_more(client):
    answer = client.post("/api/chat", json={"conversation_id": None, "message": QUESTION}).get_json()
    cid = answer["conversation_id"]
    page = client.get(f"/c/{cid}").get_data(as_text=True)
    more = re.search(r'data-more="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"conversation_id={cid}" in more and "turn=1" in more
    following = _doc_ids(client.get(more).get_data(as_text=True))
    assert following and not set(following) & set(_doc_ids(page))
    longer = client.get(f"/c/{cid}", query_string={"turn": 1, "shown": 20}).get_data(as_text=True)
    assert _doc_ids(longer)[:10 + len(following)] == _doc_ids(page) + following
    missing = client.get("/more", query_string={"conversation_id": cid, "turn": 7, "offset": 10})
    assert missing.status_code == 404


NOTES = [
    {"item": "Physical therapy 12 sessions", "decision": "Upheld", "guidelines": "MTUS",
     "doc": "CM13-0000001", "section": "Rationale", "url": "/d/CM13-0000001#rationale-1",
     "text": "There is no documented objective functional improvement from prior therapy.",
     "annotation": "Same facts as our claimant <b>bold</b>"},
    {"item": "MRI lumbar spine", "decision": "Overturned", "doc": "CM14-0000002",
     "url": "/d/CM14-0000002", "text": "Red flags \x07 were documented."},
]


def test_word_export_holds_every_citation_excerpt_link_and_note(client):
    response = client.post("/api/notes.docx", json={"notes": NOTES})
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "case-note.docx" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Physical therapy 12 sessions — Upheld — MTUS — CM13-0000001, Rationale" in text
    assert "no documented objective functional improvement" in text
    assert "Same facts as our claimant <b>bold</b>" in text  # text, not markup
    assert "Red flags  were documented." in text  # a control character is dropped, not fatal
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert links == ["http://localhost/d/CM13-0000001#rationale-1", "http://localhost/d/CM14-0000002"]


@pytest.mark.parametrize("body, says", [
    ({"notes": []}, "nothing"),
    ({"notes": "x"}, "notes"),
    ({"notes": [{"doc": "x", "text": "y", "url": "javascript:alert(1)"}]}, "permalink"),
    ({"notes": [{"doc": "x", "text": "y", "url": "//evil.example/d/x"}]}, "permalink"),
    ({"notes": [{"doc": "x", "text": "y", "url": "http://[::1"}]}, "permalink"),  # was a 500
    ({"notes": [{"doc": 5, "text": "y", "url": "/d/x"}]}, "doc must be text"),
    ({"notes": [{"doc": "x", "url": "/d/x"}]}, "excerpt"),
    ({"notes": [NOTES[0]] * 201}, "at most"),
])
def test_word_export_refuses_bad_notes_in_one_line(client, body, says):
    response = client.post("/api/notes.docx", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (says in error or (says == "nothing" and "no pinned" in error)) and "\n" not in error


def test_word_export_takes_a_large_tray_but_not_an_endless_one(client):
    big = [{**NOTES[0], "text": "x" * 7000} for _ in range(30)]  # ~210 KiB: over the API's 64 KiB
    assert client.post("/api/notes.docx", json={"notes": big}).status_code == 200
    huge = b'{"notes": [' + b'"' + b"x" * (3 * 2**20) + b'"]}'
    response = client.post("/api/notes.docx", data=huge, content_type="application/json")
    assert response.status_code == 413 and "2048 KiB" in response.get_json()["error"]
