"""Conversion between UBL 2.1, CII D16B and Factur-X: read → model → write.

>>> pdf = convert(ubl_bytes, "facturx")          # UBL invoice → Factur-X PDF/A-3 (EN 16931)
>>> cii = convert(pdf, "cii")                    # the CII embedded in a Factur-X PDF

Every business term the target syntax can carry crosses unchanged. :data:`NOT_CARRIED` lists,
per direction, the few that cannot, and what happens to them; the round-trip tests over the corpus
check exactly this list (``tests/einvoice/writers/test_convert.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .detect import Format
from .readers import read
from .security import DEFAULT_LIMITS, Limits
from .writers.cii import write_cii
from .writers.ubl import write_ubl

__all__ = ["NOT_CARRIED", "Crossing", "Effect", "Target", "convert"]


class Target(StrEnum):
    UBL = "ubl"
    CII = "cii"
    FACTURX = "facturx"


class Effect(StrEnum):
    """What happens to a term that does not cross as is."""

    LOST = "lost"
    """The target syntax has no place for it."""
    MAY_BE_LOST = "may-be-lost"
    """Lost only in the circumstance the reason names (otherwise it crosses)."""
    FIRST_ONLY = "first-only"
    """The source repeats it where the target holds one: the first occurrence crosses."""
    ADDED = "added"
    """The target's syntax makes it mandatory: it is derived from other terms (or set by the
    binding's convention), so it appears in the target."""
    REORDERED = "reordered"
    """All occurrences cross, in the order the target syntax imposes."""
    TRANSLATED = "translated"
    """The value crosses through the code list of the target binding."""


@dataclass(frozen=True, slots=True)
class Crossing:
    """A term that does not cross unchanged. ``paths`` are ``"<group>/<term>"`` (``""`` for the
    invoice itself), e.g. ``"BG-1/BT-21"``, ``"/BT-83"``."""

    paths: tuple[str, ...]
    effect: Effect
    reason: str


