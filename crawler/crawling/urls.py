"""The platforms' real base URLs and the `--base-url` override (tests and mirrors).

`rewrite(url, base)` replaces the scheme and host of a real platform URL and keeps its path and query:
`https://t.me/s/chan` → `BASE/s/chan`. Every spider builds its URLs with `platform_url()` so the override applies
to every request it makes, including pagination.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

# Real bases per platform (Mastodon: the account's own instance, `https://{instance}`).
PLATFORM_BASES: dict[str, str] = {
    "telegram": "https://t.me",
    "bluesky": "https://public.api.bsky.app",
    "bluesky_web": "https://bsky.app",
    "youtube": "https://www.youtube.com",
    "x": "https://x.com",
    "instagram": "https://www.instagram.com",
    "tiktok": "https://www.tiktok.com",
    "facebook": "https://www.facebook.com",
    "threads": "https://www.threads.net",
}


def rewrite(url: str, base: str | None) -> str:
    """Point a real URL at `base` (scheme, host and optional path prefix), keeping path and query."""
    if not base:
        return url
    real = urlsplit(url)
    mirror = urlsplit(base.rstrip("/"))
    path = (mirror.path.rstrip("/") + real.path) or "/"
    return urlunsplit((mirror.scheme, mirror.netloc, path, real.query, ""))


def platform_url(platform: str, path_and_query: str, base: str | None = None, *, instance: str = "") -> str:
    """A platform URL from its path (`/s/chan`), honouring the override."""
    real_base = f"https://{instance}" if instance else PLATFORM_BASES[platform]
    return rewrite(real_base + path_and_query, base)
