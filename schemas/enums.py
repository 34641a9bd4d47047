"""The enumerated values we send, as ONDC SRV 2.0.0 spells them.

Checked against ``srv-components/enums`` and the official examples (tests/schemas pin this):

* ``FulfillmentStateCode``: what ``fulfillment.state.descriptor.code`` carries (the state machine's own
  states, with the internal ``Service-Started``, are ``fulfillment.states.FulfillmentState``). The SRV
  enum lists only Pending, In-Transit, At-Location and Completed.  ``Serviceable`` (on_select) and
  ``Cancelled`` (on_cancel) come from the official examples of both branches; the enum file lacks them.
* ``OrderStatus``: the SRV enum and the release examples use this spelling; the draft examples
  use upper case (``ACCEPTED``, ``IN-PROGRESS``) and the Beckn core schema in the bundle allows
  only ``ACTIVE/COMPLETE/CANCELLED``.  DESIGN.md picks the SRV spelling.
* ``FulfillmentType``: the enum has ``Home-Service`` only; the on_search examples also show
  ``Store-Service``, which we do not offer.
"""

from __future__ import annotations

from enum import StrEnum


class FulfillmentStateCode(StrEnum):
    SERVICEABLE = "Serviceable"
    PENDING = "Pending"
    IN_TRANSIT = "In-Transit"
    AT_LOCATION = "At-Location"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


class OrderStatus(StrEnum):
    CREATED = "Created"
    ACCEPTED = "Accepted"
    IN_PROGRESS = "In-progress"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


class FulfillmentType(StrEnum):
    HOME_SERVICE = "Home-Service"
