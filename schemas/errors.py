"""ONDC SRV 2.0.0 error codes as data.

The table mirrors ``srv-components/error_codes/ErrorCodes/ErrorCodes.yaml`` (and the bundle's
``x-errorcodes``) word for word; ``tests/schemas`` checks that it still does.  The spec's
``Type`` column says who raises a code (Gateway, Buyer App, Seller App); it is kept as
``raised_by``.  The Beckn ``error.type`` we put in a NACK is not in the spec table, so it is
derived here:

* ``JSON-SCHEMA-ERROR`` - the request does not meet the API contract (30000, 20006);
* ``CONTEXT-ERROR`` - signature, city and staleness problems (10000-10002, 20001, 20002,
  30016, 30022);
* ``CORE-ERROR`` - internal errors that are worth a retry (23001, 31001);
* ``POLICY-ERROR`` - the 50000 range ("Policy Error");
* ``DOMAIN-ERROR`` - everything else (business rules, 40000 range, SRV 90001-90003).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Final, Literal

ErrorType = Literal["CONTEXT-ERROR", "CORE-ERROR", "DOMAIN-ERROR", "POLICY-ERROR", "JSON-SCHEMA-ERROR"]


@dataclass(frozen=True, slots=True)
class ErrorCode:
    code: str
    type: ErrorType
    message: str
    description: str
    raised_by: str

    def as_error(self, message: str) -> dict[str, str]:
        """The Beckn `error` object for this code, with a message saying what went wrong here."""
        return {"type": self.type, "code": self.code, "message": message}


# (code, raised_by, message, description) exactly as in the spec, sorted by code.
_SPEC_TABLE: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("10000", "Gateway", "Bad or Invalid request error", "Generic bad or invalid request error"),
    ("10001", "Gateway", "Invalid Signature", "Cannot verify signature for request"),
    ("10002", "Gateway", "Invalid City Code", "Valid city code needs to be passed for search"),
    ("20000", "Buyer App", "Invalid catalog", "Catalog refresh is invalid"),
    ("20001", "Buyer App", "Invalid Signature", "Cannot verify signature for response"),
    ("20002", "Buyer App", "Stale Request", "Cannot process stale request"),
    ("20005", "Buyer App", "Item not found", "Item not found"),
    (
        "20006",
        "Buyer App",
        "Invalid response",
        "Invalid response does not meet API contract specifications",
    ),
    ("20007", "Buyer App", "Invalid order state", "Order/fulfillment state is stale or not valid"),
    (
        "20008",
        "Buyer App",
        "Response out of sequence",
        "Callback received prior to ACK for request or out of sequence",
    ),
    ("20009", "Buyer App", "Timeout", "Callback received late, session timed out"),
    ("21001", "Buyer App", "Feature not supported", "Feature not supported"),
    ("21002", "Buyer App", "Increase in item quantity", "Increase in item quantity"),
    (
        "21003",
        "Buyer App",
        "Change in item quote",
        "Change in item quote without change in quantity",
    ),
    (
        "22501",
        "Buyer App",
        "Part Fill Unacceptable",
        "Buyer doesn't accept part fill for the order, wants to cancel the order",
    ),
    ("22502", "Buyer App", "Cancellation unacceptable", "Invalid cancellation reason"),
    (
        "22503",
        "Buyer App",
        "Cancellation unacceptable",
        "Updated quote does not match original order value and cancellation terms",
    ),
    (
        "22504",
        "Buyer App",
        "Invalid Fulfillment TAT",
        "Fulfillment TAT is different from what was quoted earlier",
    ),
    (
        "22505",
        "Buyer App",
        "Invalid Cancellation Terms",
        "Cancellation terms are different from what was quoted earlier",
    ),
    (
        "22506",
        "Buyer App",
        "Invalid Terms of Reference",
        "Terms of Reference are different from what was quoted earlier",
    ),
    (
        "22507",
        "Buyer App",
        "Invalid Quote",
        "Quote is invalid as it does not meet the API contract specifications",
    ),
    ("22508", "Buyer App", "Invalid Part Cancel Request", "Part cancel request is invalid"),
    (
        "23001",
        "Buyer App",
        "Internal Error",
        "Cannot process response due to internal error, please retry",
    ),
    ("23002", "Buyer App", "Order validation failure", "Order validation failure"),
    (
        "25001",
        "Buyer App",
        "Order Confirm Failure",
        "Buyer App cannot confirm order as no response from Seller App",
    ),
    (
        "27501",
        "Buyer App",
        "Terms and Conditions unacceptable",
        "Seller App terms and conditions not acceptable to Buyer App",
    ),
    (
        "27502",
        "Buyer App",
        "Order terminated",
        "Order terminated as Seller App did not accept terms and conditions proposed by Buyer App",
    ),
    (
        "30000",
        "Seller App",
        "Invalid request",
        "Invalid request does not meet API contract specifications",
    ),
    (
        "30001",
        "Seller App",
        "Provider not found",
        "When Seller App is unable to find the provider id sent by the Buyer App",
    ),
    (
        "30002",
        "Seller App",
        "Provider location not found",
        "When Seller App is unable to find the provider location id sent by the Buyer App",
    ),
    (
        "30003",
        "Seller App",
        "Provider category not found",
        "When Seller App is unable to find the provider category id sent by the Buyer App",
    ),
    (
        "30004",
        "Seller App",
        "Item not found",
        "Unable to find details for item, may have been deleted",
    ),
    ("30005", "Seller App", "Invalid return request", "Return reason is invalid"),
    ("30006", "Seller App", "Offer code invalid", "Offer code is not valid anymore"),
    ("30007", "Seller App", "Offer fulfillment error", "Offer cannot be fulfilled at this time"),
    (
        "30008",
        "Seller App",
        "Location Serviceability error",
        "Pickup location not serviceable by Logistics Provider",
    ),
    (
        "30009",
        "Seller App",
        "Location Serviceability error",
        "Dropoff location not serviceable by Logistics Provider",
    ),
    (
        "30010",
        "Seller App",
        "Location Serviceability error",
        "Delivery distance exceeds the maximum serviceability distance",
    ),
    ("30011", "Seller App", "Order Serviceability error", "Delivery Partners not available"),
    ("30012", "Seller App", "Invalid cancellation reason", "Cancellation reason is invalid"),
    (
        "30013",
        "Seller App",
        "Invalid Fulfillment TAT",
        "Fulfillment TAT is different from what was quoted earlier",
    ),
    (
        "30014",
        "Seller App",
        "Cancellation unacceptable",
        "Cancellation request is rejected as fulfillment TAT is not breached",
    ),
    (
        "30015",
        "Seller App",
        "Invalid rating value",
        "When the Seller App receives an invalid value as the rating value in value",
    ),
    ("30016", "Seller App", "Invalid Signature", "Cannot verify signature for request"),
    ("30017", "Seller App", "Merchant unavailable", "Merchant is currently not taking orders"),
    ("30018", "Seller App", "Invalid Order", "Order not found"),
    ("30019", "Seller App", "Order Confirm Error", "Seller App is unable to confirm the order"),
    (
        "30020",
        "Seller App",
        "Order Confirm Failure",
        "Seller App cannot confirm order as no response from Buyer App",
    ),
    ("30021", "Seller App", "Merchant Inactive", "Merchant is inactive"),
    ("30022", "Seller App", "Stale Request", "Cannot process stale request"),
    (
        "30023",
        "Seller App",
        "Minimum order value error",
        "Cart value is less than minimum order value",
    ),
    (
        "31001",
        "Seller App",
        "Internal Error",
        "Cannot process request due to internal error, please retry",
    ),
    ("31002", "Seller App", "Order validation failure", "Order validation failure"),
    ("31003", "Seller App", "Order processing in progress", "Order processing in progress"),
    ("31004", "Seller App", "Payment Failed", "Payment fails"),
    ("40000", "Seller App", "Business Error", "Generic business error"),
    ("40001", "Seller App", "Feature not supported", "Feature not supported"),
    (
        "40002",
        "Seller App",
        "Item quantity unavailable",
        "When the Seller App is unable to fulfill the required quantity for items in the order",
    ),
    ("40003", "Seller App", "Quote unavailable", "Quote no longer available"),
    ("40004", "Seller App", "Payment type not supported", "Payment type not supported"),
    (
        "40005",
        "Seller App",
        "Tracking not enabled",
        "Tracking not enabled for any fulfillment in the order",
    ),
    (
        "40006",
        "Seller App",
        "Fulfilment agent unavailable",
        "When an agent for fulfilment is not available",
    ),
    ("40007", "Seller App", "Change in item quantity", "Change in item quantity"),
    ("40008", "Seller App", "Change in quote", "Change in quote"),
    ("40009", "Seller App", "Maximum order qty exceeded", "Maximum order qty exceeded"),
    ("40010", "Seller App", "Expired authorization", "Authorization code has expired"),
    ("40011", "Seller App", "Invalid authorization", "Authorization code is invalid"),
    ("41001", "Seller App", "Finder fee not acceptable", "Buyer finder fee is not acceptable"),
    ("50000", "Seller App", "Policy Error", "Generic Policy Error"),
    (
        "50001",
        "Seller App",
        "Cancellation not possible",
        "When the Seller App is unable to cancel the order due to it's cancellation policy",
    ),
    (
        "50002",
        "Seller App",
        "Updation not possible",
        "When the Seller App is unable to update the order due to it's updation policy",
    ),
    (
        "50003",
        "Seller App",
        "Unsupported rating category",
        "When the Seller App receives an entity to rate which is not supported",
    ),
    (
        "50004",
        "Seller App",
        "Support unavailable",
        "When the Seller App receives an object if for which it does not provide support",
    ),
    (
        "50005",
        "Seller App",
        "Terms and Conditions unacceptable",
        "Buyer App terms and conditions not acceptable to Seller App",
    ),
    (
        "50006",
        "Seller App",
        "Order terminated",
        "Order terminated as Buyer App did not accept terms proposed by Seller App",
    ),
    ("50007", "Seller App", "Fulfillment not found", "Fulfillment not found"),
    (
        "50008",
        "Seller App",
        "Fulfillment cannot be updated",
        "Fulfillment has reached terminal state, cannot be updated",
    ),
    (
        "90001",
        "Seller App",
        "Schedule selected by the buyer is not available",
        "Used in error object in /on_select",
    ),
    (
        "90002",
        "Seller App",
        "Incorrect OTP provided by buyer",
        "Used in error object in /on_status",
    ),
    ("90003", "Seller App", "Schedule is not provided by the buyer", "Used in NACK on /select"),
)

_SCHEMA_CODES: Final = frozenset({"20006", "30000"})
_CONTEXT_CODES: Final = frozenset({"10000", "10001", "10002", "20001", "20002", "30016", "30022"})
_CORE_CODES: Final = frozenset({"23001", "31001"})


def _error_type(code: str) -> ErrorType:
    if code in _SCHEMA_CODES:
        return "JSON-SCHEMA-ERROR"
    if code in _CONTEXT_CODES:
        return "CONTEXT-ERROR"
    if code in _CORE_CODES:
        return "CORE-ERROR"
    if code.startswith("5"):
        return "POLICY-ERROR"
    return "DOMAIN-ERROR"


ERROR_CODES: Final[Mapping[str, ErrorCode]] = MappingProxyType(
    {
        code: ErrorCode(code, _error_type(code), message, description, raised_by)
        for code, raised_by, message, description in _SPEC_TABLE
    }
)

# --- codes with their exact spec meaning -------------------------------------------------
BAD_REQUEST: Final = ERROR_CODES["10000"]
GATEWAY_INVALID_SIGNATURE: Final = ERROR_CODES["10001"]  # X-Gateway-Authorization fails
INVALID_CITY_CODE: Final = ERROR_CODES["10002"]
INVALID_ORDER_STATE: Final = ERROR_CODES["20007"]  # spec lists it for buyer apps only
INVALID_REQUEST: Final = ERROR_CODES["30000"]  # body fails the schema / API contract
PROVIDER_NOT_FOUND: Final = ERROR_CODES["30001"]
PROVIDER_LOCATION_NOT_FOUND: Final = ERROR_CODES["30002"]
CATEGORY_NOT_FOUND: Final = ERROR_CODES["30003"]
ITEM_NOT_FOUND: Final = ERROR_CODES["30004"]
LOCATION_NOT_SERVICEABLE: Final = ERROR_CODES["30009"]  # the customer's place ("dropoff")
DISTANCE_NOT_SERVICEABLE: Final = ERROR_CODES["30010"]
AGENTS_UNAVAILABLE: Final = ERROR_CODES["30011"]  # "Delivery Partners not available"
INVALID_CANCELLATION_REASON: Final = ERROR_CODES["30012"]
INVALID_RATING_VALUE: Final = ERROR_CODES["30015"]
INVALID_SIGNATURE: Final = ERROR_CODES["30016"]  # buyer app's Authorization fails
MERCHANT_UNAVAILABLE: Final = ERROR_CODES["30017"]
ORDER_NOT_FOUND: Final = ERROR_CODES["30018"]
ORDER_CONFIRM_ERROR: Final = ERROR_CODES["30019"]
MERCHANT_INACTIVE: Final = ERROR_CODES["30021"]
STALE_REQUEST: Final = ERROR_CODES["30022"]  # timestamp + ttl already passed
INTERNAL_ERROR: Final = ERROR_CODES["31001"]
ORDER_VALIDATION_FAILURE: Final = ERROR_CODES["31002"]
ORDER_PROCESSING_IN_PROGRESS: Final = ERROR_CODES["31003"]
PAYMENT_FAILED: Final = ERROR_CODES["31004"]
BUSINESS_ERROR: Final = ERROR_CODES["40000"]
FEATURE_NOT_SUPPORTED: Final = ERROR_CODES["40001"]
QUOTE_UNAVAILABLE: Final = ERROR_CODES["40003"]
PAYMENT_TYPE_NOT_SUPPORTED: Final = ERROR_CODES["40004"]
TRACKING_NOT_ENABLED: Final = ERROR_CODES["40005"]
AGENT_UNAVAILABLE: Final = ERROR_CODES["40006"]
CHANGE_IN_QUOTE: Final = ERROR_CODES["40008"]
EXPIRED_AUTHORIZATION: Final = ERROR_CODES["40010"]
INVALID_AUTHORIZATION: Final = ERROR_CODES["40011"]
FINDER_FEE_NOT_ACCEPTABLE: Final = ERROR_CODES["41001"]
POLICY_ERROR: Final = ERROR_CODES["50000"]
CANCELLATION_NOT_POSSIBLE: Final = ERROR_CODES["50001"]  # also: cancel in a terminal state
UPDATION_NOT_POSSIBLE: Final = ERROR_CODES["50002"]  # also: update in a terminal state
UNSUPPORTED_RATING_CATEGORY: Final = ERROR_CODES["50003"]
SUPPORT_UNAVAILABLE: Final = ERROR_CODES["50004"]
FULFILLMENT_NOT_FOUND: Final = ERROR_CODES["50007"]
FULFILLMENT_TERMINAL: Final = ERROR_CODES["50008"]
SLOT_NOT_AVAILABLE: Final = ERROR_CODES["90001"]  # SRV: error object in /on_select
INVALID_OTP: Final = ERROR_CODES["90002"]  # SRV: error object in /on_status
SCHEDULE_NOT_PROVIDED: Final = ERROR_CODES["90003"]  # SRV: NACK on /select

# --- cases the spec has no code for: closest spec code, our error type -------------------
# bpp_id is not us: the request is not addressed to this seller app -> "Invalid request".
WRONG_BPP: Final = replace(INVALID_REQUEST, type="CONTEXT-ERROR")
# Domain we do not serve: same reasoning; 40001 "Feature not supported" was the runner-up.
DOMAIN_NOT_SERVED: Final = replace(INVALID_REQUEST, type="CONTEXT-ERROR")
# City we do not serve: 10002 "Invalid City Code" is the only city-related code.
CITY_NOT_SERVED: Final = INVALID_CITY_CODE
# context.version other than 2.0.0: a request outside the API contract we implement.
VERSION_NOT_SUPPORTED: Final = replace(INVALID_REQUEST, type="CONTEXT-ERROR")
# A repeated message_id whose first copy is still being handled (a plain repeat is ACKed).
DUPLICATE_REQUEST: Final = ORDER_PROCESSING_IN_PROGRESS
# Rate limited: 31001 is the only code that tells the sender to retry later.
RATE_LIMITED: Final = INTERNAL_ERROR
# Body over our size limit: rejected before parsing, so not a schema error.
PAYLOAD_TOO_LARGE: Final = replace(INVALID_REQUEST, type="CORE-ERROR")
# bap_uri neither the signer's registered subscriber_url nor under it: callbacks go only where the registry says.
CALLBACK_NOT_REGISTERED: Final = replace(INVALID_REQUEST, type="CONTEXT-ERROR")
# ttl beyond our cap for the action, or a timestamp from the future: a request must not live (and be retried) for
# longer than we allow; "Stale Request" is for the opposite case.
LIFETIME_NOT_ACCEPTED: Final = replace(INVALID_REQUEST, type="CONTEXT-ERROR")
