"""EnrichPipeline: link each Post to its registered ASN account and to registered candidate pages.

The author (platform + handle, or profile URL) is normalised like the registry does and looked up once per crawl
(results, including misses, are cached): a registered account fills `post.asn` (id, name, agency, position, region
code, region path and region name; never the NIP). When a comment or reply hangs under a registered official page
of a candidate pair, `parent.candidate_id` is set. When the registry cannot be reached, items pass unchanged (with
one warning). Switched off with `ENRICH_ENABLED = False`.
"""
from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import AsnRef, Parent
from crawler.regions import Regions
from crawler.registry.handles import HandleError, normalise
from crawler.registry.models import Account, account_id

logger = logging.getLogger(__name__)


class EnrichPipeline:
    def __init__(self, store: Any, regions: Regions | None = None) -> None:
        self.store = store
        self.regions = regions or Regions.load()
        self._accounts: dict[str, Account | None] = {}
        self._pages: dict[tuple[str, str], str] | None = None
        self._offline = False
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EnrichPipeline:
        settings = crawler.settings
        if not settings.getbool("ENRICH_ENABLED", True):
            raise NotConfigured("enrichment disabled (ENRICH_ENABLED=False)")
        from crawler.es.client import get_client, index_prefix
        from crawler.registry.store import RegistryStore

        pipeline = cls(RegistryStore(get_client(settings), index_prefix(settings)))
        pipeline.crawler = crawler
        return pipeline

    # -- lookups (cached per crawl) -------------------------------------------------------------------------
    @staticmethod
    def _identity(platform: str, handle: str, url: str) -> tuple[str, str] | None:
        """(platform, canonical handle) from the handle, else the profile URL; None when neither is usable."""
        for value in (handle, url):
            if not value:
                continue
            try:
                found = normalise(platform, value)
            except HandleError:
                continue
            return found.platform, found.handle
        return None

    def _key(self, platform: str, handle: str, url: str) -> str | None:
        identity = self._identity(platform, handle, url)
        return account_id(*identity) if identity else None

    def account(self, platform: str, handle: str, url: str = "") -> Account | None:
        key = self._key(platform, handle, url)
        if key is None or self._offline:
            return None
        if key not in self._accounts:
            try:
                doc = self.store.get("accounts", key)
            except Exception as exc:  # registry unreachable: enrich nothing, never drop items
                self._go_offline(exc)
                return None
            self._accounts[key] = Account(**{k: v for k, v in doc.items() if k in Account.__dataclass_fields__}) \
                if doc and doc.get("active", True) else None
        return self._accounts[key]

    def candidate_of_page(self, platform: str, handle: str, url: str = "") -> str:
        if self._offline:
            return ""
        if self._pages is None:
            try:
                self._pages = self.store.candidate_pages(active=True)
            except Exception as exc:
                self._go_offline(exc)
                return ""
        identity = self._identity(platform, handle, url)
        return self._pages.get(identity, "") if identity else ""

    def _go_offline(self, exc: Exception) -> None:
        self._offline = True
        logger.warning("registry not reachable (%s): posts are not linked to accounts in this crawl",
                       type(exc).__name__)

    # -- the item -------------------------------------------------------------------------------------------
    def asn_ref(self, account: Account) -> AsnRef:
        code = account.region_code
        path = list(account.region_path)
        name = ""
        if code:
            try:
                path = self.regions.ancestors(code)
            except KeyError:
                pass
            name = self.regions.name_or_code(code)
        return AsnRef(account_id=account.id, name=account.name, agency=account.agency, position=account.position,
                      region_code=code, region_path=path, region_name=name)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        platform = adapter.get("platform") or ""
        author = adapter.get("author")
        author_get = (author.get if isinstance(author, dict) else (lambda k, d="": getattr(author, k, d)))
        handle = author_get("handle", "") or "" if author is not None else ""
        url = author_get("url", "") or "" if author is not None else ""
        account = self.account(platform, handle, url) if platform else None
        if account is not None:
            ref = self.asn_ref(account)
            adapter["asn"] = ref if not isinstance(item, dict) else ref.__dict__ | {"region_path": ref.region_path}
        if author is not None and platform and not self._offline:
            role = "asn" if account is not None else (
                "candidate" if handle and self.candidate_of_page(platform, handle) else "other")
            if isinstance(author, dict):
                author["role"] = role
            else:
                author.role = role
        parent = adapter.get("parent")
        if parent is not None and platform:
            is_dict = isinstance(parent, dict)
            p_handle = (parent.get("author_handle") if is_dict else getattr(parent, "author_handle", "")) or ""
            current = (parent.get("candidate_id") if is_dict else getattr(parent, "candidate_id", "")) or ""
            if p_handle and not current:
                candidate = self.candidate_of_page(platform, p_handle)
                if candidate:
                    if is_dict:
                        parent["candidate_id"] = candidate
                    elif isinstance(parent, Parent):
                        parent.candidate_id = candidate
        return item
