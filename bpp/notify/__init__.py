"""SMS to citizens through one notifier (issue 13): queued with the event, sent in the background, retried.

Use (the notifier is `Services.sms`, built by `new_notifier(settings, db, clock)`):

    from bpp.notify import SmsTemplate, normalise_phone

    phone = normalise_phone(form_phone)          # "9876543210", or None: refuse the field before booking
    async with deps.unit_of_work() as uow:
        ...                                       # store the booking on uow.conn
        await sms.queue(uow.conn, phone, SmsTemplate.ORDER_BOOKED,
                        {"order_number": order.id, "fee": quote.total}, key=f"order_booked:{order.id}",
                        language="hi")
        uow.after_commit(sms.wake)
        await uow.commit()

`SmsNotifier.queue(conn, phone, template, values, key, language="hi") -> bool` writes one row in the caller's
transaction and returns False when `key` was queued before, so a repeated event never sends twice. The values
each template takes are listed on `SmsTemplate` (a Decimal fee is written with two places); the helpline number
comes from the settings. Nothing about the gateway can fail the caller: sending happens after the commit, in the
sender `Services` starts (one process of the deployment at a time, under a lease), with retries and backoff;
after `sms_max_attempts` the row is `failed`. `queue` raises ValueError only for a programming error: a phone
`normalise_phone` rejects, values that do not fit the template, or a key over 200 characters.

Rows live in `sms_messages` (status queued | sent | failed, attempts, next_attempt_at, last_error, gateway_ref).
Backends (setting `sms_backend`): `log` (default) writes each SMS as one log line with the phone masked; `http`
posts it to a bulk-SMS gateway (the request is documented in `gateways.py`). Texts and DLT template ids:
`templates.py`.
"""

from bpp.notify.gateways import HttpSmsGateway, LogGateway, OutgoingSms, SendResult, SmsGateway
from bpp.notify.notifier import RetryPolicy, SmsNotifier
from bpp.notify.phones import mask_phone, normalise_phone
from bpp.notify.setup import check_sms_settings, new_notifier
from bpp.notify.templates import Language, SmsTemplate, dlt_key, dlt_text, render

__all__ = [
    "HttpSmsGateway",
    "Language",
    "LogGateway",
    "OutgoingSms",
    "RetryPolicy",
    "SendResult",
    "SmsGateway",
    "SmsNotifier",
    "SmsTemplate",
    "check_sms_settings",
    "dlt_key",
    "dlt_text",
    "mask_phone",
    "new_notifier",
    "normalise_phone",
    "render",
]
