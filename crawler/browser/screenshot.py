"""Screenshots kept as evidence: a full-page PNG of a post's permalink page, else the post's element on the page.

Taken at capture time in a page the spider opens itself in the same browser context (same session), which is not
routed by scrapy-playwright, so images and fonts load for the picture. Stored content-addressed by SHA-256.
"""
from __future__ import annotations

import logging
from typing import Any

from crawler.crawling.evidence import EvidenceStore, StoredEvidence

logger = logging.getLogger(__name__)


async def permalink_screenshot(context: Any, url: str, store: EvidenceStore, *, wait_selector: str = "",
                               timeout_ms: int = 15_000) -> tuple[StoredEvidence | None, str]:
    """(stored PNG or None, the page's HTML) of `url` opened in `context`; the page is always closed."""
    page = await context.new_page()
    try:
        await page.goto(url, wait_until="load", timeout=timeout_ms)
        if wait_selector:
            try:
                await page.wait_for_selector(wait_selector, timeout=timeout_ms // 3)
            except Exception as exc:  # the post may be gone: the picture shows what is there
                logger.debug("screenshot: %s not shown on %s: %s", wait_selector, url, exc)
        try:
            await page.wait_for_load_state("networkidle", timeout=timeout_ms // 3)
        except Exception:  # long-polling pages never go idle: take the picture anyway
            pass
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
