"""Every setting of Pantau Netralitas, grouped by component.

Scrapy reads this module (scrapy.cfg); the `pantau` command reads it too. Values that differ per deployment or are
secret come from the environment (a `.env` file in the working directory is read first); the README's configuration
reference lists every `# env:` line below and a test keeps the two in step.
"""
from __future__ import annotations

import os
from pathlib import Path

try:  # .env files are welcome, never required
    from dotenv import load_dotenv

    load_dotenv(override=False)
except ImportError:  # pragma: no cover
    pass

PROJECT_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on", "ya")


# ---------------------------------------------------------------------------------------------------------------
# Data directories
# ---------------------------------------------------------------------------------------------------------------
# env: PANTAU_HOME — evidence, spool, dead letters, crawl state, job state, outbox (default: var/ in the project)
PANTAU_HOME = _env("PANTAU_HOME", str(PROJECT_DIR / "var"))
# env: PANTAU_CACHE — downloads kept between runs: the Elasticsearch zip, the local server (default: ~/.cache/pantau)
PANTAU_CACHE = _env("PANTAU_CACHE", str(Path.home() / ".cache" / "pantau"))

# ---------------------------------------------------------------------------------------------------------------
# Elasticsearch
# ---------------------------------------------------------------------------------------------------------------
# env: ES_URL — an existing cluster; unset: the local server `pantau es start` runs
ES_URL = _env("ES_URL")
# env: ES_API_KEY — API key (base64 "id:key") for ES_URL
ES_API_KEY = _env("ES_API_KEY")
# env: ES_USERNAME — user for ES_URL (with ES_PASSWORD)
ES_USERNAME = _env("ES_USERNAME")
# env: ES_PASSWORD — password for ES_USERNAME
ES_PASSWORD = _env("ES_PASSWORD")
# env: ES_CA_CERTS — CA bundle to verify ES_URL's certificate
ES_CA_CERTS = _env("ES_CA_CERTS")
# env: PANTAU_INDEX_PREFIX — namespaces every index and alias (the demo uses its own)
PANTAU_INDEX_PREFIX = _env("PANTAU_INDEX_PREFIX", "pantau-")
# env: ES_LOCAL_VERSION — version of the integration-test distribution the local server runs
ES_LOCAL_VERSION = _env("ES_LOCAL_VERSION", "9.2.4")
# env: ES_LOCAL_PORT — HTTP port of the local server
ES_LOCAL_PORT = _env_int("ES_LOCAL_PORT", 9200)
# env: ES_LOCAL_NAME — name of the local server instance (its own data directory and state)
ES_LOCAL_NAME = _env("ES_LOCAL_NAME", "main")
# env: ES_LOCAL_HEAP — heap of the local server (JVM -Xms/-Xmx)
ES_LOCAL_HEAP = _env("ES_LOCAL_HEAP", "768m")
# env: ES_REQUEST_TIMEOUT — seconds per Elasticsearch request
ES_REQUEST_TIMEOUT = _env_int("ES_REQUEST_TIMEOUT", 30)

# Indexing pipeline (crawler.pipelines.index.IndexPipeline)
# env: PANTAU_INDEX_ENABLED — false: crawl without writing to Elasticsearch (`pantau crawl --no-index`)
INDEX_ENABLED = _env_bool("PANTAU_INDEX_ENABLED", True)
INDEX_BULK_SIZE = 500  # documents per bulk request
INDEX_FLUSH_SECONDS = 5.0  # flush a partial buffer at least this often
INDEX_MAX_RETRIES = 5  # transient failures (connection, timeout, 429, 5xx) before spooling
INDEX_RETRY_BACKOFF = 0.5  # seconds, doubled per retry
INDEX_MAX_TEXT_BYTES = 30_000  # text longer than this is cut (Lucene's term limit is 32,766 bytes)

