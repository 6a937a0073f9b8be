"""The ``platform`` validation layer: the rules of the receiving platform, beyond EN 16931.

EN 16931 says what an invoice must contain; the platform also knows *who* it is addressed to. The
rules here check the invoice against a :class:`Directory` of recipients (public structures with
their services) and of the invoices already received. The Django side implements the directory
on its models; :class:`MemoryDirectory` is the in-memory one used by tests and by the CLI
(``facturier validate --directory dir.json``).

Rules are pluggable: each is a small function registered with :func:`platform_rule` under an id
(``FR-PLT-01``...). It receives a :class:`Subject` (the document, its model, the context) and
yields one :class:`Issue` per problem; the layer turns issues into findings with the rule's
severity, business terms, location and French and English messages.

Where the data sit (``../shared/reference/domain.md`` §4.6, read by the model):

* recipient SIRET: buyer legal registration identifier (BT-47) or buyer identifier (BT-46) with
  scheme ``0009`` (ICD SIRET-CODE) or ``1`` (Chorus Pro SIRET), or ``0002`` (ICD SIRENE) when it
  has 14 digits;
* service code: :attr:`Invoice.service_code` (BT-10, or UBL ``AccountingCustomerParty/Party/
  Contact/ID`` as generated for Chorus Pro);
* commitment number (engagement juridique): :attr:`Invoice.commitment_number` (BT-13).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .findings import Finding, Layer, LayerResult, PathBuilder, Severity
from .values import Identifier, Value

if TYPE_CHECKING:
    from .model import Invoice, Party
    from .readers import ParsedDocument

__all__ = [
    "DEFAULT_KEY",
    "KEY_PARTS",
    "PLATFORM_RULES",
    "Directory",
    "DuplicateKey",
    "Issue",
    "MemoryDirectory",
    "PlatformContext",
    "PlatformRule",
    "RecipientInfo",
    "ServiceInfo",
    "Subject",
    "SupplierKind",
    "is_valid_siren",
    "is_valid_siret",
    "load_context",
    "platform_rule",
    "validate_platform",
]

RESERVED_PUBLIC_SERVICE = "FACTURES_PUBLIQUES"
SIRET_SCHEMES = frozenset({"0009", "1"})
SIRENE_SCHEME = "0002"
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


# --- SIREN / SIRET checksums (domain.md §3.1) -------------------------------------------------


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_valid_siren(number: str) -> bool:
    """A SIREN: 9 ASCII digits whose last one is a Luhn check digit (La Poste's is too)."""
    return len(number) == 9 and number.isascii() and number.isdigit() and _luhn(number)


def is_valid_siret(number: str) -> bool:
    """A SIRET: 14 ASCII digits, a valid SIREN, and a Luhn-valid whole.

    La Poste's establishments (SIREN 356000000) are numbered so that the sum of the digits is a
    multiple of 5 instead; its head office (35600000000048) follows Luhn.
    """
    if len(number) != 14 or not (number.isascii() and number.isdigit()):
        return False
    if number.startswith(LA_POSTE_SIREN) and number != LA_POSTE_HEAD_OFFICE:
        return sum(ord(c) - 48 for c in number) % 5 == 0
    return _luhn(number) and is_valid_siren(number[:9])


# --- the directory interface --------------------------------------------------------------------


class SupplierKind(StrEnum):
    """Whether the supplier is a public entity (only public suppliers may use the reserved
    service ``FACTURES_PUBLIQUES``)."""

    PUBLIC = "public"
    PRIVATE = "private"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceInfo:
    """A service of a recipient structure (Chorus Pro ``consulterService``)."""

    code: str
    name: str = ""
    active: bool = True
    commitment_required: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RecipientInfo:
    """A recipient structure and the data it requires on its invoices (domain.md §3.2)."""

    siret: str
    name: str = ""
    active: bool = True
    service_code_required: bool = False
    commitment_required: bool = False
    commitment_or_service_required: bool = False
    services: Mapping[str, ServiceInfo] = field(default_factory=dict)


DuplicateKey = tuple[tuple[str, str], ...]
"""The uniqueness key of an invoice: ``(("supplier", "..."), ("number", "F-1"), ...)`` in the
order of :attr:`PlatformContext.duplicate_key`."""


class Directory(Protocol):
    """What the platform rules need to know about recipients and previous invoices."""

    def recipient(self, siret: str) -> RecipientInfo | None:
        """The recipient structure with this SIRET, or ``None`` when unknown."""
        ...

    def is_duplicate(self, key: DuplicateKey) -> str | None:
        """A pointer to the first invoice with this key (an id, a URL...), ``None`` if new."""
        ...


# --- the context and the uniqueness key ---------------------------------------------------------


def _seller_siret(invoice: Invoice) -> str | None:
    seller = invoice.seller
    if seller is None:
        return None
    for ident in _party_ids(seller, ("legal_id", "identifiers")):
        siret = _siret_of(ident)
        if siret is not None:
            return siret
    return None


def _supplier(subject: Subject) -> str | None:
    if subject.context.supplier_siret:
        return subject.context.supplier_siret
    invoice = subject.invoice
    siret = _seller_siret(invoice)
    if siret is not None:
        return siret
    seller = invoice.seller
    if seller is not None:
        for value in (seller.vat_id, seller.name):
            if value is not None and not value.is_blank:
                return value.normalized
    return None


def _text(value: Value | None) -> str | None:
    return None if value is None or value.is_blank else value.normalized


def _year(subject: Subject) -> str | None:
    issue = subject.invoice.issue_date
    return str(issue.value.year) if issue is not None and issue.value is not None else None


def _issue_date(subject: Subject) -> str | None:
    issue = subject.invoice.issue_date
    return issue.value.isoformat() if issue is not None and issue.value is not None else None


KEY_PARTS: dict[str, Callable[[Subject], str | None]] = {
    "supplier": _supplier,
    "number": lambda s: _text(s.invoice.number),
    "document_type": lambda s: _text(s.invoice.type_code),
    "year": _year,
    "issue_date": _issue_date,
    "recipient": lambda s: s.recipient_siret,
}
"""The parts a uniqueness key can be made of. ``supplier`` is the context's supplier SIRET, else
the seller's SIRET in the document, else its VAT identifier (BT-31), else its name (BT-27)."""

DEFAULT_KEY = ("supplier", "number", "document_type", "year")
"""Default uniqueness key (domain.md §4.5: no public text gives the exact key; this is the
reasonable reading, configurable per platform)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformContext:
    """Everything the platform rules need beyond the document.

    ``supplier_siret`` is the depositor's SIRET as the platform knows it (preferred to what the
    document claims); ``supplier_kind`` enables the ``FACTURES_PUBLIQUES`` rule; ``rules`` limits
    the layer to some rule ids (``None``: every registered rule).
    """

    directory: Directory
    supplier_siret: str | None = None
    supplier_kind: SupplierKind | None = None
    duplicate_key: tuple[str, ...] = DEFAULT_KEY
    rules: frozenset[str] | None = None

    def __post_init__(self) -> None:
        unknown = [p for p in self.duplicate_key if p not in KEY_PARTS]
        if unknown or not self.duplicate_key:
            raise ValueError(f"invalid duplicate key parts {unknown!r}; known: {', '.join(KEY_PARTS)}")
        if self.supplier_kind is not None and not isinstance(self.supplier_kind, SupplierKind):
            object.__setattr__(self, "supplier_kind", SupplierKind(self.supplier_kind))


# --- the rule registry --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem a platform rule found.

    ``at`` is where (a located :class:`Value`, a model group, an lxml element; ``None`` for the
    document root); ``params`` fill the ``%(name)s`` placeholders of the rule's messages;
    ``terms`` override the rule's business terms for this issue.
    """

    at: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    terms: tuple[str, ...] | None = None


