"""Configuration: `registry_config.yaml`, overridden by `SEVAMITRA_*` environment variables."""

from __future__ import annotations

import os
from contextvars import ContextVar
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, PositiveInt, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from schemas.beckn import REQUEST_MODELS

DEFAULT_CONFIG_FILE = "registry_config.yaml"
ONDC_PREPROD_ENCRYPTION_PUBLIC_KEY = "MCowBQYDK2VuAyEAa9Wbpvd9SsrpOZFcynyt/TO3x0Yrqyys4NUGIvyxX2Q="


class ConfigError(Exception):
    """A setting is wrong; the message names it and says what is expected."""


class Settings(BaseSettings):
    """Everything the BPP needs to start; see the README's configuration reference."""

    model_config = SettingsConfigDict(env_prefix="SEVAMITRA_", extra="ignore")

    # identity on the network
    subscriber_id: str = "sevamitra-bpp.local"
    subscriber_url: str = "http://127.0.0.1:8000/ondc"
    unique_key_id: str = "sevamitra-key-1"
    signing_private_key: SecretStr | None = None
    encryption_private_key: SecretStr | None = None
    key_file: Path | None = None
    registry_url: str | None = None
    registry_encryption_public_key: str = ONDC_PREPROD_ENCRYPTION_PUBLIC_KEY
    registry_cache_ttl_seconds: int = Field(3600, ge=1)
    registry_negative_ttl_seconds: int = Field(30, ge=1)
    registry_timeout_seconds: float = Field(2.0, gt=0)
    site_verification_request_id: str | None = None

    # the legal entity, as the /subscribe payload declares it
    legal_entity_name: str | None = None
    business_address: str | None = None
    gst_no: str | None = None
    pan_no: str | None = None
    date_of_incorporation: str | None = None  # DD/MM/YYYY
    authorised_signatory_name: str | None = None
    authorised_signatory_address: str | None = None
    contact_mobile: str | None = None

    # what we serve
    domains: list[str] = ["ONDC:SRV10", "ONDC:SRV11", "ONDC:SRV12"]
    cities: list[str] = ["std:0522"]
    core_version: str = "2.0.0"
    serviceability_radius_km: float = Field(3.0, gt=0)

    # storage
    database_url: str = "sqlite+aiosqlite:///./var/sevamitra.db"
    redis_url: str = "memory://"
    # PostgreSQL connections each process keeps open. Fewer than the transactions a process runs at once makes
    # the pool open and close a connection per transaction (a new server process and asyncpg's type look-up
    # each time): at 16 concurrent settlements, 10 kept connections gave 577/s and 20 gave 1,286/s
    # (bench/settlement_throughput.py). Every process keeps its own, so the sum must stay under the server's
    # max_connections (docs/operations.md).
    database_pool_size: int = Field(20, ge=1)

    # network behaviour
    allow_http_callbacks: bool = False
    max_body_bytes: int = Field(1_000_000, ge=1024)
    rate_limit_per_minute: int = Field(12_000, ge=1)
    source_rate_limit_per_minute: int = Field(60_000, ge=1)
    future_skew_seconds: int = Field(5, ge=0)
    max_signature_lifetime_seconds: int = Field(3600, ge=60)
    max_ttl_seconds: dict[str, PositiveInt] = {"default": 3600, "search": 300}
    callback_timeout_seconds: float = Field(5.0, gt=0)
    callback_max_backoff_seconds: float = Field(30.0, gt=0)
    unsolicited_callback_deadline_seconds: int = Field(86_400, ge=60)
    dispatcher_poll_seconds: float = Field(0.2, gt=0)
    embedded_dispatcher: bool = True
    # who builds and delivers on_search: each `serve` process itself (the default), or `dispatcher` processes that
    # take searches off a Redis stream, so `serve` only ACKs (production; needs a real Redis)
    search_answers: Literal["serve", "dispatcher"] = "serve"

    # fulfillment and money
    offer_timeout_seconds: float = Field(60.0, gt=0)
    platform_commission_percent: Decimal = Field(Decimal("10"), ge=0, le=100)
    # what a kiosk earns per completed booking unless its own row says otherwise (fixed on each booking when made)
    kiosk_commission_per_booking: Decimal = Field(Decimal("10.00"), ge=0, le=10_000, decimal_places=2)
    settlement_beneficiary_name: str = "Seva Mitra Uttar Pradesh"  # where prepaying buyer apps settle
    settlement_upi_address: str = "sevamitra.up@upi"  # placeholder: set the programme's real UPI address
    # demo placeholders (all zeros, bank code "DEMO"): set the programme's real account and IFSC
    settlement_bank_account_number: str = Field("000000000000", pattern=r"^[0-9]{9,18}$")
    settlement_ifsc_code: str = Field("DEMO0000000", pattern=r"^[A-Z]{4}0[A-Z0-9]{6}$")
    helpline_phone: str = "155330"
    support_email: str = "sevamitra-support@up.gov.in"

    # SMS to citizens (bpp/notify): `log` writes each SMS to the log (demo); `http` sends it through a bulk-SMS
    # gateway, which needs the URL, key, sender id, DLT entity id and a DLT template id per template and language
    sms_gateway_url: str | None = None
    sms_api_key: SecretStr | None = None
    sms_api_key_header: str = "api-key"
    sms_sender_id: str | None = Field(None, pattern=r"^[A-Z]{6}$")  # the DLT header, six capital letters
    sms_dlt_entity_id: str | None = Field(None, pattern=r"^[0-9]{10,25}$")
    sms_dlt_template_ids: dict[str, str] = {}  # e.g. {"order_booked_hi": "1107…"}; keys in bpp/notify/templates.py
    sms_timeout_seconds: float = Field(10.0, gt=0)
    sms_max_attempts: int = Field(6, ge=1)
    sms_retry_base_seconds: float = Field(30.0, gt=0)
    sms_retry_max_seconds: float = Field(1800.0, gt=0)
    sms_poll_seconds: float = Field(2.0, gt=0)
    sms_backend: Literal["log", "http"] = "log"  # after the settings it checks
    # workers' SMS replies (bpp/worker_sms): the gateway POSTs each to /sms/inbound with the HMAC-SHA256 of the body
    # under this secret in X-Sms-Signature; unset, the webhook is off (404)
    sms_inbound_secret: SecretStr | None = Field(None, min_length=16)

    # workers' onboarding documents (police verification certificate, ID proof): files kept outside the
    # database, each named by its SHA-256; the largest upload accepted
    documents_dir: Path = Path("./var/worker-documents")
    document_max_bytes: int = Field(5_000_000, ge=10_000, le=50_000_000)

    # Web Push of offers to the worker app (bpp/workforce/push.py): our VAPID private key (base64url of the P-256
    # scalar; `sevamitra-bpp keys vapid` makes one, key_file may hold it) and the contact push services may write to.
    # Unset (and not --demo), offers are not pushed
    vapid_private_key: SecretStr | None = None
    vapid_subject: str = Field("mailto:sevamitra-support@up.gov.in", pattern=r"^(mailto:\S+@\S+|https://\S+)$")

    # people
    session_secret: SecretStr | None = None  # signs staff and worker login tokens; random per start if unset
    session_ttl_seconds: int = Field(12 * 3600, ge=60)

    # operations
    log_format: Literal["json", "text", "auto"] = "auto"  # auto: JSON lines, plain text under --demo

    # demo
    demo: bool = False
    demo_step_seconds: float = Field(5.0, ge=0)

    @property
    def resolved_log_format(self) -> Literal["json", "text"]:
        if self.log_format == "auto":
            return "text" if self.demo else "json"
        return self.log_format

    @field_validator("subscriber_url", "registry_url", "sms_gateway_url")
    @classmethod
    def _must_be_http_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("expected an http(s) URL such as https://bpp.example.org/ondc")
        return value.rstrip("/")

    @field_validator("max_ttl_seconds")
    @classmethod
    def _ttl_caps(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - {"default", *REQUEST_MODELS})
        if unknown or "default" not in value:
            raise ValueError(f"expected a mapping of action (or default) to seconds, with default set; "
                             f"unknown actions: {unknown}")
        return value

    def max_ttl(self, action: str) -> timedelta:
        """The longest `context.ttl` accepted for `action`."""
        return timedelta(seconds=self.max_ttl_seconds.get(action, self.max_ttl_seconds["default"]))

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("expected sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("redis_url")
    @classmethod
    def _supported_redis(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("expected memory:// (in-process) or redis://host:port/db")
        return value

    @field_validator("domains")
    @classmethod
    def _known_domains(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in ("ONDC:SRV10", "ONDC:SRV11", "ONDC:SRV12")]
        if unknown or not value:
            raise ValueError(f"expected a non-empty list of ONDC:SRV10, ONDC:SRV11, ONDC:SRV12; got {value}")
        return value

    @field_validator("cities")
    @classmethod
    def _std_codes(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not (c.startswith("std:") and c[4:].isdigit())]
        if bad or not value:
            raise ValueError(f"expected city codes like std:0522; got {bad or value}")
        return value

    @property
    def public_origin(self) -> str:
        """`scheme://host[:port]` of `subscriber_url`: where our public pages (invoices, images) live."""
        parts = urlsplit(self.subscriber_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def subscriber_path(self) -> str:
        """The URL path the network endpoints live under, e.g. `/ondc`."""
        return urlsplit(self.subscriber_url).path.rstrip("/")

    @property
    def replay_window_seconds(self) -> int:
        """How long a captured signed request could still verify: a signature's longest life plus clock skew."""
        return self.max_signature_lifetime_seconds + self.future_skew_seconds + 1

    @field_validator("sms_backend")
    @classmethod
    def _gateway_is_configured(cls, value: str, info: ValidationInfo) -> str:
        missing = [name for name in ("sms_gateway_url", "sms_api_key", "sms_sender_id", "sms_dlt_entity_id")
                   if info.data.get(name) is None]
        if value == "http" and missing:
            raise ValueError(f"http needs {', '.join(missing)} set")
        return value

    @field_validator("search_answers")
    @classmethod
    def _stream_needs_a_shared_redis(cls, value: str, info: ValidationInfo) -> str:
        if value == "dispatcher" and str(info.data.get("redis_url", "")).startswith("memory://"):
            raise ValueError("dispatcher needs a Redis server every process reaches (redis_url: redis://…); "
                             "memory:// lives inside one process")
        return value

    @property
    def is_embedded(self) -> bool:
        """True on the single-process defaults (SQLite and in-process Redis)."""
        return self.database_url.startswith("sqlite") and self.redis_url.startswith("memory")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = _CONFIG_PATH.get() or os.environ.get("SEVAMITRA_CONFIG", DEFAULT_CONFIG_FILE)
        yaml_source = YamlConfigSettingsSource(settings_cls, yaml_file=config_file)
        return init_settings, env_settings, yaml_source


_CONFIG_PATH: ContextVar[str | None] = ContextVar("config_path", default=None)


def load_settings(config_path: str | Path | None = None, **overrides: Any) -> Settings:
    """Load settings; a wrong value raises ConfigError naming the setting and what is expected."""
    token = None
    if config_path is not None:
        path = Path(config_path)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist; pass --config with a YAML file")
        token = _CONFIG_PATH.set(str(path))
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "configuration"
        env = f"SEVAMITRA_{name.upper()}"
        raise ConfigError(f"setting {name} ({env}): {first['msg']}") from None
    finally:
        if token is not None:
            _CONFIG_PATH.reset(token)