# ---------------------------------------------------------------------------------------------------------------
# Scrapy
# ---------------------------------------------------------------------------------------------------------------
BOT_NAME = "pantau"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# env: PANTAU_USER_AGENT — honest User-Agent naming the project and a contact
USER_AGENT = _env(
    "PANTAU_USER_AGENT",
    "PantauNetralitas/0.1 (+https://github.com/pantau-netralitas; election-neutrality monitor for Bawaslu)",
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% random variation of the delay
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# env: PANTAU_LOG_LEVEL — log level of crawls (DEBUG, INFO, WARNING)
LOG_LEVEL = _env("PANTAU_LOG_LEVEL", "INFO")

# Pipelines in order: validate → enrich (account, region, candidate page) → match → index.
VALIDATE_ENABLED = True
# env: PANTAU_ENRICH_ENABLED — link posts to their registered ASN account and candidate pages (EnrichPipeline)
ENRICH_ENABLED = _env_bool("PANTAU_ENRICH_ENABLED", True)
ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidatePipeline": 100,
    "crawler.pipelines.enrich.EnrichPipeline": 200,
    "crawler.pipelines.match.MatchPipeline": 300,
    "crawler.pipelines.index.IndexPipeline": 900,
}

# ---------------------------------------------------------------------------------------------------------------
# Matching (crawler.matching, crawler.pipelines.match.MatchPipeline)
# ---------------------------------------------------------------------------------------------------------------
# env: PANTAU_MATCH_ENABLED — run the matcher on every crawled post (default on)
MATCH_ENABLED = _env_bool("PANTAU_MATCH_ENABLED", True)
# env: MATCH_CONTESTS_FILE — contests JSON used instead of the shipped crawler/data/contests-2024.json
MATCH_CONTESTS_FILE = _env("MATCH_CONTESTS_FILE")
# env: MATCH_TERMS_FILE — watch-term JSON/JSONL used instead of the shipped crawler/data/terms.json
MATCH_TERMS_FILE = _env("MATCH_TERMS_FILE")

# ---------------------------------------------------------------------------------------------------------------
# Spiders (crawler.crawling, spiders/)
# ---------------------------------------------------------------------------------------------------------------
# Base URL per platform: "" = the real platform. `pantau crawl --base-url` overrides it for one run (tests, mirrors).
# env: TELEGRAM_BASE_URL — mirror of https://t.me (web preview /s/<channel>)
TELEGRAM_BASE_URL = _env("TELEGRAM_BASE_URL")
# env: BLUESKY_BASE_URL — mirror of the public AppView https://public.api.bsky.app (/xrpc/...)
BLUESKY_BASE_URL = _env("BLUESKY_BASE_URL")
# env: MASTODON_BASE_URL — one server answering for every Mastodon instance (/api/v1/...)
MASTODON_BASE_URL = _env("MASTODON_BASE_URL")
# env: YOUTUBE_BASE_URL — mirror of https://www.youtube.com (/feeds/videos.xml)
YOUTUBE_BASE_URL = _env("YOUTUBE_BASE_URL")
# env: WEB_BASE_URL — serve every configured candidate site from this base (tests, demo)
WEB_BASE_URL = _env("WEB_BASE_URL")
# env: WEB_SITES_FILE — JSON file of candidate/party sites for the web spider (RSS/Atom or HTML + CSS selectors)
WEB_SITES_FILE = _env("WEB_SITES_FILE", str(PROJECT_DIR / "crawler" / "data" / "web_sites.json"))
# First run of a target: read at least this many pages and posts (both), later runs stop at the last post seen.
# env: CRAWL_FIRST_RUN_MAX_PAGES — pages a target's first crawl reads at least
CRAWL_FIRST_RUN_MAX_PAGES = _env_int("CRAWL_FIRST_RUN_MAX_PAGES", 3)
# env: CRAWL_FIRST_RUN_MAX_POSTS — posts a target's first crawl reads at least
CRAWL_FIRST_RUN_MAX_POSTS = _env_int("CRAWL_FIRST_RUN_MAX_POSTS", 100)
CRAWL_MAX_PAGES_PER_RUN = 50  # safety cap for any run (e.g. when the last seen post was deleted)
# Minutes between crawls of one target (`pantau crawl` without --target crawls the targets that are due).
CRAWL_INTERVAL_MINUTES = {
    "telegram": 60, "bluesky": 60, "mastodon": 60, "youtube": 180, "web": 360,
    "x": 240, "instagram": 360, "tiktok": 360, "facebook": 360, "threads": 360,
}
# Politeness per platform, applied per host: seconds between requests and parallel requests.
PLATFORM_RATE_LIMITS = {
    "telegram": {"delay": 2.0, "concurrency": 1},
    "bluesky": {"delay": 0.5, "concurrency": 2},  # AppView allows ~3000 req / 5 min per IP
    "mastodon": {"delay": 1.0, "concurrency": 1},  # default server limit: 300 req / 5 min
    "youtube": {"delay": 2.0, "concurrency": 1},
    "web": {"delay": 2.0, "concurrency": 1},
}
BLUESKY_PAGE_LIMIT = 50  # getAuthorFeed `limit` (max 100)
BLUESKY_THREAD_DEPTH = 6  # getPostThread depth for replies under a candidate's posts
MASTODON_PAGE_LIMIT = 40  # statuses per page (max 40)
YOUTUBE_NOT_FOUND_RETRIES = 3  # the feed answers 404/500 now and then: retry before calling a channel gone
# Retries: 429 and 5xx with exponential backoff (Retry-After honoured), see crawler.crawling.retry.
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled each time
RETRY_BACKOFF_MAX = 120.0
# Never fetch internal addresses (only the explicit --base-url host is exempt).
HOSTGUARD_ENABLED = True
# Also refuse public-looking names that resolve to internal addresses (10.x, 127.x, 169.254.x, ::1 ...): the
# middleware checks the DNS answer (reason on the target's line) and the resolver below makes the connections with
# that same answer (one lookup per host, cached per DNSCACHE_SIZE), so a rebinding DNS server cannot slip past.
HOSTGUARD_CHECK_DNS = True
TWISTED_DNS_RESOLVER = "crawler.crawling.safedns.PublicOnlyResolver"
DOWNLOADER_MIDDLEWARES = {
    "crawler.crawling.hostguard.HostGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawling.retry.BackoffRetryMiddleware": 550,
}

