"""Read-side queries for the portal: what a user may see. Every query starts from the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from facturier.accounts.models import User
from facturier.structures.models import Attachment, Role, SpaceSubscription
from facturier.structures.spaces import MANAGER_SPACES, Space, SpaceMode

from .spaces import ALWAYS_VISIBLE

MANAGER_ROLES = (Role.PRINCIPAL_MANAGER, Role.SECONDARY_MANAGER)


@dataclass(frozen=True)
class SpaceGrant:
    """Access to one space through one structure."""

    structure_id: int
    structure_name: str
    mode: str  # a SpaceMode value

    @property
    def can_modify(self) -> bool:
        return self.mode == SpaceMode.MODIFICATION


@dataclass(frozen=True)
class PortalAccess:
    """What one user may see in the portal, computed once per request (two queries)."""

    grants: dict[Space, tuple[SpaceGrant, ...]] = field(default_factory=dict)
    authenticated: bool = False

    def spaces(self) -> list[Space]:
        """The visible spaces, in the order they are declared."""
        return [space for space in Space if self.can_see(space)]

    def can_see(self, space: Space | str) -> bool:
        space = Space(space)
        if not self.authenticated:
            return False
        return space in ALWAYS_VISIBLE or bool(self.grants.get(space))

    def can_modify(self, space: Space | str) -> bool:
        space = Space(space)
        if space in ALWAYS_VISIBLE:
            return self.authenticated
        return any(grant.can_modify for grant in self.grants.get(space, ()))

    def structure_ids(self, space: Space | str, *, modification: bool = False) -> set[int]:
        """The structures through which the user reaches ``space`` (in modification mode if asked)."""
        return {
            grant.structure_id
            for grant in self.grants.get(Space(space), ())
            if grant.can_modify or not modification
        }


def portal_access_for(*, user: User | None) -> PortalAccess:
    """Spaces come from the user's active subscriptions; the manager space from a validated
    principal or secondary manager attachment (a subscription alone never opens it)."""
    if user is None or not user.is_authenticated or user.is_technical:
        return PortalAccess()
    grants: dict[Space, list[SpaceGrant]] = {}
    subscriptions = (
        SpaceSubscription.objects.filter(user=user, status=SpaceSubscription.Status.ACTIVE)
        .select_related("structure")
        .order_by("structure__name", "pk")
    )
    for subscription in subscriptions:
        space = Space(subscription.space)
        if space in MANAGER_SPACES:
            continue
        grants.setdefault(space, []).append(
            SpaceGrant(subscription.structure_id, subscription.structure.name, subscription.mode)
        )
    managed = (
        Attachment.objects.filter(user=user, status=Attachment.Status.VALIDATED, role__in=MANAGER_ROLES)
        .select_related("structure")
        .order_by("structure__name", "pk")
    )
    for attachment in managed:
        grants.setdefault(Space.GESTIONNAIRE, []).append(
            SpaceGrant(attachment.structure_id, attachment.structure.name, SpaceMode.MODIFICATION)
        )
    return PortalAccess(grants={space: tuple(items) for space, items in grants.items()}, authenticated=True)


def user_attachments(*, user: User) -> QuerySet[Attachment]:
    return Attachment.objects.filter(user=user).select_related("structure").order_by("structure__name", "pk")


def user_subscriptions(*, user: User) -> QuerySet[SpaceSubscription]:
    return (
        SpaceSubscription.objects.filter(user=user)
        .select_related("structure")
        .order_by("structure__name", "space", "pk")
    )
