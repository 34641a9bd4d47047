"""Parsing and validation of Beckn 1.1.0 / ONDC SRV 2.0.0 messages; no I/O beyond the spec files."""

from schemas.ack import ack_body, nack_body
from schemas.beckn import REQUEST_MODELS, Context, SchemaError, parse_iso_duration, parse_request
from schemas.enums import CollectedBy, FulfillmentState, FulfillmentType, OrderStatus, PaymentType
from schemas.errors import ERROR_CODES, ErrorCode
from schemas.fields import parse_gps
from schemas.outgoing import validate_enums, validate_outgoing

__all__ = [
    "ERROR_CODES",
    "REQUEST_MODELS",
    "CollectedBy",
    "Context",
    "ErrorCode",
    "FulfillmentState",
    "FulfillmentType",
    "OrderStatus",
    "PaymentType",
    "SchemaError",
    "ack_body",
    "nack_body",
    "parse_gps",
    "parse_iso_duration",
    "parse_request",
    "validate_enums",
    "validate_outgoing",
]