# ---------------------------------------------------------------------------------------------------------------
# Mail (alerts)
# ---------------------------------------------------------------------------------------------------------------
# env: SMTP_HOST — mail server
SMTP_HOST = _env("SMTP_HOST", "localhost")
# env: SMTP_PORT — mail server port
SMTP_PORT = _env_int("SMTP_PORT", 587)
# env: SMTP_USERNAME — SMTP login
SMTP_USERNAME = _env("SMTP_USERNAME")
# env: SMTP_PASSWORD — SMTP password
SMTP_PASSWORD = _env("SMTP_PASSWORD")
# env: SMTP_SECURITY — none | starttls | ssl
SMTP_SECURITY = _env("SMTP_SECURITY", "starttls")
# env: MAIL_FROM — sender address of digests
MAIL_FROM = _env("MAIL_FROM", "Pantau Netralitas <pantau@localhost>")

# ---------------------------------------------------------------------------------------------------------------
# Digests and alerts (alerts/, `pantau digest`)
# ---------------------------------------------------------------------------------------------------------------
# env: DIGEST_SEND_EMPTY — true: a day with nothing new sends a short "nihil" email; false: nothing
DIGEST_SEND_EMPTY = _env_bool("DIGEST_SEND_EMPTY", True)
# env: DIGEST_MAX_FINDINGS — findings listed in full per digest; the rest are summarised with a Kibana link
DIGEST_MAX_FINDINGS = _env_int("DIGEST_MAX_FINDINGS", 200)
# env: DIGEST_LOOKBACK_DAYS — how far back a supervisor's first digest looks (by flagged_at)
DIGEST_LOOKBACK_DAYS = _env_int("DIGEST_LOOKBACK_DAYS", 7)
DIGEST_EXCERPT_CHARS = 600  # longer post texts are cut around the matched words
# env: DIGEST_SMTP_ATTEMPTS — tries per message while the mail server fails temporarily (4xx, down)
DIGEST_SMTP_ATTEMPTS = _env_int("DIGEST_SMTP_ATTEMPTS", 4)
# env: DIGEST_SMTP_BACKOFF — seconds before the second try, doubled after each
DIGEST_SMTP_BACKOFF = float(_env("DIGEST_SMTP_BACKOFF", "2.0"))
DIGEST_SMTP_TIMEOUT = 30  # seconds per SMTP connection/command
# env: ALERT_IMMEDIATE_ENABLED — true: a `tinggi` finding is mailed at once (pantau serve), besides the digest
ALERT_IMMEDIATE_ENABLED = _env_bool("ALERT_IMMEDIATE_ENABLED", False)
# env: ALERT_IMMEDIATE_IN_DIGEST — true: the digest lists again what an immediate alert already sent
ALERT_IMMEDIATE_IN_DIGEST = _env_bool("ALERT_IMMEDIATE_IN_DIGEST", False)
ALERT_IMMEDIATE_SEVERITIES = ["tinggi"]
# env: ALERT_IMMEDIATE_MINUTES — how often `pantau serve` looks for new findings for immediate alerts
ALERT_IMMEDIATE_MINUTES = _env_int("ALERT_IMMEDIATE_MINUTES", 5)

