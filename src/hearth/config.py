"""Hearth's settings: every one is an environment variable ``HEARTH_*`` (see docs/settings.md)."""

from __future__ import annotations

import enum
import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hearth.kit.netguard import OutboundPolicy

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "placeholder", "xxx"})
SECRET_FILE_NAME = "secret_key"


class Environment(enum.StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class LogFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


class StreamBackend(enum.StrEnum):
    EMBEDDED = "embedded"
    NATS = "nats"


class InsecureSecretKeyError(RuntimeError):
    pass


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HEARTH_", extra="ignore")

    env: Environment = Field(Environment.DEVELOPMENT, description="development, production or test")
    data_dir: Path = Field(
        Path("data"), description="Folder for the SQLite file, the secret key, models"
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file hearth.db in the data folder"
    )
    secret_key: str | None = Field(
        None, description="Signs sessions, derives the encryption key; generated on first run"
    )
    host: str = Field("127.0.0.1", description="Address `hearth serve` binds to")
    port: int = Field(8000, description="Port `hearth serve` listens on")
    base_url: str | None = Field(None, description="Public URL, used in invitation links")
    log_format: LogFormat = Field(LogFormat.TEXT, description="text or json")
    log_level: str = Field("INFO", description="Python logging level")
    stream_backend: StreamBackend = Field(StreamBackend.EMBEDDED, description="embedded or nats")
    nats_url: str = Field("nats://127.0.0.1:4222", description="NATS server for the nats backend")
    session_days: int = Field(14, description="How long a login session lasts")
    login_max_failures: int = Field(
        5, description="Failed logins per account and address before a pause"
    )
    login_lockout_minutes: int = Field(15, description="Window for counting failed logins")
    invitation_days: int = Field(7, description="How long an invitation link is valid")
    secure_cookies: bool | None = Field(
        None, description="Force the Secure cookie flag; default: on when base_url is https"
    )
    ingest_in_process: bool = Field(
        True, description="With the embedded stream, `hearth serve` stores incoming mentions itself"
    )
    worker_in_process: bool = Field(
        True,
        description="`hearth serve` also runs background jobs (set false with `hearth worker`)",
    )
    demo: bool = Field(False, description="Run the simulated demo world inside `hearth serve`")
    demo_seed: int = Field(7, description="Seed of the demo world: the same seed, the same world")
    demo_speedup: float = Field(1.0, description="Simulated seconds per wall-clock second")
    demo_rate_factor: float = Field(
        3.0, description="Multiplies the demo brands' usual mention rates, for a livelier demo"
    )
    demo_history_hours: float = Field(24.0, description="Past the demo backfills at start")
    demo_scandal_minutes: float = Field(
        5.0, description="Minutes into the demo when the pizza scandal breaks (-1: never)"
    )
    smtp_host: str | None = Field(
        None, description="SMTP server for crisis alert e-mails; unset: alerts are not e-mailed"
    )
    smtp_port: int = Field(587, description="Port of the SMTP server")
    smtp_username: str | None = Field(None, description="SMTP login, if the server wants one")
    smtp_password: str | None = Field(None, description="SMTP password")
    smtp_from: str = Field(
        "hearth@localhost", description="Sender address of the crisis alert e-mails"
    )
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS")
    outbound_allow_private: bool = Field(
        False,
        description="Let channels, alert webhooks and the AI endpoint reach private networks "
        "(loopback, 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7); link-local and "
        "metadata addresses stay refused",
    )
    outbound_allow: str = Field(
        "",
        description="Hosts and CIDR ranges on private networks that channels, alert webhooks and "
        "the AI endpoint may reach, comma-separated, e.g. mastodon.lan,10.0.5.0/24",
    )

    @field_validator("outbound_allow")
    @classmethod
    def _valid_outbound_allow(cls, value: str) -> str:
        OutboundPolicy.parse(False, value)  # raises ValueError on an entry it cannot read
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secret_in_production(self) -> Settings:
        if self.env is Environment.PRODUCTION and (
            self.secret_key is None or self.secret_key.strip().lower() in PLACEHOLDER_SECRETS
        ):
            raise InsecureSecretKeyError(
                "HEARTH_SECRET_KEY must be set to a long random value when HEARTH_ENV=production"
            )
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hearth.db').resolve()}"

    @cached_property
    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data folder."""
        if self.secret_key and self.secret_key.strip().lower() not in PLACEHOLDER_SECRETS:
            return self.secret_key
        path = self.data_dir / SECRET_FILE_NAME
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key)
        return key

    @cached_property
    def outbound_policy(self) -> OutboundPolicy:
        """Where calls to addresses typed by workspace admins may go (see kit/netguard.py)."""
        return OutboundPolicy.parse(self.outbound_allow_private, self.outbound_allow)

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return bool(self.base_url and self.base_url.startswith("https://"))
