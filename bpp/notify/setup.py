"""The notifier and its gateway as the settings describe them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bpp.notify.gateways import HttpSmsGateway, LogGateway, SmsGateway
from bpp.notify.notifier import RetryPolicy, SmsNotifier
from bpp.notify.templates import LANGUAGES, TEXTS, dlt_key
from bpp.platform.settings import ConfigError, Settings
from bpp.storage.db import Database


def check_sms_settings(settings: Settings) -> None:
    """A ConfigError naming the setting unless every template id the http backend needs is set, and no other."""
    known = {dlt_key(template, language) for template in TEXTS for language in LANGUAGES}
    given = set(settings.sms_dlt_template_ids)
    missing, unknown = sorted(known - given), sorted(given - known)
    if unknown or (settings.sms_backend == "http" and missing):
        raise ConfigError(
            "setting sms_dlt_template_ids (SEVAMITRA_SMS_DLT_TEMPLATE_IDS): expected a DLT template id for each of "
            f"{sorted(known)}; missing {missing}, unknown {unknown}"
        )


def sms_gateway(settings: Settings) -> SmsGateway:
    if settings.sms_backend == "log":
        return LogGateway()
    # the settings' own check guarantees these for the http backend
    assert settings.sms_gateway_url and settings.sms_api_key and settings.sms_sender_id and settings.sms_dlt_entity_id
    return HttpSmsGateway(
        settings.sms_gateway_url, api_key=settings.sms_api_key.get_secret_value(),
        api_key_header=settings.sms_api_key_header, sender_id=settings.sms_sender_id,
        entity_id=settings.sms_dlt_entity_id, timeout_seconds=settings.sms_timeout_seconds,
    )


def new_notifier(settings: Settings, db: Database, clock: Callable[[], datetime]) -> SmsNotifier:
    check_sms_settings(settings)
    return SmsNotifier(
        db, sms_gateway(settings), clock, dlt_template_ids=settings.sms_dlt_template_ids,
        helpline=settings.helpline_phone,
        retry=RetryPolicy(settings.sms_max_attempts, settings.sms_retry_base_seconds, settings.sms_retry_max_seconds),
        poll_seconds=settings.sms_poll_seconds,
    )
