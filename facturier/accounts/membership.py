"""Who belongs to which structure, with which role, in which spaces: attachment requests and their
decisions, spaces opened by a structure and users' subscriptions, and the manager operations
(transfer of the principal-manager role, duplication of rights, merger by absorption).

Opening and closing a structure's spaces is ``facturier.structures.services.structure_open_space``
/ ``structure_close_space`` (both the manager's spaces page and the structure page call them).

Every function takes the acting user explicitly, checks what that user may do, writes in one
transaction and appends to the audit journal (STYLE.md §2, §3, §5). Audit entries about a structure
carry ``structure_id`` (and ``structure_ids`` when several are involved) in their data: the
manager's history is read from there (``selectors.manager_history``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.audit.services import audit_log
from facturier.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from facturier.structures.selectors import managed_structure_ids
from facturier.structures.selectors import structure_open_spaces as open_spaces
from facturier.structures.models import Attachment, Role, Service, SpaceSubscription, Structure
from facturier.structures.services import check_subscribable as _check_subscribable
from facturier.structures.services import require_manager
from facturier.structures.spaces import NOT_SUBSCRIBABLE, SPACES_WITHOUT_APPROVAL, Space, SpaceMode

from .emails import mail_user
from .models import User

_ROLE_RANK = {Role.USER: 0, Role.SECONDARY_MANAGER: 1, Role.PRINCIPAL_MANAGER: 2}


def _valid_attachment(user: User, structure: Structure) -> Attachment | None:
    return Attachment.objects.filter(
        user=user, structure=structure, status=Attachment.Status.VALIDATED
    ).first()


# --- attachment requests -----------------------------------------------------------------------


def attachment_request(
    *, actor: User, structure: Structure, services: Iterable[Service] = (), comment: str = ""
) -> Attachment:
    """The actor asks to be attached to ``structure`` (optionally to some of its services)."""
    if actor.is_technical:
        raise PermissionDenied(_("Un compte technique ne peut pas demander de rattachement."))
    if not structure.is_active:
        raise ValidationFailed(
            _("La structure %(structure)s est inactive : elle n'accepte plus de rattachement."),
            structure=structure.name,
        )
    services = list(services)
    foreign = [service for service in services if service.structure_id != structure.pk or not service.is_active]
    if foreign:
        raise ValidationFailed(
            _("Le service %(service)s n'est pas un service actif de cette structure."), service=foreign[0].code
        )
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().filter(user=actor, structure=structure).first()
        if attachment is not None and attachment.status == Attachment.Status.VALIDATED:
            raise Conflict(_("Vous êtes déjà rattaché à %(structure)s."), structure=structure.name)
        if attachment is not None and attachment.status == Attachment.Status.PENDING:
            raise Conflict(
                _("Votre demande de rattachement à %(structure)s attend déjà la décision d'un gestionnaire."),
                structure=structure.name,
            )
        if attachment is None:
            attachment = Attachment.objects.create(
                user=actor, structure=structure, role=Role.USER, comment=comment[:255]
            )
        else:  # a refused or inactive attachment: ask again
            attachment.status = Attachment.Status.PENDING
            attachment.role = Role.USER
            attachment.comment = comment[:255]
            attachment.requested_at = timezone.now()
            attachment.decided_at = None
            attachment.save(update_fields=["status", "role", "comment", "requested_at", "decided_at"])
        attachment.services.set(services)
        audit_log(
            actor=actor,
            action="attachment.requested",
            obj=attachment,
            data={"structure_id": structure.pk, "services": [service.code for service in services]},
        )
    return attachment


def _decide_attachment(*, actor: User, attachment: Attachment, accept: bool, comment: str) -> Attachment:
    target = Attachment.Status.VALIDATED if accept else Attachment.Status.REFUSED
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().select_related("structure", "user").get(
            pk=attachment.pk
        )
        require_manager(actor=actor, structure=attachment.structure)
        if attachment.status == target:
            return attachment  # replaying the decision is harmless
        if attachment.status != Attachment.Status.PENDING:
            raise Conflict(
                _("Cette demande a déjà été traitée (%(status)s)."), status=attachment.get_status_display()
            )
        attachment.status = target
        attachment.comment = comment[:255]
        attachment.decided_at = timezone.now()
        attachment.save(update_fields=["status", "comment", "decided_at"])
        audit_log(
            actor=actor,
            action="attachment.validated" if accept else "attachment.refused",
            obj=attachment,
            data={"structure_id": attachment.structure_id, "user_id": attachment.user_id, "comment": comment},
        )
        mail_user(
            user=attachment.user,
            subject=_("Votre demande de rattachement à %(structure)s a été acceptée")
            if accept
            else _("Votre demande de rattachement à %(structure)s a été refusée"),
            subject_params={"structure": attachment.structure.name},
            template="accounts/emails/attachment_decision.txt",
            context={"attachment": attachment, "accepted": accept, "comment": comment},
        )
    return attachment


def attachment_validate(*, actor: User, attachment: Attachment, comment: str = "") -> Attachment:
    return _decide_attachment(actor=actor, attachment=attachment, accept=True, comment=comment)


def attachment_refuse(*, actor: User, attachment: Attachment, comment: str) -> Attachment:
    if not comment.strip():
        raise ValidationFailed(_("Dites au demandeur pourquoi vous refusez : le commentaire est obligatoire."))
    return _decide_attachment(actor=actor, attachment=attachment, accept=False, comment=comment.strip())


# --- spaces ------------------------------------------------------------------------------------


def subscription_request(
    *, actor: User, structure: Structure, space: Space | str, mode: SpaceMode | str
) -> SpaceSubscription:
    """Subscribe to a structure's space. Managers approve, except for the spaces that need no approval
    (``SPACES_WITHOUT_APPROVAL``) and for the structure's own managers."""
    space = _check_subscribable(space)
    mode = SpaceMode(mode)
    if _valid_attachment(actor, structure) is None:
        raise PermissionDenied(
            _("Rattachez-vous d'abord à %(structure)s : seul un utilisateur rattaché peut s'abonner à ses espaces."),
            structure=structure.name,
        )
    if space not in open_spaces(structure=structure):
        raise ValidationFailed(
            _("%(structure)s n'a pas ouvert l'espace %(space)s : demandez-le à son gestionnaire."),
            structure=structure.name,
            space=space.label,
        )
    automatic = space in SPACES_WITHOUT_APPROVAL or structure.pk in managed_structure_ids(actor=actor)
    status = SpaceSubscription.Status.ACTIVE if automatic else SpaceSubscription.Status.PENDING
    with transaction.atomic():
        subscription = (
            SpaceSubscription.objects.select_for_update().filter(user=actor, structure=structure, space=space).first()
        )
        if subscription is not None and subscription.mode == mode and subscription.status in (
            SpaceSubscription.Status.ACTIVE,
            SpaceSubscription.Status.PENDING,
        ):
            return subscription  # asking again for the same thing changes nothing
        if subscription is None:
            subscription = SpaceSubscription.objects.create(
                user=actor, structure=structure, space=space, mode=mode, status=status
            )
        else:
            subscription.mode, subscription.status, subscription.requested_at = mode, status, timezone.now()
            subscription.save(update_fields=["mode", "status", "requested_at"])
        audit_log(
            actor=actor,
            action="subscription.requested",
            obj=subscription,
            data={"structure_id": structure.pk, "space": space.value, "mode": mode.value, "status": status.value},
        )
    return subscription


