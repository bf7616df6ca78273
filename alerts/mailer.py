"""SMTP delivery with the standard library: STARTTLS or SSL, login from the environment, retries with backoff.

Temporary trouble (server down, 4xx, dropped connection) is retried `attempts` times with doubling waits, then
reported as `DeliveryError(permanent=False)`: the digest stays queued and is resent later. A 5xx answer or an
unusable address is `DeliveryError(permanent=True)`: recorded, reported, never retried in a loop. One connection
is kept open across messages and reopened after any error.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from alerts.message import BadAddress, check_address

logger = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int = 587
    username: str = ""
    password: str = ""
    security: str = "starttls"  # none | starttls | ssl
    timeout: float = 30.0
    mail_from: str = "Pantau Netralitas <pantau@localhost>"

    def __repr__(self) -> str:  # never show the password
        return f"SmtpConfig(host={self.host!r}, port={self.port}, security={self.security!r}, " \
               f"auth={'yes' if self.username else 'no'})"

    @classmethod
    def from_settings(cls, settings: Any) -> SmtpConfig:
        security = (settings.get("SMTP_SECURITY") or "starttls").strip().lower()
        if security not in ("none", "starttls", "ssl"):
            raise ValueError(f"SMTP_SECURITY must be none, starttls or ssl, not {security!r}")
        return cls(host=settings.get("SMTP_HOST") or "localhost", port=settings.getint("SMTP_PORT", 587),
                   username=settings.get("SMTP_USERNAME") or "", password=settings.get("SMTP_PASSWORD") or "",
                   security=security, timeout=float(settings.getint("DIGEST_SMTP_TIMEOUT", 30)),
                   mail_from=settings.get("MAIL_FROM") or cls.mail_from)


def _code_of(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return min(codes) if codes else None
    return getattr(exc, "smtp_code", None)


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                 for addr, (code, msg) in exc.recipients.items()]
        return "penerima ditolak: " + "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"SMTP {exc.smtp_code} {msg}"
    return f"{type(exc).__name__}: {exc}"


class Mailer:
    def __init__(self, config: SmtpConfig, attempts: int = 4, backoff: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        cfg = self.config
        if cfg.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
            if cfg.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if cfg.username:
            smtp.login(cfg.username, cfg.password)
        self._smtp = smtp
        return smtp

    def send(self, message: EmailMessage | bytes, recipient: str, sender: str | None = None) -> None:
        """Deliver one message to one address, or raise `DeliveryError`."""
        try:
            to_addr = check_address(recipient)
        except BadAddress as exc:
            raise DeliveryError(str(exc), permanent=True) from None
        from_addr = sender or _envelope_sender(self.config.mail_from)
        data = message if isinstance(message, bytes) else message.as_bytes()
        last = ""
        for attempt in range(1, self.attempts + 1):
            try:
                self._connect().sendmail(from_addr, [to_addr], data)
                return
            except (smtplib.SMTPException, OSError) as exc:
                code = _code_of(exc)
                last = _describe(exc)
                if code is not None and 500 <= code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                    raise DeliveryError(last, permanent=True) from None
                self.close()
                if attempt < self.attempts:
                    delay = self.backoff * (2 ** (attempt - 1))
                    logger.warning("SMTP %s:%s: %s (percobaan %d/%d, ulang dalam %.1f s)", self.config.host,
                                   self.config.port, last, attempt, self.attempts, delay)
                    self.sleep(delay)
        raise DeliveryError(last, permanent=False)


def _envelope_sender(mail_from: str) -> str:
    from email.utils import parseaddr

    return parseaddr(mail_from)[1] or "pantau@localhost"
