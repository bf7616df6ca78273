"""EnrichPipeline: posts linked to registered ASN accounts and candidate pages (real Elasticsearch)."""
from __future__ import annotations

from pathlib import Path

from crawler.es.setup import apply_templates
from crawler.items import Author, Parent, Post
from crawler.pipelines.enrich import EnrichPipeline
from crawler.registry.defaults import load_defaults
from crawler.registry.store import RegistryStore


def test_enrich_links_account_and_candidate_page(es_client, index_prefix: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    apply_templates(es_client, index_prefix)
    load_defaults(es_client, index_prefix)
    store = RegistryStore(es_client, index_prefix)
    (tmp_path / "a.csv").write_text("platform,handle,name,nip,agency,position,region_code\n"
                                    "mastodon,https://mastodon.social/@budi,Budi,198503122010011002,Dinas,Guru,32.04.05\n")
    assert store.import_file("accounts", tmp_path / "a.csv", by="t").ok
    store.add_page("pilpres-2024-02", "x", "@prabowo", by="t")
    pipeline = EnrichPipeline(store)

    post = Post(platform="mastodon", post_id="1", author=Author(platform="mastodon", handle="budi",
                                                                url="https://mastodon.social/@Budi"))
    pipeline.process_item(post)
    assert post.asn is not None
    assert (post.asn.account_id, post.asn.name, post.asn.region_path, post.asn.region_name) == (
        "mastodon:budi@mastodon.social", "Budi", ["32", "32.04", "32.04.05"], "Cileunyi")
    assert "nip" not in post.asn.__dict__
    assert post.author.role == "asn"

    reply = Post(platform="x", post_id="2", kind="reply", author=Author(handle="someone"),
                 parent=Parent(post_id="9", author_handle="@Prabowo"))
    pipeline.process_item(reply)
    assert reply.asn is None and reply.parent.candidate_id == "pilpres-2024-02"
    assert reply.author.role == "other"
    own = Post(platform="x", post_id="4", author=Author(handle="@Prabowo"))
    pipeline.process_item(own)
    assert own.author.role == "candidate" and own.asn is None

    as_dict = {"platform": "x", "post_id": "3", "author": {"handle": "nobody"},
               "parent": {"author_handle": "someoneelse", "candidate_id": ""}}
    pipeline.process_item(as_dict)
    assert "asn" not in as_dict and as_dict["parent"]["candidate_id"] == ""


def test_a_deactivated_candidates_page_is_no_longer_a_candidate_page(es_client, index_prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Enrichment follows the active candidates, as the crawl targets do; the page stays registered to its pair."""
    apply_templates(es_client, index_prefix)
    load_defaults(es_client, index_prefix)
    store = RegistryStore(es_client, index_prefix)
    store.add_page("pilpres-2024-02", "x", "@prabowo", by="t")
    store.deactivate("candidates", "pilpres-2024-02", by="t")
    reply = Post(platform="x", post_id="2", kind="reply", author=Author(handle="someone"),
                 parent=Parent(post_id="9", author_handle="@Prabowo"))
    EnrichPipeline(store).process_item(reply)
    assert reply.parent.candidate_id == ""
    assert store.candidate_pages()[("x", "prabowo")] == "pilpres-2024-02"
