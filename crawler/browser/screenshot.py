"""Screenshots kept as evidence: a full-page PNG of a post's permalink page, else the post's element on the page.

Taken at capture time in a page the spider opens itself in the same browser context (same session), which is not
routed by scrapy-playwright, so images and fonts load for the picture; its requests to internal hosts are aborted
(`crawler.browser.blocking.guard`) as on the crawl's own pages. The picture is taken once the post is shown
and what it is drawn with has arrived (its eager images decoded or failed, its fonts loaded), not after the page's
network goes quiet: platforms keep long-polling connections open, so "network idle" meant waiting out the whole
timeout on every flagged post. Stored content-addressed by SHA-256.
"""
from __future__ import annotations

import logging
from typing import Any

from crawler.browser.blocking import guard
from crawler.crawling.evidence import EvidenceStore, StoredEvidence

logger = logging.getLogger(__name__)

# every image the page loads eagerly has arrived (or failed), and the fonts are loaded
DRAWN = ("() => Array.from(document.images).every(i => i.loading === 'lazy' || i.complete)"
         " && document.fonts.status === 'loaded'")


async def permalink_screenshot(context: Any, url: str, store: EvidenceStore, *, wait_selector: str = "",
                               timeout_ms: int = 15_000) -> tuple[StoredEvidence | None, str]:
    """(stored PNG or None, the page's HTML) of `url` opened in `context`; the page is always closed."""
    page = await context.new_page()
    try:
        await guard(page)
        await page.goto(url, wait_until="load", timeout=timeout_ms)
        if wait_selector:
            try:
                await page.wait_for_selector(wait_selector, timeout=timeout_ms // 3)
            except Exception as exc:  # the post may be gone: the picture shows what is there
                logger.debug("screenshot: %s not shown on %s: %s", wait_selector, url, exc)
        try:
            await page.wait_for_function(DRAWN, timeout=timeout_ms // 3)
        except Exception:  # an image that never ends loading: take the picture anyway
            logger.debug("screenshot: %s not fully drawn within %d ms", url, timeout_ms // 3)
        png = await page.screenshot(full_page=True, type="png")
        return store.put_screenshot(png), await page.content()
    except Exception as exc:
        logger.warning("screenshot of %s failed: %s", url, exc)
        return None, ""
    finally:
        await page.close()


async def element_screenshot(locator: Any, store: EvidenceStore) -> StoredEvidence | None:
    try:
        await locator.scroll_into_view_if_needed(timeout=5000)
        return store.put_screenshot(await locator.screenshot(type="png", timeout=10_000))
    except Exception as exc:
        logger.warning("element screenshot failed: %s", exc)
        return None
