"""Decimal rules BR-DEC-* (``rules/decimals.py``): at most two decimals per amount.

Each case writes an amount with a third decimal that keeps its value ("20.000"), so only the
decimal rule of that term fires. UBL cases are checked against the official CEN UBL artefact.
"""

from __future__ import annotations

import pytest

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
    text,
)

LMT = "//cac:LegalMonetaryTotal"
UL1 = "/*/cac:InvoiceLine[1]"

UBL_CASES = [
    ("BR-DEC-01", (text("/*/cac:AllowanceCharge[1]/cbc:Amount", "20.000"),)),
    (
        "BR-DEC-02",
        (insert("/*/cac:AllowanceCharge[1]", "<cbc:BaseAmount currencyID='EUR'>200.001</cbc:BaseAmount>"),),
    ),
    ("BR-DEC-05", (text("/*/cac:AllowanceCharge[2]/cbc:Amount", "5.000"),)),
    (
        "BR-DEC-06",
        (insert("/*/cac:AllowanceCharge[2]", "<cbc:BaseAmount currencyID='EUR'>50.001</cbc:BaseAmount>"),),
    ),
    ("BR-DEC-09", (text(f"{LMT}/cbc:LineExtensionAmount", "381.000"),)),
    ("BR-DEC-10", (text(f"{LMT}/cbc:AllowanceTotalAmount", "20.000"),)),
    ("BR-DEC-11", (text(f"{LMT}/cbc:ChargeTotalAmount", "5.000"),)),
    ("BR-DEC-12", (text(f"{LMT}/cbc:TaxExclusiveAmount", "366.000"),)),
    ("BR-DEC-14", (text(f"{LMT}/cbc:TaxInclusiveAmount", "434.710"),)),
    ("BR-DEC-16", (text(f"{LMT}/cbc:PrepaidAmount", "10.000"),)),
    (
        "BR-DEC-17",
        (insert(LMT, "<cbc:PayableRoundingAmount currencyID='EUR'>0.000</cbc:PayableRoundingAmount>"),),
    ),
    ("BR-DEC-18", (text(f"{LMT}/cbc:PayableAmount", "424.710"),)),
    ("BR-DEC-19", (text("//cac:TaxSubtotal[1]/cbc:TaxableAmount", "335.000"),)),
    ("BR-DEC-20", (text("//cac:TaxSubtotal[1]/cbc:TaxAmount", "67.000"),)),
    ("BR-DEC-23", (text(f"{UL1}/cbc:LineExtensionAmount", "350.000"),)),
    ("BR-DEC-24", (text(f"{UL1}/cac:AllowanceCharge/cbc:Amount", "10.000"),)),
    (
        "BR-DEC-25",
        (insert(f"{UL1}/cac:AllowanceCharge", "<cbc:BaseAmount currencyID='EUR'>360.001</cbc:BaseAmount>"),),
    ),
    (
        "BR-DEC-27",
        (
            text(f"{UL1}/cac:AllowanceCharge/cbc:ChargeIndicator", "true"),
            text(f"{UL1}/cac:AllowanceCharge/cbc:Amount", "10.000"),
        ),
    ),
    (
        "BR-DEC-28",
        (
            text(f"{UL1}/cac:AllowanceCharge/cbc:ChargeIndicator", "true"),
            insert(f"{UL1}/cac:AllowanceCharge", "<cbc:BaseAmount currencyID='EUR'>360.001</cbc:BaseAmount>"),
        ),
    ),
]


@pytest.mark.parametrize(("rule_id", "edits"), UBL_CASES, ids=[c[0] for c in UBL_CASES])
def test_ubl(rule_id, edits):
    check_ubl(edits, {rule_id})


def test_ubl_trailing_characters_after_the_decimals_count():
    # string-length(substring-after('20.00 ', '.')) = 3
    check_ubl((text("/*/cac:AllowanceCharge[1]/cbc:Amount", "20.00 "),), {"BR-DEC-01"})


def test_ubl_br_dec_13_and_15_never_fire():
    # TaxAmount[@currencyID = cbc:DocumentCurrencyCode] looks for a child of the amount.
    check_ubl(
        (
            text("/*/cac:TaxTotal/cbc:TaxAmount", "68.710"),
            insert("/*", "<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode>"),
            insert(
                "/*", "<cac:TaxTotal><cbc:TaxAmount currencyID='USD'>75.0001</cbc:TaxAmount></cac:TaxTotal>"
            ),
        ),
        set(),
    )


