"""Which spider crawls which platform, and which platform a profile URL belongs to."""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.utils.misc import load_object

SPIDERS: dict[str, str] = {
    "telegram": "spiders.telegram.TelegramSpider",
    "bluesky": "spiders.bluesky.BlueskySpider",
    "mastodon": "spiders.mastodon.MastodonSpider",
    "youtube": "spiders.youtube.YouTubeSpider",
    "web": "spiders.web.WebSpider",
    "x": "spiders.x.XSpider",
    "instagram": "spiders.instagram.InstagramSpider",
    "tiktok": "spiders.tiktok.TikTokSpider",
    "facebook": "spiders.facebook.FacebookSpider",
    "threads": "spiders.threads.ThreadsSpider",
}

# Hosts of the platforms' own profile URLs (Mastodon has many instances: recognised by its `/@user` path).
_HOSTS: dict[str, str] = {
    "t.me": "telegram", "telegram.me": "telegram",
    "bsky.app": "bluesky",
    "youtube.com": "youtube", "m.youtube.com": "youtube",
    "x.com": "x", "twitter.com": "x", "mobile.twitter.com": "x",
    "instagram.com": "instagram",
    "tiktok.com": "tiktok",
    "facebook.com": "facebook", "m.facebook.com": "facebook", "web.facebook.com": "facebook",
    "threads.net": "threads", "threads.com": "threads",
}


class UnknownPlatformError(ValueError):
    pass


def spider_class(platform: str) -> type:
    """The spider class of a platform; a clear error for an unknown or not yet built one."""
    path = SPIDERS.get(platform)
    if path is None:
        raise UnknownPlatformError(f"unknown platform {platform!r} (known: {', '.join(sorted(SPIDERS))})")
    try:
        return load_object(path)
    except (ImportError, NameError) as exc:
        raise UnknownPlatformError(f"spider for {platform!r} is not available: {exc}") from exc


def platform_of_url(url: str) -> str | None:
    """The platform a profile URL is on (None when not recognised)."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if host in _HOSTS:
        return _HOSTS[host]
    if parts.path.startswith("/@") and "." in host:
        return "mastodon"
    return None
