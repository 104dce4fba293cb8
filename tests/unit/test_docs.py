"""Every setting is documented in the README (Datasette's test_settings_are_documented)."""

import pytest

from indexer.settings import SETTINGS, load
from tests.paths import ROOT

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_settings_are_documented(setting):
    assert f"| `{setting.name}` | `{setting.env}` | {setting.default} |" in README


def test_readme_starts_with_the_two_setup_commands():
    head = README.split("```")[1]
    assert "make run" in head and "make test" in head


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("PRECEDENT_SEMANTIC_WEIGHT", "0.25")
    assert load().semantic_weight == 0.25
    assert load(semantic_weight=0.5).semantic_weight == 0.5
