"""Check a message against the SRV attribute tables (`srv-components/attributes/Home_Services/<action>/`).

The tables list, per action, every attribute a message carries and whether it is `required`, `optional`
or required under a condition written in prose ("required for 'end' stop"). The bundle schema
(`schemas.outgoing`) cannot say any of this: it makes almost nothing required.

How a table is read (the tables' own conventions, found by reading all of them):
- nested keys are JSON keys; a dotted key (`descriptor.code`, `authorization.type`) is a nested path;
- a key repeating its parent's name describes the parent itself (`billing: billing:`, `time: time:`), and
  so does `categories.id` under `categories` (`select.yaml` spells one of them `fulfillemnts`);
- a `required` key holding an object is the attribute named "required" (`xinput.required` in on_init);
- children of `tags` are tag-group codes (`descriptor.code`), their children list codes: `tags.title.type`
  is the group `title` with the entry `type`; one exception is read by hand (`_TABLE_READINGS`);
- `mandatory` means `required`.

Checking: a payload list is stepped through, each element checked. An attribute is missing when its key is
absent or null (an empty list or string is present: `holidays: []` is how SRV says "none"). `required`
attributes are enforced wherever their parent object is present; an attribute under a missing parent is
reported only when every level down to it is required (a missing optional `authorization` does not make
its `token` missing). `optional` is never enforced. Every prose condition is a named rule in
`CONDITIONAL_RULES`, coded by hand; a prose value not listed there stops the tables from loading, so a
new table version cannot slip one past.

Actions without a table (on_cancel, on_rating, on_support, on_track and the IGM ones) have no attribute
check: `validate_attributes` returns no errors for them.

A few table rules we knowingly do not follow are listed in `KNOWN_DEVIATIONS`, each with the table line,
our reason and exactly which attribute it waives under which condition; nothing else is waived.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from schemas import spec
from schemas.enums import FulfillmentStateCode, OrderStatus
from schemas.outgoing import OUTGOING_ACTIONS

REQUIRED: Final = "required"
OPTIONAL: Final = "optional"
_SYNONYMS: Final = {"mandatory": REQUIRED}
_META_KEYS: Final = frozenset({"description", "usage", "reference", "parent"})
_MISSPELT_SELF_KEYS: Final = {"fulfillemnts": "fulfillments"}  # select.yaml

# The nearest payload object seen under each table name on the way down: `scope["stops"]` is the stop
# being checked, `scope["order"]` its order. Conditional rules read what they need from it.
Scope = Mapping[str, Mapping[str, Any]]


# A prose condition of the tables, coded by hand: does it require the attribute here?
Rule = Callable[[Scope], bool]


@dataclass(frozen=True)
class Attribute:
    """One node of a table: its requirement (None for a plain container) and its children."""

    requirement: str | None
    children: Mapping[str, Attribute]


# --- the conditional rules ------------------------------------------------------------------------------
def _stop_type(scope: Scope) -> str | None:
    return scope.get("stops", {}).get("type")


def _for_start_stop(scope: Scope) -> bool:
    """"required for 'start' stop": the provider's stop (its location id and name)."""
    return _stop_type(scope) == "start"


def _for_end_stop(scope: Scope) -> bool:
    """"required for 'end' stop": the customer's stop (address, city, state, country, area code, label)."""
    return _stop_type(scope) == "end"


def _payment_paid(scope: Scope) -> bool:
    """"required when payment status is PAID": `params.transaction_id` of that payment."""
    return scope.get("payments", {}).get("status") == "PAID"


def _order_complete(scope: Scope) -> bool:
    """"required once the order is complete": the order's `documents` (the invoice) in on_status."""
    return scope.get("order", {}).get("status") == OrderStatus.COMPLETED


def _is_customization(scope: Scope) -> bool:
    """"required for customizations": a customization item, which SRV marks with the tag group `attribute`
    whose entry `type` is `customization` (every SRV customization example). We send no customizations, so
    this never requires anything of our messages; for an item's `tags` it holds by construction."""
    return _tag_value(scope.get("items", {}), "attribute", "type") == "customization"


