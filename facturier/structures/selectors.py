"""Read-side queries on structures. Every query starts from what the actor may see (STYLE.md §6).

Who sees what:

* a structure's *identity* (directory data: name, identifier, address, parameters, services) is
  visible to everybody when the structure is public, and otherwise to the users validly attached
  to it; a technical account sees its own structure as if attached to it with every space;
* a structure's *private data* (bank details, users, technical accounts, connections) only to the
  users attached to it, and writes only to its managers (see ``services``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from facturier.accounts.models import User

from .models import (
    ApiConnection,
    Attachment,
    BankAccount,
    Role,
    Service,
    SpaceSubscription,
    Structure,
    StructureSpace,
    TechnicalAccount,
)
from .spaces import MANAGER_SPACES, Space, SpaceMode

MANAGER_ROLES = (Role.PRINCIPAL_MANAGER, Role.SECONDARY_MANAGER)


def technical_account_of(*, user: User) -> TechnicalAccount | None:
    """The technical account of ``user``, None for a person. Read through the user's relation, so
    an account already loaded with the user (the API authentication and the EDI partner look-ups
    select it) costs no query, and a first look-up is cached on the user for the next callers."""
    if not getattr(user, "is_technical", False):
        return None
    return getattr(user, "technical_account", None)


def _technical_structure_id(actor: User) -> int | None:
    account = technical_account_of(user=actor)
    return account.structure_id if account is not None else None


def actor_structure_ids(
    *, actor: User | None, space: Space | None = None, modification: bool = False
) -> set[int]:
    """Structures ``actor`` is validly attached to (through ``space`` if given, in modification
    mode if asked). Inactive structures are included: their data stay readable.

    Through a space, a structure that closed it (``StructureSpace.is_open=False``) gives nothing,
    to a technical account of its own as to a subscriber (same rule as the portal's
    ``portal_access_for``); a structure with no row for the space has not closed it."""
    if actor is None or not actor.is_authenticated:
        return set()
    attachments = Attachment.objects.filter(user=actor, status=Attachment.Status.VALIDATED)
    if space is not None and Space(space) in MANAGER_SPACES:
        ids = set(attachments.filter(role__in=MANAGER_ROLES).values_list("structure_id", flat=True))
    elif space is not None:
        subscriptions = SpaceSubscription.objects.filter(
            user=actor, space=space, status=SpaceSubscription.Status.ACTIVE
        )
        if modification:
            subscriptions = subscriptions.filter(mode=SpaceMode.MODIFICATION)
        ids = set(
            attachments.filter(structure_id__in=subscriptions.values("structure_id")).values_list(
                "structure_id", flat=True
            )
        )
    else:
        ids = set(attachments.values_list("structure_id", flat=True))
    own = _technical_structure_id(actor)
    if own is not None:
        ids.add(own)
    if space is not None and Space(space) not in MANAGER_SPACES:
        ids -= set(
            StructureSpace.objects.filter(structure_id__in=ids, space=space, is_open=False).values_list(
                "structure_id", flat=True
            )
        )
    return ids


def managed_structure_ids(*, actor: User, principal_only: bool = False) -> set[int]:
    roles = (Role.PRINCIPAL_MANAGER,) if principal_only else MANAGER_ROLES
    if actor is None or not actor.is_authenticated:
        return set()
    return set(
        Attachment.objects.filter(user=actor, status=Attachment.Status.VALIDATED, role__in=roles).values_list(
            "structure_id", flat=True
        )
    )


def structure_open_spaces(*, structure: Structure) -> set[Space]:
    """The spaces ``structure`` has opened (a row with ``is_open``): users may subscribe to them."""
    return {
        Space(value)
        for value in StructureSpace.objects.filter(structure=structure, is_open=True).values_list("space", flat=True)
    }


def structure_list_visible(*, actor: User | None, restrict_private: bool = True) -> QuerySet[Structure]:
    """Structures ``actor`` may find: every public one, plus the private ones it is attached to.

    ``restrict_private=False`` is rechercherStructure's ``restreindreStructuresPrivees: false``
    (api.md S1): every structure, public and private — only their directory data are shown.
    """
    if not restrict_private:
        return Structure.objects.all()
    return Structure.objects.filter(
        Q(kind=Structure.Kind.PUBLIC) | Q(pk__in=actor_structure_ids(actor=actor))
    )


def structure_get_visible(*, actor: User | None, structure_id: int) -> Structure | None:
    return structure_list_visible(actor=actor).filter(pk=structure_id).first()


def structure_get_attached(*, actor: User | None, structure_id: int) -> Structure | None:
    """The structure if ``actor`` is attached to it (private data may then be shown)."""
    if structure_id not in actor_structure_ids(actor=actor):
        return None
    return Structure.objects.filter(pk=structure_id).first()


def service_list(*, structure: Structure) -> QuerySet[Service]:
    return structure.services.all()


def bank_account_list_valid(*, actor: User, structure_id: int) -> QuerySet[BankAccount]:
    """A structure's valid bank details, only for its users who issue its invoices (« Factures
    émises »: the supplier picks them on an invoice); they are private."""
    if structure_id not in actor_structure_ids(actor=actor, space=Space.FACTURES_EMISES):
        return BankAccount.objects.none()
    return BankAccount.objects.filter(structure_id=structure_id, is_active=True)


def bank_account_for_invoice(*, actor: User, structure_id: int, bank_id: int | None = None) -> BankAccount | None:
    """The bank details an invoice of the structure carries (BG-17): the valid ones named by
    ``bank_id`` (None when they are not among the structure's valid ones the actor may use), else
    the structure's only valid ones, else None (the caller may take them from the document)."""
    banks = bank_account_list_valid(actor=actor, structure_id=structure_id)
    if bank_id:
        return banks.filter(pk=bank_id).first()
    only = list(banks[:2])
    return only[0] if len(only) == 1 else None


def directory_search(
    *, siret: str = "", name: str = "", city: str = "", structure_type: str = ""
) -> QuerySet[Structure]:
    """The public directory of recipients: active public structures (no login needed)."""
    queryset = Structure.objects.filter(kind=Structure.Kind.PUBLIC, status=Structure.Status.ACTIVE)
    if siret.strip():
        queryset = queryset.filter(identifier__startswith="".join(siret.split()))
    if name.strip():
        queryset = queryset.filter(Q(name__icontains=name.strip()) | Q(label__icontains=name.strip()))
    if city.strip():
        value = city.strip()
        queryset = queryset.filter(Q(city__icontains=value) | Q(postal_code__startswith=value))
    return queryset.order_by("name", "pk")


def technical_account_list(*, actor: User, structure_ids: set[int]) -> QuerySet[TechnicalAccount]:
    return (
        TechnicalAccount.objects.filter(structure_id__in=structure_ids & actor_structure_ids(actor=actor))
        .select_related("user", "structure")
        .order_by("structure__name", "user__email")
    )


def api_connection_list(*, actor: User, structure_ids: set[int]) -> QuerySet[ApiConnection]:
    return (
        ApiConnection.objects.filter(structure_id__in=structure_ids & actor_structure_ids(actor=actor))
        .select_related("structure", "technical_account__user", "application")
        .order_by("structure__name", "-declared_at")
    )


def attachment_list_for_user(*, user: User) -> QuerySet[Attachment]:
    return (
        Attachment.objects.filter(user=user)
        .select_related("structure")
        .prefetch_related("services")
        .order_by("structure__name", "pk")
    )
