"""Read-side queries for the portal: what a user may see. Every query starts from the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from facturier.accounts.models import User
from facturier.structures.models import Attachment, SpaceSubscription, StructureSpace
from facturier.structures.selectors import MANAGER_ROLES
from facturier.structures.spaces import MANAGER_SPACES, Space, SpaceMode

from .spaces import ALWAYS_VISIBLE

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
    # Names of the structures (validated attachments) that require two-factor authentication.
    two_factor_required_by: tuple[str, ...] = ()

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
    """Spaces come from the user's active subscriptions to spaces their structure has not closed;
    the manager space from a validated principal or secondary manager attachment (a subscription
    alone never opens it). A space a structure closed (``StructureSpace.is_open=False``) gives
    nothing until it is reopened; a structure with no row for a space has not closed it."""
    if user is None or not user.is_authenticated or user.is_technical:
        return PortalAccess()
    grants: dict[Space, list[SpaceGrant]] = {}
    closed = StructureSpace.objects.filter(
        structure_id=OuterRef("structure_id"), space=OuterRef("space"), is_open=False
    )
    subscriptions = (
        SpaceSubscription.objects.filter(user=user, status=SpaceSubscription.Status.ACTIVE)
        .exclude(Exists(closed))
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
    attachments = (
        Attachment.objects.filter(user=user, status=Attachment.Status.VALIDATED)
        .select_related("structure")
        .order_by("structure__name", "pk")
    )
    two_factor: list[str] = []
    for attachment in attachments:
        if attachment.structure.two_factor_required:
            two_factor.append(attachment.structure.name)
        if attachment.role in MANAGER_ROLES:
            grants.setdefault(Space.GESTIONNAIRE, []).append(
                SpaceGrant(attachment.structure_id, attachment.structure.name, SpaceMode.MODIFICATION)
            )
    return PortalAccess(
        grants={space: tuple(items) for space, items in grants.items()},
        authenticated=True,
        two_factor_required_by=tuple(two_factor),
    )


def user_subscriptions(*, user: User) -> QuerySet[SpaceSubscription]:
    return (
        SpaceSubscription.objects.filter(user=user)
        .select_related("structure")
        .order_by("structure__name", "space", "pk")
    )
