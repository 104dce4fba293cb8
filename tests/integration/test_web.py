"""Every route and error path through Flask's test client, over the real corpus index."""

from __future__ import annotations

import pytest

from tests.paths import SEEDS

SEED = SEEDS[0].stem


def test_healthz(client):
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["determinations"] == 50 and data["chunks"] > 50


def test_api_search_contract_and_summary(client):
    response = client.get("/api/search", query_string={
        "q": "PT denied for lack of functional improvement", "k": 3, "treatment": "physical therapy"})
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) >= {"query", "mode", "understood", "total", "facets", "message", "results"}
    assert len(data["results"]) == 3 and data["results"][0]["url"].startswith("/d/")
    excerpt = data["results"][0]["excerpts"][0]
    assert set(excerpt) >= {"section", "section_id", "text", "html"}
    assert data["summary"].startswith(f"{data['total']} determination")


@pytest.mark.parametrize("params, status, words", [
    ({}, 400, "empty query"), ({"q": "   "}, 400, "empty query"),
    ({"q": "knee", "colour": "red"}, 400, "unknown filter"),
    ({"q": "knee", "mode": "psychic"}, 400, "unknown mode"),
    ({"q": "knee", "k": "many"}, 400, "k must be"),
    ({"q": "knee", "decision": "maybe"}, 400, "unknown decision"),
    ({"q": "knee", "injury_year_from": "last year"}, 400, "year"),
    ({"q": "knee", "decided_year_to": "soon"}, 400, "year"),
    ({"q": "knee", "reason": "the moon was full"}, 400, "unknown reason"),
])
def test_api_search_bad_input_is_a_json_400(client, params, status, words):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == status
    assert words in response.get_json()["error"]


def test_hostile_query_strings_never_500(client):
    for q in ["<script>alert(1)</script>", "x" * 10000, '"', "AND OR NOT", "🦴", "*"]:
        response = client.get("/api/search", query_string={"q": q})
        assert response.status_code in (200, 400)
        assert response.mimetype == "application/json"
        for result in response.get_json().get("results", []):
            assert all("<script>" not in e["html"] for e in result["excerpts"])


def test_a_lone_surrogate_in_a_chat_message_or_pasted_text_is_no_500(client):
    body = '{"conversation_id": null, "message": "knee \\ud800 surgery"}'
    response = client.post("/api/chat", data=body, content_type="application/json")
    assert response.status_code == 200 and response.get_json()["total"] > 0
    pasted = '{"text": "lumbar MRI \\udc80 without red flags"}'
    assert client.post("/api/similar", data=pasted, content_type="application/json").status_code == 200


def test_api_search_filters_and_facets_by_reason_and_treatment_group(client):
    reason = "no functional improvement documented"
    data = client.get("/api/search", query_string={"q": "therapy", "reason": reason, "treatment": "therapy"}
                      ).get_json()
    assert data["total"] > 0 and set(data["facets"]["reason"]) >= {reason}
    assert set(data["facets"]["treatment_group"]) == {"therapy"}
    assert all(reason in r["reasons"] and r["treatment_group"] == "therapy" for r in data["results"])
    page = client.get("/", query_string={"q": "therapy"}).get_data(as_text=True)
    assert "Reason" in page and f"reason={reason.replace(' ', '+')}" in page


def test_determination_api_and_404(client):
    data = client.get(f"/api/determinations/{SEED}").get_json()
    assert data["doc_id"] == SEED and data["issues"][0]["decision"] == "Upheld"
    assert {"decision_date", "ur_denial_date", "date_assigned"} <= set(data)
    assert {"treatment_group", "reasons", "partial"} <= set(data["issues"][0])
    assert data["issues"][0]["treatment_group"] == "therapy" and data["issues"][0]["reasons"]
    page = client.get(f"/d/{SEED}").get_data(as_text=True)
    assert all(reason in page for reason in data["issues"][0]["reasons"])
    missing = client.get("/api/determinations/NOPE")
    assert missing.status_code == 404 and "error" in missing.get_json()


def test_similar_api(client):
    data = client.get(f"/api/similar/{SEED}").get_json()
    assert data["doc_id"] == SEED and SEED not in [r["doc_id"] for r in data["results"]]
    assert client.get("/api/similar/NOPE").status_code == 404
    pasted = client.post("/api/similar", json={"text": "Ambien nightly for a year for insomnia"})
    assert pasted.get_json()["results"][0]["treatment"] == "sleep aid"


