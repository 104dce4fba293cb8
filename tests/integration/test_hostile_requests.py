"""What an outside hostile tester sent: every route's bad input is a one-line 4xx, never a 500; HEAD works
on every page; the server stays answerable (/healthz) when searches fill it; waitress's own error pages
carry the security headers; a failed turn leaves no empty conversation. Over the real corpus index."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time

import pytest

from tests.paths import SEEDS

SEED = SEEDS[0].stem


@pytest.mark.parametrize("path", [
    "/", "/?q=knee+MRI", f"/d/{SEED}", f"/d/{SEED}?q=therapy", "/similar", "/healthz",
    "/api/search?q=knee", f"/api/determinations/{SEED}", f"/api/similar/{SEED}", "/api/openapi.json",
])
def test_head_answers_every_get_page_like_get(client, path):
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.data == b"" and head.headers["Content-Type"] == got.headers["Content-Type"]


def test_head_on_a_conversation_page(client):
    conversation = client.post("/api/chat", json={"message": "knee MRI"}).get_json()["conversation_id"]
    assert client.head(f"/c/{conversation}").status_code == 200


@pytest.mark.parametrize("path, params, words", [
    ("/api/search", {"q": "x" * 4001}, "q is over 4000"),
    ("/api/search", {"q": "knee", "k": "0"}, "k must be"),
    ("/api/search", {"q": "knee", "k": "101"}, "k must be"),
    ("/api/search", {"q": "knee", "k": "1e3"}, "k must be"),
    ("/api/search", {"q": "knee", "mode": "x" * 201}, "mode is over"),
    ("/api/search", {"q": "knee", "decision": "Upheld" * 40}, "filter decision is over"),
    ("/api/search", {"q": "knee", "decision": ["Upheld", "Overturned"]}, "more than once"),
    ("/api/search", {"q": "knee", "colour": "red"}, "unknown filter"),
    (f"/api/similar/{SEED}", {"k": "-1"}, "k must be"),
    (f"/api/similar/{SEED}", {"colour": "red"}, "unknown filter"),
    (f"/api/determinations/{SEED}", {"page": "0"}, "page must be"),
    (f"/api/determinations/{SEED}", {"page": "two"}, "page must be"),
    (f"/api/determinations/{SEED}", {"page": "٣"}, "page must be"),  # a digit, but not an ASCII one
    (f"/api/determinations/{SEED}", {"q": "x" * 5000}, "q is over"),
])
def test_bad_query_strings_are_a_json_400(client, path, params, words):
    response = client.get(path, query_string=params)
    assert response.status_code == 400 and words in response.get_json()["error"]


def test_a_page_past_the_end_is_a_404(client):
    response = client.get(f"/api/determinations/{SEED}", query_string={"page": "2"})
    assert response.status_code == 404 and "past the last page (1)" in response.get_json()["error"]
    assert client.get(f"/d/{SEED}?page=99").status_code == 404


@pytest.mark.parametrize("path, params", [
    ("/", {"q": "x" * 4001}), ("/", {"q": "knee", "k": "0"}), (f"/d/{SEED}", {"page": "x"}),
])
def test_bad_query_strings_on_pages_are_a_400_page(client, path, params):
    response = client.get(path, query_string=params)
    assert response.status_code == 400 and response.mimetype == "text/html"


@pytest.mark.parametrize("path, body, words", [
    ("/api/chat", {"mesage": "knee MRI"}, "unknown key 'mesage'"),
    ("/api/chat", {"message": "knee", "mode": "x" * 300}, "mode is over"),
    ("/api/chat", {"message": "knee " * 1000}, "message is over 4000"),
    ("/api/chat", {"message": "knee", "conversation_id": "x" * 300}, "conversation_id is over"),
    ("/api/chat", {"message": ["knee"]}, "message must be a string"),
    ("/api/chat", {"message": "knee", "extra": [[[[[[[[[[1]]]]]]]]]]}, "nested too deeply"),
    ("/api/similar", {"text": "lumbar MRI", "filters": {"decision": [[[[[[[[[["x"]]]]]]]]]]}}, "nested"),
    ("/api/similar", {"text": "lumbar MRI", "filters": {"decision": ["Upheld"]}}, "must be a string"),
    ("/api/similar", {"text": "lumbar MRI", "filters": {"colour": "red"}}, "unknown filter"),
    ("/api/similar", {"text": "lumbar MRI", "k": True}, "k must be"),
    ("/api/similar", {"text": "lumbar MRI", "k": 1.5}, "k must be"),
    ("/api/similar", {"text": "lumbar MRI", "k": 0}, "k must be"),
    ("/api/similar", {"text": "lumbar MRI", "colour": "red"}, "unknown key 'colour'"),
    ("/api/similar", {"text": "x " * 10001}, "over 20000 characters"),
    ("/api/similar", {"text": ""}, "give the text"),
    ("/api/chat", [1, 2], "must be a JSON object"),
])
def test_bad_json_bodies_are_a_json_400(client, path, body, words):
    response = client.post(path, json=body)
    assert response.status_code == 400 and words in response.get_json()["error"]


def test_good_json_bodies_still_answer(client):
    similar = client.post("/api/similar",
                          json={"text": "lumbar MRI", "k": 3, "filters": {"decision": "Upheld"}})
    assert similar.status_code == 200 and len(similar.get_json()["results"]) <= 3
    chat = client.post("/api/chat", json={"conversation_id": None, "message": "knee MRI", "mode": "keyword"})
    assert chat.status_code == 200 and chat.get_json()["mode"] == "keyword"


def test_lone_surrogates_in_query_strings_and_forms_are_no_500(client):
    assert client.get("/api/search?q=knee%ED%A0%80MRI").status_code == 200  # UTF-8 of U+D800
    form = "application/x-www-form-urlencoded"
    assert client.post("/similar", data=b"text=lumbar+MRI+%ED%A0%80", content_type=form).status_code == 200
    assert client.post("/ask", data=b"message=knee+%ED%B2%80+MRI", content_type=form).status_code == 303


def _conversations(app) -> int:
    with sqlite3.connect(app.config["CONVERSATIONS"]) as db:
        return db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]


def test_failed_chat_requests_leave_no_conversation(app, client):
    before = _conversations(app)
    for body in [{"message": ""}, {"message": 5}, {"message": "knee", "mode": "psychic"},
                 {"message": "knee", "mesage": "x"}, {"message": "q", "conversation_id": "nope"}]:
        assert client.post("/api/chat", json=body).status_code in (400, 404)
    assert client.post("/ask", data={"set": "decision:Upheld"}).status_code == 400  # no question yet
    assert _conversations(app) == before
    assert client.post("/api/chat", json={"message": "knee MRI"}).status_code == 200
    assert _conversations(app) == before + 1


def test_a_turn_that_cannot_be_stored_leaves_no_conversation(app):
    from indexer.search.followup import Turn
    from webui import conversations

    before = _conversations(app)
    with app.test_request_context("/api/chat", method="POST"), pytest.raises(TypeError):
        conversations.record(None, "knee", Turn("knee", filters={"decision": {"not", "json"}}))
    assert _conversations(app) == before


def test_a_busy_server_answers_503_at_once_and_healthz_still_answers(app, client):
    slots = app.extensions["precedent.capacity"]
    held = 0
    while slots.acquire(blocking=False):  # every heavy slot taken, as by long searches in flight
        held += 1
    try:
        busy = client.get("/api/search", query_string={"q": "knee"})
        assert busy.status_code == 503 and "busy" in busy.get_json()["error"]
        assert busy.headers["Retry-After"] == "1"
        assert client.get(f"/d/{SEED}").status_code == 503
        assert client.get("/healthz").status_code == 200
    finally:
        for _ in range(held):
            slots.release()
    assert held == app.config["PRECEDENT"].heavy_requests
    assert client.get("/api/search", query_string={"q": "knee"}).status_code == 200


def test_a_search_waiting_past_busy_seconds_is_a_503_and_healthz_does_not_wait(app, client):
    from dataclasses import replace

    engine = app.extensions["precedent.engine"]
    engine.settings = replace(engine.settings, busy_seconds=0.2)
    holding, release = threading.Event(), threading.Event()

    def hold_the_engine():  # another request's long search
        with engine.lock:
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_engine)
    holder.start()
    try:
        holding.wait(5)
        answers = {}
        waiter = threading.Thread(target=lambda: answers.update(health=client.get("/healthz")))
        waiter.start()
        waiter.join(5)
        assert answers["health"].status_code == 200 and answers["health"].get_json()["determinations"] == 50
        busy = client.get("/api/search", query_string={"q": "knee"})
        assert busy.status_code == 503 and "stayed busy" in busy.get_json()["error"]
    finally:
        release.set()
        holder.join()
        engine.settings = replace(engine.settings, busy_seconds=10.0)


@pytest.fixture
def live_server(app):
    """The app behind the real waitress server, as `precedent serve` runs it, on a free port."""
    from webui.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=2, ident="precedent",
                           max_request_header_size=1024)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port
    server.close()
    thread.join(5)


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2000 + b"\r\n\r\n", b"431"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", b"400"),
    (b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"400"),
])
def test_waitress_own_error_pages_carry_the_security_headers(live_server, request_bytes, status):
    head = _raw(live_server, request_bytes).split(b"\r\n\r\n")[0].decode("latin-1")
    assert head.split()[1] == status.decode()
    assert "Content-Security-Policy: default-src 'self'" in head
    assert "X-Content-Type-Options: nosniff" in head and "X-Frame-Options: DENY" in head


def test_the_app_through_waitress_answers_with_the_headers(live_server):
    started = time.perf_counter()
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    head = _raw(live_server, request).decode()
    assert head.startswith("HTTP/1.1 200") and "Content-Security-Policy" in head
    assert time.perf_counter() - started < 60  # answered at all; timings live in the benchmark
