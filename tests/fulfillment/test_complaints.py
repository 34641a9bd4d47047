"""Complaint classification, lifecycle, deadlines, sanctions and IGM 1.0.0 message shapes."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fulfillment.complaints import (
    ActionRecord,
    ActionTriggered,
    Kind,
    Resolution,
    Respondent,
    RespondentAction,
    Sanction,
    Status,
    classify,
    igm_context,
    on_issue_message,
    on_issue_status_message,
    overdue_flags,
    respond,
    sanction_for,
    timeline,
)
from schemas.refusal import Refusal

FILED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
RESPONDENT = Respondent("bpp.example::ONDC:SRV11", "Grievance Officer", "155330", "help@example.org")


@pytest.mark.parametrize(
    ("category", "sub", "kind"),
    [
        ("ORDER", "SM-OVERCHARGE", Kind.OVERCHARGING),
        ("PAYMENT", "PMT03", Kind.OVERCHARGING),
        ("FULFILLMENT", "SM-NOSHOW", Kind.NO_SHOW),
        ("ORDER", "ORD02", Kind.QUALITY),
        ("AGENT", "agt01", Kind.CONDUCT),
        ("FULFILLMENT", "FLM99", Kind.OTHER),
        ("ORDER", None, Kind.OTHER),
    ],
)
def test_classify(category: str, sub: str | None, kind: Kind) -> None:
    assert classify(category, sub) is kind


def test_first_upheld_overcharging_suspends_second_bans() -> None:
    assert sanction_for("overcharging", True, 0) is Sanction.SUSPEND
    assert sanction_for("overcharging", True, 1) is Sanction.BAN
    assert sanction_for("overcharging", False, 3) is Sanction.NONE
    assert sanction_for("conduct", True, 0) is Sanction.NONE


def test_lifecycle() -> None:
    assert respond("OPEN", RespondentAction.PROCESSING) is Status.PROCESSING
    assert respond("PROCESSING", RespondentAction.NEED_MORE_INFO) is Status.PROCESSING
    assert respond("PROCESSING", RespondentAction.RESOLVED) is Status.RESOLVED
    for final in ("RESOLVED", "CLOSED"):
        with pytest.raises(Refusal):
            respond(final, RespondentAction.RESOLVED)


def test_deadlines_and_overdue_flags() -> None:
    deadlines = timeline(FILED)
    assert deadlines.respond_by == FILED + timedelta(hours=1)
    assert deadlines.resolve_by == FILED + timedelta(days=1)
    assert overdue_flags(deadlines, None, None, FILED + timedelta(minutes=30)) == []
    assert overdue_flags(deadlines, None, None, FILED + timedelta(hours=2)) == ["response"]
    answered = FILED + timedelta(minutes=10)
    assert overdue_flags(deadlines, answered, None, FILED + timedelta(days=2)) == ["resolution"]
    assert overdue_flags(deadlines, answered, FILED + timedelta(hours=5), FILED + timedelta(days=9)) == []


def test_resolution_rules() -> None:
    with pytest.raises(Refusal):
        Resolution(True, "Refund", ActionTriggered.REFUND)
    with pytest.raises(Refusal):
        Resolution(True, "  ", ActionTriggered.NO_ACTION)
    with pytest.raises(Refusal):
        Resolution(True, "Refund", ActionTriggered.NO_ACTION, refund_amount=Decimal("10"))


def test_on_issue_status_shape() -> None:
    actions = [
        ActionRecord(RespondentAction.PROCESSING, "Complaint received", FILED),
        ActionRecord(RespondentAction.RESOLVED, "₹200 refunded", FILED + timedelta(hours=3)),
    ]
    resolution = Resolution(True, "Refunded the extra ₹200", ActionTriggered.REFUND, Decimal("200"))
    issue = on_issue_status_message("I1", FILED, actions, RESPONDENT, resolution)["issue"]
    assert issue["updated_at"] == "2026-03-02T13:00:00.000Z"
    assert [a["respondent_action"] for a in issue["issue_actions"]["respondent_actions"]] == ["PROCESSING", "RESOLVED"]
    assert issue["resolution"] == {
        "short_desc": "Refunded the extra ₹200",
        "action_triggered": "REFUND",
        "refund_amount": "200.00",
    }
    gro = issue["resolution_provider"]["respondent_info"]["resolution_support"]["gros"][0]
    assert gro["contact"]["phone"] == "155330"
    assert "resolution" not in on_issue_message("I1", FILED, actions[:1], RESPONDENT)["issue"]


def test_igm_context_is_beckn_1_0_shaped() -> None:
    base = {"domain": "ONDC:SRV11", "city": "std:0522", "bap_id": "b", "bap_uri": "https://b"}
    base["transaction_id"] = "t"
    context = igm_context(base, "on_issue", "m1", bpp_id="s", bpp_uri="https://s", now=FILED)
    assert context["core_version"] == "1.0.0" and context["city"] == "std:0522" and "location" not in context
