"""Handle and profile-URL normalisation per platform, and refusal of non-public hosts (crawler/registry/handles.py)."""
from __future__ import annotations

import pytest

from crawler.registry.handles import HandleError, allowed_host, normalise
from crawler.registry.netguard import host_problem
from crawler.registry.nip import clean_nip, nip_problem

CASES = [
    # telegram
    ("telegram", "https://t.me/s/BawasluRI", "bawasluri", "https://t.me/bawasluri"),
    ("telegram", "t.me/BawasluRI/1234", "bawasluri", "https://t.me/bawasluri"),
    ("telegram", "@BawasluRI", "bawasluri", "https://t.me/bawasluri"),
    ("telegram", "https://telegram.me/bawasluri", "bawasluri", "https://t.me/bawasluri"),
    # bluesky
    ("bluesky", "https://bsky.app/profile/Alice.bsky.social", "alice.bsky.social",
     "https://bsky.app/profile/alice.bsky.social"),
    ("bluesky", "@alice.bsky.social", "alice.bsky.social", "https://bsky.app/profile/alice.bsky.social"),
    ("bluesky", "alice", "alice.bsky.social", "https://bsky.app/profile/alice.bsky.social"),
    ("bluesky", "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3k", "did:plc:abcdefghijklmnopqrstuvwx",
     "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx"),
    # mastodon
    ("mastodon", "@Budi@Mastodon.Social", "budi@mastodon.social", "https://mastodon.social/@budi"),
    ("mastodon", "budi@mastodon.social", "budi@mastodon.social", "https://mastodon.social/@budi"),
    ("mastodon", "https://mastodon.social/@Budi", "budi@mastodon.social", "https://mastodon.social/@budi"),
    ("mastodon", "https://mastodon.social/@budi/111222333", "budi@mastodon.social", "https://mastodon.social/@budi"),
    ("mastodon", "https://mastodon.social/users/budi", "budi@mastodon.social", "https://mastodon.social/@budi"),
    # youtube
    ("youtube", "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv", "UCabcdefghijklmnopqrstuv",
     "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv"),
    ("youtube", "UCabcdefghijklmnopqrstuv", "UCabcdefghijklmnopqrstuv",
     "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv"),
    ("youtube", "@BawasluRI", "@bawasluri", "https://www.youtube.com/@bawasluri"),
    ("youtube", "https://m.youtube.com/@BawasluRI/videos", "@bawasluri", "https://www.youtube.com/@bawasluri"),
    # x / twitter
    ("x", "https://twitter.com/Budi_S/status/17?s=20", "budi_s", "https://x.com/budi_s"),
    ("x", "https://mobile.twitter.com/budi_s", "budi_s", "https://x.com/budi_s"),
    ("x", "x.com/Budi_S", "budi_s", "https://x.com/budi_s"),
    ("x", "@Budi_S", "budi_s", "https://x.com/budi_s"),
    # instagram
    ("instagram", "https://www.instagram.com/Budi.S/?hl=id", "budi.s", "https://www.instagram.com/budi.s/"),
    ("instagram", "@budi.s", "budi.s", "https://www.instagram.com/budi.s/"),
    # tiktok
    ("tiktok", "https://www.tiktok.com/@Budi.S/video/123", "budi.s", "https://www.tiktok.com/@budi.s"),
    ("tiktok", "@budi.s", "budi.s", "https://www.tiktok.com/@budi.s"),
    # facebook
    ("facebook", "https://www.facebook.com/profile.php?id=100012345678", "100012345678",
     "https://www.facebook.com/profile.php?id=100012345678"),
    ("facebook", "https://web.facebook.com/people/Budi-Santoso/100012345678/", "100012345678",
     "https://www.facebook.com/profile.php?id=100012345678"),
    ("facebook", "https://m.facebook.com/Budi.Santoso", "budi.santoso", "https://www.facebook.com/budi.santoso"),
    ("facebook", "budi.santoso", "budi.santoso", "https://www.facebook.com/budi.santoso"),
    # threads
    ("threads", "https://www.threads.net/@Budi.S", "budi.s", "https://www.threads.net/@budi.s"),
    ("threads", "https://www.threads.com/@budi.s/post/C1", "budi.s", "https://www.threads.net/@budi.s"),
    ("threads", "@budi.s", "budi.s", "https://www.threads.net/@budi.s"),
    # web (candidate sites)
    ("web", "https://Anies-Muhaimin.id/berita/", "anies-muhaimin.id/berita", "https://anies-muhaimin.id/berita"),
]


