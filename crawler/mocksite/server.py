"""MockSite: a threaded HTTP server on 127.0.0.1 (port 0) serving a World with the platforms' real structures.

Routing is by the real paths (one base URL stands in for every platform, as `--base-url` keeps paths):
`ROUTES` maps a path prefix to a renderer `(site, request) -> Reply | None`; the longest matching prefix wins.
Other renderers (X, TikTok, ... pages for the browser spiders) register with `register_route()`. Every request is
recorded in `site.requests` for tests. `/robots.txt` allows everything.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from crawler.mocksite.world import World, WorldAccount

logger = logging.getLogger(__name__)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    target: str  # path and query as sent


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def data(self) -> bytes:
        # surrogateescape: a world text may carry raw invalid UTF-8 bytes as lone surrogates ("\udcff")
        return self.body.encode("utf-8", "surrogateescape") if isinstance(self.body, str) else self.body


Renderer = Callable[["MockSite", Request], "Reply | None"]
ROUTES: dict[str, Renderer] = {}


def register_route(prefix: str, renderer: Renderer) -> None:
    """Add a renderer for a path prefix (e.g. "/@" for TikTok profiles)."""
    ROUTES[prefix] = renderer


def _robots(site: MockSite, request: Request) -> Reply:
    return Reply(body="User-agent: *\nAllow: /\n", content_type="text/plain; charset=utf-8")


class MockSite:
    def __init__(self, world: World, routes: dict[str, Renderer] | None = None) -> None:
        _load_default_routes()
        self.world = world
        self.routes: dict[str, Renderer] = {"/robots.txt": _robots, **(routes if routes is not None else ROUTES)}
        self.requests: list[Request] = []
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------------------------------------------------
    def start(self) -> str:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                site._serve(self)

            def do_HEAD(self) -> None:  # noqa: N802
                site._serve(self, head=True)

            def log_message(self, format: str, *args: object) -> None:
                logger.debug("mocksite: " + format, *args)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="mocksite", daemon=True)
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MockSite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving ---------------------------------------------------------------------------------------------------
    def _serve(self, handler: BaseHTTPRequestHandler, head: bool = False) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = Request(handler.command, parts.path, query, {k.lower(): v for k, v in handler.headers.items()},
                          handler.path)
        with self._lock:
            self.requests.append(request)
        try:
            reply = self.dispatch(request)
        except Exception as exc:  # a renderer bug must show as a 500, not hang the client
            logger.exception("mocksite renderer failed for %s", handler.path)
            reply = Reply(500, f"renderer error: {exc}", "text/plain; charset=utf-8")
        data = reply.data()
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        try:
            handler.end_headers()
            if not head:
                handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a `timeout` account)
            logger.debug("mocksite: client closed the connection before %s was sent", handler.path)

    def dispatch(self, request: Request) -> Reply:
        for prefix in sorted(self.routes, key=len, reverse=True):
            if request.path.startswith(prefix):
                reply = self.routes[prefix](self, request)
                if reply is not None:
                    return reply
        return Reply(404, "<html><body><h1>404 Not Found</h1></body></html>")

    # -- helpers for renderers ---------------------------------------------------------------------------------------
    def gate(self, account: WorldAccount, *, key: str = "") -> Reply | None:
        """The failure an account is set up to produce on this request (None: serve normally)."""
        with self._lock:
            self.hits[key or f"{account.platform}:{account.handle}"] += 1
            hit = self.hits[key or f"{account.platform}:{account.handle}"]
        status = account.status
        delay_ms = float(account.extra.get("delay_ms", 0) or 0)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)
        if status == "timeout":
            time.sleep(float(account.extra.get("hang_seconds", 5)))
            return Reply(504, "<html><body><h1>504 Gateway Timeout</h1></body></html>")
        if status == "garbage":
            return Reply(200, garbage_bytes(f"{account.platform}:{account.handle}:{hit}"))
        if status == "rate_limited_once" and hit == 1:
            return Reply(429, '{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}',
                         "application/json; charset=utf-8", {"Retry-After": "0"})
        if status == "server_error" or (status == "server_error_once" and hit == 1):
            return Reply(500, "<html><body><h1>500 Internal Server Error</h1></body></html>")
        if status == "flaky_404_once" and hit == 1:
            return Reply(404, "<html><body><h1>404 Not Found</h1></body></html>")
        return None

    def requests_to(self, prefix: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(prefix)]


def garbage_bytes(seed: str, size: int = 8192) -> bytes:
    """Deterministic binary junk (NUL bytes and invalid UTF-8 sequences included) for a `garbage` account."""
    rng = random.Random(seed)
    return b"\x00\xff\xfe\xc3\x28" + bytes(rng.randrange(256) for _ in range(size))


def truncate(body: str) -> str:
    """A malformed page: the body cut in the middle (as a dropped connection or a broken proxy leaves it)."""
    return body[: max(1, len(body) * 2 // 5)]


_DEFAULTS_LOADED = False


def _load_default_routes() -> None:
    """Register the built-in renderers once (lazily: avoids an import cycle)."""
    global _DEFAULTS_LOADED
    if _DEFAULTS_LOADED:
        return
    _DEFAULTS_LOADED = True
    import importlib

    for name in ("render_telegram", "render_bluesky", "render_mastodon", "render_youtube", "render_web"):
        try:
            module = importlib.import_module(f"crawler.mocksite.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"crawler.mocksite.{name}":
                raise
            continue
        for prefix, renderer in module.ROUTES.items():
            ROUTES.setdefault(prefix, renderer)
    from crawler.mocksite import browser_routes  # the browser platforms' pages (X, TikTok, ...)

    browser_routes.install()