def _before_service_start(scope: Scope) -> bool:
    """"required before starting the service" (on_status `stops.authorization`): the OTP that starts the
    service, on the customer's stop, by the time the provider is At-Location (the examples show it from
    `on_status_Reached` on, and not yet in `on_status_In_Transit`; SRV has no later state before the start)."""
    state = scope.get("fulfillments", {}).get("state") or {}
    return _for_end_stop(scope) and (state.get("descriptor") or {}).get("code") == FulfillmentStateCode.AT_LOCATION


def _service_item(scope: Scope) -> bool:
    """on_search `items.tags.code`, "code = 'reschedule_terms', applicable in case service is rescheduled":
    read as the tag group `reschedule_terms` on every item that is a service; a customization is not
    rescheduled on its own (none of the examples' customizations carries it)."""
    return not _is_customization(scope)


def _only_across_messages(scope: Scope) -> bool:
    """A condition on another message of the transaction, which a check of one message cannot see:
    "required if 'xinput/required' = true in /on_init" (on_confirm `xinput`: we send no xinput in on_init,
    so it is never required of us) and "required if in /confirm" (on_update `provider.locations`: we
    always send the provider's location, whatever confirm carried). Never required here."""
    return False


CONDITIONAL_RULES: Final[Mapping[str, Rule]] = {
    "required for 'start' stop": _for_start_stop,
    "required for 'end' stop": _for_end_stop,
    "required when payment status is PAID": _payment_paid,
    "required once the order is complete": _order_complete,
    "required for customizations": _is_customization,
    "required before starting the service": _before_service_start,
    "required if 'xinput/required' = true in /on_init": _only_across_messages,
    "required if in /confirm": _only_across_messages,
}


# --- table rules we knowingly do not follow ------------------------------------------------------------
@dataclass(frozen=True)
class KnownDeviation:
    """A required attribute we do not send under `waived_when`, and why (docs/conformance.md lists them)."""

    action: str
    path: str  # the table path, dotted, without list indices
    table_line: str
    reason: str
    waived_when: Rule


def _fulfillment_state(scope: Scope) -> object:
    return (scope.get("fulfillments", {}).get("state") or {}).get("descriptor", {}).get("code")


def _start_stop_before_set_off(scope: Scope) -> bool:
    """The worker's stop while she has not set off: assigned (`Pending`), or cancelled (before she set off
    we have no time; after, we send the one we have)."""
    return _for_start_stop(scope) and _fulfillment_state(scope) in (
        FulfillmentStateCode.PENDING, FulfillmentStateCode.CANCELLED)


def _end_stop_before_completion(scope: Scope) -> bool:
    """The customer's stop until the service has ended (`Completed`)."""
    return _for_end_stop(scope) and _fulfillment_state(scope) != FulfillmentStateCode.COMPLETED


_STOP_TIMESTAMP: Final = ("on_status `fulfillments.stops.time.timestamp`: \"actual timestamp when the service "
                          "provider started from start point and reached the customer location\", required")
KNOWN_DEVIATIONS: Final = (
    KnownDeviation(
        "on_status", "message.order.fulfillments.stops.time.timestamp", _STOP_TIMESTAMP,
        "the start stop's timestamp is when the worker actually set off (issue 9), set once; before that "
        "moment there is no true value to send",
        _start_stop_before_set_off,
    ),
    KnownDeviation(
        "on_status", "message.order.fulfillments.stops.time.timestamp", _STOP_TIMESTAMP,
        "the end stop's timestamp is when the service ended (issue 9), set once; before that moment there is "
        "no true value to send",
        _end_stop_before_completion,
    ),
)


def _waived(action: str, json_path: str, scope: Scope) -> bool:
    path = re.sub(r"\[\d+\]", "", json_path)
    return any(deviation.action == action and deviation.path == path and deviation.waived_when(scope)
               for deviation in KNOWN_DEVIATIONS)
