"""Mastodon public API as a Mastodon 4.x server answers it: account lookup, statuses with `Link` pagination,
401 for a server that refuses anonymous API access, 404 `Record not found`."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from crawler.mocksite.world import World, WorldAccount, WorldPost

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

JSON = "application/json; charset=utf-8"


def utc_ms(posted_at: str) -> str:
    moment = datetime.fromisoformat(posted_at).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def account_json(account: WorldAccount, viewer_instance: str) -> dict[str, Any]:
    acct = account.handle if account.instance == viewer_instance else f"{account.handle}@{account.instance}"
    base = f"https://{account.instance}"
    return {"id": account.id, "username": account.handle, "acct": acct, "display_name": account.display_name,
            "locked": False, "bot": False, "discoverable": True, "group": False,
            "created_at": "2023-05-01T00:00:00.000Z", "note": "<p>Akun fiktif untuk pengujian.</p>",
            "url": f"{base}/@{account.handle}", "uri": f"{base}/users/{account.handle}",
            "avatar": f"{base}/avatars/original/missing.png", "followers_count": 10, "following_count": 5,
            "statuses_count": 0, "emojis": [], "fields": []}


def status_json(world: World, post: WorldPost, viewer_instance: str) -> dict[str, Any]:
    account = world.account("mastodon", post.handle)
    assert account is not None
    base = f"https://{account.instance}"
    status: dict[str, Any] = {
        "id": post.id, "created_at": utc_ms(post.posted_at), "in_reply_to_id": None,
        "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
        "language": "id", "uri": f"{base}/users/{post.handle}/statuses/{post.id}",
        "url": f"{base}/@{post.handle}/{post.id}", "replies_count": post.counts.get("replies", 0),
        "reblogs_count": post.counts.get("shares", 0), "favourites_count": post.counts.get("likes", 0),
        "edited_at": None, "content": post.text, "reblog": None, "account": account_json(account, viewer_instance),
        "media_attachments": [
            {"id": f"{post.id}{i}", "type": m.get("type", "image"), "url": m["url"], "preview_url": m["url"],
             "remote_url": None, "description": m.get("alt") or None} for i, m in enumerate(post.media)],
        "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None,
    }
    import re

    status["tags"] = [{"name": t, "url": f"{base}/tags/{t}"} for t in re.findall(r"#<span>(\w+)</span>", post.text)]
    if post.kind == "share" and post.parent:
        original = world.post("mastodon", post.parent["handle"], post.parent["id"])
        if original is not None:
            status["reblog"] = status_json(world, original, viewer_instance)
            status["content"] = ""
            status["uri"] = f"{base}/users/{post.handle}/statuses/{post.id}/activity"
            status["url"] = None
    if post.kind in ("reply", "comment") and post.parent:
        parent_account = world.account("mastodon", post.parent["handle"])
        if parent_account is not None:
            status["in_reply_to_id"] = post.parent["id"]
            status["in_reply_to_account_id"] = parent_account.id
            acct = account_json(parent_account, viewer_instance)
            status["mentions"] = [{"id": parent_account.id, "username": parent_account.handle,
                                   "url": acct["url"], "acct": acct["acct"]}]
    return status


def serve(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply, truncate

    rest = request.path[len("/api/v1/"):].strip("/").split("/")
    if rest == ["accounts", "lookup"]:
        acct = request.query.get("acct", "").lstrip("@").split("@")[0]
        account = site.world.account("mastodon", acct)
        if account is not None and account.status == "refuses_anonymous":
            return Reply(401, json.dumps({"error": "This API requires an authenticated user"}), JSON)
        if account is None or account.status == "not_found":
            return Reply(404, json.dumps({"error": "Record not found"}), JSON)
        return Reply(200, json.dumps(account_json(account, account.instance), ensure_ascii=False), JSON)
    if len(rest) == 3 and rest[0] == "accounts" and rest[2] == "statuses":
        account = site.world.account_by_id("mastodon", rest[1])
        if account is None or account.status == "not_found":
            return Reply(404, json.dumps({"error": "Record not found"}), JSON)
        if account.status == "refuses_anonymous":
            return Reply(401, json.dumps({"error": "This API requires an authenticated user"}), JSON)
        failure = site.gate(account)
        if failure is not None:
            return failure
        limit = max(1, min(40, int(request.query.get("limit") or 20)))
        posts = [] if account.status == "empty" else site.world.posts_of("mastodon", account.handle)
        posts.sort(key=lambda p: int(p.id), reverse=True)
        if request.query.get("max_id"):
            posts = [p for p in posts if int(p.id) < int(request.query["max_id"])]
        page = posts[:limit]
        headers = {}
        if page:
            api = f"https://{account.instance}/api/v1/accounts/{account.id}/statuses"
            headers["Link"] = (f'<{api}?limit={limit}&max_id={page[-1].id}>; rel="next", '
                               f'<{api}?limit={limit}&min_id={page[0].id}>; rel="prev"')
        body = json.dumps([status_json(site.world, p, account.instance) for p in page], ensure_ascii=False)
        if account.status == "malformed" and not request.query.get("max_id"):
            body = truncate(body)
        return Reply(200, body, JSON, headers)
    return Reply(404, json.dumps({"error": "Record not found"}), JSON)


ROUTES = {"/api/v1/": serve}
