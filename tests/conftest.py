"""Shared fixtures: the real encoder, one index over corpus/ per session, the Flask app."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from tests.paths import CORPUS, REAL, SEEDS

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# Property tests: a modest number of examples by default (CI), more with PRECEDENT_HYPOTHESIS=deep.
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.register_profile("deep", max_examples=5000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("PRECEDENT_HYPOTHESIS", "ci"))



@pytest.fixture(scope="session")
def encoder():
    from indexer.encoder import Encoder

    return Encoder()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, encoder) -> Path:
    """An index over corpus/ (five seeds, 45 synthetic letters), built once with the real model."""
    from indexer import settings
    from indexer.ingest.build import build

    directory = tmp_path_factory.mktemp("corpus-index")
    report = build([CORPUS], settings.load(index=str(directory)), encoder=encoder)
    assert report.determinations == 50 and not report.failed
    return directory


@pytest.fixture(scope="session")
def searcher(corpus_index, encoder):
    from indexer import settings
    from indexer.search.searcher import Searcher

    return Searcher(settings.load(index=str(corpus_index)), encoder=encoder)


@pytest.fixture
def app(corpus_index, searcher, tmp_path):
    from indexer import settings
    from indexer.engine import Engine
    from webui import create_app

    configured = settings.load(index=str(corpus_index))
    return create_app({
        "TESTING": True,
        "PRECEDENT": configured,
        # share the session's open index and model
        "PRECEDENT_ENGINE": Engine(configured, searcher=searcher),
        "CONVERSATIONS": str(tmp_path / "conversations.sqlite"),
    })


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def letters_dir(tmp_path) -> Path:
    """A folder holding copies of the five seeds."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    return folder


@pytest.fixture(scope="session")
def seed_searcher(tmp_path_factory, encoder):
    """A searcher over an index of the five real seeds alone."""
    from indexer import settings
    from indexer.ingest.build import build
    from indexer.search.searcher import Searcher

    directory = tmp_path_factory.mktemp("seed-index")
    build(SEEDS, settings.load(index=str(directory)), encoder=encoder)
    return Searcher(settings.load(index=str(directory)), encoder=encoder)


@pytest.fixture(scope="session")
def real_searcher(tmp_path_factory, encoder):
    """A searcher over the 194 real letters in ../shared/real; skipped where they are absent."""
    if not (REAL / "text").is_dir():
        pytest.skip(f"no real letters at {REAL}")
    from indexer import settings
    from indexer.ingest.build import build
    from indexer.search.searcher import Searcher

    directory = tmp_path_factory.mktemp("real-index")
    report = build([REAL / "text"], settings.load(index=str(directory)), encoder=encoder)
    assert report.determinations == 194 and not report.failed
    return Searcher(settings.load(index=str(directory)), encoder=encoder)
