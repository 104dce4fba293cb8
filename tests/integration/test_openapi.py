"""The API description (webui/openapi.json) matches the app's routes, and requests generated from it,
valid and invalid alike, never make the real app (real index, real model) answer with a 5xx."""

from __future__ import annotations

import json
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.paths import ROOT

SPEC = json.loads((ROOT / "webui" / "openapi.json").read_text())
EXAMPLES = int(os.environ.get("PRECEDENT_SCHEMATHESIS_EXAMPLES", "15"))


def test_the_description_names_every_route_of_the_app(app):
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule): rule.methods - {"HEAD", "OPTIONS"}
              for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    described = {path: {method.upper() for method in operations}
                 for path, operations in SPEC["paths"].items()}
    assert described == routes


def test_the_description_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.get_json() == SPEC


@pytest.fixture
def web_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("web_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_is_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error])