# Table keys that do not name the JSON path they mean: (table path) -> (the key on the wire, a requirement
# replacing the table's or None). on_search puts `city` and `country` straight under `context`, where Beckn
# 1.1.0 has `context.location`; its `items.tags.code` row is a tag group (see `_service_item`).
_RESCHEDULE_TERMS: Final = "code = 'reschedule_terms' on a service item"
_TABLE_READINGS: Final[Mapping[tuple[str, ...], tuple[str, str | None]]] = {
    ("context", "city"): ("location.city", None),
    ("context", "country"): ("location.country", None),
    ("message", "catalog", "providers", "items", "tags", "code"): ("reschedule_terms", _RESCHEDULE_TERMS),
}
_READING_RULES: Final[Mapping[str, Rule]] = {_RESCHEDULE_TERMS: _service_item}


def _tag_value(owner: Mapping[str, Any], group_code: str, entry_code: str) -> object:
    for group in _tag_groups(owner.get("tags"), group_code):
        for entry in group.get("list") or ():
            if isinstance(entry, Mapping) and _code(entry) == entry_code:
                return entry.get("value")
    return None


def _code(node: Mapping[str, Any]) -> Any:
    descriptor = node.get("descriptor")
    return descriptor.get("code") if isinstance(descriptor, Mapping) else None


def _tag_groups(tags: Any, code: str | None = None) -> Iterator[Mapping[str, Any]]:
    for group in tags if isinstance(tags, list) else ():
        if isinstance(group, Mapping) and (code is None or _code(group) == code):
            yield group


# --- reading the tables ---------------------------------------------------------------------------------
def _normalised(requirement: str) -> str:
    words = requirement.strip()
    words = _SYNONYMS.get(words, words)
    if words not in (REQUIRED, OPTIONAL) and words not in CONDITIONAL_RULES:
        raise ValueError(f"SRV attribute table: no rule is coded for {words!r}; add one to CONDITIONAL_RULES")
    return words


class _Draft:
    """A table node while it is being read (dotted and self-naming keys merge into one node)."""

    def __init__(self) -> None:
        self.requirement: str | None = None
        self.children: dict[str, _Draft] = {}

    def add(self, key: str, node: Any, path: tuple[str, ...]) -> None:
        target, requirement = self, None
        for part in key.split("."):
            wire_key, requirement = _TABLE_READINGS.get((*path, part), (part, None))
            for wire_part in wire_key.split("."):
                path = (*path, wire_part)
                target = target.children.setdefault(wire_part, _Draft())
        target.fill(node, path)
        if requirement is not None:
            target.requirement = requirement

    def fill(self, node: Any, path: tuple[str, ...]) -> None:
        if not isinstance(node, Mapping):
            return
        name = path[-1] if path else ""
        for key, value in node.items():
            if key == "required" and isinstance(value, str):
                self.requirement = _normalised(value)
            elif key in _META_KEYS:
                continue
            elif _MISSPELT_SELF_KEYS.get(key, key) == name:
                self.fill(value, path)
            elif key.startswith(name + "."):
                self.add(key[len(name) + 1 :], value, path)
            else:
                self.add(key, value, path)

    def freeze(self) -> Attribute:
        return Attribute(self.requirement, {key: child.freeze() for key, child in self.children.items()})


def _home_services() -> Any:
    return spec.load_yaml(spec.components_dir() / "attributes" / "Home_Services" / "index.yaml")


def table_actions() -> frozenset[str]:
    """The actions that have an attribute table."""
    return frozenset(_home_services())


@cache
def attribute_table(action: str) -> Attribute:
    """The table of `action`, read once; KeyError when the action has none."""
    relative = str(_home_services()[action]["$ref"]).removeprefix("./")
    draft = _Draft()
    draft.fill(spec.load_yaml(spec.components_dir() / "attributes" / "Home_Services" / relative), ())
    return draft.freeze()


# --- checking a payload ---------------------------------------------------------------------------------
def _rule(requirement: str) -> Rule | None:
    return CONDITIONAL_RULES.get(requirement) or _READING_RULES.get(requirement)


def _required_here(attribute: Attribute, scope: Scope) -> bool:
    if attribute.requirement == REQUIRED:
        return True
    rule = _rule(attribute.requirement) if attribute.requirement else None
    return rule is not None and rule(scope)


def _demanded(attribute: Attribute, scope: Scope) -> bool:
    """Required here, or a plain container with something required beneath it."""
    if _required_here(attribute, scope):
        return True
    return attribute.requirement is None and any(_demanded(c, scope) for c in attribute.children.values())