# ---------------------------------------------------------------------------------------------------------------
# Scheduler (`pantau serve`, crawler/scheduler.py)
# ---------------------------------------------------------------------------------------------------------------
# env: SCHEDULER_CRAWL_ENABLED — false: `pantau serve` runs no crawls (digests only)
SCHEDULER_CRAWL_ENABLED = _env_bool("SCHEDULER_CRAWL_ENABLED", True)
# env: SCHEDULER_CRAWL_PLATFORMS — platforms `pantau serve` crawls, comma-separated (default: all of them)
SCHEDULER_CRAWL_PLATFORMS = [p.strip() for p in _env(
    "SCHEDULER_CRAWL_PLATFORMS",
    "telegram,bluesky,mastodon,youtube,web,x,instagram,tiktok,facebook,threads").split(",") if p.strip()]
SCHEDULER_CRAWL_TIMEOUT = 3 * 3600  # seconds before a crawl child process is stopped
# env: SCHEDULER_RECHECK_ENABLED — false: no evidence re-check job
SCHEDULER_RECHECK_ENABLED = _env_bool("SCHEDULER_RECHECK_ENABLED", True)
# env: SCHEDULER_RECHECK_MINUTES — minutes between evidence re-checks (`python -m crawler recheck`)
SCHEDULER_RECHECK_MINUTES = _env_int("SCHEDULER_RECHECK_MINUTES", 720)
# env: SCHEDULER_DIGEST_ENABLED — false: `pantau serve` sends no digests
SCHEDULER_DIGEST_ENABLED = _env_bool("SCHEDULER_DIGEST_ENABLED", True)
# env: SCHEDULER_CATCHUP_SECONDS — how often due-but-unsent digests (missed, SMTP down) are looked for
SCHEDULER_CATCHUP_SECONDS = _env_int("SCHEDULER_CATCHUP_SECONDS", 300)
SCHEDULER_REGISTRY_REFRESH_MINUTES = 10  # supervisors added or changed in the registry get their digest job

# ---------------------------------------------------------------------------------------------------------------
# Kibana
# ---------------------------------------------------------------------------------------------------------------
# env: KIBANA_URL — Kibana for `pantau kibana import` and the Discover links in digests
KIBANA_URL = _env("KIBANA_URL", "http://localhost:5601")
# env: KIBANA_API_KEY — Kibana API key
KIBANA_API_KEY = _env("KIBANA_API_KEY")
# env: KIBANA_USERNAME — Kibana user (with KIBANA_PASSWORD)
KIBANA_USERNAME = _env("KIBANA_USERNAME")
# env: KIBANA_PASSWORD — Kibana password
KIBANA_PASSWORD = _env("KIBANA_PASSWORD")

# ---------------------------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------------------------
# env: PLAYWRIGHT_CHROMIUM_EXECUTABLE — Chromium to drive (else Playwright's own, else /usr/bin/chromium)
PLAYWRIGHT_CHROMIUM_EXECUTABLE = _env("PLAYWRIGHT_CHROMIUM_EXECUTABLE")
# env: PANTAU_SESSIONS_DIR — per-platform Playwright storage-state files (outside the repo)
PANTAU_SESSIONS_DIR = _env("PANTAU_SESSIONS_DIR", str(Path.home() / ".config" / "pantau" / "sessions"))

