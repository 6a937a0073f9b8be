"""Writes on user accounts. Each function takes the acting user explicitly (STYLE.md §2) and
records what matters in the audit journal, in the same transaction as the change."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.audit.services import audit_log
from facturier.core.errors import PermissionDenied, ValidationFailed

from ..models import NotificationFrequency, User


def user_set_language(*, user: User, actor: User, language: str) -> User:
    """Remember the language the user picked; the middleware applies it at each request.

    Not audited: it is a display preference, not a change of rights or data.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Langue inconnue : %(language)s"), language=language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_set_password(*, user: User, actor: User, password: str, reason: str) -> User:
    """Set a new password (already validated by the form) and date it.

    ``reason`` says how: ``"reset"`` (link sent by e-mail) or ``"change"`` (from the account page).
    The date matters: technical accounts' passwords expire a fixed number of days after it.
    """
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit_log(actor=actor, action="account.password.changed", obj=user, data={"reason": reason})
    return user


def user_record_login(*, user: User) -> None:
    """A portal session was opened (the API authenticates each call and records nothing here)."""
    audit_log(actor=user, action="auth.login", obj=user, data={"channel": "portal"})


def user_record_logout(*, user: User) -> None:
    audit_log(actor=user, action="auth.logout", obj=user, data={"channel": "portal"})


PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "contact_email",
    "language",
    "notifications_enabled",
    "notification_frequency",
)


def user_update_profile(*, actor: User, user: User, **changes: object) -> User:
    """Change the account's personal information and preferences (``PROFILE_FIELDS`` only).

    The login e-mail is not among them: it identifies the account; notifications go to the contact
    e-mail, which may differ.
    """
    if actor.pk != user.pk:
        raise PermissionDenied(_("Chacun modifie ses propres informations."))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if "language" in changes and changes["language"] not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Langue inconnue : %(language)s"), language=changes["language"])
    if "notification_frequency" in changes and changes["notification_frequency"] not in NotificationFrequency.values:
        raise ValidationFailed(_("Choisissez une fréquence quotidienne ou hebdomadaire."))
    changed = [field for field, value in changes.items() if getattr(user, field) != value]
    if not changed:
        return user
    with transaction.atomic():
        for field in changed:
            setattr(user, field, changes[field])
        user.save(update_fields=changed)
        audit_log(actor=actor, action="account.profile.updated", obj=user, data={"fields": sorted(changed)})
    return user
