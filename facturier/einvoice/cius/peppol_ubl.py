"""Peppol BIS Billing 3.0 transaction rules (PEPPOL-EN16931-R*), UBL binding.

Source: OpenPEPPOL/peppol-bis-invoice-3 3.0.19, ``rules/sch/PEPPOL-EN16931-UBL.sch``, the
"Empty elements" pattern, the CreditNote pattern and the transaction-rules pattern. In one
Schematron pattern a node is checked by the *first* rule whose context matches it: R041, R042 and
R040/R043 are therefore exclusive for one allowance or charge.

A value that the Schematron would cast with ``xs:decimal()`` or ``xs:date()`` and cannot is a
dynamic error there (no verdict); the rules below then report nothing, the EN 16931 layer already
flags such values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal

from lxml import etree
from lxml.etree import _Element

from ..findings import Syntax
from ..rules.registry import RuleContext
from ..values import normalize_space, parse_date
from ._checks import slack
from ._doc import ubl_doc
from ._xpath import (
    CAC,
    CBC,
    CN,
    UBL_AMOUNT_TAGS,
    ckid,
    ckids,
    decimal,
    find,
    kid,
    kids,
    nsp,
    number,
    path,
    root_kid,
    root_kids,
    sv,
    text,
)
from .messages import peppol_rule

UBL = Syntax.UBL
_SPEC = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"


# R008: //*[not(*) and not(normalize-space())]. Evaluating it on the tree costs a visit of every
# element (libxml2's XPath is slower still); an empty leaf can only be written in a few ways, so a
# regular expression over the XML bytes tells first whether there may be one at all: a start tag
# (attribute values may hold '>') closed by "/>", or followed by nothing but whitespace, comments,
# processing instructions, whitespace CDATA or character references before the next "</" (which
# then closes it, in well-formed XML). Possessive quantifiers keep it linear. Only when it matches
# (an invalid document, or a comment-holding one) is the tree walked.
_MAYBE_EMPTY = re.compile(
    rb"""<[^/>!?](?:[^>"'/]++|"[^"]*+"|'[^']*+'|/(?!>))*+"""
    rb"""(?:/>|>(?:\s++|<!--.*?-->|<\?.*?\?>|<!\[CDATA\[\s*+\]\]>|&\#[0-9a-fA-Fx]++;)*+</)""",
    re.DOTALL,
)
_WS = " \t\r\n"


def _empty_leaves(root: _Element) -> Iterator[_Element]:
    for el in root.iter(etree.Element):
        text = el.text
        if text and text.strip(_WS):
            continue
        if len(el) == 0:
            yield el
        elif not any(isinstance(c.tag, str) for c in el) and not "".join(el.itertext()).strip(_WS):
            yield el  # only comments or processing instructions inside


@peppol_rule("PEPPOL-EN16931-R008", UBL)
def r008(ctx: RuleContext) -> Iterator[_Element]:
    xml = ctx.doc.xml
    ascii_compatible = not (xml[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in xml[:4])
    if ascii_compatible and _MAYBE_EMPTY.search(xml) is None:
        return
    yield from _empty_leaves(ctx.root)


# --- document level ------------------------------------------------------------------------------


@peppol_rule("PEPPOL-EN16931-R080", UBL)
def r080(ctx: RuleContext) -> Iterator[_Element]:
    # Credit notes only: count(cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']) <= 1
    root = ctx.root
    if root.tag == CN + "CreditNote":
        refs = [
            d
            for d in root_kids(ctx, CAC + "AdditionalDocumentReference")
            if any(sv(c) == "50" for c in kids(d, CBC + "DocumentTypeCode"))
        ]
        if len(refs) > 1:
            yield root


@peppol_rule("PEPPOL-EN16931-R001", UBL)
def r001(ctx: RuleContext) -> Iterator[_Element]:
    if root_kid(ctx, CBC + "ProfileID") is None:
        yield ctx.root


@peppol_rule("PEPPOL-EN16931-R007", UBL)
def r007(ctx: RuleContext) -> Iterator[_Element]:
    profile = ubl_doc(ctx).profile
    if profile is None or profile == "Unknown":
        yield ctx.root


@peppol_rule("PEPPOL-EN16931-R002", UBL)
def r002(ctx: RuleContext) -> Iterator[_Element]:
    d = ubl_doc(ctx)
    if len(root_kids(ctx, CBC + "Note")) > 1 and not (d.supplier_is_de and d.customer_is_de):
        yield ctx.root


@peppol_rule("PEPPOL-EN16931-R003", UBL)
def r003(ctx: RuleContext) -> Iterator[_Element]:
    root = ctx.root
    if root_kid(ctx, CBC + "BuyerReference") is None and not path(
        root_kids(ctx, CAC + "OrderReference"), CBC + "ID"
    ):
        yield root


@peppol_rule("PEPPOL-EN16931-R004", UBL)
def r004(ctx: RuleContext) -> Iterator[_Element]:
    # starts-with(normalize-space(cbc:CustomizationID/text()), '…billing:3.0')
    spec = root_kid(ctx, CBC + "CustomizationID")
    if not normalize_space(text(spec)).startswith(_SPEC):
        yield ctx.root


@peppol_rule("PEPPOL-EN16931-R053", UBL)
def r053(ctx: RuleContext) -> Iterator[_Element]:
    totals = root_kids(ctx, CAC + "TaxTotal")
    if sum(1 for t in totals if kid(t, CAC + "TaxSubtotal") is not None) != 1:
        yield ctx.root


@peppol_rule("PEPPOL-EN16931-R054", UBL)
def r054(ctx: RuleContext) -> Iterator[_Element]:
    root = ctx.root
    without = sum(1 for t in root_kids(ctx, CAC + "TaxTotal") if kid(t, CAC + "TaxSubtotal") is None)
    if without != (1 if root_kid(ctx, CBC + "TaxCurrencyCode") is not None else 0):
        yield root


def _signs(amounts: list[_Element]) -> tuple[bool, bool]:
    """(some amount <= 0, some amount >= 0) over the amounts that cast to a number."""
    values = [number(sv(a)) for a in amounts]
    return any(v <= 0 for v in values), any(v >= 0 for v in values)


@peppol_rule("PEPPOL-EN16931-R055", UBL)
def r055(ctx: RuleContext) -> Iterator[_Element]:
    root = ctx.root
    tcc = root_kid(ctx, CBC + "TaxCurrencyCode")
    if tcc is None:
        return
    tax_cur = nsp(tcc)
    doc_cur = nsp(root_kid(ctx, CBC + "DocumentCurrencyCode"))
    amounts = path(root_kids(ctx, CAC + "TaxTotal"), CBC + "TaxAmount")
    t_le, t_ge = _signs([a for a in amounts if a.get("currencyID") == tax_cur])
    d_le, d_ge = _signs([a for a in amounts if a.get("currencyID") == doc_cur])
    if not ((t_le and d_le) or (t_ge and d_ge)):
        yield root


@peppol_rule("PEPPOL-EN16931-R005", UBL)
def r005(ctx: RuleContext) -> Iterator[_Element]:
    for tcc in find(ctx, CBC + "TaxCurrencyCode"):
        doc = kid(tcc.getparent(), CBC + "DocumentCurrencyCode")
        if normalize_space(text(tcc)) == normalize_space(text(doc)):
            yield tcc


@peppol_rule("PEPPOL-EN16931-R010", UBL)
def r010(ctx: RuleContext) -> Iterator[_Element]:
    for party in path(find(ctx, CAC + "AccountingCustomerParty"), CAC + "Party"):
        if kid(party, CBC + "EndpointID") is None:
            yield party


@peppol_rule("PEPPOL-EN16931-R020", UBL)
def r020(ctx: RuleContext) -> Iterator[_Element]:
    for party in path(find(ctx, CAC + "AccountingSupplierParty"), CAC + "Party"):
        if kid(party, CBC + "EndpointID") is None:
            yield party


# --- allowances and charges (document and line level) ------------------------------------------------


def _allowance_charges(ctx: RuleContext) -> list[tuple[str, _Element]]:
    """Document and line allowances/charges with the one rule of the pattern that checks each:
    ``"R041"`` (percentage without base), ``"R042"`` (base without percentage) or ``"R040"``."""

    def compute() -> list[tuple[str, _Element]]:
        root = ctx.root
        acs = root_kids(ctx, CAC + "AllowanceCharge") + path(
            root, ubl_doc(ctx).line_tag, CAC + "AllowanceCharge"
        )
        out = []
        for ac in acs:
            has_pct = kid(ac, CBC + "MultiplierFactorNumeric") is not None
            has_base = kid(ac, CBC + "BaseAmount") is not None
            out.append(
                ("R041" if has_pct and not has_base else "R042" if has_base and not has_pct else "R040", ac)
            )
        return out

    return ctx.once("peppol.ubl.acs", compute)  # type: ignore[no-any-return]


@peppol_rule("PEPPOL-EN16931-R041", UBL)
def r041(ctx: RuleContext) -> Iterator[_Element]:
    yield from (ac for which, ac in _allowance_charges(ctx) if which == "R041")


@peppol_rule("PEPPOL-EN16931-R042", UBL)
def r042(ctx: RuleContext) -> Iterator[_Element]:
    yield from (ac for which, ac in _allowance_charges(ctx) if which == "R042")


_HUNDRED = Decimal(100)


def _r040_ok(ac: _Element, amount_tag: str, base_tag: str, pct_tag: str) -> bool:
    base, pct = kid(ac, base_tag), kid(ac, pct_tag)
    if base is None or pct is None:
        return True
    amount_el = kid(ac, amount_tag)
    amount = decimal(sv(amount_el)) if amount_el is not None else Decimal(0)
    b, p = decimal(sv(base)), decimal(sv(pct))
    if amount is None or b is None or p is None:
        return True  # dynamic error in the official artefact: no verdict here
    return slack(amount, (b * p) / _HUNDRED)


@peppol_rule("PEPPOL-EN16931-R040", UBL)
def r040(ctx: RuleContext) -> Iterator[_Element]:
    for which, ac in _allowance_charges(ctx):
        if which == "R040" and not _r040_ok(
            ac, CBC + "Amount", CBC + "BaseAmount", CBC + "MultiplierFactorNumeric"
        ):
            yield ac


@peppol_rule("PEPPOL-EN16931-R043", UBL)
def r043(ctx: RuleContext) -> Iterator[_Element]:
    for which, ac in _allowance_charges(ctx):
        if which == "R040" and normalize_space(text(kid(ac, CBC + "ChargeIndicator"))) not in (
            "true",
            "false",
        ):
            yield ac


@peppol_rule("PEPPOL-EN16931-R061", UBL)
def r061(ctx: RuleContext) -> Iterator[_Element]:
    for pm in find(ctx, CAC + "PaymentMeans"):
        codes = kids(pm, CBC + "PaymentMeansCode")
        is_debit = len(codes) <= 1 and nsp(codes[0] if codes else None) in ("49", "59")
        if is_debit and not path(pm, CAC + "PaymentMandate", CBC + "ID"):
            yield pm


# --- currency ------------------------------------------------------------------------------------


def amounts(ctx: RuleContext) -> list[_Element]:
    """Every element of the R051 / CL007 amount context (the 13 UBL amount elements), in document
    order."""
    return ctx.once("peppol.ubl.amounts", lambda: find(ctx, *UBL_AMOUNT_TAGS))  # type: ignore[no-any-return]


@peppol_rule("PEPPOL-EN16931-R051", UBL)
def r051(ctx: RuleContext) -> Iterator[_Element]:
    currencies = ubl_doc(ctx).currencies
    tax_amount, tax_total, subtotal = CBC + "TaxAmount", CAC + "TaxTotal", CAC + "TaxSubtotal"
    for a in amounts(ctx):
        if a.tag == tax_amount:
            # cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount | cac:TaxSubtotal/cbc:TaxAmount
            parent = a.getparent()
            ptag = parent.tag if parent is not None else None
            if not (ptag == subtotal or (ptag == tax_total and kid(parent, subtotal) is not None)):
                continue
        if a.get("currencyID") not in currencies:
            yield a


# --- line level ------------------------------------------------------------------------------------


def _line_period_dates(ctx: RuleContext, tag: str) -> Iterator[tuple[_Element, _Element]]:
    """(line date, header date) for R110/R111, when the header has that date."""
    root = ctx.root
    header = path(root_kids(ctx, CAC + "InvoicePeriod"), tag)
    if not header:
        return
    for d in path(root, ubl_doc(ctx).line_tag, CAC + "InvoicePeriod", tag):
        yield d, header[0] if len(header) == 1 else None  # type: ignore[misc]


def _period_check(ctx: RuleContext, tag: str, ok) -> Iterator[_Element]:  # type: ignore[no-untyped-def]
    for line_date, header_date in _line_period_dates(ctx, tag):
        if header_date is None:
            continue  # xs:date() of several dates: dynamic error
        h = parse_date(sv(header_date))
        if h is None:
            continue
        raw = line_date.text
        if raw is None:  # xs:date(text()) of no text node is the empty sequence: the test is false
            yield line_date
            continue
        d = parse_date(raw)
        if d is not None and not ok(d, h):
            yield line_date


@peppol_rule("PEPPOL-EN16931-R110", UBL)
def r110(ctx: RuleContext) -> Iterator[_Element]:
    yield from _period_check(ctx, CBC + "StartDate", lambda d, h: d >= h)


@peppol_rule("PEPPOL-EN16931-R111", UBL)
def r111(ctx: RuleContext) -> Iterator[_Element]:
    yield from _period_check(ctx, CBC + "EndDate", lambda d, h: d <= h)


def _lines(ctx: RuleContext) -> list[_Element]:
    return ctx.once(
        "peppol.ubl.lines",
        lambda: root_kids(ctx, CAC + "InvoiceLine") + root_kids(ctx, CAC + "CreditNoteLine"),
    )


def xround(x: Decimal) -> Decimal:
    """XPath ``round()``: half towards positive infinity."""
    return (x + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)


def _charges_sum(
    acs: list[_Element], indicator: str, amount_tag: str, ind_path: tuple[str, ...]
) -> Decimal | None:
    """``round(sum(AC[normalize-space(indicator) = x]/Amount/xs:decimal(.)) * 10 * 10) div 100``."""
    selected = [ac for ac in acs if nsp(_one(path(ac, *ind_path))) == indicator]
    if not selected:
        return Decimal(0)
    total = Decimal(0)
    for ac in selected:
        for amount in kids(ac, amount_tag):
            v = decimal(sv(amount))
            if v is None:
                return None
            total += v
    return xround(total * 100) / _HUNDRED


def _one(nodes: list[_Element]) -> _Element | None:
    return nodes[0] if nodes else None


def r120_check(
    line: _Element,
    *,
    ext: _Element | None,
    qty: _Element | None,
    price: _Element | None,
    base_qty: _Element | None,
    acs: list[_Element],
    amount_tag: str,
    ind_path: tuple[str, ...],
) -> bool:
    """The R120 test (shared by UBL and CII): True when it holds or cannot be evaluated."""
    line_ext = decimal(sv(ext)) if ext is not None else Decimal(0)
    quantity = decimal(sv(qty)) if qty is not None else Decimal(1)
    price_amount = decimal(sv(price)) if price is not None else Decimal(0)
    base = Decimal(1)
    if base_qty is not None:
        base = decimal(sv(base_qty))  # type: ignore[assignment]
        if base is not None and base == 0:
            base = Decimal(1)
    allowances = _charges_sum(acs, "false", amount_tag, ind_path)
    charges = _charges_sum(acs, "true", amount_tag, ind_path)
    if None in (line_ext, quantity, price_amount, base, allowances, charges):
        return True
    expected = quantity * (price_amount / base) + charges - allowances  # type: ignore[operator]
    return slack(line_ext, expected)  # type: ignore[arg-type]


@peppol_rule("PEPPOL-EN16931-R120", UBL)
def r120(ctx: RuleContext) -> Iterator[_Element]:
    is_invoice = ubl_doc(ctx).is_invoice
    qty_tag = CBC + ("InvoicedQuantity" if is_invoice else "CreditedQuantity")
    for line in _lines(ctx):
        price = ckid(ctx, line, CAC + "Price")
        if not r120_check(
            line,
            ext=ckid(ctx, line, CBC + "LineExtensionAmount"),
            qty=ckid(ctx, line, qty_tag),
            price=ckid(ctx, price, CBC + "PriceAmount"),
            base_qty=ckid(ctx, price, CBC + "BaseQuantity"),
            acs=ckids(ctx, line, CAC + "AllowanceCharge"),
            amount_tag=CBC + "Amount",
            ind_path=(CBC + "ChargeIndicator",),
        ):
            yield line


@peppol_rule("PEPPOL-EN16931-R121", UBL)
def r121(ctx: RuleContext) -> Iterator[_Element]:
    for line in _lines(ctx):
        bq = ckids(ctx, ckid(ctx, line, CAC + "Price"), CBC + "BaseQuantity")
        if bq and len(bq) == 1:
            v = decimal(sv(bq[0]))
            if v is not None and not v > 0:
                yield line


@peppol_rule("PEPPOL-EN16931-R100", UBL)
def r100(ctx: RuleContext) -> Iterator[_Element]:
    for line in _lines(ctx):
        if len(ckids(ctx, line, CAC + "DocumentReference")) > 1:
            yield line


@peppol_rule("PEPPOL-EN16931-R101", UBL)
def r101(ctx: RuleContext) -> Iterator[_Element]:
    for line in _lines(ctx):
        refs = ckids(ctx, line, CAC + "DocumentReference")
        if refs and not any(sv(c) == "130" for c in path(refs, CBC + "DocumentTypeCode")):
            yield line


# --- price level -------------------------------------------------------------------------------------


@peppol_rule("PEPPOL-EN16931-R044", UBL)
def r044(ctx: RuleContext) -> Iterator[_Element]:
    for ac in path(find(ctx, CAC + "Price"), CAC + "AllowanceCharge"):
        if nsp(kid(ac, CBC + "ChargeIndicator")) != "false":
            yield ac


@peppol_rule("PEPPOL-EN16931-R046", UBL)
def r046(ctx: RuleContext) -> Iterator[_Element]:
    # not(cbc:BaseAmount) or xs:decimal(../cbc:PriceAmount) = xs:decimal(cbc:BaseAmount) - xs:decimal(cbc:Amount)
    for price in find(ctx, CAC + "Price"):
        for ac in kids(price, CAC + "AllowanceCharge"):
            base = kids(ac, CBC + "BaseAmount")
            if not base:
                continue
            net, amount = kids(price, CBC + "PriceAmount"), kids(ac, CBC + "Amount")
            if len(base) > 1 or len(net) > 1 or len(amount) > 1:
                continue  # xs:decimal() of a sequence: dynamic error
            b = decimal(sv(base[0]))
            n = decimal(sv(net[0])) if net else None
            a = decimal(sv(amount[0])) if amount else None
            if b is None or (net and n is None) or (amount and a is None):
                continue
            if n is None or a is None or n != b - a:
                yield ac


@peppol_rule("PEPPOL-EN16931-R130", UBL)
def r130(ctx: RuleContext) -> Iterator[_Element]:
    is_invoice = ubl_doc(ctx).is_invoice
    for price in find(ctx, CAC + "Price"):
        line = price.getparent()
        for bq in kids(price, CBC + "BaseQuantity"):
            unit = bq.get("unitCode")
            if unit is None or line is None:
                continue
            invoiced, credited = kids(line, CBC + "InvoicedQuantity"), kids(line, CBC + "CreditedQuantity")
            if not invoiced and not credited:
                continue
            quantity = invoiced if is_invoice else credited
            if not any(q.get("unitCode") == unit for q in quantity):
                yield bq
