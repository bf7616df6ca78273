"""Register the browser platforms' fixture pages (X, TikTok, ...) with the MockSite (`install()`; idempotent).

One base URL stands in for every platform, so paths shared by several (`/<handle>` on X, Instagram and Facebook;
`/@<handle>` on TikTok and Threads) are dispatched by which platform the World has that handle on; so are the
login pages (by the `next` path they return to) and `/api/graphql` (by the query's friendly name).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable

from crawler.mocksite.browser_common import STATIC_PREFIX, serve_static

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

_PAGE_MODULES = ("render_x", "render_instagram", "render_facebook")
_AT_MODULES = ("render_tiktok", "render_threads")


def _modules(names: tuple[str, ...]) -> list[object]:
    found = []
    for name in names:
        try:
            found.append(importlib.import_module(f"crawler.mocksite.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"crawler.mocksite.{name}":
                raise
    return found


def _first(names: tuple[str, ...], attr: str = "serve_page") -> Callable[[MockSite, Request], Reply | None]:
    def serve(site: MockSite, request: Request) -> Reply | None:
        for module in _modules(names):
            handler = getattr(module, attr, None)
            reply = handler(site, request) if handler else None
            if reply is not None:
                return reply
        return None
    return serve


def _lazy(module: str, attr: str) -> Callable[[MockSite, Request], Reply | None]:
    def serve(site: MockSite, request: Request) -> Reply | None:
        return getattr(importlib.import_module(f"crawler.mocksite.{module}"), attr)(site, request)
    return serve


ROUTES = {
    "/": _first(_PAGE_MODULES),
    "/@": _first(_AT_MODULES),
    "/i/api/graphql/": _lazy("render_x", "serve_graphql"),
    "/api/post/item_list/": _lazy("render_tiktok", "serve_item_list"),
    "/login": _first(("render_facebook", "render_threads", "render_tiktok"), "serve_login"),
    "/checkpoint/": _lazy("render_facebook", "serve_checkpoint"),
    "/api/v1/users/web_profile_info/": _lazy("render_instagram", "serve_profile_info"),
    "/graphql/query": _lazy("render_instagram", "serve_graphql"),
    "/api/graphql": _first(("render_facebook", "render_threads"), "serve_graphql"),
    STATIC_PREFIX: serve_static,
}


def install() -> None:
    from crawler.mocksite.server import register_route

    for prefix, renderer in ROUTES.items():
        register_route(prefix, renderer)
