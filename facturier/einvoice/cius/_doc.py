"""Document-level values the Peppol BIS 3 Schematron declares as ``<let>`` parameters.

Computed once per document and shared by the rule modules through ``ctx.once``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.etree import _Element

from ..rules.registry import RuleContext
from ..values import normalize_space
from ._xpath import CAC, CBC, INV, RAM, RSM, kid, kids, nsp, path, sv

__all__ = ["CiiDoc", "UblDoc", "cii_doc", "peppol_profile", "ubl_doc"]


_PROFILE_RE = re.compile(r"urn:fdc:peppol\.eu:2017:poacc:billing:([0-9]{2}):1.0")


def peppol_profile(profile_id: _Element | None) -> str | None:
    """``$profile``: the process number NN of ``urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0``.

    ``'Unknown'`` when BT-23 is absent or does not contain that pattern (``matches()`` searches);
    ``None`` (the empty sequence) when the matching string has fewer than seven ``:`` tokens.
    """
    if profile_id is None:
        return "Unknown"
    value = nsp(profile_id)
    if _PROFILE_RE.search(value) is None:
        return "Unknown"
    tokens = value.split(":")
    return tokens[6] if len(tokens) > 6 else None


def _vat_prefix(party: _Element | None, vat_scheme: str = "VAT") -> str:
    """``Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']/substring(cbc:CompanyID, 1, 2)``,
    upper-cased and normalised, ``""`` when that gives nothing."""
    for pts in kids(party, CAC + "PartyTaxScheme"):
        if any(sv(i) == vat_scheme for i in path(pts, CAC + "TaxScheme", CBC + "ID")):
            prefix = sv(kid(pts, CBC + "CompanyID"))[:2]
            return normalize_space(prefix).upper() if prefix else ""
    return ""


@dataclass(frozen=True, slots=True)
class UblDoc:
    """The UBL Schematron parameters."""

    is_invoice: bool
    line_tag: str
    supplier: _Element | None  # AccountingSupplierParty/Party
    customer: _Element | None  # AccountingCustomerParty/Party
    profile: str | None
    supplier_country: str  # $supplierCountry
    accounting_supplier_country: str  # $accountingSupplierCountry (GR): no tax representative fallback
    customer_country: str  # $customerCountry
    supplier_is_de: bool
    customer_is_de: bool
    currencies: frozenset[str]  # string values of every /*/cbc:DocumentCurrencyCode
    # Raw postal country codes (PostalAddress/Country/IdentificationCode) of the parties, from which
    # the national patterns derive their conditions, each in its own way.
    supplier_codes: tuple[str, ...]
    customer_codes: tuple[str, ...]
    taxrep_codes: tuple[str, ...]

    dk: tuple[bool, bool]  # DK pattern: concat(supplier code) = 'DK', concat(customer code) = 'DK'
    iceland: tuple[bool, bool]  # ICELAND pattern: the same with 'IS'
    nl: tuple[bool, bool, bool]  # NL pattern: upper-case(normalize-space(code)) = 'NL' (+ tax rep.)


def _upper(codes: tuple[str, ...]) -> str:
    return normalize_space(codes[0]).upper() if len(codes) == 1 else ""


def _ubl(ctx: RuleContext) -> UblDoc:
    root = ctx.root
    supplier = kid(kid(root, CAC + "AccountingSupplierParty"), CAC + "Party")
    customer = kid(kid(root, CAC + "AccountingCustomerParty"), CAC + "Party")
    rep = kid(root, CAC + "TaxRepresentativeParty")
    s_codes, c_codes, r_codes = _codes(supplier), _codes(customer), _codes(rep)
    # $supplierCountry / $customerCountry: VAT identifier prefix, else (supplier) the tax
    # representative's, else the postal country, else 'XX'.
    postal = normalize_space(s_codes[0]).upper() if s_codes else "XX"
    supplier_prefix = _vat_prefix(supplier)
    country = supplier_prefix or _vat_prefix(rep) or postal
    cust = _vat_prefix(customer)
    if not cust:
        cust = normalize_space(c_codes[0]).upper() if c_codes else "XX"
    is_invoice = root.tag == INV + "Invoice"
    return UblDoc(
        is_invoice=is_invoice,
        line_tag=CAC + ("InvoiceLine" if is_invoice else "CreditNoteLine"),
        supplier=supplier,
        customer=customer,
        profile=peppol_profile(kid(root, CBC + "ProfileID")),
        supplier_country=country,
        accounting_supplier_country=supplier_prefix or postal,
        customer_country=cust,
        supplier_is_de=bool(s_codes) and normalize_space(s_codes[0]).upper() == "DE",
        customer_is_de=bool(c_codes) and normalize_space(c_codes[0]).upper() == "DE",
        currencies=frozenset(sv(c) for c in kids(root, CBC + "DocumentCurrencyCode")),
        supplier_codes=s_codes,
        customer_codes=c_codes,
        taxrep_codes=r_codes,
        dk=("".join(s_codes) == "DK", "".join(c_codes) == "DK"),
        iceland=("".join(s_codes) == "IS", "".join(c_codes) == "IS"),
        nl=(_upper(s_codes) == "NL", _upper(c_codes) == "NL", _upper(r_codes) == "NL"),
    )


def _codes(party: _Element | None) -> tuple[str, ...]:
    return tuple(
        sv(c) for c in path(party, CAC + "PostalAddress", CAC + "Country", CBC + "IdentificationCode")
    )


def ubl_doc(ctx: RuleContext) -> UblDoc:
    doc = ctx.memo.get("peppol.ubl")  # ctx.once() without a closure: this is called by most rules
    if doc is None:
        doc = ctx.memo["peppol.ubl"] = _ubl(ctx)
    return doc  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class CiiDoc:
    """The CII Schematron parameters and the main CII groups."""

    context: _Element | None  # rsm:ExchangedDocumentContext
    document: _Element | None  # rsm:ExchangedDocument
    transaction: _Element | None  # rsm:SupplyChainTradeTransaction
    agreement: _Element | None  # ram:ApplicableHeaderTradeAgreement
    settlement: _Element | None  # ram:ApplicableHeaderTradeSettlement
    seller: _Element | None
    buyer: _Element | None
    profile: str | None
    supplier_country: str
    currencies: frozenset[str]  # $documentCurrencyCode (string values)
    tax_currencies: frozenset[str]  # $taxCurrencyCode


def _cii_vat_prefix(party: _Element | None) -> str:
    # SpecifiedTaxRegistration[ram:ID/@schemeID = 'VAT']/substring(ram:ID, 1, 2)
    for reg in kids(party, RAM + "SpecifiedTaxRegistration"):
        if any(i.get("schemeID") == "VAT" for i in kids(reg, RAM + "ID")):
            prefix = sv(kid(reg, RAM + "ID"))[:2]
            return normalize_space(prefix).upper() if prefix else ""
    return ""


def _cii(ctx: RuleContext) -> CiiDoc:
    root = ctx.root
    tx = kid(root, RSM + "SupplyChainTradeTransaction")
    agreement = kid(tx, RAM + "ApplicableHeaderTradeAgreement")
    settlement = kid(tx, RAM + "ApplicableHeaderTradeSettlement")
    seller = kid(agreement, RAM + "SellerTradeParty")
    buyer = kid(agreement, RAM + "BuyerTradeParty")
    country = _cii_vat_prefix(seller)
    if not country:
        country = _cii_vat_prefix(kid(agreement, RAM + "SellerTaxRepresentativeTradeParty"))
    if not country:
        c = kid(kid(seller, RAM + "PostalTradeAddress"), RAM + "CountryID")
        country = nsp(c).upper() if c is not None else "XX"
    context = kid(root, RSM + "ExchangedDocumentContext")
    bp = path(context, RAM + "BusinessProcessSpecifiedDocumentContextParameter", RAM + "ID")
    return CiiDoc(
        context=context,
        document=kid(root, RSM + "ExchangedDocument"),
        transaction=tx,
        agreement=agreement,
        settlement=settlement,
        seller=seller,
        buyer=buyer,
        profile=peppol_profile(bp[0] if bp else None),
        supplier_country=country,
        currencies=frozenset(sv(c) for c in kids(settlement, RAM + "InvoiceCurrencyCode")),
        tax_currencies=frozenset(sv(c) for c in kids(settlement, RAM + "TaxCurrencyCode")),
    )


def cii_doc(ctx: RuleContext) -> CiiDoc:
    doc = ctx.memo.get("peppol.cii")
    if doc is None:
        doc = ctx.memo["peppol.cii"] = _cii(ctx)
    return doc  # type: ignore[no-any-return]
