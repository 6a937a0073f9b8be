"""Namespaces and tables shared by the CII header and line readers."""

from __future__ import annotations

from typing import Any

from lxml.etree import _Element

from ..model import AllowanceCharge
from ._walk import Ctx, Table, amount, cii_date, code, fill, indicator, number, sub, text

RSM = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}"
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
UDT = "{urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100}"
QDT = "{urn:un:unece:uncefact:data:standard:QualifiedDataType:100}"

WS = " \t\r\n"  # XML whitespace (what strip() must remove, and nothing more)


def date_into(name: str, wrapper_child: str = UDT + "DateTimeString") -> Any:
    """``<ram:X><udt:DateTimeString format="102">…`` → ``node.<name>``."""

    def h(ctx: Ctx, node: Any, el: _Element) -> None:
        for c in el.iterchildren(wrapper_child):
            node.put(name, cii_date(c))

    return h


PERIOD: Table = {
    RAM + "StartDateTime": date_into("start"),
    RAM + "EndDateTime": date_into("end"),
}


ALLOWANCE_CHARGE: Table = {
    RAM + "ChargeIndicator": sub({UDT + "Indicator": ("charge_indicator", indicator)}),
    RAM + "CalculationPercent": ("percentage", number),
    RAM + "BasisAmount": ("base_amount", amount),
    RAM + "ActualAmount": ("amount", amount),
    RAM + "ReasonCode": ("reason_code", code),
    RAM + "Reason": ("reason", text),
    RAM + "CategoryTradeTax": sub(
        {
            RAM + "TypeCode": ("tax_scheme", code),
            RAM + "CategoryCode": ("vat_category", code),
            RAM + "RateApplicablePercent": ("vat_rate", number),
        }
    ),
}


def allowance_charge(level: str) -> Any:
    roles = ("BG-20", "BG-21", "BG-20|BG-21") if level == "document" else ("BG-27", "BG-28", "BG-27|BG-28")

    def h(ctx: Ctx, node: Any, el: _Element) -> None:
        ac = AllowanceCharge(el=el)
        fill(ctx, ac, el, ALLOWANCE_CHARGE)
        ind = ac.charge_indicator.value if ac.charge_indicator is not None else None
        ac.role = roles[2] if ind is None else roles[1] if ind else roles[0]
        node.allowance_charges.append(ac)

    return h
