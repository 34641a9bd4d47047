"""Government departments as Seva Mitra's customers (B2G): their accounts, monthly GST invoices and payments (pure).

No money changes hands at a department's visit. Its completion credits the worker, the commission and the GST as on
every channel and debits the department's `unbilled` account (`fulfillment.settlement`). At the end of each month one
tax invoice per account bills every visit completed in it: the invoice moves that amount from `unbilled` to the
department's receivable, and staff record the treasury's payment, which moves it to the bank. Both accounts return
to zero once the month's visits are invoiced and paid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Final

from stdnum import luhn

from catalog.formats import money, to_paise
from catalog.schedule import IST
from fulfillment.cash import INVOICE_ACCOUNT, INVOICE_TAG
from fulfillment.ledger import (
    BANK,
    ZERO,
    JournalEntry,
    LedgerError,
    build_entry,
    credit,
    debit,
    department_receivable,
    unbilled,
)
from fulfillment.order import Order
from fulfillment.settlement import terms_from_order
from schemas.enums import OrderStatus
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import Refusal

INVOICE_ISSUED: Final = "department_invoice"  # entry kinds
INVOICE_PAID: Final = "department_payment"
UTTAR_PRADESH_GST_STATE: Final = "09"  # Seva Mitra's own registration is in Uttar Pradesh

# GSTIN: state code, the holder's PAN (or, for a tax deductor such as a government department registered for GST TDS,
# its TAN), the registration's number in the state, `Z` (`D` for a tax deductor), and a check character computed
# with the Luhn mod 36 algorithm over the first fourteen (GSTN's published scheme; python-stdnum implements it).
_GSTIN: Final = re.compile(r"^(\d{2})([A-Z]{5}\d{4}[A-Z]|[A-Z]{4}\d{5}[A-Z])([1-9A-Z])([ZD])([0-9A-Z])$")
_GSTIN_ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GST_STATES: Final = frozenset({f"{code:02d}" for code in range(1, 39)} | {"97", "99"})
_DISTRICT: Final = re.compile(r"^std:\d{3,5}$")
_DDO_CODE: Final = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,19}$")
_TEXT_LIMITS: Final = {"department": (3, 128), "office": (3, 128), "billing_address": (10, 500)}


def _refused(field: str, en: str, hi: str) -> Refusal:
    return Refusal(BUSINESS_ERROR.code, en, field, hi)


def gstin_problem(value: str) -> Refusal | None:
    """Why `value` is not a GSTIN (field `gstin`), or None. Spaces are ignored and letters may be small."""
    number = normalise_gstin(value)
    match = _GSTIN.match(number)
    if match is None:
        return _refused("gstin", "A GSTIN has 15 characters: 2-digit state code, PAN (or TAN), registration number, "
                        "Z (D for a tax deductor) and a check character.",
                        "GSTIN में 15 वर्ण होते हैं: 2 अंकों का राज्य कोड, PAN (या TAN), पंजीकरण संख्या, Z (कर कटौतीकर्ता के "
                        "लिए D) और एक जाँच वर्ण।")
    if match.group(1) not in _GST_STATES:
        return _refused("gstin", f"{match.group(1)} is not a GST state code; check the first two digits.",
                        f"{match.group(1)} कोई GST राज्य कोड नहीं है; पहले दो अंक जाँचें।")
    if not luhn.is_valid(number, alphabet=_GSTIN_ALPHABET):
        return _refused("gstin", "The GSTIN's last character does not match the others: a character is mistyped. "
                        "Copy it from the registration certificate.",
                        "GSTIN का अंतिम वर्ण बाकी वर्णों से मेल नहीं खाता: कोई वर्ण गलत लिखा है। इसे पंजीकरण प्रमाणपत्र से "
                        "कॉपी करें।")
    return None


def normalise_gstin(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def gstin_check_character(first_fourteen: str) -> str:
    """The check character that completes a GSTIN (for examples and demo data)."""
    return luhn.calc_check_digit(first_fourteen.upper(), alphabet=_GSTIN_ALPHABET)


@dataclass(frozen=True, slots=True)
class DepartmentDetails:
    """A department account as staff enter it: who is billed, where, and under which registrations."""

    department: str  # e.g. Public Works Department
    office: str  # e.g. Office of the Executive Engineer, Lucknow
    district: str  # the Seva Mitra district serving it, a city code such as std:0522
    ddo_code: str  # the drawing and disbursing officer's code the treasury pays under
    gstin: str
    billing_address: str

    def normalised(self) -> DepartmentDetails:
        return DepartmentDetails(
            self.department.strip(), self.office.strip(), self.district.strip(), self.ddo_code.strip().upper(),
            normalise_gstin(self.gstin), self.billing_address.strip(),
        )


def department_problems(details: DepartmentDetails, districts: Iterable[str]) -> list[Refusal]:
    """Every wrong field of a department account (empty when it can be saved); `districts` are those served."""
    problems = []
    names = {"department": ("the department's name", "विभाग का नाम"), "office": ("the office", "कार्यालय"),
             "billing_address": ("the billing address", "बिल का पता")}
    for field, (low, high) in _TEXT_LIMITS.items():
        if not low <= len(str(getattr(details, field)).strip()) <= high:
            en, hi = names[field]
            problems.append(_refused(field, f"Write {en} ({low} to {high} letters).",
                                     f"{hi} लिखें ({low} से {high} अक्षर)।"))
    served = sorted(districts)
    if not _DISTRICT.match(details.district.strip()) or details.district.strip() not in served:
        problems.append(_refused("district", f"Choose a district Seva Mitra serves: {', '.join(served)}.",
                                 f"सेवा मित्र जिस ज़िले में सेवा देता है वह चुनें: {', '.join(served)}।"))
    if not _DDO_CODE.match(details.ddo_code.strip().upper()):
        problems.append(_refused("ddo_code", "Write the DDO code the treasury pays under (3 to 20 letters, digits, / "
                                 "or -).", "कोषागार जिस DDO कोड से भुगतान करता है वह लिखें (3 से 20 अक्षर, अंक, / या -)।"))
    gstin = gstin_problem(details.gstin)
    if gstin is not None:
        problems.append(gstin)
    return problems


def invoiced_payment(total: Decimal, account_id: str) -> dict[str, Any]:
    """The payment of a department's visit: after it, billed to the account's monthly invoice, collected by us."""
    return {
        "type": "POST-FULFILLMENT",
        "collected_by": "BPP",
        "params": {"amount": money(total), "currency": "INR"},
        "status": "NOT-PAID",
        "tags": [{"descriptor": {"code": INVOICE_TAG}, "list": [
            {"descriptor": {"code": INVOICE_ACCOUNT}, "value": account_id},
            {"descriptor": {"code": "Basis"}, "value": "monthly"},
        ]}],
    }


# --- the month an invoice bills -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class BillingMonth:
    """A calendar month in India's time."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> BillingMonth:
        """`2026-12`; a Refusal (field `month`) for anything else."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise _refused("month", "Give the month as YYYY-MM, e.g. 2026-12.", "महीना YYYY-MM में दें, जैसे 2026-12।")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: datetime) -> BillingMonth:
        local = moment.astimezone(IST)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def next(self) -> BillingMonth:
        return BillingMonth(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def starts(self) -> datetime:
        return datetime.combine(date(self.year, self.month, 1), time(0), IST).astimezone(UTC)

    @property
    def ends(self) -> datetime:
        """The first moment after it (UTC)."""
        return self.next.starts

    def check_ended(self, now: datetime) -> None:
        """A month is invoiced once it is over, so that the invoice holds every visit of it."""
        if now < self.ends:
            raise _refused("month", f"{self} is not over yet; its invoices are issued from {self.next}-01.",
                           f"{self} अभी समाप्त नहीं हुआ है; इसके बिल {self.next}-01 से बनेंगे।")


# --- the invoice ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VisitCharge:
    """What one completed visit bills: exactly what its completion entry debited to `unbilled`."""

    order_id: str
    item_id: str
    title_en: str
    title_hi: str
    pre_tax: Decimal
    tax: Decimal
    completed_at: datetime

    @property
    def total(self) -> Decimal:
        return self.pre_tax + self.tax


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """Visits of one service at one price: their taxable value and GST, split into central and state GST when the
    department is registered in our state, else integrated GST."""

    item_id: str
    title_en: str
    title_hi: str
    unit_price: Decimal  # pre-tax, per visit
    tax_percent: Decimal
    visits: int
    taxable: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal

    @property
    def tax(self) -> Decimal:
        return self.cgst + self.sgst + self.igst

    @property
    def total(self) -> Decimal:
        return self.taxable + self.tax


@dataclass(frozen=True, slots=True)
class InvoiceFigures:
    lines: tuple[InvoiceLine, ...]
    intra_state: bool  # CGST + SGST (the department is in our state) rather than IGST

    @property
    def taxable(self) -> Decimal:
        return sum((line.taxable for line in self.lines), ZERO)

    @property
    def cgst(self) -> Decimal:
        return sum((line.cgst for line in self.lines), ZERO)

    @property
    def sgst(self) -> Decimal:
        return sum((line.sgst for line in self.lines), ZERO)

    @property
    def igst(self) -> Decimal:
        return sum((line.igst for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)

    @property
    def visits(self) -> int:
        return sum(line.visits for line in self.lines)


def invoice_figures(charges: Iterable[VisitCharge], *, supplier_state: str, recipient_state: str) -> InvoiceFigures:
    """The invoice's lines: visits grouped by service and price. Each line's GST is the sum of its visits' GST, as the
    catalogue priced each visit (its fee times the item's rate, rounded to paise), so the invoice asks exactly what
    the completions put in `unbilled`."""
    groups: dict[tuple[str, Decimal, Decimal], list[VisitCharge]] = {}
    for charge in charges:
        groups.setdefault((charge.item_id, charge.pre_tax, charge.tax), []).append(charge)
    intra = supplier_state == recipient_state
    lines = []
    for (item_id, unit_price, unit_tax), visits in sorted(groups.items()):
        taxable = unit_price * len(visits)
        tax = unit_tax * len(visits)
        central = to_paise(tax / 2) if intra else ZERO
        rate = to_paise(unit_tax * 100 / unit_price) if unit_price else ZERO
        lines.append(InvoiceLine(
            item_id=item_id, title_en=visits[0].title_en, title_hi=visits[0].title_hi, unit_price=unit_price,
            tax_percent=rate, visits=len(visits), taxable=taxable, cgst=central, sgst=tax - central if intra else ZERO,
            igst=ZERO if intra else tax,
        ))
    return InvoiceFigures(tuple(lines), intra)


def financial_year(day: date) -> str:
    """India's financial year of `day`, April to March: `2026-27`."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def invoice_number(year: str, serial: int) -> str:
    """`DI-2026-27-00001`: one consecutive series per financial year, 16 characters as GST invoices allow (and no
    slash, so that it stands in a URL's path as it is)."""
    return f"DI-{year}-{serial:05d}"


def invoice_key(invoice_no: str) -> str:
    return f"invoice:{invoice_no}:issued"


def payment_key(invoice_no: str, reference: str) -> str:
    """One treasury payment posts once, however often staff submit it."""
    return f"invoice:{invoice_no}:paid:{reference}"


def invoice_entry(invoice_no: str, account_id: str, total: Decimal) -> JournalEntry:
    """Issuing the invoice bills the month's completed visits: from `unbilled` to the department's receivable."""
    if total <= 0:
        raise LedgerError(f"invoice {invoice_no} bills nothing")
    return build_entry(invoice_key(invoice_no), INVOICE_ISSUED,
                       [debit(department_receivable(account_id), total), credit(unbilled(account_id), total)],
                       detail={"invoice_no": invoice_no, "account_id": account_id})


_PAYMENT_HI: Final = "भुगतान जाँचें: राशि बिल की बकाया राशि से अधिक नहीं हो सकती और कोषागार का संदर्भ ज़रूरी है।"


def payment_entry(
    invoice_no: str, account_id: str, amount: Decimal, reference: str, outstanding: Decimal
) -> JournalEntry:
    """The treasury paid (part of) an invoice: the money is in the bank and the department owes that much less."""
    if amount <= 0 or amount != to_paise(amount):
        raise LedgerError(f"Check the payment: give a positive amount in rupees and paise, not {amount}.", "amount",
                          _PAYMENT_HI)
    if amount > outstanding:
        raise LedgerError(f"Check the payment: ₹{amount} is more than the ₹{outstanding} invoice {invoice_no} still "
                          "asks.", "amount", _PAYMENT_HI)
    if not reference.strip():
        raise LedgerError("Check the payment: give the treasury's reference (e-challan, UTR or cheque number).",
                          "reference", _PAYMENT_HI)
    return build_entry(payment_key(invoice_no, reference.strip()), INVOICE_PAID,
                       [debit(BANK, amount), credit(department_receivable(account_id), amount)],
                       detail={"invoice_no": invoice_no, "account_id": account_id, "reference": reference.strip()})


def visit_charge(order: Order, title_hi: str) -> VisitCharge:
    """What a completed visit bills, read from the order as its completion entry read it (`terms_from_order`)."""
    if order.status is not OrderStatus.COMPLETED or order.billed_to is None:
        raise LedgerError(f"order {order.id} is not a completed visit billed to an account")
    terms = terms_from_order(order)
    title = order.quote.lines[0].title if order.quote.lines else order.service.item_id
    return VisitCharge(order.id, order.service.item_id, title, title_hi, terms.pre_tax, terms.tax,
                       order.progress.updated_at)
