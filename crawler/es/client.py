"""The one Elasticsearch client of a process, and index names.

`ES_URL` (with an API key or user/password and an optional CA bundle) names an existing cluster; unset, the
client talks to the local server `pantau es start` runs. Errors reaching the cluster become `EsUnavailable` with
a one-line reason that never contains a secret.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from elasticsearch import AuthenticationException, Elasticsearch
from elasticsearch import ConnectionError as EsConnectionError
from scrapy.settings import Settings

from crawler.es.local import LocalElasticsearch

logger = logging.getLogger(__name__)


class EsUnavailable(RuntimeError):
    """Elasticsearch cannot be reached or refuses us; the message is one clear line without secrets."""


@dataclass(frozen=True)
class EsConfig:
    url: str
    api_key: str = ""
    username: str = ""
    password: str = ""
    ca_certs: str = ""
    timeout: int = 30

    def __repr__(self) -> str:  # never show secrets
        auth = "api_key" if self.api_key else ("basic" if self.username else "none")
        return f"EsConfig(url={self.url!r}, auth={auth})"


def local_server(settings: Settings, name: str | None = None, port: int | None = None) -> LocalElasticsearch:
    return LocalElasticsearch(
        version=settings.get("ES_LOCAL_VERSION"),
        cache_dir=Path(settings.get("PANTAU_CACHE")),
        name=name or settings.get("ES_LOCAL_NAME") or "main",
        port=port or settings.getint("ES_LOCAL_PORT"),
        heap=settings.get("ES_LOCAL_HEAP"),
    )


def es_config(settings: Settings) -> EsConfig:
    url = settings.get("ES_URL") or ""
    if not url:
        server = local_server(settings)
        state = server.read_state() or {}
        url = state.get("url", server.url)
    return EsConfig(
        url=url.rstrip("/"),
        api_key=settings.get("ES_API_KEY") or "",
        username=settings.get("ES_USERNAME") or "",
        password=settings.get("ES_PASSWORD") or "",
        ca_certs=settings.get("ES_CA_CERTS") or "",
        timeout=settings.getint("ES_REQUEST_TIMEOUT", 30),
    )


def make_client(config: EsConfig) -> Elasticsearch:
    kwargs: dict = {"request_timeout": config.timeout, "retry_on_timeout": False, "max_retries": 0}
    if config.api_key:
        kwargs["api_key"] = config.api_key
    elif config.username:
        kwargs["basic_auth"] = (config.username, config.password)
    if config.ca_certs:
        kwargs["ca_certs"] = config.ca_certs
    return Elasticsearch(config.url, **kwargs)


_CLIENTS: dict[EsConfig, Elasticsearch] = {}


def get_client(settings: Settings) -> Elasticsearch:
    """One client per process and configuration, built once."""
    config = es_config(settings)
    client = _CLIENTS.get(config)
    if client is None:
        client = _CLIENTS[config] = make_client(config)
    return client


def check_connection(client: Elasticsearch, url: str) -> dict:
    """Cluster info, or `EsUnavailable` naming what is wrong (down, wrong credentials)."""
    try:
        return dict(client.cluster.health(timeout="10s"))
    except AuthenticationException as exc:
        raise EsUnavailable(f"Elasticsearch at {url} rejected the credentials (HTTP {exc.meta.status}): "
                            f"check ES_API_KEY or ES_USERNAME/ES_PASSWORD") from None
    except EsConnectionError as exc:
        raise EsUnavailable(f"Elasticsearch at {url} is not reachable ({type(exc).__name__}); "
                            f"start it with `pantau es start` or set ES_URL") from None


def index_prefix(settings: Settings) -> str:
    return settings.get("PANTAU_INDEX_PREFIX") or ""


def index_name(settings: Settings | str, kind: str) -> str:
    """The alias or index of a kind ("posts", "alert-ledger", "registry-accounts" ...) under the prefix."""
    prefix = settings if isinstance(settings, str) else index_prefix(settings)
    return f"{prefix}{kind}"


def posts_index_for(prefix: str, posted_at: str) -> str:
    """The monthly concrete index a post belongs to, by `posted_at` (YYYY-MM...)."""
    month = (posted_at or "")[:7]
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        month = "undated"
    else:
        month = month.replace("-", ".")
    return f"{prefix}posts-{month}"
