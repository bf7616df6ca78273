"""Bluesky public AppView XRPC as public.api.bsky.app answers it: getAuthorFeed (cursor), getPostThread, errors."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from crawler.mocksite.world import World, WorldPost, did_for

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

JSON = "application/json; charset=utf-8"


def zulu(posted_at: str) -> str:
    moment = datetime.fromisoformat(posted_at).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def uri_of(handle: str, rkey: str) -> str:
    return f"at://{did_for(handle)}/app.bsky.feed.post/{rkey}"


def profile_view(world: World, handle: str) -> dict[str, Any]:
    account = world.account("bluesky", handle)
    did = did_for(handle)
    return {"did": did, "handle": handle, "displayName": account.display_name if account else handle,
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkreiavatar@jpeg", "labels": [],
            "createdAt": "2023-09-19T15:47:01.417Z"}


def _facets(text: str) -> list[dict[str, Any]]:
    facets, data = [], text.encode("utf-8")
    import re

    for match in re.finditer(r"(?<!\w)#(\w+)", text):
        start = len(text[: match.start()].encode("utf-8"))
        end = start + len(match.group(0).encode("utf-8"))
        facets.append({"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
                       "index": {"byteEnd": end, "byteStart": start}})
    for match in re.finditer(r"https?://\S+", text):
        start = len(text[: match.start()].encode("utf-8"))
        facets.append({"features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group(0)}],
                       "index": {"byteEnd": start + len(match.group(0).encode("utf-8")), "byteStart": start}})
    del data
    return facets


def post_view(world: World, post: WorldPost) -> dict[str, Any]:
    uri = uri_of(post.handle, post.id)
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": zulu(post.posted_at), "langs": ["id"],
                              "text": post.text}
    facets = _facets(post.text)
    if facets:
        record["facets"] = facets
    if post.kind in ("reply", "comment") and post.parent:
        parent = {"cid": "bafyreiparent" + post.parent["id"], "uri": uri_of(post.parent["handle"], post.parent["id"])}
        root = post.parent.get("root")
        record["reply"] = {"parent": parent, "root": {"cid": parent["cid"], "uri": uri_of(*root.split("/", 1))}
                           if root else parent}
    view: dict[str, Any] = {"uri": uri, "cid": "bafyrei" + post.id, "author": profile_view(world, post.handle),
                            "record": record}
    photos = [m for m in post.media if m.get("type") == "photo"]
    if photos:
        record["embed"] = {"$type": "app.bsky.embed.images", "images": [
            {"alt": m.get("alt", ""), "image": {"$type": "blob", "ref": {"$link": "bafkreiimg"},
                                                "mimeType": "image/jpeg", "size": 1000}} for m in photos]}
        view["embed"] = {"$type": "app.bsky.embed.images#view", "images": [
            {"thumb": m["url"], "fullsize": m["url"], "alt": m.get("alt", "")} for m in photos]}
    view.update({"replyCount": post.counts.get("replies", 0), "repostCount": post.counts.get("shares", 0),
                 "likeCount": post.counts.get("likes", 0), "quoteCount": 0, "indexedAt": zulu(post.posted_at),
                 "labels": []})
    return view


def feed_item(world: World, post: WorldPost) -> dict[str, Any] | None:
    if post.kind == "share" and post.parent:
        original = world.post("bluesky", post.parent["handle"], post.parent["id"])
        if original is None:
            return None
        return {"post": post_view(world, original),
                "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": profile_view(world, post.handle),
                           "indexedAt": zulu(post.posted_at)}}
    item: dict[str, Any] = {"post": post_view(world, post)}
    if post.kind in ("reply", "comment") and post.parent:
        parent = world.post("bluesky", post.parent["handle"], post.parent["id"])
        if parent is not None:
            item["reply"] = {"root": post_view(world, parent), "parent": post_view(world, parent)}
    if post.pinned:
        item["reason"] = {"$type": "app.bsky.feed.defs#reasonPin"}
    return item


def _error(status: int, error: str, message: str) -> Reply:
    from crawler.mocksite.server import Reply

    return Reply(status, json.dumps({"error": error, "message": message}), JSON)


def get_author_feed(site: MockSite, request: Request) -> Reply:
    from crawler.mocksite.server import Reply, truncate

    actor = request.query.get("actor", "")
    handle = next((a.handle for a in site.world.accounts if a.platform == "bluesky" and did_for(a.handle) == actor),
                  actor)
    account = site.world.account("bluesky", handle)
    if account is None or account.status == "not_found":
        return _error(400, "InvalidRequest", "Profile not found")
    failure = site.gate(account)
    if failure is not None:
        return failure
    limit = max(1, min(100, int(request.query.get("limit") or 50)))
    cursor = request.query.get("cursor")
    posts = [] if account.status == "empty" else site.world.posts_of("bluesky", account.handle)
    pinned = [p for p in posts if p.pinned]
    ordinary = [p for p in posts if not p.pinned]
    if cursor:
        ordinary = [p for p in ordinary if zulu(p.posted_at) < cursor]
    page = ordinary[:limit]
    items = [feed_item(site.world, p) for p in ((pinned if not cursor else []) + page)]
    body: dict[str, Any] = {"feed": [i for i in items if i is not None]}
    if len(ordinary) > limit:
        body["cursor"] = zulu(page[-1].posted_at)
    text = json.dumps(body, ensure_ascii=False)
    if account.status == "malformed" and not cursor:
        text = truncate(text)
    return Reply(200, text, JSON)


def get_post_thread(site: MockSite, request: Request) -> Reply:
    from crawler.mocksite.server import Reply

    uri = request.query.get("uri", "")
    parts = uri.replace("at://", "").split("/")
    account = next((a for a in site.world.accounts if a.platform == "bluesky" and did_for(a.handle) == parts[0]),
                   None) if len(parts) == 3 else None
    post = site.world.post("bluesky", account.handle, parts[2]) if account else None
    if post is None or post.deleted:
        return _error(400, "NotFound", f"Post not found: {uri}")
    failure = site.gate(account, key=f"thread:{uri}") if account.status != "rate_limited_once" else None
    if failure is not None:
        return failure
    depth = int(request.query.get("depth") or 6)

    def node(p: WorldPost, level: int) -> dict[str, Any]:
        children = site.world.replies_to("bluesky", p.handle, p.id) if level < depth else []
        return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post_view(site.world, p),
                "replies": [node(c, level + 1) for c in children]}

    body = {"thread": node(post, 0)}
    return Reply(200, json.dumps(body, ensure_ascii=False), JSON)


def serve(site: MockSite, request: Request) -> Reply | None:
    method = request.path[len("/xrpc/"):]
    if method == "app.bsky.feed.getAuthorFeed":
        return get_author_feed(site, request)
    if method == "app.bsky.feed.getPostThread":
        return get_post_thread(site, request)
    return _error(501, "MethodNotImplemented", f"Method Not Implemented: {method}")


ROUTES = {"/xrpc/": serve}