def _decide_subscription(
    *, actor: User, subscription: SpaceSubscription, accept: bool, comment: str
) -> SpaceSubscription:
    target = SpaceSubscription.Status.ACTIVE if accept else SpaceSubscription.Status.REFUSED
    with transaction.atomic():
        subscription = SpaceSubscription.objects.select_for_update().select_related("structure", "user").get(
            pk=subscription.pk
        )
        require_manager(actor=actor, structure=subscription.structure)
        if subscription.status == target:
            return subscription
        if subscription.status != SpaceSubscription.Status.PENDING:
            raise Conflict(
                _("Cette demande a déjà été traitée (%(status)s)."), status=subscription.get_status_display()
            )
        subscription.status = target
        subscription.save(update_fields=["status"])
        audit_log(
            actor=actor,
            action="subscription.approved" if accept else "subscription.refused",
            obj=subscription,
            data={
                "structure_id": subscription.structure_id,
                "user_id": subscription.user_id,
                "space": subscription.space,
                "mode": subscription.mode,
                "comment": comment,
            },
        )
        mail_user(
            user=subscription.user,
            subject=_("Votre abonnement à l'espace %(space)s a été accepté")
            if accept
            else _("Votre abonnement à l'espace %(space)s a été refusé"),
            subject_params={"space": Space(subscription.space).label},
            template="accounts/emails/subscription_decision.txt",
            context={"subscription": subscription, "accepted": accept, "comment": comment},
        )
    return subscription


