"""Parsing and validation of Beckn 1.1.0 / ONDC SRV 2.0.0 messages; no I/O beyond the spec files."""

from schemas.ack import ack_body, nack_body
from schemas.beckn import REQUEST_MODELS, Context, SchemaError, parse_iso_duration, parse_request
from schemas.enums import FulfillmentStateCode, FulfillmentType, OrderStatus
from schemas.errors import ERROR_CODES, ErrorCode
from schemas.fields import parse_gps
from schemas.outgoing import validate_enums, validate_outgoing

__all__ = [
    "ERROR_CODES",
    "REQUEST_MODELS",
    "Context",
    "ErrorCode",
    "FulfillmentStateCode",
    "FulfillmentType",
    "OrderStatus",
    "SchemaError",
    "ack_body",
    "nack_body",
    "parse_gps",
    "parse_iso_duration",
    "parse_request",
    "validate_enums",
    "validate_outgoing",
]
