"""Facebook markup fallback → Post: the posts a profile or page renders into the DOM as `div[role="article"]`.

Read from the page's HTML after scrolling (Facebook's own JSON is not relied on). Per top-level article: the author
link (`h2`/`h3`/`strong` a), the message (`div[data-ad-preview="message"]` or `[data-ad-comet-preview="message"]`),
the permalink (`a[href*="/posts/"]`, or `permalink.php?story_fbid=`/`story.php`) whose path gives the post id,
the time (`abbr[data-utime]` epoch seconds, or `time[datetime]`), and the counts as shown ("1,2 rb", "12 komentar",
"4 kali dibagikan") in the `UFI2ReactionsCount/root`, `UFI2CommentsCount/root`, `UFI2SharesCount/root` test ids
(their `aria-label` first). Articles nested inside an article are comments and are skipped. A feed still loading more
shows a `role="progressbar"` after its last article: `next_cursor` is then the last post id.

A long message is cut with a "… Lihat selengkapnya" / "See more" button (`role="button"`) that the spider clicks
before it reads the page (`EXPANDERS`); a message still cut is read without the button's label and its post id is
listed in `profile["truncated"]`. A share ("membagikan kiriman" / "shared a post") carries the original post as an
attached story inside the article: the block around a second permalink (not inside a message) to another post, with
the original's author link, permalink and message (`data-ad-rendering-role="story_message"` or the message
attributes above). It becomes `kind="share"` with `parent` {post_id, url, author_handle, text} of the original; the
share's `text` is the sharer's own words, or the original's text when the sharer added none (as X retweets).
"""
from __future__ import annotations

import copy
import logging
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import html as lxml_html

from crawler.items import Author, Engagement, Media, Parent, Post
from crawler.parsers.common import ParsedPage, ParseError, element_text, hashtags, links, mentions

logger = logging.getLogger(__name__)

BASE = "https://www.facebook.com"
_POST_PATH_RE = re.compile(r"^/([^/?#]+)/posts/([\w.-]+)")
_COUNT_RE = re.compile(r"([\d]+(?:[.,]\d+)?)\s*(rb|ribu|jt|juta|k|m)?\b", re.IGNORECASE)
_MESSAGE = ('.//div[@data-ad-preview="message"] | .//div[@data-ad-comet-preview="message"]'
            ' | .//div[@data-ad-rendering-role="story_message"]')
_AUTHOR_LINK = ".//h2//a[@href] | .//h3//a[@href] | .//h4//a[@href] | .//strong//a[@href]"
#: labels of the button that opens a cut message (lower case), Indonesian and English
EXPANDERS: tuple[str, ...] = ("lihat selengkapnya", "selengkapnya", "see more")
_ELLIPSIS_RE = re.compile(r"\s*(?:\u2026|\.\.\.)\s*$")


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


def _time(article: Any, block: Any | None = None) -> str:
    """The article's own time (not the attached original's, `block`)."""
    for abbr in _own(article, ".//abbr[@data-utime]"):
        if _inside(abbr, block):
            continue
        try:
            return datetime.fromtimestamp(int(abbr.get("data-utime")), tz=timezone.utc).isoformat()
        except (TypeError, ValueError):
            continue
    for node in _own(article, ".//time[@datetime]"):
        if _inside(node, block):
            continue
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


def message_text(message: Any) -> tuple[str, bool]:
    """(text, cut) of a message element: an expander button's label and the ellipsis before it are left out."""
    clone = copy.deepcopy(message)
    cut = False
    for button in clone.xpath('.//*[@role="button"]'):
        if element_text(button).strip().lower() in EXPANDERS:
            button.drop_tree()
            cut = True
    text = element_text(clone)
    return (_ELLIPSIS_RE.sub("", text) if cut else text), cut


def _inside(element: Any, block: Any | None) -> bool:
    return block is not None and (element is block or any(a is block for a in element.iterancestors()))


def _refs(article: Any) -> list[tuple[Any, tuple[str, str]]]:
    """(anchor, (author segment, post id)) of the article's own permalinks, in page order (links inside a message
    are the author's words, not permalinks)."""
    found = []
    for anchor in _own(article, ".//a[@href]"):
        ref = post_ref(anchor.get("href", ""))
        if ref and not anchor.xpath("ancestor::div[@data-ad-preview or @data-ad-comet-preview"
                                    " or @data-ad-rendering-role='story_message']"):
            found.append((anchor, ref))
    return found


