"""Small UBL and CII documents for the rule tests, and a helper running some rules on them.

The syntax and code-list rules read the XML tree, so a few elements in the right place are
enough; the documents are built here rather than copied from the corpus.
"""

from __future__ import annotations

from functools import cache

from facturier.einvoice import read
from facturier.einvoice.findings import Layer, Severity, Syntax
from facturier.einvoice.readers import ParsedDocument
from facturier.einvoice.rules.engine import compiled_rules
from facturier.einvoice.rules.registry import RuleContext

UBL_NS = (
    'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)
CN_NS = UBL_NS.replace("Invoice-2", "CreditNote-2")
CII_NS = (
    'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"'
)


def ubl(body: str, *, credit_note: bool = False) -> bytes:
    root = "CreditNote" if credit_note else "Invoice"
    return f"<{root} {CN_NS if credit_note else UBL_NS}>{body}</{root}>".encode()


def cii(body: str) -> bytes:
    return f"<rsm:CrossIndustryInvoice {CII_NS}>{body}</rsm:CrossIndustryInvoice>".encode()


def cii_tx(agreement: str = "", delivery: str = "", settlement: str = "", lines: str = "") -> bytes:
    """A CII document with the trade transaction groups filled in."""
    return cii(
        "<rsm:SupplyChainTradeTransaction>"
        f"{lines}"
        f"<ram:ApplicableHeaderTradeAgreement>{agreement}</ram:ApplicableHeaderTradeAgreement>"
        f"<ram:ApplicableHeaderTradeDelivery>{delivery}</ram:ApplicableHeaderTradeDelivery>"
        f"<ram:ApplicableHeaderTradeSettlement>{settlement}</ram:ApplicableHeaderTradeSettlement>"
        "</rsm:SupplyChainTradeTransaction>"
    )


def findings(
    data: bytes | ParsedDocument, prefixes: tuple[str, ...] = ("BR-CL-", "UBL-", "CII-")
) -> dict[str, list]:
    """``{rule id: [hits]}`` of the registered rules whose id starts with ``prefixes``."""
    doc = read(data) if isinstance(data, bytes) else data
    syntax = Syntax.UBL if doc.syntax.value == "ubl" else Syntax.CII
    ctx = RuleContext(doc=doc, invoice=doc.invoice, root=doc.root, syntax=syntax)
    out: dict[str, list] = {}
    for compiled in compiled_rules(syntax, Layer.EN16931):
        if compiled.id.startswith(prefixes):
            hits = list(compiled.check(ctx))
            if hits:
                out[compiled.id] = hits
    return out


def severity(rule_id: str, syntax: Syntax) -> Severity:
    return _severities(syntax)[rule_id]


@cache
def _severities(syntax: Syntax) -> dict[str, Severity]:
    return {r.id: r.severity for r in compiled_rules(syntax, Layer.EN16931)}
