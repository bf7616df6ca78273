"""Per-platform normalisation of handles and profile URLs, and the allow-list of hosts the crawler may fetch.

Every spelling operators paste (`@Budi`, `https://twitter.com/Budi?s=20`, `t.me/s/chan`, `bsky.app/profile/...`,
`https://mastodon.social/@user`, `youtube.com/channel/UC...`, `facebook.com/profile.php?id=...`) becomes one
canonical `Handle(platform, handle, url)`. URLs must be on the platform's own hosts (Mastodon: a public instance
domain; `web`: a candidate's own site, public domains only). IP literals, loopback and private names are refused.

    normalise("x", "https://twitter.com/Budi_S/status/1")  # Handle("x", "budi_s", "https://x.com/budi_s")
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from crawler.items import PLATFORMS
from crawler.registry.netguard import host_problem

logger = logging.getLogger(__name__)

PLATFORM_ALIASES: dict[str, str] = {
    "twitter": "x", "x.com": "x", "tw": "x", "ig": "instagram", "insta": "instagram", "fb": "facebook",
    "tg": "telegram", "yt": "youtube", "bsky": "bluesky", "tik tok": "tiktok", "tik-tok": "tiktok",
    "masto": "mastodon", "fediverse": "mastodon", "website": "web", "situs": "web", "threads.net": "threads",
}
# Hosts of each platform (lower case, without a leading "www." — it is stripped before lookup).
PLATFORM_HOSTS: dict[str, frozenset[str]] = {
    "telegram": frozenset({"t.me", "telegram.me", "telegram.dog"}),
    "bluesky": frozenset({"bsky.app"}),
    "youtube": frozenset({"youtube.com", "m.youtube.com", "youtu.be"}),
    "x": frozenset({"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"}),
    "instagram": frozenset({"instagram.com", "m.instagram.com"}),
    "tiktok": frozenset({"tiktok.com", "m.tiktok.com"}),
    "facebook": frozenset({"facebook.com", "m.facebook.com", "mbasic.facebook.com", "web.facebook.com",
                           "fb.com", "business.facebook.com"}),
    "threads": frozenset({"threads.net", "threads.com"}),
}
# Hosts the crawler fetches from for each platform (besides the profile hosts above).
API_HOSTS: dict[str, frozenset[str]] = {
    "bluesky": frozenset({"public.api.bsky.app", "bsky.social"}),
    "youtube": frozenset({"www.youtube.com", "i.ytimg.com"}),
}
CANONICAL_BASE: dict[str, str] = {
    "telegram": "https://t.me/", "bluesky": "https://bsky.app/profile/", "youtube": "https://www.youtube.com/",
    "x": "https://x.com/", "instagram": "https://www.instagram.com/", "tiktok": "https://www.tiktok.com/@",
    "facebook": "https://www.facebook.com/", "threads": "https://www.threads.net/@",
}

TELEGRAM_RE = re.compile(r"^[a-z][a-z0-9_]{3,31}$")
X_RE = re.compile(r"^[a-z0-9_]{1,15}$")
INSTAGRAM_RE = re.compile(r"^(?!.*\.\.)(?!\.)[a-z0-9._]{1,30}(?<!\.)$")
TIKTOK_RE = re.compile(r"^[a-z0-9._]{2,24}$")
FACEBOOK_VANITY_RE = re.compile(r"^[a-z0-9.]{5,50}$")
DIGITS_RE = re.compile(r"^\d{5,20}$")
YT_CHANNEL_RE = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
YT_HANDLE_RE = re.compile(r"^[a-z0-9._-]{3,30}$")
YT_LEGACY_RE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
BSKY_HANDLE_RE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
BSKY_DID_RE = re.compile(r"^did:(plc:[a-z2-7]{24}|web:[a-z0-9.-]+)$")
MASTODON_USER_RE = re.compile(r"^[a-z0-9_]([a-z0-9_.-]{0,62}[a-z0-9_])?$")

RESERVED_PATHS: dict[str, frozenset[str]] = {
    "x": frozenset({"home", "i", "search", "explore", "intent", "share", "hashtag", "settings", "messages",
                    "notifications", "login", "signup", "tos", "privacy"}),
    "instagram": frozenset({"p", "reel", "reels", "explore", "accounts", "direct", "tv", "about", "legal"}),
    "telegram": frozenset({"joinchat", "addstickers", "share", "proxy", "socks", "login", "iv"}),
    "facebook": frozenset({"groups", "events", "watch", "share", "sharer", "sharer.php", "story.php", "photo.php",
                           "permalink.php", "login", "login.php", "help", "marketplace", "gaming", "hashtag",
                           "search", "reel", "photo", "video.php", "home.php", "dialog", "plugins"}),
}


class HandleError(ValueError):
    """A handle or URL that cannot be registered; `column` says which input was wrong, `reason` why."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class Handle:
    platform: str
    handle: str
    url: str


