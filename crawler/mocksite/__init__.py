"""A local stand-in for the platforms: a fictional world served with the real structures (tests, demo, bench).

`MockSite(World.load(path)).start()` returns a base URL on 127.0.0.1; spiders pointed at it with `--base-url`
fetch exactly what the real platforms serve (Telegram preview HTML, Bluesky XRPC JSON, Mastodon API with `Link`
headers, YouTube Atom, candidate sites' RSS/HTML), with pagination and failure modes per account.
"""
from crawler.mocksite.server import ROUTES, MockSite, Reply
from crawler.mocksite.world import World, WorldAccount, WorldPost

__all__ = ["ROUTES", "MockSite", "Reply", "World", "WorldAccount", "WorldPost"]
