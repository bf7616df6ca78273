"""BrowserConfig: every browser setting parsed once from the Scrapy settings, validated, with executable discovery.

Chromium is found in this order: PLAYWRIGHT_CHROMIUM_EXECUTABLE, Playwright's own downloaded browser when
installed, the system Chromium (/usr/bin/chromium, `chromium` or `chromium-browser` on PATH). None found is a
`BrowserNotFoundError` with a one-line reason an operator can act on.
"""
from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

logger = logging.getLogger(__name__)

# Google services a crawl browser must not call. Chromium (156, Debian's build) still asks update.googleapis.com
# for its on-device-model component and accounts.google.com for ListAccounts at every start despite
# --disable-background-networking/--disable-component-update; resolving these names to "not found" stops the
# request before any DNS query or connection. (--disable-features is not used: Chromium keeps only the last one,
# which would drop the list Playwright passes.)
GOOGLE_SERVICE_HOSTS: tuple[str, ...] = (
    "accounts.google.com", "update.googleapis.com", "clients1.google.com", "clients2.google.com",
    "clientservices.googleapis.com", "optimizationguide-pa.googleapis.com", "content-autofill.googleapis.com",
    "safebrowsing.googleapis.com", "safebrowsingohttpgateway.googleapis.com", "redirector.gvt1.com",
    "*.gvt1.com", "dl.google.com")
LAUNCH_ARGS: tuple[str, ...] = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--no-default-browser-check", "--disable-sync", "--disable-default-apps",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--metrics-recording-only",
    "--disable-breakpad",
    "--host-resolver-rules=" + ", ".join(f"MAP {host} ~NOTFOUND" for host in GOOGLE_SERVICE_HOSTS))
BLOCKABLE_TYPES: frozenset[str] = frozenset({"image", "font", "media"})
SYSTEM_CANDIDATES: tuple[str, ...] = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
PATH_NAMES: tuple[str, ...] = ("chromium", "chromium-browser")
BROWSER_PLATFORMS: tuple[str, ...] = ("x", "instagram", "tiktok", "facebook", "threads")


class BrowserNotFoundError(RuntimeError):
    """No Chromium to drive."""


class BrowserConfigError(ValueError):
    """A browser setting has an impossible value."""


def playwright_bundled_chromium() -> str | None:
    """Playwright's own Chromium when `playwright install chromium` was run, else None."""
    try:
        from playwright._impl._driver import compute_driver_executable  # noqa: F401  (presence check only)
    except ImportError:  # pragma: no cover
        return None
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    if not root.is_dir():
        return None
    for pattern in ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/chrome-*/chrome-headless-shell",
                    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium"):
        for found in sorted(root.glob(pattern), reverse=True):
            if found.is_file() and os.access(found, os.X_OK):
                return str(found)
    return None


def find_chromium(configured: str = "", *, bundled: str | None | bool = True) -> str:
    """The Chromium executable to launch (see module docstring for the order)."""
    if configured:
        path = Path(configured).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        found = shutil.which(configured)
        if found:
            return found
        raise BrowserNotFoundError(
            f"PLAYWRIGHT_CHROMIUM_EXECUTABLE={configured!r} is not an executable file "
            "(Chromium tidak ditemukan di path yang dikonfigurasi)")
    if bundled is True:
        bundled = playwright_bundled_chromium()
    if isinstance(bundled, str) and bundled:
        return bundled
    for candidate in SYSTEM_CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    for name in PATH_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFoundError(
        "no Chromium found: set PLAYWRIGHT_CHROMIUM_EXECUTABLE, run `playwright install chromium`, or install "
        "the system package (chromium) — Chromium tidak ditemukan")