def subscription_approve(*, actor: User, subscription: SpaceSubscription, comment: str = "") -> SpaceSubscription:
    return _decide_subscription(actor=actor, subscription=subscription, accept=True, comment=comment)


def subscription_refuse(*, actor: User, subscription: SpaceSubscription, comment: str) -> SpaceSubscription:
    if not comment.strip():
        raise ValidationFailed(_("Dites au demandeur pourquoi vous refusez : le commentaire est obligatoire."))
    return _decide_subscription(actor=actor, subscription=subscription, accept=False, comment=comment.strip())


# --- manager operations ------------------------------------------------------------------------


def principal_manager_transfer(*, actor: User, structure: Structure, new_manager_email: str) -> Attachment:
    """Hand the principal-manager role to a user already attached; the actor becomes a plain user."""
    email = (new_manager_email or "").strip().lower()
    with transaction.atomic():
        Structure.objects.select_for_update().filter(pk=structure.pk).first()
        require_manager(actor=actor, structure=structure, principal_only=True)
        new_manager = User.objects.filter(email=email, kind=User.Kind.PERSON).first()
        if new_manager is None:
            raise NotFound(_("Aucun compte n'a l'identifiant de connexion %(email)s."), email=email)
        if new_manager.pk == actor.pk:
            raise ValidationFailed(_("Vous êtes déjà le gestionnaire principal : choisissez un autre utilisateur."))
        attachment = Attachment.objects.select_for_update().filter(
            user=new_manager, structure=structure, status=Attachment.Status.VALIDATED
        ).first()
        if attachment is None:
            raise ValidationFailed(
                _(
                    "%(email)s n'est pas rattaché à %(structure)s : le nouveau gestionnaire principal doit "
                    "d'abord y être rattaché (rattachement validé)."
                ),
                email=email,
                structure=structure.name,
            )
        previous = Attachment.objects.select_for_update().get(
            user=actor, structure=structure, role=Role.PRINCIPAL_MANAGER
        )
        previous.role = Role.USER
        previous.save(update_fields=["role"])
        attachment.role = Role.PRINCIPAL_MANAGER
        attachment.save(update_fields=["role"])
        audit_log(
            actor=actor,
            action="structure.principal_manager.transferred",
            obj=structure,
            data={"structure_id": structure.pk, "from_user_id": actor.pk, "to_user_id": new_manager.pk,
                  "to": new_manager.email},
        )
    return attachment