def _why(action: str, attribute: Attribute) -> str:
    if attribute.requirement in (REQUIRED, None):  # None: a container with required parts
        return f"required by the SRV {action} attribute table"
    return f'the SRV {action} attribute table says "{attribute.requirement}"'


def _present(owner: Mapping[str, Any], key: str) -> bool:
    return owner.get(key) is not None


def _missing(action: str, attribute: Attribute, path: str, scope: Scope) -> Iterator[str]:
    """Errors for an absent attribute: itself when it is required here, else the required ones beneath
    it when it is a plain container (an absent optional or conditional object requires nothing)."""
    if _required_here(attribute, scope):
        if not _waived(action, path, scope):
            yield f"{path}: missing; {_why(action, attribute)}"
    elif attribute.requirement is None:
        for key, child in attribute.children.items():
            yield from _missing(action, child, f"{path}.{key}", scope)


def _elements(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, list):
        for index, element in enumerate(value):
            yield f"{path}[{index}]", element
    else:
        yield path, value


def _check_tags(action: str, groups: Mapping[str, Attribute], tags: Any, path: str, scope: Scope) -> Iterator[str]:
    """`tags` rows of a table: each child is a tag group code, each grandchild an entry code of that group."""
    for code, group in groups.items():
        found = list(_tag_groups(tags, code))
        if not found:
            if _demanded(group, scope):
                yield f"{path}: tag group {code!r} is missing; {_why(action, group)}"
            continue
        for entry_code, entry in group.children.items():
            for group_payload in found:
                entries = [e for e in group_payload.get("list") or () if isinstance(e, Mapping)]
                if _required_here(entry, scope) and not any(_code(e) == entry_code for e in entries):
                    yield f"{path}: tag group {code!r} has no entry {entry_code!r}; {_why(action, entry)}"


def _check(action: str, attribute: Attribute, owner: Mapping[str, Any], path: str, scope: Scope) -> Iterator[str]:
    for key, child in attribute.children.items():
        child_path = f"{path}.{key}" if path else key
        if key == "tags" and child.children:
            if _present(owner, key) or child.requirement != OPTIONAL:
                yield from _check_tags(action, child.children, owner.get(key), child_path, scope)
            continue
        if not _present(owner, key):
            yield from _missing(action, child, child_path, scope)
            continue
        for element_path, element in _elements(owner[key], child_path):
            if isinstance(element, Mapping) and child.children:
                yield from _check(action, child, element, element_path, {**scope, key: element})


def validate_attributes(action: str, payload: Mapping[str, Any]) -> list[str]:
    """Errors (JSON path first) where `payload` lacks an attribute its action's table requires; empty when
    it has them all, and for a callback without a table (on_cancel, on_track, on_rating, on_support).
    Actions the buyer app sends (search, select, …) have tables too and can be checked the same way."""
    if action not in table_actions():
        if action in OUTGOING_ACTIONS:
            return []
        raise ValueError(f"no SRV attribute table, and not one of our callbacks: {action!r}")
    return list(_check(action, attribute_table(action), payload, "", {}))


def _optional_paths(attribute: Attribute, owner: Any, path: str) -> Iterator[str]:
    if not isinstance(owner, Mapping):
        return
    for key, child in attribute.children.items():
        if not _present(owner, key):
            continue
        child_path = f"{path}.{key}" if path else key
        if key == "tags" and child.children:
            for code, group in child.children.items():
                if group.requirement == OPTIONAL and any(_tag_groups(owner[key], code)):
                    yield f"{child_path}.{code}"
            continue
        if child.requirement == OPTIONAL:
            yield child_path
        for _, element in _elements(owner[key], child_path):
            yield from _optional_paths(child, element, child_path)


def optional_present(action: str, payload: Mapping[str, Any]) -> set[str]:
    """The table paths (dotted, no list indices) of attributes the table marks optional that `payload` carries;
    a tag group is named by its code (`message.order.payments.tags.Settlement_Details`)."""
    if action not in table_actions():
        return set()
    return set(_optional_paths(attribute_table(action), payload, ""))
