"""Facebook markup fallback → Post: the posts a profile or page renders into the DOM as `div[role="article"]`.

Read from the page's HTML after scrolling (Facebook's own JSON is not relied on). Per top-level article: the author
link (`h2`/`h3`/`strong` a), the message (`div[data-ad-preview="message"]` or `[data-ad-comet-preview="message"]`),
the permalink (`a[href*="/posts/"]`, or `permalink.php?story_fbid=`/`story.php`) whose path gives the post id,
the time (`abbr[data-utime]` epoch seconds, or `time[datetime]`), and the counts as shown ("1,2 rb", "12 komentar",
"4 kali dibagikan") in the `UFI2ReactionsCount/root`, `UFI2CommentsCount/root`, `UFI2SharesCount/root` test ids
(their `aria-label` first). Articles nested inside an article are comments and are skipped. A feed still loading more
shows a `role="progressbar"` after its last article: `next_cursor` is then the last post id.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import html as lxml_html

from crawler.items import Author, Engagement, Media, Post
from crawler.parsers.common import ParsedPage, ParseError, element_text, hashtags, links, mentions

logger = logging.getLogger(__name__)

BASE = "https://www.facebook.com"
_POST_PATH_RE = re.compile(r"^/([^/?#]+)/posts/([\w.-]+)")
_COUNT_RE = re.compile(r"([\d]+(?:[.,]\d+)?)\s*(rb|ribu|jt|juta|k|m)?\b", re.IGNORECASE)
_MESSAGE = ('.//div[@data-ad-preview="message"] | .//div[@data-ad-comet-preview="message"]')


def count_text(value: str | None) -> int | None:
    """"1,2 rb" → 1200, "3,4 jt" → 3400000, "2.5K" → 2500, "12 komentar" → 12; None when no number."""
    if not value:
        return None
    match = _COUNT_RE.search(value.replace("\xa0", " "))
    if not match:
        return None
    number, suffix = match.groups()
    factor = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000,
              "m": 1_000_000}.get((suffix or "").lower(), 1)
    if factor == 1:
        return int(re.sub(r"[.,]", "", number))
    return int(round(float(number.replace(",", ".")) * factor))


def _top_level_articles(root: Any) -> list[Any]:
    return [a for a in root.xpath('//div[@role="article"]')
            if not a.xpath('ancestor::div[@role="article"]')]


def _own(article: Any, xpath: str) -> list[Any]:
    """Matches of `xpath` inside `article` but not inside a nested article (a comment)."""
    return [e for e in article.xpath(xpath)
            if next(iter(e.xpath('ancestor::div[@role="article"][1]')), None) is article]


def post_ref(href: str) -> tuple[str, str] | None:
    """(author path segment, post id) of a permalink href, absolute or relative."""
    parts = urlsplit(href)
    match = _POST_PATH_RE.match(parts.path)
    if match:
        return match.group(1), match.group(2)
    if parts.path.rstrip("/") in ("/permalink.php", "/story.php"):
        query = parse_qs(parts.query)
        story, owner = (query.get("story_fbid") or [""])[0], (query.get("id") or [""])[0]
        if story:
            return owner, story
    return None


def _handle_of(href: str) -> str:
    parts = urlsplit(href)
    if parts.path.rstrip("/") == "/profile.php":
        return (parse_qs(parts.query).get("id") or [""])[0]
    segments = [s for s in parts.path.split("/") if s]
    return segments[0] if segments else ""


def _time(article: Any) -> str:
    for abbr in _own(article, ".//abbr[@data-utime]"):
        try:
            return datetime.fromtimestamp(int(abbr.get("data-utime")), tz=timezone.utc).isoformat()
        except (TypeError, ValueError):
            continue
    for node in _own(article, ".//time[@datetime]"):
        value = node.get("datetime", "")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            return parsed.isoformat()
    return ""


def _count_of(article: Any, testid: str) -> int | None:
    for node in _own(article, f'.//*[@data-testid="{testid}"]'):
        value = count_text(node.get("aria-label") or element_text(node))
        if value is not None:
            return value
    return None


def article_to_post(article: Any) -> Post | None:
    """One top-level `div[role=article]` → Post (None without a permalink)."""
    ref = None
    for anchor in _own(article, ".//a[@href]"):
        ref = post_ref(anchor.get("href", ""))
        if ref:
            break
    if ref is None:
        return None
    segment, post_id = ref
    author_link = next(iter(_own(article, ".//h2//a[@href] | .//h3//a[@href] | .//strong//a[@href]")), None)
    handle = _handle_of(author_link.get("href", "")) if author_link is not None else segment
    handle = handle or segment
    name = element_text(author_link) if author_link is not None else handle
    message = next(iter(_own(article, _MESSAGE)), None)
    text = element_text(message) if message is not None else ""
    media = [Media(url=img.get("src", ""), type="photo", alt=img.get("alt", ""))
             for img in _own(article, './/img[@data-visualcompletion="media-vc-image"]') if img.get("src")]
    url = (f"{BASE}/{handle}/posts/{post_id}" if not handle.isdigit()
           else f"{BASE}/permalink.php?story_fbid={post_id}&id={handle}")
    profile = f"{BASE}/profile.php?id={handle}" if handle.isdigit() else f"{BASE}/{handle}"
    return Post(
        platform="facebook", post_id=post_id, url=url, author=Author("facebook", handle, name or handle, profile),
        text=text, hashtags=hashtags(text), mentions=mentions(text), links=links(text), media=media,
        posted_at=_time(article),
        engagement=Engagement(likes=_count_of(article, "UFI2ReactionsCount/root"),
                              replies=_count_of(article, "UFI2CommentsCount/root"),
                              shares=_count_of(article, "UFI2SharesCount/root")),
    )


def parse_feed_html(html: str) -> ParsedPage:
    """A profile/page HTML (as rendered) → its posts in page order; `next_cursor` while the feed loads more."""
    if not html or not html.strip():
        raise ParseError("empty page")
    try:
        root = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise ParseError(f"unreadable HTML: {exc}") from exc
    page = ParsedPage()
    seen: set[str] = set()
    for article in _top_level_articles(root):
        post = article_to_post(article)
        if post is None:
            page.skipped.append("article without a permalink")
        elif post.post_id not in seen:
            seen.add(post.post_id)
            page.posts.append(post)
    if page.posts and root.xpath('//div[@role="feed"]//*[@role="progressbar"]'):
        page.next_cursor = page.posts[-1].post_id
    return page
