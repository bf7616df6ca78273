"""`pantau kibana import` against a local HTTP server that checks the request and answers like Kibana."""
from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.es.local import free_port
from crawler.kibana import objects

API_KEY = "c2VjcmV0LWtleS1pZDpzZWNyZXQta2V5"


class FakeKibana(ThreadingHTTPServer):
    answer_status: int = 200
    answer_body: Any = None
    expect_path: str = "/api/saved_objects/_import"
    expect_auth: str | None = None
    problems: list[str]
    requests: list[dict[str, Any]]


class Handler(BaseHTTPRequestHandler):
    server: FakeKibana

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self.server.problems.append(f"unexpected GET {self.path}")
        self._send(405, {"statusCode": 405})

    def do_POST(self) -> None:
        srv, problems = self.server, self.server.problems
        parts = urlsplit(self.path)
        if parts.path != srv.expect_path:
            problems.append(f"path {parts.path}")
        if parse_qs(parts.query) != {"overwrite": ["true"]}:
            problems.append(f"query {parts.query}")
        if self.headers.get("kbn-xsrf") is None:
            problems.append("no kbn-xsrf header")
        if self.headers.get("Authorization") != srv.expect_auth:
            problems.append(f"authorization {self.headers.get('Authorization')!r}")
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data; boundary="):
            problems.append(f"content type {ctype}")
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + body)
        files = [p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "file"]
        if len(files) != 1 or not str(files[0].get_filename()).endswith(".ndjson"):
            problems.append("no single `file` part with an .ndjson file name")
            lines: list[dict[str, Any]] = []
        else:
            lines = [json.loads(ln) for ln in files[0].get_payload(decode=True).decode("utf-8").splitlines()]
        srv.requests.append({"path": self.path, "objects": lines})
        if problems:
            self._send(400, {"statusCode": 400, "error": "Bad Request", "message": "; ".join(problems)})
            return
        answer = srv.answer_body(lines) if callable(srv.answer_body) else srv.answer_body
        self._send(srv.answer_status, answer)

    def _send(self, status: int, data: Any) -> None:
        raw = json.dumps(data).encode() if not isinstance(data, bytes) else data
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def kibana() -> Iterator[FakeKibana]:
    server = FakeKibana(("127.0.0.1", 0), Handler)
    server.problems, server.requests = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIBANA_API_KEY", "KIBANA_USERNAME", "KIBANA_PASSWORD", "KIBANA_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PANTAU_INDEX_PREFIX", "pantau-")


def _url(server: FakeKibana) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _success(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {"success": True, "successCount": len(lines),
            "successResults": [{"type": o["type"], "id": o["id"], "meta": {"title": o["attributes"]["title"]}}
                               for o in lines]}


def test_success_with_api_key_in_a_space(kibana: FakeKibana, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIBANA_API_KEY", API_KEY)
    kibana.expect_auth = f"ApiKey {API_KEY}"
    kibana.expect_path = "/s/bawaslu-jabar/api/saved_objects/_import"
    kibana.answer_body = _success
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", _url(kibana) + "/", "--space", "bawaslu-jabar"])
    assert kibana.problems == []
    assert result.exit_code == 0, result.output
    total = len(objects.load_objects())
    assert f"{total} of {total} objects imported" in result.output
    sent = kibana.requests[0]["objects"]
    assert {o["id"] for o in sent} == {o.id for o in objects.load_objects()}
    posts = next(o for o in sent if o["id"] == "pantau-posts")
    assert posts["attributes"]["title"] == "pantau-posts"
    assert API_KEY not in result.output


def test_basic_auth_from_the_environment_and_prefix(kibana: FakeKibana, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIBANA_USERNAME", "analis")
    monkeypatch.setenv("KIBANA_PASSWORD", "rahasia:123")
    monkeypatch.setenv("KIBANA_URL", _url(kibana))
    monkeypatch.setenv("PANTAU_INDEX_PREFIX", "prov32-")
    kibana.expect_auth = "Basic " + base64.b64encode(b"analis:rahasia:123").decode()
    kibana.answer_body = _success
    result = CliRunner().invoke(cli, ["kibana", "import"])
    assert kibana.problems == []
    assert result.exit_code == 0, result.output
    ids = {o["id"] for o in kibana.requests[0]["objects"]}
    assert "prov32-posts" in ids and "pantau-posts" not in ids
    assert "rahasia" not in result.output


def test_partial_errors_are_each_reported(kibana: FakeKibana, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIBANA_API_KEY", API_KEY)
    kibana.expect_auth = f"ApiKey {API_KEY}"
    kibana.answer_body = lambda lines: {
        "success": False, "successCount": len(lines) - 3,
        "errors": [
            {"id": "pantau-lens-platforms", "type": "lens", "title": "Pantau — sebaran platform",
             "meta": {"title": "Pantau — sebaran platform", "icon": "lensApp"},
             "error": {"type": "missing_references",
                       "references": [{"type": "index-pattern", "id": "pantau-posts"}]}},
            {"id": "pantau-search-deleted", "type": "search", "meta": {"title": "Pantau — posting yang dihapus"},
             "error": {"type": "conflict", "destinationId": "abc-123"}},
            {"id": "pantau-posts", "type": "index-pattern", "title": "pantau-posts",
             "error": {"type": "unknown", "message": "mapper_parsing_exception\nbad field", "statusCode": 400}},
        ]}
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", _url(kibana)])
    assert kibana.problems == []
    assert result.exit_code == 1
    total = len(objects.load_objects())
    assert f"{total - 3} of {total} objects imported" in result.output
    err = result.stderr
    assert "lens/pantau-lens-platforms (Pantau — sebaran platform): missing_references: missing " \
           "index-pattern/pantau-posts" in err
    assert "search/pantau-search-deleted (Pantau — posting yang dihapus): conflict: conflicts with abc-123" in err
    assert "index-pattern/pantau-posts (pantau-posts): unknown: mapper_parsing_exception bad field" in err
    assert err.strip().splitlines()[-1] == "Error: Kibana reported 3 error(s) while importing"


def test_refused_credentials_give_one_clear_line(kibana: FakeKibana, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIBANA_API_KEY", API_KEY)
    kibana.expect_auth = f"ApiKey {API_KEY}"
    kibana.answer_status = 401
    kibana.answer_body = {"statusCode": 401, "error": "Unauthorized", "message": "[security_exception] unable to "
                          "authenticate with provided credentials and anonymous access is not allowed"}
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", _url(kibana)])
    assert kibana.problems == []
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "refused the credentials (HTTP 401" in lines[0] and "KIBANA_API_KEY" in lines[0]
    assert API_KEY not in result.output


def test_unreachable_and_odd_answers_are_one_line(kibana: FakeKibana) -> None:
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 1 and "not reachable" in result.output
    assert len(result.output.strip().splitlines()) == 1
    kibana.answer_status = 500
    kibana.answer_body = b"<html>Internal Server Error</html>"
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", _url(kibana)])
    assert result.exit_code == 1 and "answered HTTP 500" in result.output
    kibana.answer_status = 200
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", _url(kibana)])
    assert result.exit_code == 1 and "not an import result" in result.output
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", "ftp://kibana"])
    assert result.exit_code == 1 and "http(s)" in result.output
    assert kibana.problems == []
