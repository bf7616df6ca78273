"""Import saved objects into Kibana over HTTP (standard library only).

`POST {url}[/s/{space}]/api/saved_objects/_import?overwrite=true` with the NDJSON as a multipart file, the
`kbn-xsrf` header, and an API key (`Authorization: ApiKey ...`) or user/password (basic). Kibana answers
`{"success", "successCount", "errors": [{"id", "type", "title", "error": {"type", ...}}]}`; refused credentials,
an unreachable server or an unexpected answer become `KibanaError` with one line that never holds a secret.
"""
from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

logger = logging.getLogger(__name__)

IMPORT_PATH = "/api/saved_objects/_import"


class KibanaError(RuntimeError):
    """Kibana cannot be reached, refuses us or answers oddly; one clear line without secrets."""


class KibanaAuthError(KibanaError):
    """Kibana refused the credentials (401/403)."""


@dataclass(frozen=True)
class KibanaConfig:
    url: str
    api_key: str = ""
    username: str = ""
    password: str = ""
    space: str = ""
    timeout: float = 60.0

    def __repr__(self) -> str:  # never show secrets
        auth = "api_key" if self.api_key else ("basic" if self.username else "none")
        return f"KibanaConfig(url={self.url!r}, space={self.space!r}, auth={auth})"


@dataclass
class ImportProblem:
    type: str
    id: str
    title: str
    error_type: str
    detail: str = ""

    def line(self) -> str:
        title = f" ({self.title})" if self.title else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.type}/{self.id}{title}: {self.error_type}{detail}"


@dataclass
class ImportResult:
    success: bool
    success_count: int
    problems: list[ImportProblem] = field(default_factory=list)


def import_url(config: KibanaConfig) -> str:
    parts = urlsplit(config.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KibanaError(f"Kibana URL must be http(s)://host[:port], got {config.url!r}")
    base = config.url.rstrip("/")
    space = f"/s/{quote(config.space, safe='')}" if config.space and config.space != "default" else ""
    return f"{base}{space}{IMPORT_PATH}?overwrite=true"


def multipart(ndjson: str, filename: str = "pantau.ndjson") -> tuple[bytes, str]:
    """(body, content type) of a form with one file field `file`."""
    boundary = f"----pantau{uuid.uuid4().hex}"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/ndjson\r\n\r\n")
    body = head.encode() + ndjson.encode("utf-8") + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _headers(config: KibanaConfig, content_type: str) -> dict[str, str]:
    headers = {"kbn-xsrf": "true", "Content-Type": content_type, "Accept": "application/json",
               "User-Agent": "pantau-netralitas"}
    if config.api_key:
        headers["Authorization"] = f"ApiKey {config.api_key}"
    elif config.username:
        token = base64.b64encode(f"{config.username}:{config.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    return headers


def _problem(entry: dict[str, Any]) -> ImportProblem:
    error = entry.get("error") or {}
    error_type = str(error.get("type", "unknown"))
    detail = ""
    if error_type == "missing_references":
        detail = "missing " + ", ".join(f"{r.get('type')}/{r.get('id')}" for r in error.get("references", []))
    elif error_type == "conflict" and error.get("destinationId"):
        detail = f"conflicts with {error.get('destinationId')}"
    elif error.get("message") or error.get("reason"):
        detail = str(error.get("message") or error.get("reason"))
    title = str(entry.get("title") or (entry.get("meta") or {}).get("title") or "")
    return ImportProblem(str(entry.get("type", "?")), str(entry.get("id", "?")), title, error_type,
                         " ".join(detail.split()))


def _answer_message(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(data, dict):
        return " ".join(str(data.get("message") or data.get("error") or "").split())[:300]
    return ""


def import_objects(config: KibanaConfig, ndjson: str) -> ImportResult:
    """Send the objects; the result says how many were imported and each object's error."""
    url = import_url(config)
    body, content_type = multipart(ndjson)
    request = urllib.request.Request(url, data=body, method="POST", headers=_headers(config, content_type))
    logger.info("importing saved objects into %s", url)
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310 (http/https only)
            raw = response.read()
    except urllib.error.HTTPError as exc:
        message = _answer_message(exc.read() or b"")
        if exc.code in (401, 403):
            raise KibanaAuthError(
                f"Kibana at {config.url} refused the credentials (HTTP {exc.code}"
                f"{': ' + message if message else ''}): check KIBANA_API_KEY or KIBANA_USERNAME/KIBANA_PASSWORD"
            ) from None
        raise KibanaError(f"Kibana at {config.url} answered HTTP {exc.code}"
                          f"{': ' + message if message else ''}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KibanaError(f"Kibana at {config.url} is not reachable ({reason}); check KIBANA_URL or --url") from None
    try:
        data = json.loads(raw)
        success_count = int(data.get("successCount", 0))
        errors = data.get("errors") or []
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
        raise KibanaError(f"Kibana at {config.url} answered something that is not an import result") from None
    problems = [_problem(e) for e in errors if isinstance(e, dict)]
    return ImportResult(bool(data.get("success")) and not problems, success_count, problems)
