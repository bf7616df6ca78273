"""Mail messages built safely: `email.message.EmailMessage`, encoded headers, no CR/LF/bidi in header values.

Names and subjects come partly from scraped or operator-typed text; every header value goes through `header_value`
(controls, bidi marks and line breaks removed) and addresses are checked before use, so nothing can inject a header
or a second recipient.
"""
from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from alerts.format import clean_line

logger = logging.getLogger(__name__)

_ADDRESS_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


class BadAddress(ValueError):
    """An email address that cannot be used (a permanent delivery failure)."""


def header_value(value: object, max_len: int = 250) -> str:
    return clean_line(value, max_len=max_len)


def check_address(email: str) -> str:
    text = (email or "").strip()
    if not _ADDRESS_RE.match(text) or ".." in text or len(text) > 254:
        raise BadAddress(f"alamat email tidak valid: {clean_line(text, 80)!r}")
    return text


def make_address(name: str, email: str) -> Address:
    local, _, domain = check_address(email).rpartition("@")
    return Address(display_name=header_value(name, 120), username=local, domain=domain)


def parse_from(value: str) -> Address:
    name, email = parseaddr(value or "")
    return make_address(name, email)


def message_id_for(digest_id: str, mail_from: str) -> str:
    """A deterministic Message-ID: the same digest always carries the same id (resends dedupe in mail clients)."""
    try:
        domain = parse_from(mail_from).domain
    except BadAddress:
        domain = "pantau-netralitas.invalid"
    token = hashlib.sha256(digest_id.encode("utf-8")).hexdigest()[:32]
    return f"<digest.{token}@{domain}>"


def build_message(*, subject: str, text: str, html: str, mail_from: str, to_name: str, to_email: str,
                  message_id: str, date: datetime, digest_id: str) -> EmailMessage:
    """multipart/alternative: the plain-text part first, then HTML."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = header_value(subject)
    message["From"] = parse_from(mail_from)
    message["To"] = make_address(to_name, to_email)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["X-Pantau-Digest-Id"] = header_value(digest_id, 500)
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "id"
    # base64: any line length is safe, and it is encoded in C (quoted-printable is slow pure Python)
    message.set_content(text, subtype="plain", charset="utf-8", cte="base64")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    return message
