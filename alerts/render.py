"""Rendering a digest: one view model, one Jinja environment, one template per part over the whole digest.

`build_view` turns a `Selection` into plain data (logic stays out of the templates); `Renderer.render` renders the
subject, the plain-text and the HTML part from it. The environment autoescapes every HTML template, uses
`StrictUndefined` (a missing value fails loudly) and registers its filters explicitly. Plain-text templates
(`*.txt.j2`) are not HTML-escaped, but every scraped value in the view has had control and bidi characters removed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from alerts import format as fmt
from alerts.links import finding_url, search_url
from alerts.selection import Found, Selection
from alerts.supervisors import Recipient
from crawler.regions import Regions

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SEVERITY_COLOURS = {"tinggi": "#c62828", "sedang": "#ef6c00", "rendah": "#9e9e9e"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith(".txt.j2")  # HTML and anything unknown is escaped


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=_autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["severity_label"] = fmt.severity_label
    env.filters["category_label"] = fmt.category_label
    env.filters["platform_label"] = fmt.platform_label
    env.filters["candidate_label"] = fmt.candidate_label
    env.filters["signed"] = fmt.signed
    env.filters["line"] = fmt.clean_line
    return env


class Renderer:
    def __init__(self) -> None:
        self.env = make_environment()
        self.subject_t = self.env.get_template("subject.txt.j2")
        self.text_t = self.env.get_template("digest.txt.j2")
        self.html_t = self.env.get_template("digest.html.j2")

    def render(self, view: dict[str, Any]) -> Rendered:
        d = as_namespace(view)  # attribute access without Jinja's dict fallback (an exception per lookup)
        subject = fmt.clean_line(self.subject_t.render(d=d))
        return Rendered(subject=subject, text=self.text_t.render(d=d), html=self.html_t.render(d=d))


def as_namespace(value: Any) -> Any:
    """The view as nested SimpleNamespaces (lists kept as lists)."""
    if isinstance(value, dict):
        return SimpleNamespace(**{k: as_namespace(v) for k, v in value.items()})
    if isinstance(value, list):
        return [as_namespace(v) for v in value]
    return value


def region_label(regions: Regions, codes: tuple[str, ...]) -> str:
    names = [fmt.clean_line(regions.name_or_code(c)) for c in codes]
    return ", ".join(names) if len(names) <= 3 else ", ".join(names[:3]) + f" dan {len(names) - 3} wilayah lain"


def build_view(selection: Selection, recipient: Recipient, digest_date: date, *, kibana_url: str, prefix: str,
               excerpt_chars: int = 600, immediate: bool = False, regions: Regions | None = None) -> dict[str, Any]:
    regions = regions or Regions.load()
    zone, iana = recipient.timezone, recipient.iana_timezone

    def when(value: Any) -> str:
        return fmt.local_time(value, iana, zone)

    groups: list[dict[str, Any]] = []
    for found in selection.findings:
        if not groups or groups[-1]["severity"] != found.severity:
            groups.append({"severity": found.severity, "label": fmt.severity_label(found.severity),
                           "count": selection.by_severity.get(found.severity, 0), "accounts": []})
        asn = found.source.get("asn") or {}
        account_id = str(asn.get("account_id") or "")
        accounts = groups[-1]["accounts"]
        if not accounts or accounts[-1]["id"] != account_id:
            region_code = str(asn.get("region_code") or "")
            accounts.append({
                "id": account_id, "name": fmt.clean_line(asn.get("name")) or "(tanpa nama)",
                "agency": fmt.clean_line(asn.get("agency")) or "-", "position": fmt.clean_line(asn.get("position")) or "-",
                "region": fmt.clean_line(asn.get("region_name") or (regions.name_or_code(region_code) if region_code
                                                                    else "")) or "-",
                "region_code": fmt.clean_line(region_code), "findings": []})
        accounts[-1]["findings"].append(_finding_view(found, when, kibana_url, prefix, excerpt_chars))
    end_local = selection.window.end.astimezone(ZoneInfo(iana))
    delta = selection.last_24h - selection.previous_24h
    return {
        "immediate": immediate,
        "recipient": {"name": fmt.clean_line(recipient.name), "email": recipient.email, "timezone": zone},
        "regions": [{"code": c, "name": fmt.clean_line(regions.name_or_code(c))} for c in selection.region_codes],
        "region_label": region_label(regions, selection.region_codes),
        "date_label": fmt.long_date(digest_date),
        "window_start": when(selection.window.start.isoformat()),
        "window_end": when(selection.window.end.isoformat()),
        "generated": when(end_local.isoformat()),
        "total": selection.total, "listed": len(selection.findings), "unlisted": selection.unlisted,
        "accounts": selection.accounts, "empty": selection.total == 0,
        "by_severity": [{"key": k, "label": fmt.severity_label(k), "count": v} for k, v in selection.by_severity.items()],
        "by_candidate": [{"label": fmt.candidate_label(k), "count": v} for k, v in selection.by_candidate.items()],
        "by_category": [{"label": fmt.category_label(k) if k else "Tanpa kategori", "count": v}
                        for k, v in selection.by_category.items()],
        "last_24h": selection.last_24h, "previous_24h": selection.previous_24h, "delta": fmt.signed(delta),
        "groups": groups,
        "more_url": fmt.safe_url(search_url(kibana_url, prefix, selection.region_codes, selection.window.start,
                                            selection.window.end)),
    }


def _finding_view(found: Found, when: Any, kibana_url: str, prefix: str, excerpt_chars: int) -> dict[str, Any]:
    src = found.source
    author = src.get("author") or {}
    raw = src.get("raw") or {}
    spans = [m.get("span") or [] for m in (src.get("matches") or []) if isinstance(m, dict)]
    text = src.get("text") or ""
    title = fmt.clean_line(src.get("title"))
    return {
        "doc_id": found.doc_id,
        "platform": src.get("platform") or "",
        "kind": src.get("kind") or "post",
        "handle": fmt.clean_line(author.get("handle")), "author_name": fmt.clean_line(author.get("display_name")),
        "title": title,
        "pieces": fmt.highlight(text, spans, excerpt_chars),
        "matched": sorted({fmt.clean_line(m.get("text"), 80) for m in (src.get("matches") or [])
                           if isinstance(m, dict) and m.get("text")}),
        "posted": when(src.get("posted_at")), "first_seen": when(src.get("first_seen")),
        "deleted": when(src.get("deleted_at")) if src.get("deleted_at") else "",
        "url": fmt.safe_url(src.get("url")), "url_text": fmt.clean_line(src.get("url"), 200),
        "category": src.get("category") or "", "severity": found.severity,
        "colour": SEVERITY_COLOURS.get(found.severity, "#9e9e9e"),
        "candidates": [fmt.candidate_label(c) for c in (src.get("candidates") or [])],
        "explanation": fmt.clean_text(src.get("explanation") or ""),
        "evidence": {"sha256": fmt.clean_line(raw.get("sha256")), "path": fmt.clean_line(raw.get("path")),
                     "screenshot_sha256": fmt.clean_line(raw.get("screenshot_sha256")),
                     "screenshot_path": fmt.clean_line(raw.get("screenshot_path"))},
        "kibana_url": fmt.safe_url(finding_url(kibana_url, prefix, found.doc_id, str(src.get("posted_at") or ""))),
    }
