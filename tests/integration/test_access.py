"""Access control: a token off loopback, allowed Host names, same-origin writes, relative redirects,
conversations that belong to the browser that started them, and a server that refuses to start open."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from tests.paths import ROOT
from webui import create_app

TOKEN = "correct horse battery staple"


@pytest.fixture
def guarded(app, tmp_path):
    """The app as `serve --host 0.0.0.0` with PRECEDENT_TOKEN and one allowed name runs it."""
    settings = dataclasses.replace(app.config["PRECEDENT"], token=TOKEN, allowed_hosts="precedent.example")
    return create_app({**app.config, "PRECEDENT": settings, "PRECEDENT_HOST": "0.0.0.0",
                       "PRECEDENT_ENGINE": app.extensions["precedent.engine"]}).test_client()


def test_every_route_but_healthz_needs_the_token(guarded, corpus_index):
    health = guarded.get("/healthz")
    assert health.status_code == 200 and str(corpus_index.parent) not in health.get_data(as_text=True)
    denied = guarded.get("/api/search?q=knee")
    assert denied.status_code == 401 and denied.headers["WWW-Authenticate"] == "Bearer"
    assert "error" in denied.get_json()
    wrong = guarded.get("/api/search?q=knee", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    allowed = guarded.get("/api/search?q=knee", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200 and allowed.get_json()["results"]
    page = guarded.get("/")
    assert page.status_code == 401 and b'name="token"' in page.data
    assert guarded.post("/api/chat", json={"message": "knee"}).status_code == 401


def test_a_browser_logs_in_once_and_keeps_an_httponly_strict_cookie(guarded):
    refused = guarded.post("/login", data={"token": "guess", "next": "/"})
    assert refused.status_code == 401 and b"not the right one" in refused.data
    response = guarded.post("/login", data={"token": TOKEN, "next": "//evil.example/x"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert guarded.get("/").status_code == 200
    assert guarded.get("/api/search?q=knee").status_code == 200


def test_a_token_link_logs_in_and_drops_the_token_from_the_address(guarded):
    response = guarded.get(f"/d/CM15-0000001?q=knee&token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/d/CM15-0000001?q=knee"
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert guarded.get("/api/search?q=knee").status_code == 200


@pytest.mark.parametrize("host, status", [
    ("evil.example", 400), ("localhost.evil.example:8000", 400),
    ("precedent.example", 200), ("precedent.example:8000", 200), ("10.1.2.3:8000", 200),
    ("localhost:8000", 200), ("127.0.0.1", 200),
])
def test_host_headers_not_ours_are_refused(guarded, host, status):
    headers = {"Host": host, "Authorization": f"Bearer {TOKEN}"}
    assert guarded.get("/api/search?q=knee", headers=headers).status_code == status


def test_loopback_server_answers_only_to_loopback_names(client):
    assert client.get("/healthz", headers={"Host": "rebound.evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_redirects_never_name_a_host(client):
    response = client.get("/d//CM15-0000001", headers={"Host": "localhost:8000"})
    assert response.status_code == 308 and response.headers["Location"] == "/d/CM15-0000001"
    posted = client.post("/ask", data={"message": "knee MRI"})
    assert posted.headers["Location"].startswith("/c/")


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"}, {"Origin": "null"},
    {"Referer": "http://evil.example/form.html"},
])
def test_writes_from_another_site_are_refused(client, headers):
    assert client.post("/ask", data={"message": "knee MRI"}, headers=headers).status_code == 403
    assert client.post("/api/chat", json={"message": "knee MRI"}, headers=headers).status_code == 403
    assert client.post("/similar", data={"text": "knee"}, headers=headers).status_code == 403


def test_same_origin_writes_and_json_only_api(client):
    same = {"Origin": "http://localhost", "Referer": "http://localhost/"}
    assert client.post("/ask", data={"message": "knee MRI"}, headers=same).status_code == 303
    # a cross-site form can only send form encodings: the JSON API refuses them
    form = client.post("/api/chat", data={"message": "knee MRI"})
    assert form.status_code == 400 and "JSON" in form.get_json()["error"]


def test_a_conversation_belongs_to_the_browser_that_started_it(app, client):
    started = client.post("/api/chat", json={"message": "Ambien long term"})
    conversation = started.get_json()["conversation_id"]
    owner = started.headers["Set-Cookie"]
    assert "precedent_owner=" in owner and "HttpOnly" in owner
    assert client.get(f"/c/{conversation}").status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/c/{conversation}").status_code == 404
    follow = stranger.post("/api/chat", json={"conversation_id": conversation, "message": "only overturned"})
    assert follow.status_code == 404
    ask = stranger.post("/ask", data={"conversation_id": conversation, "message": "only overturned"})
    assert ask.status_code == 404
    assert client.post("/api/chat", json={"conversation_id": conversation,
                                          "message": "only the overturned ones"}).status_code == 200


def test_the_token_is_not_printed_with_the_settings(app):
    settings = dataclasses.replace(app.config["PRECEDENT"], token=TOKEN)
    assert settings.token == TOKEN and TOKEN not in repr(settings)


def serve(*args: str, token: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    env.pop("PRECEDENT_TOKEN", None)
    if token:
        env["PRECEDENT_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "indexer", "serve", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serve_off_loopback_without_a_token_refuses_to_start(tmp_path, host):
    done = serve("--host", host, "--index", str(tmp_path / "index"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "PRECEDENT_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("token", [" ", "a", "short token"])
def test_a_blank_or_short_token_does_not_guard_an_open_address(tmp_path, token):
    done = serve("--host", "0.0.0.0", "--index", str(tmp_path / "index"), token=token)
    assert done.returncode == 2 and "too short" in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


def test_the_bearer_scheme_is_case_insensitive(guarded):
    for scheme in ("Bearer", "bearer", "BEARER"):
        response = guarded.get("/api/search", query_string={"q": "knee"},
                               headers={"Authorization": f"{scheme} {TOKEN}", "Host": "precedent.example"})
        assert response.status_code == 200, scheme