Check = Callable[["Subject"], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class PlatformRule:
    id: str
    check: Check
    terms: tuple[str, ...]
    fr: str
    en: str
    severity: Severity = Severity.FATAL


PLATFORM_RULES: dict[str, PlatformRule] = {}


def platform_rule(
    rule_id: str, *, terms: tuple[str, ...], fr: str, en: str, severity: Severity = Severity.FATAL
) -> Callable[[Check], Check]:
    """Register ``check`` as platform rule ``rule_id``. Messages are ``%(name)s`` templates."""

    def register(check: Check) -> Check:
        if rule_id in PLATFORM_RULES:
            raise ValueError(f"platform rule {rule_id} is registered twice")
        PLATFORM_RULES[rule_id] = PlatformRule(rule_id, check, terms, fr, en, severity)
        return check

    return register


_MISSING: Any = object()


class Subject:
    """What a platform rule sees: the document, its model, the context, and the directory
    answers computed once per document."""

    __slots__ = ("_memo", "context", "doc", "invoice")

    def __init__(self, doc: ParsedDocument, context: PlatformContext) -> None:
        self.doc = doc
        self.invoice = doc.invoice
        self.context = context
        self._memo: dict[str, Any] = {}

    def _once(self, key: str, compute: Callable[[], Any]) -> Any:
        value = self._memo.get(key, _MISSING)
        if value is _MISSING:
            value = self._memo[key] = compute()
        return value

    @property
    def recipient_id(self) -> Identifier | None:
        """The buyer identifier carrying the recipient SIRET (BT-47 first, then BT-46)."""

        def find() -> Identifier | None:
            buyer = self.invoice.buyer
            if buyer is None:
                return None
            for ident in _party_ids(buyer, ("legal_id", "identifiers")):
                if _siret_of(ident) is not None:
                    return ident
            return None

        return self._once("recipient_id", find)

    @property
    def recipient_siret(self) -> str | None:
        ident = self.recipient_id
        return _siret_of(ident) if ident is not None else None

    @property
    def recipient(self) -> RecipientInfo | None:
        siret = self.recipient_siret
        return self._once("recipient", lambda: self.context.directory.recipient(siret) if siret else None)

    @property
    def service_code(self) -> str | None:
        return _text(self.invoice.service_code)

    @property
    def service(self) -> ServiceInfo | None:
        recipient, code = self.recipient, self.service_code
        if recipient is None or code is None:
            return None
        return recipient.services.get(code)

    @property
    def commitment_number(self) -> str | None:
        return _text(self.invoice.commitment_number)

    @property
    def buyer_at(self) -> Any:
        return self.invoice.buyer


def _party_ids(party: Party, fields: tuple[str, ...]) -> Iterator[Identifier]:
    for name in fields:
        for ident in party.all(name):
            if isinstance(ident, Identifier):
                yield ident


def _siret_of(ident: Identifier) -> str | None:
    scheme = (ident.scheme or "").strip()
    value = ident.value
    if scheme in SIRET_SCHEMES or (scheme == SIRENE_SCHEME and len(value) == 14):
        return value
    return None


# --- the rules ------------------------------------------------------------------------------------


@platform_rule(
    "FR-PLT-01",
    terms=("BT-46", "BT-47"),
    fr="L'acheteur doit être identifié par son SIRET : identifiant d'enregistrement légal (BT-47) ou "
    "identifiant (BT-46) avec le schéma 0009 (SIRET), 1 (Chorus Pro) ou 0002 (SIRENE, 14 chiffres).",
    en="The buyer must be identified by its SIRET: legal registration identifier (BT-47) or "
    "identifier (BT-46) with scheme 0009 (SIRET), 1 (Chorus Pro) or 0002 (SIRENE, 14 digits).",
)
def recipient_identified(s: Subject) -> Iterator[Issue]:
    if s.recipient_siret is None:
        yield Issue(s.buyer_at)


@platform_rule(
    "FR-PLT-02",
    terms=("BT-47",),
    fr="Le destinataire %(siret)s est inconnu de l'annuaire de la plateforme.",
    en="The recipient %(siret)s is not in the platform's directory.",
)
def recipient_known(s: Subject) -> Iterator[Issue]:
    siret = s.recipient_siret
    if siret is not None and s.recipient is None:
        yield Issue(s.recipient_id, {"siret": siret})


@platform_rule(
    "FR-PLT-03",
    terms=("BT-47",),
    fr="Le destinataire %(siret)s n'est pas actif : il ne peut pas recevoir de factures.",
    en="The recipient %(siret)s is not active: it cannot receive invoices.",
)
def recipient_active(s: Subject) -> Iterator[Issue]:
    recipient = s.recipient
    if recipient is not None and not recipient.active:
        yield Issue(s.recipient_id, {"siret": recipient.siret})


@platform_rule(
    "FR-PLT-04",
    terms=("BT-10",),
    fr="Le destinataire %(siret)s exige un code service (BT-10, référence acheteur).",
    en="The recipient %(siret)s requires a service code (BT-10, buyer reference).",
)
def service_code_present(s: Subject) -> Iterator[Issue]:
    recipient = s.recipient
    if recipient is not None and recipient.service_code_required and s.service_code is None:
        yield Issue(s.invoice.service_code or s.buyer_at, {"siret": recipient.siret})


@platform_rule(
    "FR-PLT-05",
    terms=("BT-10",),
    fr="Le code service « %(code)s » n'existe pas chez le destinataire %(siret)s.",
    en="The service code '%(code)s' does not exist for the recipient %(siret)s.",
)
def service_exists(s: Subject) -> Iterator[Issue]:
    recipient, code = s.recipient, s.service_code
    if recipient is not None and code is not None and code not in recipient.services:
        yield Issue(s.invoice.service_code, {"code": code, "siret": recipient.siret})


@platform_rule(
    "FR-PLT-06",
    terms=("BT-10",),
    fr="Le service « %(code)s » du destinataire %(siret)s n'est pas actif.",
    en="The service '%(code)s' of the recipient %(siret)s is not active.",
)
def service_active(s: Subject) -> Iterator[Issue]:
    service = s.service
    if service is not None and not service.active:
        yield Issue(s.invoice.service_code, {"code": service.code, "siret": s.recipient_siret})


_REQUIRED_BY = {"recipient": ("le destinataire", "the recipient"), "service": ("le service", "the service")}


@platform_rule(
    "FR-PLT-07",
    terms=("BT-13",),
    fr="Le numéro d'engagement juridique (BT-13, référence de commande) est obligatoire pour %(by_fr)s %(code)s.",
    en="The commitment number (BT-13, purchase order reference) is required by %(by_en)s %(code)s.",
)
def commitment_present(s: Subject) -> Iterator[Issue]:
    recipient = s.recipient
    if recipient is None or s.commitment_number is not None:
        return
    service = s.service
    if recipient.commitment_required:
        by_fr, by_en = _REQUIRED_BY["recipient"]
        yield Issue(s.buyer_at, {"by_fr": by_fr, "by_en": by_en, "code": recipient.siret})
    elif service is not None and service.commitment_required:
        by_fr, by_en = _REQUIRED_BY["service"]
        yield Issue(s.invoice.service_code, {"by_fr": by_fr, "by_en": by_en, "code": service.code})


@platform_rule(
    "FR-PLT-08",
    terms=("BT-10", "BT-13"),
    fr="Le destinataire %(siret)s exige un code service (BT-10) ou un numéro d'engagement (BT-13).",
    en="The recipient %(siret)s requires a service code (BT-10) or a commitment number (BT-13).",
)
def commitment_or_service(s: Subject) -> Iterator[Issue]:
    recipient = s.recipient
    if (
        recipient is not None
        and recipient.commitment_or_service_required
        and s.service_code is None
        and s.commitment_number is None
    ):
        yield Issue(s.buyer_at, {"siret": recipient.siret})


@platform_rule(
    "FR-PLT-09",
    terms=("BT-1",),
    fr="Le numéro de facture « %(number)s » a déjà été utilisé (%(first)s) : clé d'unicité %(key)s.",
    en="The invoice number '%(number)s' has already been used (%(first)s): uniqueness key %(key)s.",
)
def number_unique(s: Subject) -> Iterator[Issue]:
    parts = []
    for name in s.context.duplicate_key:
        value = KEY_PARTS[name](s)
        if value is None:
            return  # an incomplete key cannot be compared (EN 16931 reports the missing term)
        parts.append((name, value))
    key: DuplicateKey = tuple(parts)
    first = s.context.directory.is_duplicate(key)
    if first is not None:
        shown = ", ".join(f"{name}={value}" for name, value in key)
        yield Issue(s.invoice.number, {"number": _text(s.invoice.number), "first": first, "key": shown})


_ID_TERMS = {
    ("seller", "identifiers"): "BT-29",
    ("seller", "legal_id"): "BT-30",
    ("seller", "electronic_address"): "BT-34",
    ("buyer", "identifiers"): "BT-46",
    ("buyer", "legal_id"): "BT-47",
    ("buyer", "electronic_address"): "BT-49",
}


@platform_rule(
    "FR-PLT-10",
    terms=("BT-29", "BT-30", "BT-34", "BT-46", "BT-47", "BT-49"),
    fr="L'identifiant %(value)s (schéma %(scheme)s) n'est pas un %(kind)s valide : longueur ou clé "
    "de contrôle (Luhn) incorrecte.",
    en="The identifier %(value)s (scheme %(scheme)s) is not a valid %(kind)s: wrong length or check "
    "digit (Luhn).",
)
def siret_checksums(s: Subject) -> Iterator[Issue]:
    for role in ("seller", "buyer"):
        party = getattr(s.invoice, role)
        if party is None:
            continue
        for name in ("identifiers", "legal_id", "electronic_address"):
            for ident in _party_ids(party, (name,)):
                scheme = (ident.scheme or "").strip()
                value = ident.value
                if scheme in SIRET_SCHEMES:
                    ok, kind = is_valid_siret(value), "SIRET"
                elif scheme == SIRENE_SCHEME:
                    ok = is_valid_siret(value) if len(value) == 14 else is_valid_siren(value)
                    kind = "SIRET" if len(value) == 14 else "SIREN"
                else:
                    continue
                if not ok:
                    yield Issue(
                        ident, {"value": value, "scheme": scheme, "kind": kind}, (_ID_TERMS[(role, name)],)
                    )


_CORRECTIVE_TYPE = "384"


@platform_rule(
    "FR-PLT-11",
    terms=("BT-3", "BG-3"),
    fr="Un avoir ou une facture rectificative (type %(type)s) doit faire référence à la facture "
    "d'origine (BG-3, BT-25).",
    en="A credit note or corrected invoice (type %(type)s) must refer to the original invoice (BG-3, BT-25).",
)
def credit_note_refers(s: Subject) -> Iterator[Issue]:
    from .codelists import credit_note_type_codes

    invoice = s.invoice
    code = _text(invoice.type_code)
    if not (invoice.is_credit_note or code == _CORRECTIVE_TYPE or code in credit_note_type_codes()):
        return
    for preceding in invoice.preceding_invoices:
        if _text(preceding.reference) is not None:
            return
    yield Issue(invoice.type_code, {"type": code or "CreditNote"})


@platform_rule(
    "FR-PLT-12",
    terms=("BT-10",),
    fr="Le service « FACTURES_PUBLIQUES » est réservé aux factures entre entités publiques ; un "
    "fournisseur privé ne peut pas l'utiliser.",
    en="The service 'FACTURES_PUBLIQUES' is reserved for invoices between public entities; a "
    "private supplier cannot use it.",
)
def reserved_public_service(s: Subject) -> Iterator[Issue]:
    if s.context.supplier_kind is SupplierKind.PRIVATE and s.service_code == RESERVED_PUBLIC_SERVICE:
        yield Issue(s.invoice.service_code)


# --- running the layer ----------------------------------------------------------------------------


def _locate(at: Any, paths: PathBuilder, root: Any) -> tuple[str, int | None]:
    el = getattr(at, "el", at) if at is not None else root
    if el is None:
        el = root
    attr = getattr(at, "attr", None)
    return paths.path(el, attr), el.sourceline


def validate_platform(doc: ParsedDocument, context: PlatformContext) -> LayerResult:
    """The ``platform`` layer: every registered platform rule (or ``context.rules``), in id order."""
    subject = Subject(doc, context)
    root = doc.tree.getroot()
    paths = PathBuilder()
    findings: list[Finding] = []
    for rule_id in sorted(PLATFORM_RULES):
        if context.rules is not None and rule_id not in context.rules:
            continue
        rule = PLATFORM_RULES[rule_id]
        for issue in rule.check(subject):
            location, line = _locate(issue.at, paths, root)
            params = issue.params
            findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    issue.terms if issue.terms is not None else rule.terms,
                    location,
                    line,
                    rule.fr % params if params else rule.fr,
                    rule.en % params if params else rule.en,
                )
            )
    return LayerResult(Layer.PLATFORM, findings)


