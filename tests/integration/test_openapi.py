"""The API description (webui/openapi.json) matches the app's routes, and requests generated from it,
valid and invalid alike, never make the real app (real index, real model) answer with a 5xx."""

from __future__ import annotations

import json
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.paths import ROOT

SPEC = json.loads((ROOT / "webui" / "openapi.json").read_text())
EXAMPLES = int(os.environ.get("PRECEDENT_SCHEMATHESIS_EXAMPLES", "10"))


def test_the_description_names_every_route_of_the_app(app):
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():  # one path may have a rule per method
        if rule.endpoint != "static":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    described = {path: {method.upper() for method in operations}
                 for path, operations in SPEC["paths"].items()}
    assert described == routes


def test_the_description_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.get_json() == SPEC


OPERATIONS = [result.ok().label for result in
              schemathesis.openapi.from_path(ROOT / "webui" / "openapi.json").get_all_operations()]
# Invalid requests can only be made where something is constrained: a query string or a body.
CONSTRAINED = {f"{method.upper()} {path}" for path, operations in SPEC["paths"].items()
               for method, operation in operations.items()
               if operation.get("requestBody")
               or any(parameter["in"] == "query" for parameter in operation.get("parameters", []))}
CASES = [(label, GenerationMode.POSITIVE) for label in OPERATIONS] + \
        [(label, GenerationMode.NEGATIVE) for label in OPERATIONS if label in CONSTRAINED]


@pytest.mark.parametrize("label, mode", CASES, ids=[f"{label} {mode.value}" for label, mode in CASES])
def test_no_generated_request_is_a_server_error(app, label, mode):
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app).find_operation_by_label(label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def never_a_5xx(case):
        case.call_and_validate(checks=[not_a_server_error])

    never_a_5xx()
