"""`pantau recheck` on a Facebook permalink that shows the message cut ("… Lihat selengkapnya"): the cut text is not
read as an edit; a whole text that differs still is."""
from __future__ import annotations

from crawler.browser.recheck import read_page_post

POST_ID = "pfbid02AbCdEf"
FULL = ("Mari bersama mendukung pasangan nomor dua demi Indonesia maju, datang ke TPS tanggal 14 Februari dan "
        "ajak keluarga serta tetangga untuk memilih #PrabowoGibran2024")


def _permalink(message_html: str) -> str:
    return ('<html><body><div role="main"><div role="article">'
            '<h2><a href="https://www.facebook.com/budi.santoso">Budi Santoso</a></h2>'
            f'<span><a href="https://www.facebook.com/budi.santoso/posts/{POST_ID}?__cft__[0]=AZX" role="link">'
            '<abbr data-utime="1705712400" title="20 Januari 2024 pukul 08.00">20 Januari 2024</abbr></a></span>'
            f'<div data-ad-rendering-role="story_message"><div dir="auto">{message_html}</div></div>'
            "</div></div></body></html>")


def test_cut_text_is_not_an_edit() -> None:
    cut = _permalink(FULL[:60] + '\u2026 <div role="button" tabindex="0">Lihat selengkapnya</div>')
    status, reason, text = read_page_post("facebook", cut, POST_ID) or ("", "", "")
    assert status == "present" and text == "" and "terpotong" in reason


def test_whole_text_is_read() -> None:
    assert read_page_post("facebook", _permalink(FULL), POST_ID) == ("present", "", FULL)
    edited = FULL.replace("nomor dua", "nomor 2")
    assert read_page_post("facebook", _permalink(edited), POST_ID) == ("present", "", edited)
    assert read_page_post("facebook", _permalink(FULL), "pfbid0Lain") is None
