"""Calculation rules BR-CO-10 … BR-CO-17 (``rules/calc.py``) and the XPath arithmetic they reproduce.

UBL cases are checked against the official CEN UBL artefact (reference mode); the CII cases follow
the CEN CII tests, which compute some sums in ``xs:double`` (see the module docstring of
``rules/calc.py``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from facturier.einvoice.rules.core_xpath import dbl, dround, dsum, r2, xround
from facturier.einvoice.values import Amount
from tests.einvoice.rules.test_core import (
    HS,
    LINE1,
    SUM,
    base,
    check_cii,
    check_ubl,
    edit,
    fired,
    insert,
    remove,
    text,
)

LMT = "//cac:LegalMonetaryTotal"
SUB1 = "/*/cac:TaxTotal/cac:TaxSubtotal[1]"
LINE2 = LINE1.replace("[1]", "[2]")


def _amount(raw: str) -> Amount:
    return Amount(raw, etree.Element("a"))


# --- XPath arithmetic --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("2.5", 3), ("-2.5", -2), ("-2.51", -3), ("0.49", 0), ("-0.5", 0), ("1.5", 2)],
)
def test_xpath_round_is_half_toward_positive_infinity(value, rounded):
    assert xround(Decimal(value)) == rounded
    assert dround(float(value)) == rounded


def test_r2_is_round_times_100_div_100():
    assert r2(Decimal("1.005")) == Decimal("1.01")
    assert r2(Decimal("-1.005")) == Decimal("-1.00")
    assert r2(Decimal(7)) == Decimal("7.00")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" 12.50 ", 12.5), ("1e3", 1000.0), ("-INF", float("-inf")), ("abc", None), ("1_000", None), ("", None)],
)
def test_untyped_values_cast_to_double(raw, expected):
    assert dbl(_amount(raw)) == expected


def test_double_sums_add_in_document_order():
    # 0.1 + 0.2 is not 0.3 in doubles; the official CII tests see exactly this.
    assert dsum([_amount("0.1"), _amount("0.2")]) == 0.1 + 0.2
    assert dsum([_amount("1"), _amount("x")]) is None


# --- UBL ----------------------------------------------------------------------------------------------

UBL_CASES = [
    ("BT-106 off by a cent", (text(f"{LMT}/cbc:LineExtensionAmount", "381.01"),), {"BR-CO-10", "BR-CO-13"}),
    (
        # Σ = -0.005: XPath round(-0.5) = 0, so BT-106 = 0.00 passes (half-up would give -0.01).
        "negative half cent",
        (
            text("/*/cac:InvoiceLine[1]/cbc:LineExtensionAmount", "-0.005"),
            text("/*/cac:InvoiceLine[2]/cbc:LineExtensionAmount", "0"),
            text(f"{LMT}/cbc:LineExtensionAmount", "0.00"),
        ),
        {"BR-DEC-23", "BR-CO-13"},
    ),
    ("no BT-107 with allowances", (remove(f"{LMT}/cbc:AllowanceTotalAmount"),), {"BR-CO-11", "BR-CO-13"}),
    ("BT-107 without allowance", (remove("/*/cac:AllowanceCharge[1]"),), {"BR-CO-11"}),
    (
        "BT-107 = 0 without allowance",
        (remove("/*/cac:AllowanceCharge[1]"), text(f"{LMT}/cbc:AllowanceTotalAmount", "0")),
        {"BR-CO-13"},
    ),
    ("BT-108 wrong", (text(f"{LMT}/cbc:ChargeTotalAmount", "6.00"),), {"BR-CO-12", "BR-CO-13"}),
    ("BT-109 wrong", (text(f"{LMT}/cbc:TaxExclusiveAmount", "367.00"),), {"BR-CO-13", "BR-CO-15"}),
    ("BT-110 wrong", (text("/*/cac:TaxTotal/cbc:TaxAmount", "68.70"),), {"BR-CO-14", "BR-CO-15"}),
    (
        "BT-111 in a second cac:TaxTotal",
        (
            insert("/*", "<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode>"),
            insert(
                "/*", "<cac:TaxTotal><cbc:TaxAmount currencyID='USD'>75.00</cbc:TaxAmount></cac:TaxTotal>"
            ),
        ),
        set(),
    ),
    ("BT-112 wrong", (text(f"{LMT}/cbc:TaxInclusiveAmount", "434.70"),), {"BR-CO-15", "BR-CO-16"}),
    ("BT-115 wrong", (text(f"{LMT}/cbc:PayableAmount", "434.71"),), {"BR-CO-16"}),
    (
        "BT-115 with a rounding amount",
        (
            insert(LMT, "<cbc:PayableRoundingAmount currencyID='EUR'>0.29</cbc:PayableRoundingAmount>"),
            text(f"{LMT}/cbc:PayableAmount", "425.00"),
        ),
        set(),
    ),
    (
        "BT-115 with a rounding amount, no prepaid",
        (
            remove(f"{LMT}/cbc:PrepaidAmount"),
            insert(LMT, "<cbc:PayableRoundingAmount currencyID='EUR'>0.29</cbc:PayableRoundingAmount>"),
            text(f"{LMT}/cbc:PayableAmount", "435.00"),
        ),
        set(),
    ),
    # UBL BR-CO-17: |BT-117| - 1 < BT-116 × rate / 100 < |BT-117| + 1, strictly.
    (
        "BT-117 off by 0.99",
        (
            text(f"{SUB1}/cbc:TaxAmount", "67.99"),
            text("/*/cac:TaxTotal/cbc:TaxAmount", "69.70"),
            text(f"{LMT}/cbc:TaxInclusiveAmount", "435.70"),
            text(f"{LMT}/cbc:PayableAmount", "425.70"),
        ),
        set(),
    ),
    (
        "BT-117 off by 1.00",
        (
            text(f"{SUB1}/cbc:TaxAmount", "68.00"),
            text("/*/cac:TaxTotal/cbc:TaxAmount", "69.71"),
            text(f"{LMT}/cbc:TaxInclusiveAmount", "435.71"),
            text(f"{LMT}/cbc:PayableAmount", "425.71"),
        ),
        {"BR-CO-17"},
    ),
    ("rate 0 with tax", (text(f"{SUB1}/cac:TaxCategory/cbc:Percent", "0.4"),), {"BR-CO-17"}),
    ("negative taxable amount", (text(f"{SUB1}/cbc:TaxableAmount", "-335.00"),), set()),
]


@pytest.mark.parametrize(("edits", "expected"), [c[1:] for c in UBL_CASES], ids=[c[0] for c in UBL_CASES])
def test_ubl(edits, expected):
    check_ubl(edits, expected)


# --- CII ----------------------------------------------------------------------------------------------

L1_TOTAL = f"{LINE1}//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
L2_TOTAL = f"{LINE2}//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
TAX1 = f"{HS}/ram:ApplicableTradeTax[1]"

CII_CASES = [
    ("BT-106 off by a cent", (text(f"{SUM}/ram:LineTotalAmount", "381.01"),), {"BR-CO-10", "BR-CO-13"}),
    (
        # CEN CII sums the untyped line amounts as doubles: 1.005 is 1.00499999999999989…, rounded
        # to 1.00 (the same document in UBL, with decimals, gives 1.01).
        "double sum rounds 1.005 down",
        (text(L1_TOTAL, "1.005"), text(L2_TOTAL, "0"), text(f"{SUM}/ram:LineTotalAmount", "1.00")),
        {"BR-DEC-23", "BR-CO-13"},
    ),
    (
        "double sum, decimal expectation",
        (text(L1_TOTAL, "1.005"), text(L2_TOTAL, "0"), text(f"{SUM}/ram:LineTotalAmount", "1.01")),
        {"BR-DEC-23", "BR-CO-10", "BR-CO-13"},
    ),
    ("no BT-107 with allowances", (remove(f"{SUM}/ram:AllowanceTotalAmount"),), {"BR-CO-11", "BR-CO-13"}),
    ("BT-108 wrong", (text(f"{SUM}/ram:ChargeTotalAmount", "6.00"),), {"BR-CO-12", "BR-CO-13"}),
    (
        # CEN CII: logistics service charges (EXTENDED) are not in Σ BT-99 (Factur-X adds them).
        "logistics service charge in BT-108",
        (
            insert(
                HS,
                "<ram:SpecifiedLogisticsServiceCharge><ram:Description>Port</ram:Description>"
                "<ram:AppliedAmount>5.00</ram:AppliedAmount></ram:SpecifiedLogisticsServiceCharge>",
                first=True,
            ),
            text(f"{SUM}/ram:ChargeTotalAmount", "10.00"),
            text(f"{SUM}/ram:TaxBasisTotalAmount", "371.00"),
            text(f"{SUM}/ram:GrandTotalAmount", "439.71"),
            text(f"{SUM}/ram:DuePayableAmount", "429.71"),
        ),
        {"BR-CO-12"},
    ),
    ("BT-110 wrong", (text(f"{SUM}/ram:TaxTotalAmount", "68.70"),), {"BR-CO-14", "BR-CO-15"}),
    # CEN CII: BT-112 = BT-109 passes whatever the VAT.
    (
        "BT-112 = BT-109",
        (text(f"{SUM}/ram:GrandTotalAmount", "366.00"), text(f"{SUM}/ram:DuePayableAmount", "356.00")),
        set(),
    ),
    ("BT-112 wrong", (text(f"{SUM}/ram:GrandTotalAmount", "434.70"),), {"BR-CO-15", "BR-CO-16"}),
    ("BT-115 wrong", (text(f"{SUM}/ram:DuePayableAmount", "434.71"),), {"BR-CO-16"}),
    (
        "BT-115 with rounding and a zero prepaid amount",
        (
            text(f"{SUM}/ram:TotalPrepaidAmount", "0.00"),
            insert(SUM, "<ram:RoundingAmount>0.29</ram:RoundingAmount>"),
            text(f"{SUM}/ram:DuePayableAmount", "435.00"),
        ),
        set(),
    ),
    # CEN CII BR-CO-17 is inclusive: |BT-117| ± 1 bounds pass.
    (
        "BT-117 off by 1.00",
        (
            text(f"{TAX1}/ram:CalculatedAmount", "68.00"),
            text(f"{SUM}/ram:TaxTotalAmount", "69.71"),
            text(f"{SUM}/ram:GrandTotalAmount", "435.71"),
            text(f"{SUM}/ram:DuePayableAmount", "425.71"),
        ),
        set(),
    ),
    (
        "BT-117 off by 1.01",
        (
            text(f"{TAX1}/ram:CalculatedAmount", "68.01"),
            text(f"{SUM}/ram:TaxTotalAmount", "69.72"),
            text(f"{SUM}/ram:GrandTotalAmount", "435.72"),
            text(f"{SUM}/ram:DuePayableAmount", "425.72"),
        ),
        {"BR-CO-17"},
    ),
    (
        # A breakdown of category O in the VAT scheme is the context of the BR-O rules, which come
        # first in the CEN CII pattern: the generic breakdown rules (BR-45 … BR-48, BR-CO-17,
        # BR-DEC-19/20) do not see it.
        "category O breakdown hides the generic rules",
        (
            text(f"{TAX1}/ram:CategoryCode", "O"),
            remove(f"{TAX1}/ram:BasisAmount"),
            text(f"{TAX1}/ram:CalculatedAmount", "67.001"),
        ),
        set(),
    ),
    (
        "category S breakdown",
        (remove(f"{TAX1}/ram:BasisAmount"), text(f"{TAX1}/ram:CalculatedAmount", "67.001")),
        {"BR-45", "BR-CO-17", "BR-DEC-20"},
    ),
]


@pytest.mark.parametrize(("edits", "expected"), [c[1:] for c in CII_CASES], ids=[c[0] for c in CII_CASES])
def test_cii(edits, expected):
    check_cii(edits, expected)


def test_cii_br_co_14_is_located_at_the_vat_total():
    found = fired(edit(base("cii"), text(f"{SUM}/ram:TaxTotalAmount", "1.00")))
    assert found["BR-CO-14"] == [f"{SUM}/ram:TaxTotalAmount"]
