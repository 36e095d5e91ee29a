"""E-mail through a real SMTP server, configured from the environment.

``DAJIAN_SMTP_HOST`` (unset: e-mail is switched off), ``DAJIAN_SMTP_PORT`` (25), ``DAJIAN_SMTP_USER``,
``DAJIAN_SMTP_PASSWORD``, ``DAJIAN_SMTP_TLS`` (``none``, ``starttls`` or ``ssl``), ``DAJIAN_SMTP_FROM``.
Messages are multipart: the HTML body and a plain-text version of it.
"""

from __future__ import annotations

import html
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/h\d)\s*/?>", re.IGNORECASE)


class EmailDisabled(RuntimeError):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None
    port: int = 25
    user: str | None = None
    password: str | None = None
    tls: str = "none"
    sender: str = "dajian@localhost"

    @classmethod
    def from_env(cls) -> SmtpSettings:
        env = os.environ.get
        return cls(host=env("DAJIAN_SMTP_HOST") or None, port=int(env("DAJIAN_SMTP_PORT") or 25),
                   user=env("DAJIAN_SMTP_USER") or None, password=env("DAJIAN_SMTP_PASSWORD") or None,
                   tls=(env("DAJIAN_SMTP_TLS") or "none").lower(), sender=env("DAJIAN_SMTP_FROM") or "dajian@localhost")


def html_to_text(body: str) -> str:
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", body))).strip()


def build_message(sender: str, to: str, subject: str, body_html: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject.replace("\n", " ")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "dajian")
    message.set_content(html_to_text(body_html) or subject)
    if body_html:
        message.add_alternative(body_html, subtype="html")
    return message


def email_configured() -> bool:
    return SmtpSettings.from_env().host is not None


def send_email(to: str, subject: str, body_html: str, *, settings: SmtpSettings | None = None) -> str:
    """Send one message; returns its Message-ID. Raises ``EmailDisabled`` without an SMTP host."""
    config = settings or SmtpSettings.from_env()
    if config.host is None:
        raise EmailDisabled("e-mail is not configured (DAJIAN_SMTP_HOST)")
    message = build_message(config.sender, to, subject, body_html)
    server_class = smtplib.SMTP_SSL if config.tls == "ssl" else smtplib.SMTP
    with server_class(config.host, config.port, timeout=15) as server:
        if config.tls == "starttls":
            server.starttls(context=ssl.create_default_context())
        if config.user:
            server.login(config.user, config.password or "")
        server.send_message(message)
    return str(message["Message-ID"])
