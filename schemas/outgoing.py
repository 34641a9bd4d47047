"""Check OUR outgoing callbacks against the ONDC SRV 2.0.0 (draft) OpenAPI bundle and enums.

`validate_outgoing` uses the request-body schema of the bundle's `/on_<action>` path with
`$ref`s resolved inside the bundle (OpenAPI 3.0 rules, formats checked: `uuid` ids,
`date-time` timestamps, `email`).  One deliberate change: the bundle's Beckn core
`Order.status` enum (`ACTIVE/COMPLETE/CANCELLED`) is replaced by the SRV order status enum,
which is what SRV prescribes and what DESIGN.md says we send.  A path missing from the bundle
falls back to the Beckn core 1.1.0 transaction spec (today the bundle has all ten).

`validate_enums` checks the values the schema leaves open: order status, fulfillment states
and types, payment type and collected_by, domain, and tag groups/codes (from `x-tags`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any, Final

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from schemas import spec
from schemas.enums import FulfillmentStateCode

OUTGOING_ACTIONS: Final = frozenset(
    {
        "on_search",
        "on_select",
        "on_init",
        "on_confirm",
        "on_status",
        "on_track",
        "on_cancel",
        "on_update",
        "on_rating",
        "on_support",
    }
)
_BUNDLE_URI: Final = "urn:ondc:srv-draft-services"
_CORE_URI: Final = "urn:beckn:core-1.1.0"
_MAX_MESSAGE: Final = 300


def _escape(pointer_part: str) -> str:
    return pointer_part.replace("~", "~0").replace("/", "~1")


def _body_pointer(action: str) -> str:
    return f"#/paths/{_escape('/' + action)}/post/requestBody/content/{_escape('application/json')}/schema"


def _with_srv_order_status(document: dict[str, Any]) -> dict[str, Any]:
    """Copy-on-write: swap the core Order.status enum for the SRV one."""
    schemas = document["components"]["schemas"]
    order = schemas["Order"]
    status = {**order["properties"]["status"], "enum": sorted(spec.enum_codes("order", "order", "status"))}
    order = {**order, "properties": {**order["properties"], "status": status}}
    components = {**document["components"], "schemas": {**schemas, "Order": order}}
    return {**document, "components": components}


@cache
def _validator(action: str) -> OAS30Validator:
    """One validator per action; building one resolves nothing eagerly."""
    document, uri = spec.bundle(), _BUNDLE_URI
    if f"/{action}" not in document.get("paths", {}):
        document, uri = spec.core(), _CORE_URI
    document = _with_srv_order_status(document)
    registry: Registry[Any] = Registry().with_resource(uri, DRAFT4.create_resource(document))
    return OAS30Validator(
        {"$ref": uri + _body_pointer(action)},
        registry=registry,
        format_checker=OAS30Validator.FORMAT_CHECKER,
    )


def schema_source(action: str) -> str:
    """Which document validates `action`: the SRV bundle or the Beckn core fallback."""
    return "srv-bundle" if f"/{action}" in spec.bundle().get("paths", {}) else "beckn-core"


def _json_path(parts: Iterable[Any]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "$"


def _describe(error: ValidationError) -> str:
    message = error.message
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return f"{_json_path(error.absolute_path)}: {message}"


def validate_outgoing(action: str, payload: Mapping[str, Any]) -> list[str]:
    """Validate one of our `on_*` callbacks; return readable errors, empty when valid."""
    if action not in OUTGOING_ACTIONS:
        raise ValueError(f"not an outgoing callback: {action!r}")
    validator = _validator(action)
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(map(str, e.absolute_path)))
    return [_describe(error) for error in errors]


# --- enums and tags -----------------------------------------------------------------------
def _find(node: Any, keys: tuple[str, ...], path: str) -> Iterator[tuple[str, Any]]:
    """Yield (json path, value) for `keys` under `node`, stepping through lists."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _find(item, keys, f"{path}[{index}]")
        return
    if not keys:
        yield path, node
        return
    if isinstance(node, dict) and keys[0] in node:
        yield from _find(node[keys[0]], keys[1:], f"{path}.{keys[0]}" if path else keys[0])


def _keys(dotted: str) -> tuple[str, ...]:
    return tuple(dotted.split("."))


# Objects that carry `fulfillments` and `payments` arrays in our callbacks.
_OWNERS: Final = ("message.order", "message.catalog", "message.catalog.providers")
_STATE_CODES: Final = (
    "message.order.fulfillments.state.descriptor.code",
    "message.order.cancellation_terms.fulfillment_state.descriptor.code",
    "message.order.items.cancellation_terms.fulfillment_state.descriptor.code",
    "message.catalog.providers.items.cancellation_terms.fulfillment_state.descriptor.code",
)


@cache
def _allowed() -> dict[str, frozenset[str]]:
    states = spec.enum_codes("fulfillments", "fulfillments", "state", "descriptor", "code")
    # Cancelled appears in every official on_cancel example but not in the enum file.
    return {
        "domain": spec.enum_codes("context", "domain"),
        "order status": spec.enum_codes("order", "order", "status"),
        "fulfillment state": states | {FulfillmentStateCode.CANCELLED},
        "fulfillment type": spec.enum_codes("fulfillments", "fulfillments", "type"),
        "payment type": spec.enum_codes("payment", "payment", "type"),
        "payment collected_by": spec.enum_codes("payment", "payment", "collected_by"),
    }


def _check(payload: Mapping[str, Any], dotted: str, label: str, allowed: frozenset[str]) -> Iterator[str]:
    for path, value in _find(payload, _keys(dotted), ""):
        if value not in allowed:
            yield f"{path}: {value!r} is not an SRV {label} {_choices(allowed)}"


