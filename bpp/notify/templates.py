"""The SMS texts, in Hindi and English: one place to read (and register with DLT) everything we send.

Indian operators deliver a business SMS only when its text matches a template registered on the DLT platform
under our entity, with `{#var#}` where a value goes; each registered text has its own template id, so every
(template, language) pair needs one: the setting `sms_dlt_template_ids` maps `dlt_key(template, language)`,
e.g. `order_booked_hi`, to it. `dlt_text` prints a text in the form to register. A DLT variable holds at most
30 characters, so longer values are cut to that.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Literal

Language = Literal["hi", "en"]
LANGUAGES: tuple[Language, ...] = ("hi", "en")
DLT_VARIABLE_LENGTH = 30


class SmsTemplate(StrEnum):
    """What happened, and the values its text needs (besides the helpline number, which the notifier adds)."""

    ORDER_BOOKED = "order_booked"  # order_number, fee
    WORKER_ASSIGNED = "worker_assigned"  # order_number, worker_name, otp
    ORDER_CANCELLED = "order_cancelled"  # order_number
    ORDER_RESCHEDULED = "order_rescheduled"  # order_number, slot (e.g. "12 Dec 10:00-12:00")
    COMPLAINT_REGISTERED = "complaint_registered"  # complaint_number
    SIGNUP_OTP = "signup_otp"  # otp, minutes (how long it lasts): a worker applicant proves her phone
    # A worker in SMS mode (bpp/worker_sms, docs/worker-sms.md): her offers, and the answer to each of her replies
    JOB_OFFER = "job_offer"  # code, service, distance (km), fee, minutes (to answer in)
    JOB_TAKEN = "job_taken"  # code, address
    JOB_DECLINED = "job_declined"  # code
    JOB_TOO_LATE = "job_too_late"  # code
    JOB_ARRIVED = "job_arrived"  # code
    JOB_WRONG_OTP = "job_wrong_otp"  # code
    JOB_STARTED = "job_started"  # code
    JOB_DONE = "job_done"  # code, amount (cash she collected; 0.00 when paid online)
    JOB_NOT_NOW = "job_not_now"  # code: the step does not fit where the job is
    JOB_UNKNOWN_CODE = "job_unknown_code"  # code
    JOB_HELP = "job_help"  # (nothing): a reply that is no command


TEXTS: Mapping[SmsTemplate, Mapping[Language, str]] = {
    SmsTemplate.ORDER_BOOKED: {
        "hi": "सेवा मित्र: आपकी बुकिंग {order_number} दर्ज हो गई है। शुल्क ₹{fee}। कर्मी का नाम और OTP अलग SMS "
              "से भेजा जाएगा। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: your booking {order_number} is confirmed. Fee Rs {fee}. We will send the worker's name "
              "and OTP in another SMS. Helpline {helpline}",
    },
    SmsTemplate.WORKER_ASSIGNED: {
        "hi": "सेवा मित्र: बुकिंग {order_number} का काम {worker_name} करेंगे। काम शुरू होने पर ही उन्हें OTP "
              "{otp} बताएं। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: {worker_name} will do your booking {order_number}. Tell them the OTP {otp} only when "
              "the work starts. Helpline {helpline}",
    },
    SmsTemplate.ORDER_CANCELLED: {
        "hi": "सेवा मित्र: आपकी बुकिंग {order_number} रद्द कर दी गई है। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: your booking {order_number} has been cancelled. Helpline {helpline}",
    },
    SmsTemplate.ORDER_RESCHEDULED: {
        "hi": "सेवा मित्र: आपकी बुकिंग {order_number} का नया समय {slot} है। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: your booking {order_number} is moved to {slot}. Helpline {helpline}",
    },
    SmsTemplate.COMPLAINT_REGISTERED: {
        "hi": "सेवा मित्र: आपकी शिकायत {complaint_number} दर्ज हो गई है। हम आपसे जल्द संपर्क करेंगे। "
              "हेल्पलाइन {helpline}",
        "en": "Seva Mitra: your complaint {complaint_number} is registered. We will contact you soon. "
              "Helpline {helpline}",
    },
    SmsTemplate.SIGNUP_OTP: {
        "hi": "सेवा मित्र: कर्मी पंजीकरण के लिए आपका OTP {otp} है। यह {minutes} मिनट तक मान्य है। इसे किसी को न "
              "बताएं। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: {otp} is your OTP to sign up as a worker. It is valid for {minutes} minutes. Do not "
              "share it with anyone. Helpline {helpline}",
    },
    SmsTemplate.JOB_OFFER: {
        "hi": "सेवा मित्र: नया काम {code}: {service}, {distance} किमी दूर, शुल्क ₹{fee}। लेने के लिए HAAN {code}, "
              "मना करने के लिए NA {code} लिखकर {minutes} मिनट में भेजें। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: new job {code}: {service}, {distance} km away, fee Rs {fee}. Reply YES {code} to take it "
              "or NO {code} to refuse, within {minutes} min. Helpline {helpline}",
    },
    SmsTemplate.JOB_TAKEN: {
        "hi": "सेवा मित्र: काम {code} आपका है। पता: {address}। पहुँचकर PAHUNCHA {code} भेजें। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: job {code} is yours. Address: {address}. When you reach, send ARRIVED {code}. "
              "Helpline {helpline}",
    },
    SmsTemplate.JOB_DECLINED: {
        "hi": "सेवा मित्र: आपने काम {code} मना कर दिया। अगले काम का SMS आएगा। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: you refused job {code}. We will send the next job by SMS. Helpline {helpline}",
    },
    SmsTemplate.JOB_TOO_LATE: {
        "hi": "सेवा मित्र: काम {code} का समय निकल गया या वह वापस ले लिया गया। अगले काम की प्रतीक्षा करें। "
              "हेल्पलाइन {helpline}",
        "en": "Seva Mitra: job {code} has expired or was withdrawn. Wait for the next one. Helpline {helpline}",
    },
    SmsTemplate.JOB_ARRIVED: {
        "hi": "सेवा मित्र: काम {code}: ग्राहक को OTP भेज दिया गया है। काम शुरू करते समय SHURU {code} <OTP> भेजें। "
              "हेल्पलाइन {helpline}",
        "en": "Seva Mitra: job {code}: the customer has been sent the OTP. To start, send START {code} <OTP>. "
              "Helpline {helpline}",
    },
    SmsTemplate.JOB_WRONG_OTP: {
        "hi": "सेवा मित्र: काम {code} का OTP गलत है। ग्राहक से OTP दोबारा पूछकर SHURU {code} <OTP> भेजें। "
              "हेल्पलाइन {helpline}",
        "en": "Seva Mitra: wrong OTP for job {code}. Ask the customer again and send START {code} <OTP>. "
              "Helpline {helpline}",
    },
    SmsTemplate.JOB_STARTED: {
        "hi": "सेवा मित्र: काम {code} शुरू हो गया। पूरा होने पर HO GAYA {code} भेजें। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: job {code} has started. When it is finished, send DONE {code}. Helpline {helpline}",
    },
    SmsTemplate.JOB_DONE: {
        "hi": "सेवा मित्र: काम {code} पूरा हुआ। नकद लिया: ₹{amount}। धन्यवाद! हेल्पलाइन {helpline}",
        "en": "Seva Mitra: job {code} is complete. Cash collected: Rs {amount}. Thank you! Helpline {helpline}",
    },
    SmsTemplate.JOB_NOT_NOW: {
        "hi": "सेवा मित्र: काम {code} में यह कदम अभी नहीं हो सकता। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: this step cannot be taken now for job {code}. Helpline {helpline}",
    },
    SmsTemplate.JOB_UNKNOWN_CODE: {
        "hi": "सेवा मित्र: काम {code} आपके नाम पर नहीं मिला। SMS का कोड जाँचें। हेल्पलाइन {helpline}",
        "en": "Seva Mitra: no job {code} of yours was found. Check the code in our SMS. Helpline {helpline}",
    },
    SmsTemplate.JOB_HELP: {
        "hi": "सेवा मित्र: भेजें HAAN <कोड>, NA <कोड>, PAHUNCHA <कोड>, SHURU <कोड> <OTP> या HO GAYA <कोड>। "
              "हेल्पलाइन {helpline}",
        "en": "Seva Mitra: send YES <code>, NO <code>, ARRIVED <code>, START <code> <OTP> or DONE <code>. "
              "Helpline {helpline}",
    },
}


def dlt_key(template: SmsTemplate, language: Language) -> str:
    """The key of the pair's DLT template id in the setting `sms_dlt_template_ids`, e.g. `order_booked_hi`."""
    return f"{template.value}_{language}"


def placeholders(template: SmsTemplate, language: Language) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(TEXTS[template][language]) if name}


def render(template: SmsTemplate, language: Language, values: Mapping[str, object], helpline: str) -> str:
    """The text with `values` filled in; a missing or unexpected value is a programming error (ValueError).
    A Decimal is written with two places (a fee), anything else with str()."""
    expected = placeholders(template, language) - {"helpline"}
    if set(values) != expected:
        raise ValueError(f"SMS {template.value} takes {sorted(expected)}; got {sorted(values)}")
    filled = {name: _text(value)[:DLT_VARIABLE_LENGTH] for name, value in values.items()}
    return TEXTS[template][language].format(**filled, helpline=helpline)


def dlt_text(template: SmsTemplate, language: Language, helpline: str) -> str:
    """The text as it is registered on the DLT platform: `{#var#}` for every value."""
    values = dict.fromkeys(placeholders(template, language) - {"helpline"}, "{#var#}")
    return TEXTS[template][language].format(**values, helpline=helpline)


def _text(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)