# ---------------------------------------------------------------------------------------------------------------
# Browser spiders (crawler.browser, spiders/{x,tiktok,...}.py; scrapy-playwright set per spider, not globally)
# ---------------------------------------------------------------------------------------------------------------
# Base URL per platform (mirrors/tests; `pantau crawl --base-url` overrides for one run).
# env: X_BASE_URL — mirror of https://x.com
X_BASE_URL = _env("X_BASE_URL")
# env: TIKTOK_BASE_URL — mirror of https://www.tiktok.com
TIKTOK_BASE_URL = _env("TIKTOK_BASE_URL")
# env: INSTAGRAM_BASE_URL — mirror of https://www.instagram.com
INSTAGRAM_BASE_URL = _env("INSTAGRAM_BASE_URL")
# env: FACEBOOK_BASE_URL — mirror of https://www.facebook.com
FACEBOOK_BASE_URL = _env("FACEBOOK_BASE_URL")
# env: THREADS_BASE_URL — mirror of https://www.threads.net
THREADS_BASE_URL = _env("THREADS_BASE_URL")
# env: PLAYWRIGHT_MAX_CONTEXTS — browser contexts open at once (one per platform and session is reused)
PLAYWRIGHT_MAX_CONTEXTS = _env_int("PLAYWRIGHT_MAX_CONTEXTS", 2)
# env: PLAYWRIGHT_MAX_PAGES_PER_CONTEXT — pages open at once per context, each visiting targets one after another
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = _env_int("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 4)
# env: BROWSER_HEADLESS — false: show the browser window (debugging)
BROWSER_HEADLESS = _env_bool("BROWSER_HEADLESS", True)
# env: BROWSER_NAVIGATION_TIMEOUT — milliseconds a page navigation (and a wait for its data) may take
BROWSER_NAVIGATION_TIMEOUT = _env_int("BROWSER_NAVIGATION_TIMEOUT", 30_000)
BROWSER_BLOCK_RESOURCES = True  # abort images, fonts and media on crawl pages (screenshot pages load them)
BROWSER_BLOCKED_RESOURCE_TYPES = ["image", "font", "media"]
BROWSER_SCROLL_MAX = 30  # scrolls per profile page at most
BROWSER_SCROLL_PAUSE_MS = 400
# env: BROWSER_SCREENSHOT_FLAGGED — full-page PNG of every flagged post's permalink at capture time
BROWSER_SCREENSHOT_FLAGGED = _env_bool("BROWSER_SCREENSHOT_FLAGGED", True)
BROWSER_SCREENSHOT_PERMALINK = True  # false: picture the post's element on the profile page instead
# Seconds a platform is paused after a rate limit or captcha ("default" for the others).
BROWSER_BACKOFF_SECONDS = {"default": 900.0, "x": 900.0, "instagram": 1800.0, "tiktok": 900.0,
                           "facebook": 1800.0, "threads": 1800.0}
PLATFORM_RATE_LIMITS.update({
    "x": {"delay": 5.0, "concurrency": 1}, "instagram": {"delay": 8.0, "concurrency": 1},
    "tiktok": {"delay": 5.0, "concurrency": 1}, "facebook": {"delay": 8.0, "concurrency": 1},
    "threads": {"delay": 8.0, "concurrency": 1},
})
# Re-check of flagged posts (`pantau recheck`): how many per run, and how old a post may be to be re-checked.
# env: RECHECK_MAX_POSTS — flagged posts visited per re-check run (those confirmed longest ago first)
RECHECK_MAX_POSTS = _env_int("RECHECK_MAX_POSTS", 200)
# env: RECHECK_MAX_AGE_DAYS — findings flagged more than this many days ago are no longer re-checked
RECHECK_MAX_AGE_DAYS = _env_int("RECHECK_MAX_AGE_DAYS", 90)
