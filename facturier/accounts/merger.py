"""Merger by absorption, as a guided procedure (``Merger`` keeps the checklist):

1. ``merger_designate_manager``: the absorbing structure's final principal manager, attached to both;
2. ``merger_move_users``: every user of the absorbed structure gets the same rights in the absorbing one;
3. ``merger_finish``: the absorbed structure is inactivated and the role handed over.

The actor is principal manager of both structures at every step; the role changes hands last, so
the actor keeps the rights to finish.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.audit.services import audit_log
from facturier.core.errors import Conflict, ValidationFailed
from facturier.structures.models import Attachment, Structure
from facturier.structures.services import require_manager

from .membership import (
    _active_subscriptions,
    _grant,
    _valid_attachment,
    principal_manager_transfer,
)
from .models import Merger, User


def _require_merger_rights(actor: User, absorbing: Structure, absorbed: Structure) -> None:
    # Principal manager of both: the merger inactivates one and hands over the other's role.
    require_manager(actor=actor, structure=absorbing, principal_only=True)
    require_manager(actor=actor, structure=absorbed, principal_only=True)


def merger_start(*, actor: User, absorbing: Structure, absorbed: Structure) -> Merger:
    if absorbing.pk == absorbed.pk:
        raise ValidationFailed(_("Une structure ne peut pas s'absorber elle-même : choisissez deux structures."))
    _require_merger_rights(actor, absorbing, absorbed)
    for structure in (absorbing, absorbed):
        if not structure.is_active:
            raise ValidationFailed(_("La structure %(structure)s est déjà inactive."), structure=structure.name)
    busy = Merger.objects.filter(status=Merger.Status.IN_PROGRESS).filter(
        absorbed__in=[absorbing, absorbed]
    ) | Merger.objects.filter(status=Merger.Status.IN_PROGRESS, absorbing=absorbed)
    if busy.exists():
        raise Conflict(_("Une fusion est déjà en cours sur l'une de ces structures : terminez-la d'abord."))
    with transaction.atomic():
        merger = Merger.objects.create(absorbing=absorbing, absorbed=absorbed, started_by=actor)
        audit_log(actor=actor, action="merger.started", obj=merger,
                  data={"structure_ids": [absorbing.pk, absorbed.pk], "structure_id": absorbing.pk})
    return merger


def _lock_merger(actor: User, merger: Merger) -> Merger:
    merger = Merger.objects.select_for_update().select_related("absorbing", "absorbed").get(pk=merger.pk)
    _require_merger_rights(actor, merger.absorbing, merger.absorbed)
    if merger.status != Merger.Status.IN_PROGRESS:
        raise Conflict(_("Cette fusion est terminée."))
    return merger


def merger_designate_manager(*, actor: User, merger: Merger, manager: User) -> Merger:
    """Step 1: the principal manager the absorbing structure will have at the end."""
    with transaction.atomic():
        merger = _lock_merger(actor, merger)
        missing = [s.name for s in (merger.absorbing, merger.absorbed) if _valid_attachment(manager, s) is None]
        if missing:
            raise ValidationFailed(
                _("%(user)s doit être rattaché aux deux structures ; il ne l'est pas à %(structures)s."),
                user=manager.email,
                structures=", ".join(missing),
            )
        merger.final_manager = manager
        merger.manager_designated_at = timezone.now()
        merger.save(update_fields=["final_manager", "manager_designated_at"])
        audit_log(actor=actor, action="merger.manager.designated", obj=merger,
                  data={"structure_ids": [merger.absorbing_id, merger.absorbed_id],
                        "structure_id": merger.absorbing_id, "manager": manager.email})
    return merger


def merger_move_users(*, actor: User, merger: Merger) -> Merger:
    """Step 2: every user of the absorbed structure gets the same rights in the absorbing one."""
    with transaction.atomic():
        merger = _lock_merger(actor, merger)
        if merger.manager_designated_at is None:
            raise ValidationFailed(_("Désignez d'abord le gestionnaire principal final (étape 1)."))
        moved = []
        attachments = Attachment.objects.filter(
            structure=merger.absorbed, status=Attachment.Status.VALIDATED
        ).select_related("user").order_by("user__email")
        for attachment in attachments:
            _attachment, spaces = _grant(
                user=attachment.user,
                structure=merger.absorbing,
                role=attachment.role,
                services=(),
                subscriptions=_active_subscriptions(attachment.user, merger.absorbed_id),
            )
            moved.append({"user": attachment.user.email, "role": _attachment.role, "spaces": spaces})
        merger.users_moved = moved
        merger.users_moved_at = timezone.now()
        merger.save(update_fields=["users_moved", "users_moved_at"])
        audit_log(actor=actor, action="merger.users.moved", obj=merger,
                  data={"structure_ids": [merger.absorbing_id, merger.absorbed_id],
                        "structure_id": merger.absorbing_id, "users": moved})
    return merger


def _inactivate(*, actor: User, structure: Structure) -> None:
    # The structures app's service: it checks the actor is principal manager and audits
    # ``structure.inactivated``; invoices stay readable (facturier.structures.services).
    from facturier.structures.services import structure_inactivate

    structure_inactivate(actor=actor, structure=structure)


def merger_finish(*, actor: User, merger: Merger) -> Merger:
    """Step 3: inactivate the absorbed structure and hand the absorbing structure's principal-manager
    role to the designated user. Done last so the actor keeps their rights through every step."""
    with transaction.atomic():
        merger = _lock_merger(actor, merger)
        if merger.users_moved_at is None:
            raise ValidationFailed(_("Déplacez d'abord les utilisateurs (étape 2)."))
        _inactivate(actor=actor, structure=merger.absorbed)
        manager = merger.final_manager
        assert manager is not None  # step 1 is checked by step 2
        if manager.pk != actor.pk:
            principal_manager_transfer(actor=actor, structure=merger.absorbing, new_manager_email=manager.email)
        merger.absorbed_inactivated_at = timezone.now()
        merger.status = Merger.Status.DONE
        merger.save(update_fields=["absorbed_inactivated_at", "status"])
        audit_log(actor=actor, action="merger.completed", obj=merger,
                  data={"structure_ids": [merger.absorbing_id, merger.absorbed_id],
                        "structure_id": merger.absorbing_id, "final_manager": manager.email})
    return merger