# --- an in-memory directory -----------------------------------------------------------------------


class MemoryDirectory:
    """A :class:`Directory` held in memory (tests, CLI ``--directory``).

    Previous invoices are stored as their key parts (``{"supplier": ..., "number": ...}``) and a
    pointer; a key matches an entry when every part of the key equals the entry's.
    """

    def __init__(
        self,
        recipients: Iterable[RecipientInfo] = (),
        invoices: Iterable[tuple[Mapping[str, str], str]] = (),
    ) -> None:
        self._recipients = {r.siret: r for r in recipients}
        self._by_number: dict[str | None, list[tuple[dict[str, str], str]]] = {}
        for parts, pointer in invoices:
            self.record(parts, pointer)

    def recipient(self, siret: str) -> RecipientInfo | None:
        return self._recipients.get(siret)

    def is_duplicate(self, key: DuplicateKey) -> str | None:
        parts = dict(key)
        for entry, pointer in self._by_number.get(parts.get("number"), ()):
            if all(entry.get(name) == value for name, value in key):
                return pointer
        return None

    def record(self, key: DuplicateKey | Mapping[str, str], pointer: str) -> None:
        """Remember an accepted invoice under its key parts."""
        parts = dict(key.items() if isinstance(key, Mapping) else key)
        self._by_number.setdefault(parts.get("number"), []).append((parts, pointer))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MemoryDirectory:
        """Build from the JSON shape of ``--directory`` (see ``docs/einvoice.md``)."""
        recipients = []
        for siret, info in (data.get("recipients") or {}).items():
            services = {
                code: ServiceInfo(
                    code=code,
                    name=str(svc.get("name", "")),
                    active=bool(svc.get("active", True)),
                    commitment_required=bool(svc.get("commitment_required", False)),
                )
                for code, svc in (info.get("services") or {}).items()
            }
            recipients.append(
                RecipientInfo(
                    siret=siret,
                    name=str(info.get("name", "")),
                    active=bool(info.get("active", True)),
                    service_code_required=bool(info.get("service_code_required", False)),
                    commitment_required=bool(info.get("commitment_required", False)),
                    commitment_or_service_required=bool(info.get("commitment_or_service_required", False)),
                    services=services,
                )
            )
        invoices = []
        for entry in data.get("invoices") or ():
            parts = {k: str(v) for k, v in entry.items() if k != "ref"}
            invoices.append((parts, str(entry.get("ref", parts.get("number")))))
        return cls(recipients, invoices)


def load_context(path: str | Path) -> PlatformContext:
    """A :class:`PlatformContext` over a :class:`MemoryDirectory` read from a JSON file.

    The file holds ``recipients`` and ``invoices`` (see :meth:`MemoryDirectory.from_dict`) and,
    optionally, ``supplier`` (``{"siret": ..., "kind": "public"|"private"}``) and
    ``duplicate_key`` (a list of :data:`KEY_PARTS` names). Raises ``OSError``, ``ValueError`` (bad JSON or values) or ``TypeError``.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TypeError("the directory file must hold a JSON object")
    supplier = data.get("supplier") or {}
    return PlatformContext(
        directory=MemoryDirectory.from_dict(data),
        supplier_siret=supplier.get("siret"),
        supplier_kind=SupplierKind(supplier["kind"]) if supplier.get("kind") else None,
        duplicate_key=tuple(data.get("duplicate_key") or DEFAULT_KEY),
    )
