"""Shared test fixtures: one real local Elasticsearch per test run, unique index prefixes, a PANTAU_HOME per test.

The server is the project's own (`crawler.es.local`), started once per session on a free port. Set
`PANTAU_TEST_ES_URL` to reuse an already running local server instead (handy while developing). When the server
cannot start, the session fails loudly with the reason; tests never skip silently. `social_site` is the fixture
site the Instagram, Facebook and Threads browser tests crawl.
"""
from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")

from crawler.config import load_settings  # noqa: E402
from crawler.es.client import make_client, EsConfig  # noqa: E402
from crawler.es.local import LocalElasticsearch, LocalEsError, free_port  # noqa: E402
from crawler.es.setup import delete_namespace  # noqa: E402

if TYPE_CHECKING:
    from crawler.mocksite import MockSite


def start_test_server(name: str, **kwargs: object) -> LocalElasticsearch:
    """A fresh local server on a free port (for tests that stop or reconfigure their own)."""
    settings = load_settings()
    server = LocalElasticsearch(version=settings.get("ES_LOCAL_VERSION"), cache_dir=Path(settings.get("PANTAU_CACHE")),
                                name=f"{name}-{os.getpid()}", port=free_port(), heap="512m", **kwargs)  # type: ignore[arg-type]
    try:
        server.start()
    except LocalEsError as exc:
        pytest.fail(f"local Elasticsearch could not start: {exc}", pytrace=False)
    return server


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    external = os.environ.get("PANTAU_TEST_ES_URL")
    if external:
        yield external.rstrip("/")
        return
    server = start_test_server("tests")
    try:
        yield server.url
    finally:
        server.stop()
        import shutil

        shutil.rmtree(server.instance_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def es_client(es_url: str):  # type: ignore[no-untyped-def]
    client = make_client(EsConfig(url=es_url, timeout=60))
    health = client.cluster.health(wait_for_status="yellow", timeout="60s")
    assert health["status"] in ("green", "yellow"), health
    yield client
    client.close()


@pytest.fixture
def index_prefix(es_client) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A unique index prefix; every index and template under it is deleted after the test."""
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    yield prefix
    delete_namespace(es_client, prefix)


@pytest.fixture
def pantau_env(tmp_path: Path, es_url: str, index_prefix: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for code under test: the test server, a unique prefix and a private PANTAU_HOME."""
    env = {"ES_URL": es_url, "PANTAU_INDEX_PREFIX": index_prefix, "PANTAU_HOME": str(tmp_path / "home")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def social_site() -> Iterator[MockSite]:
    """The fixture site for the Instagram, Facebook and Threads browser tests: a real HTTP server on 127.0.0.1
    (port 0) serving a fresh copy of tests/data/worlds/browser_social.json (a test may change its World)."""
    from tests.browser_support import open_social_site

    with open_social_site() as site:
        yield site
