"""A digest's HTML rendered in real Chromium: the findings show, hostile text stays text. Screenshot saved."""
from __future__ import annotations

import os
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from alerts.render import Renderer, build_view
from alerts.selection import Found, Selection, Window
from alerts.supervisors import Recipient
from crawler.items import post_doc_id
from test_digest_support import make_post

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> Prabowo \u202eabc"


def chromium_path() -> str:
    for candidate in (os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("no Chromium found (PLAYWRIGHT_CHROMIUM_EXECUTABLE, /usr/bin/chromium)", pytrace=False)


def digest_html() -> str:
    seen = datetime(2024, 2, 4, 12, 0, tzinfo=timezone.utc)
    posts = [make_post(1, region="32.73", first_seen=seen, severity="tinggi"),
             make_post(2, region="32.04", first_seen=seen),
             make_post(3, region="32.73", first_seen=seen, text=HOSTILE, name="<b>Pak Hostile</b>")]
    selection = Selection(window=Window(seen - timedelta(days=1), seen + timedelta(hours=12)), region_codes=("32",),
                          findings=[Found(post_doc_id(p["platform"], p["post_id"]), "x-posts-2024.02", p)
                                    for p in posts],
                          total=5, by_severity={"tinggi": 1, "sedang": 4}, by_candidate={"pilpres-2024-02": 5},
                          by_category={"dukungan_medsos": 5}, accounts=3, last_24h=5, previous_24h=2)
    recipient = Recipient(id="jabar", name="Bawaslu Jawa Barat", email="jabar@example.org", region_codes=("32",))
    view = build_view(selection, recipient, date(2024, 2, 5), kibana_url="http://kibana.example.org", prefix="x-")
    return Renderer().render(view).html


@pytest.mark.timeout(120)
def test_digest_html_renders_in_chromium() -> None:
    from playwright.sync_api import sync_playwright

    html = digest_html()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.route("**/*", lambda route: route.abort())  # the page must not need the network
            page.set_content(html, wait_until="load")
            text = page.inner_text("body")
            assert "Ringkasan harian Pantau Netralitas" in text
            for handle in ("@pegawai1", "@pegawai2", "@pegawai3"):
                assert text.count(handle) == 1
            assert "Tingkat Tinggi (1)" in text and "Tingkat Sedang (4)" in text
            assert "2 temuan lain tidak ditampilkan" in text
            assert page.locator("mark").count() == 3 and page.locator("mark").first.inner_text() == "Prabowo"
            assert "<script>document.title='pwned'</script>" in text  # shown as text
            assert "<b>Pak Hostile</b>" in text
            assert page.title() != "pwned"
            assert page.locator("script").count() == 0 and page.locator("img").count() == 0
            assert page.locator("a[href^='http://kibana.example.org']").count() == 4  # 3 findings + the rest
            page.screenshot(path=str(ARTIFACTS / "digest.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "digest.png").stat().st_size > 10_000