CL1 = f"{LINE1}//ram:SpecifiedTradeAllowanceCharge"
DOC = f"{HS}/ram:SpecifiedTradeAllowanceCharge"

CII_CASES = [
    ("BR-DEC-01", (text(f"{DOC}[1]/ram:ActualAmount", "20.000"),)),
    ("BR-DEC-02", (insert(f"{DOC}[1]", "<ram:BasisAmount>200.001</ram:BasisAmount>"),)),
    ("BR-DEC-05", (text(f"{DOC}[2]/ram:ActualAmount", "5.000"),)),
    ("BR-DEC-06", (insert(f"{DOC}[2]", "<ram:BasisAmount>50.001</ram:BasisAmount>"),)),
    ("BR-DEC-09", (text(f"{SUM}/ram:LineTotalAmount", "381.000"),)),
    ("BR-DEC-10", (text(f"{SUM}/ram:AllowanceTotalAmount", "20.000"),)),
    ("BR-DEC-11", (text(f"{SUM}/ram:ChargeTotalAmount", "5.000"),)),
    ("BR-DEC-12", (text(f"{SUM}/ram:TaxBasisTotalAmount", "366.000"),)),
    ("BR-DEC-14", (text(f"{SUM}/ram:GrandTotalAmount", "434.710"),)),
    ("BR-DEC-16", (text(f"{SUM}/ram:TotalPrepaidAmount", "10.000"),)),
    ("BR-DEC-17", (insert(SUM, "<ram:RoundingAmount>0.000</ram:RoundingAmount>"),)),
    ("BR-DEC-18", (text(f"{SUM}/ram:DuePayableAmount", "424.710"),)),
    ("BR-DEC-19", (text(f"{HS}/ram:ApplicableTradeTax[1]/ram:BasisAmount", "335.000"),)),
    ("BR-DEC-20", (text(f"{HS}/ram:ApplicableTradeTax[1]/ram:CalculatedAmount", "67.000"),)),
    (
        "BR-DEC-23",
        (text(f"{LINE1}//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", "350.000"),),
    ),
    ("BR-DEC-24", (text(f"{CL1}/ram:ActualAmount", "10.000"),)),
    ("BR-DEC-25", (insert(f"{CL1}", "<ram:BasisAmount>360.001</ram:BasisAmount>"),)),
    ("BR-DEC-27", (text(f"{CL1}//udt:Indicator", "true"), text(f"{CL1}/ram:ActualAmount", "10.000"))),
    (
        "BR-DEC-28",
        (
            text(f"{CL1}//udt:Indicator", "true"),
            insert(f"{CL1}", "<ram:BasisAmount>360.001</ram:BasisAmount>"),
        ),
    ),
]


@pytest.mark.parametrize(("rule_id", "edits"), CII_CASES, ids=[c[0] for c in CII_CASES])
def test_cii(rule_id, edits):
    check_cii(edits, {rule_id})


def test_cii_br_dec_13_compares_the_value_in_doubles():
    # CEN CII: . = round(. * 100) div 100, so "68.710" has two decimals; "68.711" has not.
    check_cii((text(f"{SUM}/ram:TaxTotalAmount", "68.710"),), set())
    check_cii((text(f"{SUM}/ram:TaxTotalAmount", "68.711"),), {"BR-DEC-13", "BR-CO-14"})


def test_cii_br_dec_15_needs_a_two_decimal_amount_in_the_accounting_currency():
    with_usd = insert(HS, "<ram:TaxCurrencyCode>USD</ram:TaxCurrencyCode>", first=True)
    usd_total = insert(SUM, "<ram:TaxTotalAmount currencyID='USD'>75.00</ram:TaxTotalAmount>")
    # BT-6 without any BT-111 fails (with BR-53); a BT-111 with more decimals fails too.
    check_cii((with_usd,), {"BR-DEC-15", "BR-53"})
    check_cii((with_usd, usd_total), set())
    found = fired(
        edit(base("cii"), with_usd, usd_total, text(f"{SUM}/ram:TaxTotalAmount[@currencyID='USD']", "75.001"))
    )
    assert found == {"BR-DEC-15": [SUM]}
