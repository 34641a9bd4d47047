"""Inbound IGM (issue and grievance management) request models: `issue`, `issue_status`.

IGM 1.0.0 still carries a Beckn 1.0 context (`city`, `country`, `core_version` at the top of
the context); it is folded into the Beckn 1.1 shape so every request exposes one `Context`.
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from schemas.fields import BecknModel, Id, Timestamp
from schemas.objects import Contact, Context, Descriptor, Person


class IgmContext(Context):
    @model_validator(mode="before")
    @classmethod
    def _beckn_1_0_context(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "location" in data or "city" not in data:
            return data
        folded = {k: v for k, v in data.items() if k not in ("city", "country", "core_version")}
        folded["location"] = {"city": {"code": data["city"]}, "country": {"code": data.get("country")}}
        folded.setdefault("version", data.get("core_version"))
        return folded


class ComplainantInfo(BecknModel):
    person: Person | None = None
    contact: Contact | None = None


class IssueItem(BecknModel):
    id: Id


class IssueOrderDetails(BecknModel):
    id: Id
    provider_id: Id | None = None
    items: list[IssueItem] | None = None


class IssueSource(BecknModel):
    network_participant_id: str | None = None
    type: str | None = None


class Issue(BecknModel):
    id: Id
    category: Id
    sub_category: str | None = None
    complainant_info: ComplainantInfo | None = None
    order_details: IssueOrderDetails
    description: Descriptor
    source: IssueSource | None = None
    status: Id
    issue_type: str | None = None
    created_at: Timestamp
    updated_at: Timestamp | None = None


class IssueMessage(BecknModel):
    issue: Issue


class IssueStatusMessage(BecknModel):
    issue_id: Id


class IssueRequest(BecknModel):
    context: IgmContext
    message: IssueMessage


class IssueStatusRequest(BecknModel):
    context: IgmContext
    message: IssueStatusMessage
