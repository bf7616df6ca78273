"""Who receives digests: supervisors from the registry, as plain `Recipient` values.

The registry (`crawler.registry.store.RegistryStore`) owns supervisors; alerts need only a few of their fields,
read through `Recipient.of(obj)` from anything Supervisor-like (the registry dataclass, a dict, a test object).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from crawler.regions import TIMEZONES

logger = logging.getLogger(__name__)

SUPERVISOR_FIELDS = ("id", "name", "email", "region_codes", "timezone", "iana_timezone", "digest_time", "language")


@dataclass(frozen=True)
class Recipient:
    """A supervisor as alerts see it."""

    id: str
    name: str
    email: str
    region_codes: tuple[str, ...] = ()
    timezone: str = "WIB"
    iana_timezone: str = "Asia/Jakarta"
    digest_time: str = "07:00"
    language: str = "id"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, obj: Any) -> Recipient:
        get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))
        zone = str(get("timezone") or "WIB").upper()
        iana = str(get("iana_timezone") or TIMEZONES.get(zone, "Asia/Jakarta"))
        codes = get("region_codes") or ()
        if isinstance(codes, str):
            codes = [c for c in codes.replace(",", ";").split(";")]
        return cls(id=str(get("id") or ""), name=str(get("name") or ""), email=str(get("email") or ""),
                   region_codes=tuple(str(c).strip() for c in codes if str(c).strip()),
                   timezone=zone if zone in TIMEZONES else "WIB", iana_timezone=iana,
                   digest_time=str(get("digest_time") or "07:00"), language=str(get("language") or "id"))

    @property
    def digest_hour_minute(self) -> tuple[int, int]:
        try:
            hour, minute = (int(x) for x in self.digest_time.split(":")[:2])
            if 0 <= hour < 24 and 0 <= minute < 60:
                return hour, minute
        except ValueError:
            pass
        logger.warning("supervisor %s has an invalid digest_time %r; using 07:00", self.id, self.digest_time)
        return 7, 0


def load_recipients(client: Elasticsearch, prefix: str, supervisor_id: str | None = None) -> list[Recipient]:
    """Active supervisors from the registry (optionally only one), sorted by id."""
    try:
        from crawler.registry.store import RegistryStore
    except ImportError:  # the registry module is not there yet: read its index directly
        rows = _read_index(client, prefix)
    else:
        rows = list(RegistryStore(client, prefix).list_supervisors())
    recipients = sorted((Recipient.of(r) for r in rows), key=lambda r: r.id)
    if supervisor_id is not None:
        recipients = [r for r in recipients if r.id == supervisor_id]
    return recipients


def _read_index(client: Elasticsearch, prefix: str) -> list[dict[str, Any]]:
    try:
        response = client.search(index=f"{prefix}registry-supervisors", size=10_000,
                                 query={"bool": {"must_not": [{"term": {"active": False}}]}})
    except NotFoundError:
        return []
    return [{"id": h["_source"].get("id") or h["_id"], **h["_source"]} for h in response["hits"]["hits"]]