def normalise_platform(name: str) -> str:
    """`Twitter` -> `x`, `IG` -> `instagram`; raises HandleError for an unknown platform."""
    key = re.sub(r"\s+", " ", (name or "").strip().lower())
    key = PLATFORM_ALIASES.get(key, key)
    if key not in PLATFORMS:
        raise HandleError("platform", f"platform {name!r} tidak dikenal (pilih: {', '.join(PLATFORMS)})")
    return key


def bare_host(host: str) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def platform_of_host(host: str) -> str | None:
    """The platform a host belongs to (`twitter.com` -> `x`), or None."""
    host = bare_host(host)
    for platform, hosts in PLATFORM_HOSTS.items():
        if host in hosts:
            return platform
    return None


def allowed_host(host: str, platform: str, instance: str = "") -> bool:
    """Whether the crawler may fetch `host` for `platform` (Mastodon: the account's own instance)."""
    host = (host or "").lower().rstrip(".")
    if host_problem(host):
        return False
    if platform == "mastodon":
        return bool(instance) and host == instance.lower()
    return bare_host(host) in PLATFORM_HOSTS.get(platform, frozenset()) or host in API_HOSTS.get(platform, ())


def looks_like_url(value: str) -> bool:
    text = value.strip().lower()
    return "://" in text or bool(re.match(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+/", text))


def split_url(value: str, column: str = "url") -> tuple[str, list[str], dict[str, list[str]]]:
    """Host, path segments and query of a URL typed by an operator; refuses what is not a plain public URL."""
    text = value.strip()
    if any(ch.isspace() for ch in text) or "\\" in text or any(ord(ch) < 32 for ch in text):
        raise HandleError(column, f"URL {text!r} tidak valid (spasi atau karakter terlarang)")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise HandleError(column, f"URL {value.strip()!r} tidak valid") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise HandleError(column, f"URL {value.strip()!r} tidak valid: hanya http/https")
    if parts.username is not None or parts.password is not None:
        raise HandleError(column, f"URL {value.strip()!r} ditolak: berisi nama pengguna/sandi")
    host = (parts.hostname or "").lower().rstrip(".")
    problem = host_problem(host)
    if problem:
        raise HandleError(column, problem)
    if port not in (None, 80, 443):
        raise HandleError(column, f"URL {value.strip()!r} ditolak: port {port} tidak diizinkan")
    segments = [s for s in parts.path.split("/") if s]
    return host, segments, parse_qs(parts.query)


def normalise(platform: str | None, value: str, column: str | None = None) -> Handle:
    """Canonical handle and URL of `value` (a handle or a profile URL) on `platform` (None: from the URL host)."""
    raw = (value or "").strip()
    if not raw:
        raise HandleError(column or "handle", "kosong: isi handle atau url")
    is_url = looks_like_url(raw) and not (platform == "mastodon" and "/" not in raw)
    column = column or ("url" if is_url else "handle")
    if platform is None:
        if not is_url:
            raise HandleError("platform", "platform wajib diisi bila tidak ada URL")
        host, _, _ = split_url(raw, column)
        found = platform_of_host(host)
        if found is None:
            raise HandleError("platform", f"platform tidak dapat ditentukan dari host {host!r}: isi kolom platform")
        platform = found
    platform = normalise_platform(platform)
    if is_url:
        host, segments, query = split_url(raw, column)
        if platform == "web":
            return _web(host, segments, column)
        if platform == "mastodon":
            return _mastodon_url(host, segments, column)
        if bare_host(host) not in PLATFORM_HOSTS[platform]:
            owner = platform_of_host(host)
            extra = f" (itu host {owner})" if owner else ""
            raise HandleError(column, f"host {host!r} bukan milik platform {platform}{extra}: gunakan "
                                      f"{', '.join(sorted(PLATFORM_HOSTS[platform]))}")
        return _FROM_URL[platform](bare_host(host), segments, query, column)
    if platform == "web":
        raise HandleError(column, "platform web memerlukan URL situs (https://...)")
    return _FROM_HANDLE[platform](raw, column)


def try_normalise(platform: str, value: str) -> Handle | None:
    try:
        return normalise(platform, value)
    except HandleError:
        return None


# -- per platform --------------------------------------------------------------------------------------------
def _check(regex: re.Pattern[str], handle: str, platform: str, column: str) -> str:
    if not regex.match(handle):
        raise HandleError(column, f"handle {handle!r} tidak valid untuk {platform}")
    return handle


def _reserved(platform: str, segment: str, column: str) -> None:
    if segment.lower() in RESERVED_PATHS.get(platform, frozenset()):
        raise HandleError(column, f"URL {platform} /{segment} bukan halaman profil akun")


def _need(segments: list[str], platform: str, column: str) -> str:
    if not segments:
        raise HandleError(column, f"URL {platform} tanpa nama akun")
    return segments[0]


def _handle_text(raw: str) -> str:
    return raw.strip().lstrip("@").strip().lower()


def _telegram(handle: str, column: str) -> Handle:
    handle = _check(TELEGRAM_RE, _handle_text(handle), "telegram", column)
    return Handle("telegram", handle, CANONICAL_BASE["telegram"] + handle)


def _telegram_url(host: str, segments: list[str], query: dict[str, list[str]], column: str) -> Handle:
    first = _need(segments, "telegram", column)
    if first.startswith("+"):
        raise HandleError(column, "tautan undangan Telegram privat tidak bisa dipantau: gunakan kanal publik")
    if first == "s" and len(segments) > 1:
        first = segments[1]
    _reserved("telegram", first, column)
    return _telegram(first, column)


def _bluesky(handle: str, column: str) -> Handle:
    text = _handle_text(handle)
    if text.startswith("did:"):
        did = handle.strip().lstrip("@")
        did = "did:" + did[4:].lower() if did.lower().startswith("did:plc:") else did.lower()
        if not BSKY_DID_RE.match(did):
            raise HandleError(column, f"DID {did!r} tidak valid untuk bluesky")
        return Handle("bluesky", did, CANONICAL_BASE["bluesky"] + did)
    if "." not in text:
        text += ".bsky.social"
    _check(BSKY_HANDLE_RE, text, "bluesky", column)
    problem = host_problem(text)
    if problem:
        raise HandleError(column, problem)
    return Handle("bluesky", text, CANONICAL_BASE["bluesky"] + text)


def _bluesky_url(host: str, segments: list[str], query: dict[str, list[str]], column: str) -> Handle:
    if len(segments) < 2 or segments[0] != "profile":
        raise HandleError(column, "URL bluesky harus berbentuk https://bsky.app/profile/HANDLE")
    return _bluesky(segments[1], column)


def _mastodon(handle: str, column: str) -> Handle:
    text = _handle_text(handle)
    if text.count("@") != 1:
        raise HandleError(column, f"akun mastodon {handle.strip()!r} harus berbentuk user@instance "
                                  f"atau https://instance/@user")
    user, instance = text.split("@")
    problem = host_problem(instance)
    if problem:
        raise HandleError(column, problem)
    return _mastodon_parts(user, instance, column)


def _mastodon_parts(user: str, instance: str, column: str) -> Handle:
    instance = instance.lower().rstrip(".")
    owner = platform_of_host(instance)
    if owner:
        raise HandleError(column, f"{instance!r} adalah host {owner}, bukan instance mastodon")
    _check(MASTODON_USER_RE, user.lower(), "mastodon", column)
    handle = f"{user.lower()}@{instance}"
    return Handle("mastodon", handle, f"https://{instance}/@{user.lower()}")


def _mastodon_url(host: str, segments: list[str], column: str) -> Handle:
    first = _need(segments, "mastodon", column)
    if first.startswith("@"):
        user = first[1:]
        if "@" in user:  # https://home.instance/@user@other.instance — a remote account shown locally
            return _mastodon(user, column)
        return _mastodon_parts(user, host, column)
    if first in ("users", "u") and len(segments) > 1:
        return _mastodon_parts(segments[1], host, column)
    raise HandleError(column, "URL mastodon harus berbentuk https://instance/@user")


def _youtube(handle: str, column: str) -> Handle:
    text = handle.strip()
    if YT_CHANNEL_RE.match(text):
        return Handle("youtube", text, f"https://www.youtube.com/channel/{text}")
    name = text.lstrip("@").lower()
    if text.startswith("@") or YT_HANDLE_RE.match(name):
        _check(YT_HANDLE_RE, name, "youtube", column)
        return Handle("youtube", "@" + name, f"https://www.youtube.com/@{quote(name)}")
    raise HandleError(column, f"handle youtube {text!r} tidak valid: gunakan id kanal UC... atau @handle")


def _youtube_url(host: str, segments: list[str], query: dict[str, list[str]], column: str) -> Handle:
    first = _need(segments, "youtube", column)
    if host == "youtu.be":
        raise HandleError(column, "tautan youtu.be menunjuk video, bukan kanal: gunakan URL kanal")
    if first == "channel" and len(segments) > 1:
        if not YT_CHANNEL_RE.match(segments[1]):
            raise HandleError(column, f"id kanal youtube {segments[1]!r} tidak valid (UC + 22 karakter)")
        return _youtube(segments[1], column)
    if first.startswith("@"):
        return _youtube(first, column)
    if first in ("c", "user") and len(segments) > 1 and YT_LEGACY_RE.match(segments[1]):
        name = segments[1].lower()
        return Handle("youtube", f"{first}/{name}", f"https://www.youtube.com/{first}/{name}")
    raise HandleError(column, "URL youtube harus berbentuk /channel/UC..., /@handle, /c/NAMA atau /user/NAMA")


def _simple(platform: str, regex: re.Pattern[str]):  # type: ignore[no-untyped-def]
    def from_handle(handle: str, column: str) -> Handle:
        name = _check(regex, _handle_text(handle), platform, column)
        _reserved(platform, name, column)
        suffix = "/" if platform == "instagram" else ""
        return Handle(platform, name, CANONICAL_BASE[platform] + name + suffix)
    return from_handle


def _x_url(host: str, segments: list[str], query: dict[str, list[str]], column: str) -> Handle:
    first = _need(segments, "x", column)
    _reserved("x", first, column)
    return _FROM_HANDLE["x"](first, column)


def _instagram_url(host: str, segments: list[str], query: dict[str, list[str]], column: str) -> Handle:
    first = _need(segments, "instagram", column)
    if first == "stories" and len(segments) > 1:
        first = segments[1]
    _reserved("instagram", first, column)
    return _FROM_HANDLE["instagram"](first, column)


def _at_url(platform: str):  # type: ignore[no-untyped-def]
    def from_url(host: str, segments: list[str], query: dict[str, list[str]], column: str) -> Handle:
        first = _need(segments, platform, column)
        if not first.startswith("@"):
            raise HandleError(column, f"URL {platform} harus berbentuk https://{host}/@handle")
        return _FROM_HANDLE[platform](first, column)
    return from_url


def _facebook(handle: str, column: str) -> Handle:
    text = _handle_text(handle)
    if DIGITS_RE.match(text):
        return Handle("facebook", text, f"https://www.facebook.com/profile.php?id={text}")
    _check(FACEBOOK_VANITY_RE, text, "facebook", column)
    _reserved("facebook", text, column)
    return Handle("facebook", text, CANONICAL_BASE["facebook"] + text)


def _facebook_url(host: str, segments: list[str], query: dict[str, list[str]], column: str) -> Handle:
    first = _need(segments, "facebook", column)
    if first == "profile.php":
        ids = query.get("id") or []
        if not ids or not DIGITS_RE.match(ids[0]):
            raise HandleError(column, "URL facebook profile.php tanpa id angka")
        return _facebook(ids[0], column)
    if first in ("people", "pages") and len(segments) >= 3 and DIGITS_RE.match(segments[2]):
        return _facebook(segments[2], column)
    if first == "pg" and len(segments) > 1:
        first = segments[1]
    if re.match(r"^[A-Za-z0-9.]+-(\d{5,20})$", first):  # /Nama-Halaman-100064123456789
        return _facebook(first.rsplit("-", 1)[1], column)
    _reserved("facebook", first, column)
    return _facebook(first, column)


def _web(host: str, segments: list[str], column: str) -> Handle:
    if platform_of_host(host):
        raise HandleError(column, f"host {host!r} milik {platform_of_host(host)}: pilih platform itu, bukan web")
    path = "/".join(segments)
    handle = bare_host(host) + (f"/{path}" if path else "")
    return Handle("web", handle, f"https://{host}/{path}")


_FROM_HANDLE = {
    "telegram": _telegram, "bluesky": _bluesky, "mastodon": _mastodon, "youtube": _youtube,
    "x": _simple("x", X_RE), "instagram": _simple("instagram", INSTAGRAM_RE),
    "tiktok": _simple("tiktok", TIKTOK_RE), "facebook": _facebook, "threads": _simple("threads", INSTAGRAM_RE),
}
_FROM_URL = {
    "telegram": _telegram_url, "bluesky": _bluesky_url, "youtube": _youtube_url, "x": _x_url,
    "instagram": _instagram_url, "tiktok": _at_url("tiktok"), "facebook": _facebook_url,
    "threads": _at_url("threads"),
}