@dataclass(frozen=True)
class BrowserConfig:
    executable: str
    headless: bool = True
    launch_args: tuple[str, ...] = LAUNCH_ARGS
    max_contexts: int = 2
    max_pages_per_context: int = 4
    navigation_timeout_ms: int = 30_000
    block_resources: bool = True
    blocked_types: frozenset[str] = BLOCKABLE_TYPES
    sessions_dir: str = ""
    scroll_pause_ms: int = 400
    scroll_max: int = 30
    screenshot_flagged: bool = True
    screenshot_permalink: bool = True
    backoff_seconds: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_contexts < 1:
            raise BrowserConfigError(f"PLAYWRIGHT_MAX_CONTEXTS must be at least 1, got {self.max_contexts}")
        if self.max_pages_per_context < 1:
            raise BrowserConfigError(
                f"PLAYWRIGHT_MAX_PAGES_PER_CONTEXT must be at least 1, got {self.max_pages_per_context}")
        if self.navigation_timeout_ms < 1000:
            raise BrowserConfigError(
                f"BROWSER_NAVIGATION_TIMEOUT must be at least 1000 ms, got {self.navigation_timeout_ms}")
        if self.scroll_max < 0 or self.scroll_pause_ms < 0:
            raise BrowserConfigError("BROWSER_SCROLL_MAX and BROWSER_SCROLL_PAUSE_MS must not be negative")
        unknown = set(self.blocked_types) - {"image", "font", "media", "stylesheet", "other"}
        if unknown:
            raise BrowserConfigError(f"BROWSER_BLOCKED_RESOURCE_TYPES has unknown types: {sorted(unknown)}")
        for platform, seconds in self.backoff_seconds.items():
            if float(seconds) < 0:
                raise BrowserConfigError(f"BROWSER_BACKOFF_SECONDS[{platform!r}] must not be negative")

    @classmethod
    def from_settings(cls, settings: Any, *, bundled: str | None | bool = True) -> BrowserConfig:
        """Parse Scrapy settings (or any object with get/getint/getbool/getlist/getdict)."""
        executable = find_chromium(settings.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE") or "", bundled=bundled)
        types = settings.getlist("BROWSER_BLOCKED_RESOURCE_TYPES") or list(BLOCKABLE_TYPES)
        try:
            return cls(
                executable=executable,
                headless=settings.getbool("BROWSER_HEADLESS", True),
                max_contexts=settings.getint("PLAYWRIGHT_MAX_CONTEXTS", 2),
                max_pages_per_context=settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 4),
                navigation_timeout_ms=settings.getint("BROWSER_NAVIGATION_TIMEOUT", 30_000),
                block_resources=settings.getbool("BROWSER_BLOCK_RESOURCES", True),
                blocked_types=frozenset(t.strip() for t in types if t.strip()),
                sessions_dir=settings.get("PANTAU_SESSIONS_DIR") or "",
                scroll_pause_ms=settings.getint("BROWSER_SCROLL_PAUSE_MS", 400),
                scroll_max=settings.getint("BROWSER_SCROLL_MAX", 30),
                screenshot_flagged=settings.getbool("BROWSER_SCREENSHOT_FLAGGED", True),
                screenshot_permalink=settings.getbool("BROWSER_SCREENSHOT_PERMALINK", True),
                backoff_seconds={k: float(v) for k, v in (settings.getdict("BROWSER_BACKOFF_SECONDS") or {}).items()},
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, BrowserConfigError):
                raise
            raise BrowserConfigError(str(exc)) from exc

    def launch_options(self) -> dict[str, Any]:
        """PLAYWRIGHT_LAUNCH_OPTIONS for scrapy-playwright and for direct `chromium.launch()`."""
        return {"executable_path": self.executable, "headless": self.headless, "args": list(self.launch_args)}

    def session_file(self, platform: str) -> Path | None:
        """The operator's storage-state file for a platform, when there is one (never logged in full)."""
        if not self.sessions_dir:
            return None
        path = Path(self.sessions_dir).expanduser() / f"{platform}.json"
        return path if path.is_file() else None

    def backoff_for(self, platform: str) -> float:
        return float(self.backoff_seconds.get(platform, self.backoff_seconds.get("default", 60.0)))
