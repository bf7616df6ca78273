"""Shared pieces of the browser platforms' fixture pages: cookies/sessions, static files, HTML shells, cursors,
GraphQL `variables`, embedded Relay data (`data-sjs`)."""
from __future__ import annotations

import base64
import html
import json
import re
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.mocksite.server import Reply, Request

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/pantau-mock-static/"
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
# Session cookie per platform (what a logged-in browser sends); a value starting with "expired" is a dead session.
SESSION_COOKIES = {"x": "auth_token", "instagram": "sessionid", "tiktok": "sessionid", "facebook": "c_user",
                   "threads": "sessionid"}


def cookies(request: Request) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(request.headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is "no cookies"
        return {}
    return {k: m.value for k, m in jar.items()}


def session_state(request: Request, platform: str) -> str:
    """none | valid | expired."""
    value = cookies(request).get(SESSION_COOKIES[platform], "")
    if not value:
        return "none"
    return "expired" if value.startswith("expired") else "valid"


def encode_cursor(offset: int) -> str:
    return "DAAHCgAB" + base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor or not cursor.startswith("DAAHCgAB"):
        return 0
    raw = cursor[8:]
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        return int(text.split(":", 1)[1])
    except (ValueError, IndexError):
        return 0


GRAPHQL_ERROR = '{"errors":[{"message":"bad variables"}]}'


def graphql_variables(request: Request, error: str = GRAPHQL_ERROR) -> dict[str, Any] | Reply:
    """The JSON object a GraphQL GET carries in its `variables` parameter; a 400 reply with the platform's `error`
    body when that is not a JSON object (callers return it as it is)."""
    from crawler.mocksite.server import Reply

    try:
        variables = json.loads(request.query.get("variables", "{}"))
    except ValueError:
        variables = None
    return variables if isinstance(variables, dict) else Reply(400, error, JSON)


def relay_script(preloader: str, data: dict[str, Any]) -> str:
    """A `<script type="application/json" data-sjs>` blob as Meta's web apps (Instagram, Facebook, Threads) embed a
    preloaded Relay query: ScheduledServerJS → RelayPrefetchedStreamCache → [preloader, {result: {data}}]."""
    blob = {"require": [["ScheduledServerJS", "handle", None, [{"__bbox": {"require": [[
        "RelayPrefetchedStreamCache", "next", [], [preloader, {"__bbox": {"complete": True, "result": {"data": data}}}]
    ]]}}]]]}
    text = json.dumps(blob, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" data-content-len="{len(text)}" data-sjs>{text}</script>'


def shell(title: str, body: str, script: str = "") -> str:
    src = f'<script src="{STATIC_PREFIX}{script}"></script>' if script else ""
    return (f"<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<link rel=\"stylesheet\" href=\"{STATIC_PREFIX}app.css\"></head>"
            f"<body>{body}<div style=\"height:40px\"></div>{src}</body></html>")


def serve_static(site: object, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    name = request.path[len(STATIC_PREFIX):]
    if not re.fullmatch(r"[a-z_]+\.(js|png|css)", name):
        return None
    if name == "app.css":
        return Reply(body="article{border:1px solid #ccc;margin:8px;padding:12px;min-height:160px;font:16px sans-serif}"
                     "img{width:48px;height:48px}", content_type="text/css; charset=utf-8")
    path = STATIC_DIR / name
    if not path.is_file():
        return None
    types = {"js": "application/javascript; charset=utf-8", "png": "image/png"}
    return Reply(body=path.read_bytes(), content_type=types[name.rsplit(".", 1)[1]])