def _attached(article: Any, anchor: Any, own_id: str) -> Any:
    """The attached story around `anchor`: its outermost ancestor inside the article that holds no link to the
    share's own permalink."""
    block = anchor
    for ancestor in anchor.iterancestors():
        if ancestor is article or any((post_ref(a.get("href", "")) or ("", ""))[1] == own_id
                                      for a in ancestor.iter("a")):
            break
        block = ancestor
    return block


def _urls(handle: str, post_id: str) -> tuple[str, str]:
    """(permalink, profile URL) of a post by `handle` (a numeric handle is a profile.php id)."""
    if handle.isdigit():
        return f"{BASE}/permalink.php?story_fbid={post_id}&id={handle}", f"{BASE}/profile.php?id={handle}"
    return f"{BASE}/{handle}/posts/{post_id}", f"{BASE}/{handle}"


def _message(article: Any, block: Any | None) -> tuple[str, bool]:
    message = next((m for m in _own(article, _MESSAGE) if not _inside(m, block)), None)
    return message_text(message) if message is not None else ("", False)


def _original(block: Any, ref: tuple[str, str]) -> tuple[Parent, bool]:
    """The attached original of a share → (Parent, its message was cut)."""
    segment, post_id = ref
    link = next(iter(block.xpath(_AUTHOR_LINK)), None)
    handle = (_handle_of(link.get("href", "")) if link is not None else "") or segment
    message = next(iter(block.xpath(_MESSAGE)), None)
    text, cut = message_text(message) if message is not None else ("", False)
    return Parent(post_id=post_id, url=_urls(handle, post_id)[0], author_handle=handle, text=text), cut


def article_to_post(article: Any, cut_ids: list[str] | None = None) -> Post | None:
    """One top-level `div[role=article]` → Post (None without a permalink); the ids of posts whose message (or
    shared original's message) is still cut are added to `cut_ids`."""
    refs = _refs(article)
    if not refs:
        return None
    segment, post_id = refs[0][1]
    shared = next(((anchor, ref) for anchor, ref in refs[1:] if ref[1] != post_id), None)
    block = _attached(article, shared[0], post_id) if shared else None
    author_link = next((a for a in _own(article, _AUTHOR_LINK) if not _inside(a, block)), None)
    handle = (_handle_of(author_link.get("href", "")) if author_link is not None else "") or segment
    name = element_text(author_link) if author_link is not None else handle
    text, cut = _message(article, block)
    media = [Media(url=img.get("src", ""), type="photo", alt=img.get("alt", ""))
             for img in _own(article, './/img[@data-visualcompletion="media-vc-image"]') if img.get("src")]
    url, profile = _urls(handle, post_id)
    post = Post(
        platform="facebook", post_id=post_id, url=url, author=Author("facebook", handle, name or handle, profile),
        text=text, media=media, posted_at=_time(article, block),
        engagement=Engagement(likes=_count_of(article, "UFI2ReactionsCount/root"),
                              replies=_count_of(article, "UFI2CommentsCount/root"),
                              shares=_count_of(article, "UFI2SharesCount/root")),
    )
    if shared is not None and block is not None:
        post.kind = "share"
        post.parent, parent_cut = _original(block, shared[1])
        cut = cut or parent_cut
        post.text = post.text or post.parent.text
    post.hashtags, post.mentions, post.links = hashtags(post.text), mentions(post.text), links(post.text)
    if cut and cut_ids is not None:
        cut_ids.append(post_id)
    return post


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
    cut: list[str] = []
    page.profile["truncated"] = cut
    for article in _top_level_articles(root):
        post = article_to_post(article, cut)
        if post is None:
            page.skipped.append("article without a permalink")
        elif post.post_id not in seen:
            seen.add(post.post_id)
            page.posts.append(post)
    if page.posts and root.xpath('//div[@role="feed"]//*[@role="progressbar"]'):
        page.next_cursor = page.posts[-1].post_id
    return page
