"""Open cut texts before a page is read: Facebook shows a long message cut, with a "… Lihat selengkapnya" /
"See more" button (`role="button"`) inside the message box, in the feed and on some permalink pages.

`expand_cut_texts(page)` clicks every such button inside the message boxes of the posts shown (the click is
dispatched in the page: no scrolling, so a feed does not load more) and waits until none is left; it returns how
many it clicked (0 when none, or when they did not all open in time: the parser then reads the text as shown and
lists the post as cut). The Facebook spider calls it before each snapshot of a profile page, `pantau recheck`
before reading a Facebook permalink, so a text compared for edits is the whole text.
"""
from __future__ import annotations

import logging
from typing import Any

from crawler.parsers.facebook import EXPANDERS

logger = logging.getLogger(__name__)

# the expander buttons (role=button, label in `labels`) inside the message boxes of the posts shown
_FIND = """(labels) => Array.from(document.querySelectorAll(
    'div[role="article"] :is([data-ad-preview="message"], [data-ad-comet-preview="message"], '
    + '[data-ad-rendering-role="story_message"]) [role="button"]'))
  .filter((b) => labels.includes(b.textContent.trim().toLowerCase()))"""
CLICK_SCRIPT = "(labels) => { const found = (" + _FIND + ")(labels); found.forEach((b) => b.click()); " \
               "return found.length; }"
COUNT_SCRIPT = "(labels) => (" + _FIND + ")(labels).length"


async def expand_cut_texts(page: Any, timeout_ms: int = 10_000) -> int:
    """Click every cut message's expander and wait (up to `timeout_ms`) until they opened; how many were
    clicked (0: none, or not all opened in time)."""
    labels = list(EXPANDERS)
    try:
        clicked = int(await page.evaluate(CLICK_SCRIPT, labels))
        if clicked:
            await page.wait_for_function(COUNT_SCRIPT + " === 0", arg=labels, timeout=max(1000, timeout_ms))
    except Exception as exc:  # playwright's TimeoutError or a page gone: the parser reads what is shown
        logger.debug("cut texts not all opened on %s: %s", getattr(page, "url", "?"), exc)
        return 0
    return clicked
