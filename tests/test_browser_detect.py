"""Page classification (`crawler.browser.detect.classify`) on HTML snippets: Facebook's removed-content wording."""
from __future__ import annotations

import pytest

from crawler.browser.detect import classify, target_status

PROFILE = "https://www.facebook.com/budi.santoso"


def _share_of_removed(phrase: str) -> str:
    return (
        '<html><body><div role="main"><div role="feed">'
        '<div role="article"><h3><a href="/budi.santoso">Budi Santoso</a> membagikan kiriman</h3>'
        '<div data-ad-rendering-role="story_message">Lihat ini</div>'
        f'<div class="attached"><span dir="auto">{phrase}</span>'
        "<span>Hal ini biasanya terjadi karena pemilik hanya membagikan konten dengan grup kecil.</span></div>"
        "</div>"
        '<div role="article"><div data-ad-rendering-role="story_message">Selamat pagi warga desa</div></div>'
        "</div></div></body></html>")


@pytest.mark.parametrize("phrase", ["This content isn't available right now",
                                    "This content isn\u2019t available right now",
                                    "Konten ini tidak tersedia saat ini"])
def test_facebook_removed_share_inside_a_post_is_not_a_missing_profile(phrase: str) -> None:
    verdict = classify("facebook", PROFILE, _share_of_removed(phrase), 200)
    assert verdict.ok, verdict
    # the same wording inside a comment nested in an article does not count either
    nested = ('<div role="article"><p>post</p><div role="article"><span>' + phrase + "</span></div></div>")
    assert classify("facebook", PROFILE, nested, 200).ok


@pytest.mark.parametrize("phrase", ["This content isn't available right now", "Konten ini tidak tersedia saat ini"])
def test_facebook_removed_page_is_unavailable(phrase: str) -> None:
    page = f'<html><body><div role="main"><h2>{phrase}</h2><p>Tautan mungkin rusak.</p></div></body></html>'
    verdict = classify("facebook", PROFILE, page, 200)
    assert verdict.verdict == "unavailable" and verdict.evidence == phrase
    assert target_status(verdict, has_session=False)[0] == "not_found"
    # the page's own message still counts when the page also shows some article (e.g. suggestions below it)
    with_article = page.replace("</div></body>", '<div role="article">Saran untuk Anda</div></div></body>')
    assert classify("facebook", PROFILE, with_article, 200).verdict == "unavailable"


def test_other_facebook_walls_unaffected_by_articles() -> None:
    html = '<div role="article">x</div><div>You must log in to continue</div>'
    assert classify("facebook", PROFILE, html, 200).verdict == "login_wall"
    assert classify("instagram", "https://www.instagram.com/a/",
                    "<div role=\"article\">Sorry, this page isn't available</div>", 200).verdict == "unavailable"
