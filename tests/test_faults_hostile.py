"""Fault: hostile posts (1 MB of text, binary junk, markup and header injection, RTL overrides) crawled from the
mock site through validate → enrich → match → index into Elasticsearch, then shown in a supervisor's digest."""
from __future__ import annotations

import email
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.items import post_doc_id
from crawler.mocksite import MockSite, World
from faults_support import crawl, pantau, pantau_env, stored_posts

CHANNEL = "kanal_jahat"
PARTISAN = "Coblos Prabowo Gibran nomor 2!"
INJECTED_NAME = "Kanal Jahat\r\nBcc: korban@contoh.id\r\n\u202eJahat"
BIG = PARTISAN + " " + "Warga desa é😀 gotong royong. " * 40_000  # > 1 MB of UTF-8, multibyte characters
HOSTILE = (PARTISAN + " <script>alert('xss')</script> <img src=x onerror=alert(2)> NUL[\x00] "
           "bad[\udcff\udcfe\udcc3(] ctl[\x01\x07\x1b\x7f\x85] rtl[\u202egnp.exe] "
           "\r\nBcc: korban@contoh.id\r\nSubject: palsu")
JUNK = "\x00\x01\x02\udcff\udcfe\x1b[31m\x7f"  # nothing readable at all


class Tags(HTMLParser):
    """The elements and attribute names a browser would see in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.attrs.update(name for name, _ in attrs)


def hostile_world() -> World:
    return World.from_dict({
        "accounts": [{"platform": "telegram", "handle": CHANNEL, "display_name": INJECTED_NAME}],
        "posts": [{"platform": "telegram", "handle": CHANNEL, "id": str(n), "text": text,
                   "posted_at": f"2024-01-10T0{n}:00:00+07:00"}
                  for n, text in ((1, BIG), (2, HOSTILE), (3, JUNK))]})


@pytest.mark.timeout(400)
def test_hostile_posts_are_indexed_clean_and_shown_escaped(es_client, es_url: str, index_prefix: str,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    assert len(BIG.encode("utf-8")) > 1_000_000
    apply_templates(es_client, index_prefix)
    home = tmp_path / "home"
    env = pantau_env(es_url, index_prefix, home)
    accounts = tmp_path / "akun.csv"
    accounts.write_text("platform;akun;nama;instansi;jabatan;kode_wilayah\n"
                        f"telegram;{CHANNEL};Budi Santoso;Dinas Pendidikan;Guru;32.04\n", encoding="utf-8")
    supervisors = tmp_path / "pengawas.csv"
    # digest time 23:59: today's digest window reaches `now`, so the findings just indexed are in it
    supervisors.write_text("name;email;region_codes;digest_time\nBawaslu Jawa Barat;jabar@bawaslu.contoh.id;32;23:59\n",
                           encoding="utf-8")
    for kind, path in (("accounts", accounts), ("supervisors", supervisors)):
        result = pantau(env, kind, "import", str(path), "--by", "uji")
        assert result.returncode == 0, result.output

    with MockSite(hostile_world()) as site:
        run = crawl(env, site.base_url, "--target", CHANNEL)
    assert run.returncode == 0, run.output[-3000:]
    assert f"telegram {CHANNEL}: ok — 3 post baru, 1 halaman" in run.stdout

    docs = {d["post_id"]: d for d in stored_posts(es_client, index_prefix)}
    assert sorted(docs) == [f"{CHANNEL}/1", f"{CHANNEL}/2", f"{CHANNEL}/3"]
    assert {d["_id"] for d in docs.values()} == {post_doc_id("telegram", p) for p in docs}
    assert Spool(home / "spool").pending() == 0 and DeadLetters(home / "deadletter").read_all() == []

    big = docs[f"{CHANNEL}/1"]["text"]
    size = len(big.encode("utf-8"))
    assert 29_990 <= size <= 30_000 and big.endswith("…")  # cut below the limit, at a character boundary
    assert BIG.startswith(big[:-1])
    assert len(docs[f"{CHANNEL}/1"]["text_normalised"].encode("utf-8")) <= 30_000

    hostile = docs[f"{CHANNEL}/2"]
    text = hostile["text"]
    for char in "\x00\x01\x07\x1b\x7f\x85\r":
        assert char not in text, repr(char)
    assert "<script>alert('xss')</script> <img src=x onerror=alert(2)>" in text  # markup kept as text
    assert "bad[\ufffd\ufffd\ufffd(]" in text  # invalid UTF-8 became replacement characters
    assert "Bcc: korban@contoh.id" in text and "\u202egnp.exe" in text
    assert hostile["author"]["display_name"] == "Kanal Jahat\nBcc: korban@contoh.id\n\u202eJahat"
    assert "\x00" not in docs[f"{CHANNEL}/3"]["text"] and "\x1b" not in docs[f"{CHANNEL}/3"]["text"]
    for doc in docs.values():  # enriched with the registered account and its region
        assert doc["asn"]["region_code"] == "32.04" and doc["asn"]["name"] == "Budi Santoso"
    assert docs[f"{CHANNEL}/1"]["flagged"] and hostile["flagged"]

    outbox = tmp_path / "outbox"
    digest = pantau(env, "digest", "--outbox", str(outbox))
    assert digest.returncode == 0, digest.output
    assert "jabar@bawaslu.contoh.id: 2 temuan" in digest.stdout, digest.output
    [html_path] = list(outbox.glob("*.html"))
    [eml_path] = list(outbox.glob("*.eml"))
    html = html_path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;" in html
    for raw in ("<script", "<img", "\u202e", "\x00", "\x1b"):
        assert raw not in html, repr(raw)
    tags = Tags()
    tags.feed(html)
    assert "script" not in tags.names and "img" not in tags.names
    assert not [a for a in tags.attrs if a.startswith("on")], tags.attrs

    message = email.message_from_bytes(eml_path.read_bytes(), policy=policy.default)
    assert message["Bcc"] is None and message["Cc"] is None
    assert [str(a.addr_spec) for a in message["To"].addresses] == ["jabar@bawaslu.contoh.id"]
    for name, value in message.items():
        assert "korban" not in str(value) and "palsu" not in str(value), (name, value)
        assert "\r" not in str(value) and "\n" not in str(value), (name, value)
    assert "Subject" in message and message.get_all("Subject") and len(message.get_all("Subject")) == 1
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "&lt;script&gt;" in parts["text/html"] and "<script" not in parts["text/html"]
    assert "\u202e" not in parts["text/plain"] and "\x00" not in parts["text/plain"]
