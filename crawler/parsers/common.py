"""Helpers every parser shares: HTML to text, hashtags/mentions/links, counts like "2.5K", ISO times."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from lxml import html as lxml_html

from crawler.items import Post


class ParseError(ValueError):
    """The page as a whole cannot be read (truncated, not the expected structure)."""


@dataclass
class ParsedPage:
    posts: list[Post] = field(default_factory=list)  # newest first
    next_cursor: str | None = None  # the older page (None: no more)
    skipped: list[str] = field(default_factory=list)  # why items were skipped
    profile: dict[str, Any] = field(default_factory=dict)


HASHTAG_RE = re.compile(r"(?<![\w/#])#(\w{1,100})", re.UNICODE)
MENTION_RE = re.compile(r"(?<![\w/@])@([A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}(?:@[A-Za-z0-9.\-]+)?)")
URL_RE = re.compile(r"https?://[^\s<>\"')\]]+")
_BLOCK_TAGS = {"p", "div", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr"}


def element_text(element: Any) -> str:
    """Readable text of an lxml element: <br> and block ends become newlines, spaces tidied."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style"):
            if node.tail:
                parts.append(node.tail)
            return
        if tag == "br":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if tag in _BLOCK_TAGS:
            parts.append("\n\n" if tag == "p" else "\n")
        if node.tail:
            parts.append(node.tail)

    text = element.text or ""
    parts.append(text)
    for child in element:
        walk(child)
    return tidy("".join(parts))


def html_to_text(fragment: str) -> str:
    """Readable text of an HTML fragment (Mastodon content, RSS descriptions)."""
    if not fragment or not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return element_text(root)


def tidy(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\r\n", "\n")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def hashtags(text: str) -> list[str]:
    return _unique(m.group(1) for m in HASHTAG_RE.finditer(text))


def mentions(text: str) -> list[str]:
    return _unique(m.group(1).rstrip(".") for m in MENTION_RE.finditer(text))


def links(text: str) -> list[str]:
    return _unique(m.group(0).rstrip(".,;:!?") for m in URL_RE.finditer(text))


def _unique(values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)


def merge_unique(*lists: list[str]) -> list[str]:
    return _unique(v for values in lists for v in values)


_COUNT_RE = re.compile(r"^\s*([\d.,]+)\s*([KkMmBb]?)\s*$")


def parse_count(value: str | None) -> int | None:
    """"2.5K" → 2500, "1.3M" → 1300000, "987" → 987; None when absent or unreadable."""
    if value is None:
        return None
    match = _COUNT_RE.match(str(value))
    if not match:
        return None
    number, suffix = match.groups()
    factor = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}[suffix.lower()]
    if suffix:
        number = number.replace(",", ".")
        return int(round(float(number) * factor))
    return int(number.replace(",", "").replace(".", ""))


def iso_time(value: str | None) -> str:
    """An ISO 8601 time with its offset as given ("Z" written as +00:00); "" when unreadable or naive."""
    if not value:
        return ""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        return ""
    if value.endswith("Z"):
        return value[:-1] + "+00:00"
    return value


def rfc822_time(value: str | None) -> str:
    """RSS pubDate (RFC 822) → ISO 8601, keeping its offset."""
    from email.utils import parsedate_to_datetime

    if not value:
        return ""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.isoformat()