def _grant(
    *, user: User, structure: Structure, role: str, services: Sequence[Service], subscriptions: Sequence[SpaceSubscription]
) -> tuple[Attachment, list[str]]:
    """Give ``user`` at least ``role`` in ``structure`` and the given subscriptions' spaces and modes.

    Never demotes and never makes a second principal manager: a copied principal role becomes
    secondary manager. Returns the attachment and the spaces granted.
    """
    role = Role.SECONDARY_MANAGER if role == Role.PRINCIPAL_MANAGER else Role(role)
    attachment = Attachment.objects.select_for_update().filter(user=user, structure=structure).first()
    now = timezone.now()
    if attachment is None:
        attachment = Attachment.objects.create(
            user=user, structure=structure, role=role, status=Attachment.Status.VALIDATED, decided_at=now
        )
    else:
        if attachment.status != Attachment.Status.VALIDATED or _ROLE_RANK[Role(attachment.role)] < _ROLE_RANK[role]:
            if _ROLE_RANK[Role(attachment.role)] < _ROLE_RANK[role]:
                attachment.role = role
            if attachment.status != Attachment.Status.VALIDATED:
                attachment.status, attachment.decided_at = Attachment.Status.VALIDATED, now
            attachment.save(update_fields=["role", "status", "decided_at"])
    if services:
        attachment.services.add(*services)
    granted = []
    for source in subscriptions:
        existing = SpaceSubscription.objects.select_for_update().filter(
            user=user, structure=structure, space=source.space
        ).first()
        if existing is None:
            SpaceSubscription.objects.create(
                user=user, structure=structure, space=source.space, mode=source.mode,
                status=SpaceSubscription.Status.ACTIVE,
            )
        else:
            keep_modification = existing.status == SpaceSubscription.Status.ACTIVE and (
                existing.mode == SpaceMode.MODIFICATION
            )
            existing.mode = SpaceMode.MODIFICATION if keep_modification else source.mode
            existing.status = SpaceSubscription.Status.ACTIVE
            existing.save(update_fields=["mode", "status"])
        granted.append(f"{source.space}:{source.mode}")
    return attachment, granted


def _active_subscriptions(user: User, structure_id: int) -> list[SpaceSubscription]:
    return list(
        SpaceSubscription.objects.filter(
            user=user, structure_id=structure_id, status=SpaceSubscription.Status.ACTIVE
        ).exclude(space__in=[space.value for space in NOT_SUBSCRIBABLE])
    )


def rights_duplicate(
    *, actor: User, source: User, target: User, structure_ids: Iterable[int] | None = None
) -> list[Attachment]:
    """Copy ``source``'s validated attachments (and their active subscriptions) to ``target``.

    ``structure_ids`` narrows the copy to some of the source's structures. The actor must manage
    every structure copied, and the target must already be known to one of the actor's structures
    (attached, even with a pending request).
    """
    if source.pk == target.pk:
        raise ValidationFailed(_("Choisissez deux utilisateurs différents."))
    if target.is_technical or not target.is_active:
        raise ValidationFailed(_("Les droits ne se copient que vers un compte personnel actif."))
    managed = managed_structure_ids(actor=actor)
    attachments = Attachment.objects.filter(user=source, status=Attachment.Status.VALIDATED).select_related(
        "structure"
    )
    if structure_ids is not None:
        wanted = set(structure_ids)
        attachments = attachments.filter(structure_id__in=wanted)
    attachments = list(attachments)
    if not attachments:
        raise ValidationFailed(_("%(user)s n'a aucun rattachement valide à copier."), user=source.email)
    unmanaged = [a.structure.name for a in attachments if a.structure_id not in managed]
    if unmanaged:
        raise PermissionDenied(
            _("Vous ne gérez pas %(structures)s : décochez ces structures ou demandez à leur gestionnaire."),
            structures=", ".join(unmanaged),
        )
    if not Attachment.objects.filter(user=target, structure_id__in=managed).exists():
        raise PermissionDenied(
            _("%(user)s n'est rattaché à aucune de vos structures : il doit d'abord demander un rattachement."),
            user=target.email,
        )
    copied, granted = [], {}
    with transaction.atomic():
        for attachment in attachments:
            new, spaces = _grant(
                user=target,
                structure=attachment.structure,
                role=attachment.role,
                services=list(attachment.services.all()),
                subscriptions=_active_subscriptions(source, attachment.structure_id),
            )
            copied.append(new)
            granted[str(attachment.structure_id)] = spaces
        audit_log(
            actor=actor,
            action="user.rights.duplicated",
            obj=target,
            data={
                "structure_ids": sorted(a.structure_id for a in attachments),
                "source_user_id": source.pk,
                "source": source.email,
                "target_user_id": target.pk,
                "subscriptions": granted,
            },
        )
    return copied
