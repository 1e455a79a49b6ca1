"""Delivery of alerts and digests: a webhook (JSON POST, or a Slack-compatible body), e-mail through
an SMTP server (STARTTLS; credentials from the environment only), and the terminal.

Each channel has one narrow method, `send(message)`, that raises `DeliveryError` when the message
did not get through; `deliver` retries with a doubling backoff (the wait is injectable, so tests
need not sleep) and reports every channel's outcome. Nothing here logs or keeps a credential: the
SMTP password is read from `LIENS_SMTP_PASSWORD` at send time and scrubbed from any error text.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Protocol

from ..config import AlertingSettings
from ..errors import ConfigError, LiensError

if TYPE_CHECKING:
    import httpx

SMTP_USER_ENV = "LIENS_SMTP_USER"
SMTP_PASSWORD_ENV = "LIENS_SMTP_PASSWORD"
SLACK_BLOCK_CHARS = 2900  # Slack refuses section texts over 3000 characters


class DeliveryError(LiensError):
    """A channel could not deliver a message (the alert is kept and tried again)."""


@dataclass
class Message:
    """One message in every form a channel may want: subject, plain text, Markdown, HTML, and data."""

    subject: str
    text: str
    markdown: str
    html: str
    data: dict[str, Any] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)  # Markdown per alert (Slack blocks)


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None: ...


class TerminalChannel:
    name = "terminal"

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    def send(self, message: Message) -> None:
        self.write(message.text)


class WebhookChannel:
    """POSTs the message as JSON: Liens' own body, or Slack's `{"text", "blocks"}` (`format = "slack"`)."""

    name = "webhook"

    def __init__(self, url: str, body_format: str = "json", timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"alerting.webhook_url: expected an http(s) URL, got {url!r}")
        if body_format not in ("json", "slack"):
            raise ConfigError(f"alerting.webhook_format: expected json or slack, got {body_format!r}")
        self.url, self.format, self.timeout, self.transport = url, body_format, timeout, transport

    def body(self, message: Message) -> dict[str, Any]:
        if self.format == "slack":
            blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}}]
            for section in message.sections or [message.markdown]:
                for start in range(0, max(1, len(section)), SLACK_BLOCK_CHARS):
                    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": section[start:start + SLACK_BLOCK_CHARS]}})
            return {"text": message.subject, "blocks": blocks[:50]}
        return {"source": "liens", "subject": message.subject, "text": message.text, "markdown": message.markdown,
                **message.data}

    def send(self, message: Message) -> None:
        import httpx  # imported when a webhook is sent: the CLI starts faster without it

        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(self.url, json=self.body(message))
        except httpx.HTTPError as error:
            raise DeliveryError(f"webhook {self.url}: {type(error).__name__}: {error}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"webhook {self.url}: HTTP {response.status_code} {response.text[:200]!r}")


class EmailChannel:
    """Sends through an SMTP server, upgraded with STARTTLS, logged in when `LIENS_SMTP_USER` is set."""

    name = "email"

    def __init__(self, settings: AlertingSettings, environ: dict[str, str] | None = None) -> None:
        if not settings.smtp_host:
            raise ConfigError("alerting.smtp_host: the email channel needs an SMTP server")
        if not settings.smtp_from or not settings.smtp_to:
            raise ConfigError("alerting.smtp_from and alerting.smtp_to: the email channel needs a sender and recipients")
        self.settings = settings
        self.environ = os.environ if environ is None else environ

    def _context(self) -> ssl.SSLContext:
        cafile = self.settings.smtp_ca_file or None
        try:
            return ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as error:
            raise ConfigError(f"alerting.smtp_ca_file: cannot read {cafile!r} ({error})") from None

    def send(self, message: Message) -> None:
        s = self.settings
        email = EmailMessage()
        email["Subject"], email["From"], email["To"] = message.subject, s.smtp_from, ", ".join(s.smtp_to)
        email.set_content(message.text)
        email.add_alternative(message.html, subtype="html")
        user, password = self.environ.get(SMTP_USER_ENV, ""), self.environ.get(SMTP_PASSWORD_ENV, "")
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_seconds) as smtp:
                smtp.ehlo()
                if s.smtp_starttls:
                    smtp.starttls(context=self._context())
                    smtp.ehlo()
                if user:
                    smtp.login(user, password)
                smtp.send_message(email)
        except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
            text = f"{type(error).__name__}: {error}"
            if password:
                text = text.replace(password, "***")
            raise DeliveryError(f"email via {s.smtp_host}:{s.smtp_port}: {text}") from None


@dataclass
class Outcome:
    channel: str
    ok: bool
    attempts: int
    error: str | None = None


def send_with_retries(channel: Channel, message: Message, retries: int, backoff_seconds: float,
                      sleep: Callable[[float], None]) -> Outcome:
    """Try once, then up to `retries` more times, waiting backoff, 2×backoff, 4×backoff… between tries."""
    error: str | None = None
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff_seconds * 2 ** (attempt - 1))
        try:
            channel.send(message)
            return Outcome(channel.name, True, attempt + 1)
        except DeliveryError as failure:
            error = str(failure)
    return Outcome(channel.name, False, retries + 1, error)


def build_channels(settings: AlertingSettings, names: set[str], write: Callable[[str], None],
                   environ: dict[str, str] | None = None) -> dict[str, Channel]:
    """The channels of `names`, built from the settings; a channel used but not configured is a ConfigError."""
    channels: dict[str, Channel] = {}
    if "terminal" in names:
        channels["terminal"] = TerminalChannel(write)
    if "webhook" in names:
        if not settings.webhook_url:
            raise ConfigError("alerting.webhook_url: a rule sends to the webhook channel but no URL is set")
        channels["webhook"] = WebhookChannel(settings.webhook_url, settings.webhook_format, settings.timeout_seconds)
    if "email" in names:
        channels["email"] = EmailChannel(settings, environ)
    return channels