# group code -> (required, {list code -> allowed values, empty when free})
TagSpec = dict[str, tuple[bool, dict[str, frozenset[str]]]]


def _tag_entries(entries: list[Any]) -> dict[str, frozenset[str]]:
    return {
        str(entry["code"]): frozenset(str(value["code"]) for value in entry.get("value") or ())
        for entry in entries or ()
    }


def _tag_specs(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], TagSpec]]:
    """Walk an `x-tags` subtree: yield (location of a `tags` array, its groups)."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key != "tags":
            yield from _tag_specs(value, (*path, key))
        elif isinstance(value, list):  # [{code: group, list: [{code, value?}]}]
            yield (
                (*path, key),
                {
                    str(group["code"]): (group.get("required") == "required", _tag_entries(group.get("list")))
                    for group in value
                },
            )
        elif isinstance(value, dict):  # {group: [{code: list code, list: [allowed values]}]}
            yield (
                (*path, key),
                {
                    group: (
                        any(entry.get("required") == "required" for entry in entries),
                        {
                            str(e["code"]): frozenset(str(v["code"]) for v in e.get("list") or ())
                            for e in entries
                        },
                    )
                    for group, entries in value.items()
                },
            )


# The bundle's x-tags for on_status/on_update payments list only Settlement_Details with the counterparty codes
# and Buyer_Finder_Fee, yet its own on_status and on_update examples repeat the on_confirm payment unchanged:
# Settlement_Counterparty (the account) and Settlement_Details with the settlement window, basis, withholding
# and phase. We send the confirmed payment as it was confirmed (docs/conformance.md), so those codes pass there.
_PAYMENTS_TAGS: Final = ("message", "order", "payments", "tags")
_CONFIRMED_PAYMENT_CODES: Final = {
    "Settlement_Counterparty": ("Counterparty", "Mode", "Beneficiary_Name", "Bank_Account_No", "Ifsc_Code",
                                "UPI_Address"),
    "Settlement_Details": ("Window", "Basis", "Witholding_Amount", "Phase"),
}


def _with_confirmed_payment_tags(tag_spec: TagSpec) -> TagSpec:
    widened = dict(tag_spec)
    for group, codes in _CONFIRMED_PAYMENT_CODES.items():
        required, entries = widened.get(group, (False, {}))
        widened[group] = (required, {**entries, **{code: frozenset() for code in codes if code not in entries}})
    return widened


@cache
def _tags_for(action: str) -> tuple[tuple[tuple[str, ...], TagSpec], ...]:
    specs = _tag_specs(spec.bundle().get("x-tags", {}).get(action, {}), ())
    if action not in ("on_status", "on_update"):
        return tuple(specs)
    return tuple(
        (location, _with_confirmed_payment_tags(tag_spec) if location == _PAYMENTS_TAGS else tag_spec)
        for location, tag_spec in specs
    )


def _code(node: Any) -> Any:
    return node.get("descriptor", {}).get("code") if isinstance(node, dict) else None


def _choices(values: Iterable[str]) -> str:
    return "(" + ", ".join(sorted(values)) + ")"


def _check_tags(payload: Mapping[str, Any], location: tuple[str, ...], tag_spec: TagSpec) -> Iterator[str]:
    for owner_path, owner in _find(payload, location[:-1], ""):
        groups = (owner.get("tags") if isinstance(owner, dict) else None) or []
        tags_path = f"{owner_path}.tags"
        present = {_code(group) for group in groups}
        for code, (required, _) in tag_spec.items():
            if required and code not in present:
                yield f"{tags_path}: required tag group {code!r} is missing"
        for index, group in enumerate(groups):
            code = _code(group)
            if code not in tag_spec:
                where = f"{tags_path}[{index}].descriptor.code"
                yield f"{where}: unknown tag group {code!r} {_choices(tag_spec)}"
                continue
            entries = tag_spec[code][1]
            for item_index, item in enumerate(group.get("list") or ()):
                item_path = f"{tags_path}[{index}].list[{item_index}]"
                item_code, value = _code(item), item.get("value")
                if item_code not in entries:
                    yield f"{item_path}.descriptor.code: {item_code!r} is not in {code} {_choices(entries)}"
                elif entries[item_code] and str(value) not in entries[item_code]:
                    allowed = _choices(entries[item_code])
                    yield f"{item_path}.value: {value!r} is not allowed for {code}.{item_code} {allowed}"


def validate_enums(action: str, payload: Mapping[str, Any]) -> list[str]:
    """Check enum-valued fields and tag codes of one of our callbacks against the SRV enums."""
    allowed = _allowed()
    states = allowed["fulfillment state"]
    if action == "on_select":  # the only place the official examples use it
        states = states | {FulfillmentStateCode.SERVICEABLE}
    errors = [
        *_check(payload, "context.domain", "domain", allowed["domain"]),
        *_check(payload, "message.order.status", "order status", allowed["order status"]),
    ]
    for dotted in _STATE_CODES:
        errors.extend(_check(payload, dotted, "fulfillment state", states))
    for owner in _OWNERS:
        errors.extend(
            _check(payload, f"{owner}.fulfillments.type", "fulfillment type", allowed["fulfillment type"])
        )
    for owner in _OWNERS:
        errors.extend(_check(payload, f"{owner}.payments.type", "payment type", allowed["payment type"]))
        errors.extend(
            _check(
                payload,
                f"{owner}.payments.collected_by",
                "payment collected_by",
                allowed["payment collected_by"],
            )
        )
    for location, tag_spec in _tags_for(action):
        errors.extend(_check_tags(payload, location, tag_spec))
    return errors
