"""Where an SMS goes: the log (demo and development) or an Indian bulk-SMS gateway over HTTP.

A gateway never raises: every outcome, a refusal, an HTTP error or a timeout, is a `SendResult`, which the
notifier records and retries.

The HTTP gateway speaks the common DLT style of Indian bulk-SMS providers, one request per SMS:

    POST {sms_gateway_url}
    {sms_api_key_header}: {sms_api_key}
    Accept: application/json
    Content-Type: application/x-www-form-urlencoded

    to=91XXXXXXXXXX & sender={sms_sender_id} & body={text, UTF-8} & unicode=1|0 (1 when the text is not ASCII,
    e.g. Hindi) & entity_id={sms_dlt_entity_id} & template_id={the DLT id of this template and language}

A 2xx answer is success unless its JSON body says otherwise (`"status": "error"` or `"failed"`, or a non-empty
`"error"`); its `id` or `message_id`, when present, is kept as the gateway's reference. Redirects are not
followed. The API key goes only into that header: it is never logged nor kept in an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import httpx
import orjson

from bpp.notify.phones import mask_phone

log = logging.getLogger("bpp.notify.sms")
ERROR_TEXT_LIMIT = 300  # of a gateway's answer kept in `last_error`


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    id: int
    phone: str  # ten digits
    text: str
    template: str
    language: str
    dlt_template_id: str | None


@dataclass(frozen=True, slots=True)
class SendResult:
    sent: bool
    error: str | None = None
    reference: str | None = None  # the gateway's id of the message


class SmsGateway(Protocol):
    async def send(self, sms: OutgoingSms) -> SendResult: ...

    async def close(self) -> None: ...


class LogGateway:
    """Writes each SMS as one log line (the phone masked) and counts it as sent."""

    async def send(self, sms: OutgoingSms) -> SendResult:
        to = mask_phone(sms.phone)
        log.info("SMS to %s (%s, %s): %s", to, sms.template, sms.language, sms.text, extra={
            "sms_id": sms.id, "sms_to": to, "sms_template": sms.template, "sms_language": sms.language,
            "sms_dlt_template_id": sms.dlt_template_id,
        })
        return SendResult(sent=True)

    async def close(self) -> None:
        return None


class HttpSmsGateway:
    """A bulk-SMS gateway's HTTP API (the request is in the module docstring)."""

    def __init__(self, url: str, *, api_key: str, api_key_header: str, sender_id: str, entity_id: str,
                 timeout_seconds: float) -> None:
        self._url = url
        self._api_key = api_key
        self._api_key_header = api_key_header
        self._sender_id = sender_id
        self._entity_id = entity_id
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_seconds), follow_redirects=False)

    def request_fields(self, sms: OutgoingSms) -> dict[str, str]:
        return {
            "to": "91" + sms.phone,
            "sender": self._sender_id,
            "body": sms.text,
            "unicode": "0" if sms.text.isascii() else "1",
            "entity_id": self._entity_id,
            "template_id": sms.dlt_template_id or "",
        }

    async def send(self, sms: OutgoingSms) -> SendResult:
        try:
            answer = await self._client.post(
                self._url, data=self.request_fields(sms),
                headers={self._api_key_header: self._api_key, "Accept": "application/json"},
            )
        except httpx.TimeoutException:
            return SendResult(sent=False, error="the gateway did not answer in time")
        except httpx.HTTPError as exc:
            return SendResult(sent=False, error=f"cannot reach the gateway: {type(exc).__name__}")
        body = answer.text[:ERROR_TEXT_LIMIT]
        if not answer.is_success:
            return SendResult(sent=False, error=f"HTTP {answer.status_code}: {body}")
        return _read_success(answer.content, body)

    async def close(self) -> None:
        await self._client.aclose()


def _read_success(content: bytes, body: str) -> SendResult:
    """A 2xx answer: sent, unless its JSON body reports an error."""
    try:
        answer = orjson.loads(content) if content else None
    except orjson.JSONDecodeError:
        answer = None  # a plain-text acknowledgement
    if not isinstance(answer, dict):
        return SendResult(sent=True)
    if answer.get("error") or str(answer.get("status", "")).lower() in ("error", "failed", "failure"):
        return SendResult(sent=False, error=f"refused: {body}")
    reference = answer.get("id") or answer.get("message_id")
    return SendResult(sent=True, reference=None if reference is None else str(reference)[:128])
