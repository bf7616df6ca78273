"""Recognise what a platform shows instead of posts: login walls, checkpoints, captchas, rate limits, removed content.

`classify(platform, url, html, status)` looks at the final page URL, the HTTP status and the page's visible
markers (the platforms' own wording, English and Indonesian) and returns a `PageVerdict`. `target_status()` turns
a verdict into the target status the crawl reports, knowing whether an operator's session was in use: a login wall
with a session means the session expired, not that the account has no posts.

Facebook's "content isn't available" wording also appears inside a post (`role="article"`) that shares a removed
post, on an otherwise normal profile: that rule counts only when the wording is the page's own content, outside
every article.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

logger = logging.getLogger(__name__)

ARTICLE_XPATH = '//*[@role="article"]'
# (platform, verdict) whose markers count only outside the page's posts (`role="article"` elements)
_OUTSIDE_ARTICLES: set[tuple[str, str]] = {("facebook", "unavailable")}

VERDICTS = ("ok", "login_wall", "checkpoint", "captcha", "rate_limited", "unavailable", "private")

# (verdict, URL path pattern) — checked first: the platforms redirect to these pages.
_URL_RULES: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "x": [("login_wall", re.compile(r"/i/flow/login|/login(\?|$)")),
          ("checkpoint", re.compile(r"/account/access")),
          ("unavailable", re.compile(r"/account/suspended"))],
    "instagram": [("login_wall", re.compile(r"/accounts/login")),
                  ("checkpoint", re.compile(r"/challenge/|/accounts/suspended"))],
    "tiktok": [("login_wall", re.compile(r"/login(\?|/|$)"))],
    "facebook": [("checkpoint", re.compile(r"/checkpoint/")),
                 ("login_wall", re.compile(r"/login(\.php)?(/|\?|$)"))],
    "threads": [("login_wall", re.compile(r"/login(/|\?|$)")),
                ("checkpoint", re.compile(r"/challenge/"))],
}

# (verdict, marker in the page's HTML) — the platforms' own words; order matters (first hit wins).
_TEXT_RULES: dict[str, list[tuple[str, str]]] = {
    "x": [("rate_limited", "Rate limit exceeded"),
          ("captcha", "arkose"),
          ("login_wall", "data-testid=\"login-wall\""),
          ("login_wall", "Sign in to X"),
          ("unavailable", "this page doesn\u2019t exist"),
          ("unavailable", "this page doesn't exist"),
          ("unavailable", "This account doesn\u2019t exist"),
          ("unavailable", "This account doesn't exist"),
          ("unavailable", "Account suspended"),
          ("unavailable", "This post is unavailable"),
          ("private", "These posts are protected")],
    "instagram": [("rate_limited", "Please wait a few minutes before you try again"),
                  ("checkpoint", "We suspect automated behavior"),
                  ("login_wall", "Log in to see photos and videos"),
                  ("unavailable", "Sorry, this page isn't available"),
                  ("unavailable", "Sorry, this page isn\u2019t available"),
                  ("private", "This account is private")],
    "tiktok": [("captcha", "captcha_container"),
               ("captcha", "secsdk-captcha"),
               ("rate_limited", "Maximum number of attempts reached"),
               ("login_wall", "Log in to TikTok"),
               ("unavailable", "Couldn't find this account"),
               ("unavailable", "Couldn\u2019t find this account"),
               ("unavailable", "Video currently unavailable"),
               ("unavailable", "This video is unavailable"),
               ("private", "This account is private")],
    "facebook": [("rate_limited", "You\u2019re Temporarily Blocked"),
                 ("rate_limited", "You're Temporarily Blocked"),
                 ("checkpoint", "id=\"checkpoint\""),
                 ("login_wall", "You must log in to continue"),
                 ("login_wall", "Anda harus masuk untuk melanjutkan"),
                 ("unavailable", "This content isn't available right now"),
                 ("unavailable", "This content isn\u2019t available right now"),
                 ("unavailable", "Konten ini tidak tersedia saat ini")],
    "threads": [("rate_limited", "Please wait a few minutes before you try again"),
                ("login_wall", "Log in with your Instagram"),
                ("unavailable", "Sorry, this page isn't available"),
                ("unavailable", "Sorry, this page isn\u2019t available"),
                ("private", "This profile is private")],
}

# Human reasons (Indonesian for operators, with the English word the log greps for).
REASONS: dict[str, str] = {
    "login_wall": "halaman meminta login (login wall): tanpa sesi hanya konten publik yang terlihat",
    "checkpoint": "platform meminta verifikasi akun (checkpoint)",
    "captcha": "platform menampilkan captcha",
    "rate_limited": "dibatasi platform (rate limit); dicoba lagi setelah jeda",
    "unavailable": "konten tidak tersedia (dihapus, tidak ada, atau ditangguhkan)",
    "private": "akun privat: postingan tidak terlihat publik",
    "session_expired": "sesi login kedaluwarsa (session expired): perbarui file sesi",
}


@dataclass(frozen=True)
class PageVerdict:
    verdict: str  # one of VERDICTS
    evidence: str = ""  # what was recognised (URL rule or marker), for the log

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


def classify(platform: str, url: str, html: str = "", status: int | None = 200) -> PageVerdict:
    """What the page is: posts (ok) or one of the walls."""
    if status == 429:
        return PageVerdict("rate_limited", "HTTP 429")
    for verdict, pattern in _URL_RULES.get(platform, []):
        if pattern.search(_path_and_query(url)):
            return PageVerdict(verdict, f"url {pattern.pattern}")
    for verdict, marker in _TEXT_RULES.get(platform, []):
        if marker in html:
            if (platform, verdict) in _OUTSIDE_ARTICLES and not _outside_articles(html, marker):
                continue
            return PageVerdict(verdict, marker)
    if status in (404, 410):
        return PageVerdict("unavailable", f"HTTP {status}")
    return PageVerdict("ok")


def _outside_articles(html: str, marker: str) -> bool:
    """Whether `marker` is in the page's text outside every `role="article"` element (a post, a shared post)."""
    if 'role="article"' not in html and "role='article'" not in html:
        return True
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        logger.debug("detect: unparsable page (%s); marker %r counts", exc, marker)
        return True
    for article in root.xpath(ARTICLE_XPATH):
        if article.getparent() is not None:
            article.drop_tree()
    return marker in root.text_content()


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def target_status(verdict: PageVerdict, *, has_session: bool) -> tuple[str, str]:
    """(target status, reason) for a non-ok verdict, as `PantauSpider.report_target_status` takes them."""
    kind = verdict.verdict
    if kind in ("login_wall", "checkpoint") and has_session:
        return "session_expired", REASONS["session_expired"] + f" [{kind}]"
    if kind == "login_wall":
        return "login_wall", REASONS["login_wall"]
    if kind in ("checkpoint", "captcha"):
        return "blocked", REASONS[kind]
    if kind == "rate_limited":
        return "rate_limited", REASONS["rate_limited"]
    if kind == "unavailable":
        return "not_found", REASONS["unavailable"]
    if kind == "private":
        return "refuses_anonymous", REASONS["private"]
    return "ok", ""
