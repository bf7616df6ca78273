"""The local Elasticsearch lifecycle, with servers of their own: stop/start mid-indexing, security, CLI errors."""
from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from conftest import start_test_server
from crawler.es.client import EsConfig, EsUnavailable, check_connection, make_client
from crawler.es.indexer import PostIndexer
from crawler.es.local import free_port
from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.items import post_doc_id
from test_index_pipeline import make_posts
from tests.process_support import run_pantau

pytestmark = pytest.mark.own_es


def test_stop_during_indexing_then_restart_loses_nothing(tmp_path: Path) -> None:
    server = start_test_server("restart")
    try:
        client = Elasticsearch(server.url, request_timeout=5, max_retries=0)
        prefix = "restart-"
        apply_templates(client, prefix)
        indexer = PostIndexer(client, prefix, Spool(tmp_path / "spool"), DeadLetters(tmp_path / "deadletter"),
                              max_retries=2, backoff=0.2)
        posts = make_posts(2000)
        bad_ids = {f"kanal_dinas/{i}" for i in (17, 1234, 1999)}
        for post in posts:
            if post["post_id"] in bad_ids:
                post["engagement"]["views"] = "tidak terhitung"  # rejected by the mapping
        batches = [posts[i:i + 100] for i in range(0, len(posts), 100)]
        first_done = threading.Event()
        results = []

        def crawl() -> None:
            for number, batch in enumerate(batches):
                results.append(indexer.index_posts(batch))
                if number == 2:
                    first_done.set()

        worker = threading.Thread(target=crawl)
        worker.start()
        assert first_done.wait(120)
        server.stop()  # Elasticsearch goes away mid-crawl
        worker.join(300)
        assert not worker.is_alive()
        spooled = sum(r.spooled for r in results)
        assert spooled > 0, "some batches must have met the stopped server"
        assert Spool(tmp_path / "spool").pending() == spooled

        server.start()  # same data directory: what was indexed before stays
        replayed = indexer.replay_spool()
        assert replayed.spooled == 0 and Spool(tmp_path / "spool").pending() == 0
        client.indices.refresh(index=f"{prefix}posts")
        expected = {post_doc_id("telegram", p["post_id"]) for p in posts if p["post_id"] not in bad_ids}
        hits = client.search(index=f"{prefix}posts", size=5000, source=False, query={"match_all": {}})
        ids = [h["_id"] for h in hits["hits"]["hits"]]
        assert len(ids) == len(set(ids)) == len(expected)
        assert set(ids) == expected
        rejected = DeadLetters(tmp_path / "deadletter").read_all()
        assert {e["item"]["post_id"] for e in rejected} == bad_ids
        assert len(rejected) == len(bad_ids)
    finally:
        server.stop()
        shutil.rmtree(server.instance_dir, ignore_errors=True)


def test_security_on_credentials_and_clear_error(caplog: pytest.LogCaptureFixture) -> None:
    password = "rahasia-Uji-9431"
    server = start_test_server("secured", security_password=password)
    try:
        good = make_client(EsConfig(url=server.url, username="elastic", password=password))
        assert check_connection(good, server.url)["status"] in ("green", "yellow")
        anonymous = make_client(EsConfig(url=server.url))
        wrong = make_client(EsConfig(url=server.url, username="elastic", password="salah-sandi"))
        caplog.set_level(logging.DEBUG)
        for client in (wrong, anonymous):
            with pytest.raises(EsUnavailable) as failure:
                check_connection(client, server.url)
            message = str(failure.value)
            assert "\n" not in message and "401" in message and "credentials" in message
            assert password not in message and "salah-sandi" not in message
        assert password not in caplog.text and "salah-sandi" not in caplog.text
        assert password not in server.state_file.read_text()
        assert password not in repr(EsConfig(url=server.url, username="elastic", password=password))
    finally:
        server.stop()
        shutil.rmtree(server.instance_dir, ignore_errors=True)


def _pantau(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_pantau(list(args), env={**os.environ, **env}, cwd=os.getcwd(), timeout=600)


def test_cli_start_status_setup_stop(tmp_path: Path) -> None:
    env = {"ES_LOCAL_NAME": f"cli-{os.getpid()}", "ES_LOCAL_PORT": str(free_port()), "ES_LOCAL_HEAP": "512m",
           "PANTAU_HOME": str(tmp_path), "PANTAU_INDEX_PREFIX": "cli-"}
    os.environ.pop("ES_URL", None)
    try:
        started = _pantau("es", "start", env=env)
        assert started.returncode == 0, started.stderr
        assert f"127.0.0.1:{env['ES_LOCAL_PORT']}" in started.stdout
        status = _pantau("es", "status", env=env)
        assert status.returncode == 0 and '"running": true' in status.stdout
        first = _pantau("es", "setup", "--no-defaults", env=env)
        assert first.returncode == 0, first.stderr
        second = _pantau("es", "setup", "--no-defaults", env=env)
        assert "0 created, 0 updated" in second.stdout
    finally:
        stopped = _pantau("es", "stop", env=env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert _pantau("es", "status", env=env).returncode == 1


def test_port_taken_is_reported(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = _pantau("es", "start", env={"ES_LOCAL_NAME": "taken", "ES_LOCAL_PORT": str(port),
                                             "PANTAU_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "taken" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_download_failure_is_reported(tmp_path: Path) -> None:
    result = _pantau("es", "start", env={"ES_LOCAL_NAME": "nodownload", "ES_LOCAL_VERSION": "0.0.1-tidak-ada",
                                         "ES_LOCAL_PORT": str(free_port()), "PANTAU_CACHE": str(tmp_path / "cache"),
                                         "PANTAU_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "download of Elasticsearch 0.0.1-tidak-ada failed" in result.stderr


def test_unreachable_cluster_is_reported(tmp_path: Path) -> None:
    result = _pantau("es", "setup", env={"ES_URL": "http://127.0.0.1:1", "PANTAU_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "not reachable" in result.stderr and len(result.stderr.strip().splitlines()) == 1