@pytest.mark.parametrize("platform,value,handle,url", CASES)
def test_normalise(platform: str, value: str, handle: str, url: str) -> None:
    found = normalise(platform, value)
    assert (found.platform, found.handle, found.url) == (platform, handle, url)
    again = normalise(platform, found.url)  # the canonical URL maps to itself
    assert (again.handle, again.url) == (handle, url)


def test_platform_from_url_and_aliases() -> None:
    assert normalise(None, "https://twitter.com/abc").platform == "x"
    assert normalise("Twitter", "@abc").handle == "abc"
    assert normalise("IG", "@abc").platform == "instagram"


@pytest.mark.parametrize("platform,value,needle", [
    ("x", "https://instagram.com/budi", "bukan milik platform x"),
    ("instagram", "https://x.com/budi", "bukan milik platform instagram"),
    ("x", "https://x.com/home", "bukan halaman profil"),
    ("x", "@nama_yang_terlalu_panjang_sekali", "tidak valid"),
    ("telegram", "https://t.me/+AbCdEf", "privat"),
    ("tiktok", "https://www.tiktok.com/budi", "/@handle"),
    ("youtube", "https://youtu.be/abc", "video"),
    ("youtube", "https://www.youtube.com/channel/UCshort", "UC + 22"),
    ("mastodon", "budi", "user@instance"),
    ("mastodon", "https://x.com/@budi", "bukan instance mastodon"),
    ("myspace", "abc", "tidak dikenal"),
    ("x", "http://127.0.0.1/budi", "alamat IP"),
    ("x", "https://x.com@10.0.0.1/budi", "nama pengguna"),
    ("x", "https://x.com:8443/budi", "port"),
    ("x", "https://x .com/budi", "tidak valid"),
    ("web", "http://10.1.2.3/", "alamat IP"),
    ("web", "http://[::1]:8080/", "alamat IP"),
    ("web", "http://2130706433/", "alamat IP"),
    ("web", "http://0x7f000001/", "alamat IP"),
    ("web", "http://localhost/admin", "bukan nama domain publik"),
    ("web", "http://metadata.internal/", "lokal/internal"),
    ("web", "http://printer.local/", "lokal/internal"),
    ("web", "ftp://example.co.id/", "http/https"),
    ("web", "https://x.com/budi", "pilih platform itu"),
    ("mastodon", "budi@192.168.1.10", "alamat IP"),
    ("mastodon", "budi@localhost", "bukan nama domain publik"),
    ("mastodon", "https://intranet/@budi", "bukan nama domain publik"),
])
def test_refused(platform: str, value: str, needle: str) -> None:
    with pytest.raises(HandleError) as err:
        normalise(platform, value)
    assert needle in err.value.reason


def test_host_allow_list() -> None:
    assert allowed_host("www.instagram.com", "instagram")
    assert allowed_host("public.api.bsky.app", "bluesky")
    assert not allowed_host("evil.example.com", "instagram")
    assert allowed_host("mastodon.social", "mastodon", instance="mastodon.social")
    assert not allowed_host("other.social", "mastodon", instance="mastodon.social")
    assert not allowed_host("127.0.0.1", "mastodon", instance="127.0.0.1")
    assert host_problem("bawaslu.go.id") is None
    assert host_problem("169.254.169.254")


@pytest.mark.parametrize("nip,needle", [
    ("19850312201001100", "18 angka"),
    ("1985031220100110021", "18 angka"),
    ("19851312201001 1002", "tanggal lahir"),
    ("198502302010011002", "tanggal lahir"),
    ("198503122010131002", "bulan pengangkatan"),
    ("198503122010013002", "jenis kelamin"),
    ("198503121990011002", "tahun pengangkatan"),
    ("19850312201001100A", "angka"),
    ("19**************02", "tersamarkan"),
])
def test_nip_problems(nip: str, needle: str) -> None:
    problem = nip_problem(clean_nip(nip))
    assert problem and needle in problem
    assert clean_nip(nip)[4:12] not in problem  # never repeats the NIP


def test_nip_valid_with_separators() -> None:
    assert clean_nip("19850312 201001 1 002") == "198503122010011002"
    assert nip_problem("198503122010011002") is None
    assert nip_problem("198503122010012002") is None
