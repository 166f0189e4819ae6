"""The support mailbox's settings: IMAP to read, SMTP to answer."""

from __future__ import annotations

import enum
import ipaddress
import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

_ADDRESS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9.-]{1,253}$")
_MAILBOX = re.compile(r"^[\x20-\x7e]{1,200}$")  # IMAP names beyond ASCII need UTF-7; not yet


class Security(enum.StrEnum):
    TLS = "tls"  # implicit TLS (IMAPS 993, SMTPS 465)
    STARTTLS = "starttls"  # upgrade a plain connection (IMAP 143, submission 587)
    PLAIN = "plain"  # no encryption: only for a server on this machine (tests, local relays)


class EmailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str = Field(description="The support mailbox's address, used as From on replies.")
    display_name: str = Field(default="", max_length=200)
    username: str = Field(min_length=1, max_length=300)
    password: SecretStr = Field(max_length=1000)

    imap_host: str = Field(min_length=1, max_length=253)
    imap_port: int = Field(default=993, ge=1, le=65535)
    imap_security: Security = Security.TLS
    mailbox: str = "INBOX"
    # Where the provider files what we send (Gmail and most hosts do it for SMTP submissions);
    # searched to reconcile a reply whose outcome is unknown.
    sent_mailbox: str | None = "Sent"

    smtp_host: str = Field(min_length=1, max_length=253)
    smtp_port: int = Field(default=465, ge=1, le=65535)
    smtp_security: Security = Security.TLS
    smtp_username: str | None = Field(default=None, max_length=300)
    smtp_password: SecretStr | None = Field(default=None, max_length=1000)

    timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    max_message_bytes: int = Field(default=10_000_000, ge=10_000, le=100_000_000)

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        value = value.strip()
        if not _ADDRESS.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator("mailbox", "sent_mailbox")
    @classmethod
    def _mailbox_name(cls, value: str | None) -> str | None:
        if value is not None and not _MAILBOX.match(value):
            raise ValueError("mailbox names must be printable ASCII")
        return value

    @model_validator(mode="after")
    def _plain_only_on_loopback(self) -> EmailSettings:
        for security, host in (
            (self.imap_security, self.imap_host),
            (self.smtp_security, self.smtp_host),
        ):
            if security == Security.PLAIN and not is_loopback(host):
                raise ValueError(
                    f"unencrypted connections are only allowed to this machine, not {host}"
                )
        return self

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1].lower()

    def smtp_login(self) -> tuple[str, str]:
        password = self.smtp_password or self.password
        return self.smtp_username or self.username, password.get_secret_value()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
