"""Settings from the environment (and `.env`): the names here are a contract with operators."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Locale = Literal["en", "zh_Hans"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
# What Telegram accepts as a webhook secret_token.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """Everything the bot needs to start; secrets stay `SecretStr` so they never reach a log."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///data/fieldcrm.db"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    default_locale: Locale = "en"
    timezone: str = "Asia/Shanghai"
    log_level: LogLevel = "INFO"
    invite_ttl_days: int = Field(default=7, ge=1, le=90)
    # Pushes per second across all chats; Telegram allows ~30, the rest is headroom for replies.
    outbox_rate: int = Field(default=28, ge=1, le=30)
    # Incoming updates per Telegram user: a token bucket, per process (each replica limits its share).
    # Beyond it an update waits up to rate_max_wait seconds for its token before it is refused.
    rate_per_second: float = Field(default=5.0, gt=0, le=1000)
    rate_burst: int = Field(default=20, ge=1, le=1000)
    rate_max_wait: float = Field(default=3.0, ge=0, le=30)
    # Files users send (photos, documents, voice, video) above this are refused unread.
    max_upload_mb: int = Field(default=10, ge=1, le=2000)
    # Where feedback from people not linked to a customer goes when there are several teams.
    feedback_team_id: int | None = None
    # Webhook mode: the public base URL (the hook is WEBHOOK_URL + /telegram/updates) and its secret.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # The bot's HTTP server (webhook, /healthz, /readyz, /metrics) runs in both modes; 0 picks a free port.
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8080, ge=0, le=65535)
    webhook_max_body: int = Field(default=1_048_576, ge=1024)
    # Processed webhook updates hold people's raw messages; they are deleted this many hours on.
    inbox_retention_hours: int = Field(default=24, ge=1, le=720)
    # How often a standby tries for leadership (and a leader checks its lock); at most 10 so a
    # standby takes over within 15 seconds of the leader dying.
    leader_poll_seconds: float = Field(default=5.0, gt=0, le=10)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            try:
                return frozenset(int(part) for part in parts)
            except ValueError:
                raise ValueError("must be comma-separated Telegram user ids, e.g. 12345,67890") from None
        return value

    @field_validator("webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an https:// URL (http:// only for a local sandbox)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SECRET_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
        return self

    @field_validator("feedback_team_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. Asia/Shanghai") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("telegram_api_url", "telegram_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        bot_id, _, secret = value.get_secret_value().partition(":")
        if not bot_id.isdigit() or len(secret) < 10:
            raise ValueError("does not look like a bot token (expected <digits>:<secret> from @BotFather)")
        return value

    def invite_ttl(self) -> timedelta:
        return timedelta(days=self.invite_ttl_days)

    def inbox_retention(self) -> timedelta:
        return timedelta(hours=self.inbox_retention_hours)

    def require_token(self) -> str:
        """The bot token, for commands that talk to Telegram."""
        if self.bot_token is None:
            raise SettingsError("BOT_TOKEN is required: set it to the token from @BotFather")
        return self.bot_token.get_secret_value()


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line naming the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        message = error["msg"].removeprefix("Value error, ")
        if not error["loc"]:
            # A check across settings names them in its own message.
            raise SettingsError(message) from None
        raise SettingsError(f"{str(error['loc'][0]).upper()}: {message}") from None