# Documented, and enforced by the corpus conversion tests. UBL = UBL 2.1 per the CEN binding
# (EN 16931-3-2); CII = CII D16B within the Factur-X EN 16931 profile (EN 16931-3-3).
NOT_CARRIED: dict[tuple[Format, Format], tuple[Crossing, ...]] = {
    (Format.CII, Format.UBL): (
        Crossing(("BG-1/BT-21",), Effect.LOST, "UBL cbc:Note has no subject code (CII ram:SubjectCode)."),
        Crossing(
            ("BG-6/BT-41-0", "BG-9/BT-56-0"),
            Effect.LOST,
            "The contact department (Factur-X ram:DepartmentName, the Chorus Pro service name) has no "
            "UBL element.",
        ),
        Crossing(
            ("BG-23/BT-7", "BG-23/BT-8"),
            Effect.LOST,
            "CII repeats the VAT point date and its code in each VAT breakdown; UBL has them once in the "
            "header (cbc:TaxPointDate, cac:InvoicePeriod/cbc:DescriptionCode).",
        ),
        Crossing(("/BT-7", "/BT-8"), Effect.FIRST_ONLY, "The header value is the first breakdown's one."),
        Crossing(
            ("/BT-8",), Effect.TRANSLATED, "UNTDID 2475 (CII: 5, 29, 72) → UNTDID 2005 (UBL: 3, 35, 432)."
        ),
        Crossing(
            ("BG-29/BT-149",),
            Effect.FIRST_ONLY,
            "CII gives the gross and the net price a base quantity each; UBL has one cbc:BaseQuantity.",
        ),
        Crossing(
            ("BG-29/BT-147",),
            Effect.ADDED,
            "A gross price (BT-148) is UBL cac:Price/cac:AllowanceCharge/cbc:BaseAmount, whose cbc:Amount "
            "is mandatory: without a discount it is BT-148 − BT-146.",
        ),
        Crossing(
            ("BG-17/BT-84",),
            Effect.FIRST_ONLY,
            "A CII account may carry both ram:IBANID and ram:ProprietaryID; UBL has one account cbc:ID.",
        ),
        Crossing(
            ("/BT-13",),
            Effect.ADDED,
            "UBL cac:OrderReference/cbc:ID is mandatory: a sales order reference (BT-14) alone gets the "
            "binding's placeholder 'NA' as purchase order reference.",
        ),
        Crossing(
            ("BG-22/BT-110",),
            Effect.ADDED,
            "The VAT breakdown sits in cac:TaxTotal, whose cbc:TaxAmount is mandatory: without BT-110 "
            "it is the sum of the breakdown's tax amounts (BR-CO-14).",
        ),
        Crossing(
            ("/BT-83", "/BT-89", "/BT-9"),
            Effect.MAY_BE_LOST,
            "UBL carries the remittance information, the mandate reference and, in a CreditNote, the "
            "due date inside cac:PaymentMeans: without payment instructions (BG-16) they have no place.",
        ),
        Crossing(
            ("BG-16/BT-91", "BG-16/BG-18"),
            Effect.MAY_BE_LOST,
            "UBL allows one payment mandate (UBL-SR-55) and one payment card (UBL-SR-54) per invoice: "
            "the debited account and the card of further payment means are not written.",
        ),
        Crossing(
            (
                "/BT-9",
                "/BT-18",
                "/BT-19",
                "/BT-20",
                "/BT-89",
                "BG-4/BT-31",
                "BG-7/BT-46",
                "BG-7/BT-48",
                "BG-10/BT-60",
                "BG-4/BG-6",
                "BG-7/BG-9",
                "BG-25/BT-127",
                "BG-25/BT-128",
                "BG-25/BT-133",
                "BG-29/BT-147",
            ),
            Effect.FIRST_ONLY,
            "Repetitions that CII allows (mostly in the EXTENDED profile) and UBL does not: the CEN UBL "
            "rules UBL-SR-04/05/12/16/18/20/34/37/45/52/55 ('shall occur maximum once') and the UBL "
            "schema (one cbc:AccountingCost, one cac:Contact): the first occurrence crosses.",
        ),
    ),
    (Format.UBL, Format.CII): (
        Crossing(
            ("/BT-10",),
            Effect.ADDED,
            "A Chorus Pro UBL without BT-10 may carry the service code in the buyer's cac:Contact/cbc:ID "
            "(no EN 16931 term); CII carries the service code as BT-10, so it becomes the buyer reference.",
        ),
        Crossing(
            ("/BT-6",),
            Effect.MAY_BE_LOST,
            "The CEN CII rule BR-53 wants the VAT accounting currency to differ from the invoice "
            "currency; UBL accepts them equal (which says no more than no BT-6): then it is not written.",
        ),
        Crossing(
            ("/BT-83",),
            Effect.FIRST_ONLY,
            "UBL repeats cbc:PaymentID in each cac:PaymentMeans; CII has one ram:PaymentReference.",
        ),
        Crossing(
            ("BG-4/BT-29", "BG-7/BT-46", "BG-10/BT-60"),
            Effect.REORDERED,
            "CII lists identifiers without a scheme (ram:ID) before those with one (ram:GlobalID).",
        ),
        Crossing(
            ("BG-23/BT-7", "BG-23/BT-8"),
            Effect.ADDED,
            "CII has no header VAT point date: it goes to the first ram:ApplicableTradeTax.",
        ),
        Crossing(
            ("/BT-8",), Effect.TRANSLATED, "UNTDID 2005 (UBL: 3, 35, 432) → UNTDID 2475 (CII: 5, 29, 72)."
        ),
        Crossing(
            ("BG-29/BT-148",),
            Effect.ADDED,
            "A price discount (BT-147) is CII ram:GrossPriceProductTradePrice/"
            "ram:AppliedTradeAllowanceCharge, whose ram:ChargeAmount (BT-148) is mandatory: without "
            "it, it is BT-146 + BT-147.",
        ),
        Crossing(
            ("/BT-9", "/BT-20", "BG-25/BT-127", "BG-25/BT-128", "BG-29/BT-147"),
            Effect.FIRST_ONLY,
            "Repetitions that UBL allows and the Factur-X EN 16931 profile does not (several due dates or "
            "payment terms, line notes, line object identifiers, price discounts): the first crosses.",
        ),
    ),
}


def convert(data: bytes, to: Target | str, *, limits: Limits = DEFAULT_LIMITS, **options: Any) -> bytes:
    """Read ``data`` (UBL, CII or Factur-X PDF) and write it as ``to`` (``ubl``, ``cii``,
    ``facturx``).

    ``options`` go to the writer (``document=`` for UBL; ``lang=``, ``profile=`` for Factur-X).
    Reading errors propagate (:class:`~facturier.einvoice.errors.EInvoiceError` subclasses).
    """
    target = Target(to)
    invoice = read(data, limits=limits).invoice
    if target is Target.UBL:
        return write_ubl(invoice, **options)
    if target is Target.CII:
        return write_cii(invoice, **options)
    from .writers.facturx import write_facturx  # reportlab/pypdf only when a PDF is asked for

    return write_facturx(invoice, **options)