def test_chat_refines_the_previous_question(client):
    first = client.post("/api/chat", json={"conversation_id": None,
                                           "message": "epidural steroid injection radiculopathy"})
    assert first.status_code == 200
    data = first.get_json()
    conversation, turn = data["conversation_id"], data["turn"]
    assert turn == 1 and {r["decision"] for r in data["results"]} == {"Upheld", "Overturned"}
    second = client.post("/api/chat", json={"conversation_id": conversation,
                                            "message": "only the overturned ones"}).get_json()
    assert second["turn"] == 2 and second["conversation_id"] == conversation
    assert second["results"] and all(r["decision"] == "Overturned" for r in second["results"])
    assert second["understood"]["filters"]["decision"] == "Overturned"
    assert second["results"][0]["treatment"] == "epidural steroid injection"
    third = client.post("/api/chat", json={"conversation_id": conversation,
                                           "message": "what about the knee?"}).get_json()
    assert third["understood"]["filters"]["body_part"] == "knee"
    assert third["understood"]["filters"]["decision"] == "Overturned"


@pytest.mark.parametrize("body, status", [
    ("not json", 400), ({"message": 5}, 400), ({"conversation_id": "nope", "message": "knee"}, 404),
    ({"message": ""}, 400), ({"message": "x" * (70 * 1024)}, 413),
])
def test_chat_bad_bodies(client, body, status):
    if isinstance(body, str):
        response = client.post("/api/chat", data=body, content_type="application/json")
    else:
        response = client.post("/api/chat", json=body)
    assert response.status_code == status
    assert "error" in response.get_json()


def test_wrong_method_is_a_json_405(client):
    response = client.get("/api/chat")
    assert response.status_code == 405 and "error" in response.get_json()


def test_pages_render_and_escape(client):
    home = client.get("/")
    assert home.status_code == 200 and b"<form" in home.data
    answer = client.get("/", query_string={"q": "<script>alert(1)</script> knee"})
    assert answer.status_code == 200
    assert b"<script>alert(1)</script>" not in answer.data
    assert b"&lt;script&gt;" in answer.data
    page = client.get(f"/d/{SEED}?q=functional+improvement")
    assert page.status_code == 200
    for section in ("how-made", "clinical-case-summary", "issue-1"):
        assert f'id="{section}"'.encode() in page.data
    assert b"<mark>functional improvement</mark>" in page.data
    assert b"Similar cases" in page.data
    assert client.get("/d/NOPE").status_code == 404
    assert client.get("/c/NOPE").status_code == 404


def test_security_headers_and_no_external_assets(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"http://" not in response.data and b"https://" not in response.data


def test_plain_form_conversation_without_javascript(client):
    response = client.post("/ask", data={"message": "TENS unit purchase"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "/c/" in location
    page = client.get(location.split("#")[0])
    assert page.status_code == 200 and b"TENS unit purchase" in page.data
    conversation = location.split("/c/")[1].split("#")[0]
    refined = client.post("/ask", data={"conversation_id": conversation,
                                        "set": "decision:Upheld"})
    assert refined.status_code == 303
    empty = client.post("/ask", data={"message": ""})
    assert empty.status_code == 400 and b"empty message" in empty.data


def test_conversation_survives_a_new_app(app, client, corpus_index, searcher):
    from webui import create_app

    data = client.post("/api/chat", json={"message": "Ambien long term"}).get_json()
    # a new app over the same index (the shared engine keeps the model loaded once)
    again = create_app({**app.config, "TESTING": True}).test_client()
    again.set_cookie("precedent_owner", client.get_cookie("precedent_owner").value)  # the same browser
    page = again.get(f"/c/{data['conversation_id']}")
    assert page.status_code == 200 and b"Ambien long term" in page.data


@pytest.mark.parametrize("path, body", [
    ("/api/chat", {"conversation_id": None, "message": "knee MRI", "mode": 5}),
    ("/api/chat", {"conversation_id": None, "message": "knee MRI", "mode": True}),
    ("/api/chat", {"conversation_id": None, "message": "knee MRI", "mode": ["keyword"]}),
    ("/api/similar", {"text": "lumbar MRI without red flags", "filters": "decision=Upheld"}),
    ("/api/similar", {"text": "lumbar MRI without red flags", "filters": ["decision"]}),
    ("/api/similar", {"text": "lumbar MRI without red flags", "filters": {"decision": {"$ne": 1}}}),
])
def test_json_bodies_of_the_wrong_shape_are_a_400(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 400 and "error" in response.get_json()


def test_json_nested_deeper_than_python_recurses_is_a_400(client):
    deep = '{"message": ' + "[" * 20000 + "]" * 20000 + "}"
    response = client.post("/api/chat", data=deep, content_type="application/json")
    assert response.status_code == 400 and "nested" in response.get_json()["error"]


def test_a_relative_instance_folder_is_read_from_the_working_directory(tmp_path, monkeypatch):
    from webui.app import create_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRECEDENT_INSTANCE", "instance")
    app = create_app({"TESTING": True})
    assert app.instance_path == str(tmp_path / "instance") and (tmp_path / "instance").is_dir()
