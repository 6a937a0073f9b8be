"""Technical accounts, API applications (the developer area) and API connections (raccordements)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.generators import generate_client_id
from oauth2_provider.models import get_application_model

from facturier.accounts.emails import mail_user
from facturier.accounts.models import User
from facturier.accounts.services import user_set_password
from facturier.audit.models import AuditEntry
from facturier.audit.services import audit_log
from facturier.core.errors import Conflict, PermissionDenied, ValidationFailed

from ..models import ApiConnection, Attachment, Role, Structure, TechnicalAccount
from ..selectors import actor_structure_ids
from ..spaces import Space
from ._common import field_errors, require_manager


def _check_password(password: str, user: User | None = None) -> None:
    with field_errors("password"):
        validate_password(password, user)


def technical_account_create(
    *, actor: User, structure: Structure, login: str, password: str
) -> TechnicalAccount:
    """A principal manager creates a technical account (login + password) for API or EDI use."""
    login = (login or "").strip().lower()
    with field_errors("login"):
        validate_email(login)
    _check_password(password)
    with transaction.atomic():
        require_manager(actor=actor, structure=structure, principal_only=True)
        if User.objects.filter(email=login).exists():
            raise ValidationFailed(
                _("L'identifiant %(login)s est déjà utilisé : choisissez-en un autre."), login=login
            )
        user = User.objects.create_user(
            login, password, kind=User.Kind.TECHNICAL, first_name="API", last_name=structure.name[:150]
        )
        account = TechnicalAccount.objects.create(user=user, structure=structure, created_by=actor)
        audit_log(
            actor=actor, action="technical_account.created", obj=account, data={"structure": structure.pk}
        )
    return account


def technical_account_reset_password(
    *, actor: User, technical_account: TechnicalAccount, password: str
) -> TechnicalAccount:
    """Only the principal manager resets a technical password; it then lasts 424 days again."""
    _check_password(password, technical_account.user)
    with transaction.atomic():
        require_manager(actor=actor, structure=technical_account.structure, principal_only=True)
        user_set_password(
            user=technical_account.user, actor=actor, password=password, reason="technical_reset"
        )
        audit_log(actor=actor, action="technical_account.password_reset", obj=technical_account)
    return technical_account


def api_application_register(*, actor: User, name: str) -> tuple[Any, str]:
    """Register an API application in the developer area; returns it with its plaintext secret,
    shown once (only its hash is stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Donnez un nom à l'application."))
    if len(name) > 255:
        raise ValidationFailed(_("Le nom de l'application compte au plus 255 caractères."))
    if actor.is_technical:
        raise PermissionDenied()
    application_model = get_application_model()
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        if application_model.objects.filter(name=name, user=actor).exists():
            raise ValidationFailed(_("Vous avez déjà une application nommée « %(name)s »."), name=name)
        application = application_model.objects.create(
            name=name,
            client_id=generate_client_id(),
            client_secret=secret,
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
            user=actor,
        )
        audit_log(actor=actor, action="api.application.registered", obj=application, data={"name": name})
    return application, secret


def _find_application(*, name: str, actor: User) -> Any:
    """The application whose name is exactly ``name`` (case-sensitive, as PISTE compares it)."""
    candidates = [app for app in get_application_model().objects.filter(name=name) if app.name == name]
    if len(candidates) > 1:
        candidates = [app for app in candidates if app.user_id == actor.pk]
    if not candidates:
        raise ValidationFailed(
            _(
                "Aucune application ne s'appelle exactement « %(name)s ». Le nom doit être identique à "
                "celui de l'application enregistrée dans l'espace développeur, majuscules et minuscules comprises."
            ),
            name=name,
            details={"application_name": [str(_("Application introuvable."))]},
        )
    if len(candidates) > 1:
        raise ValidationFailed(
            _("Plusieurs applications s'appellent « %(name)s » : renommez la vôtre pour la distinguer."),
            name=name,
        )
    return candidates[0]


def api_connection_declare(
    *,
    actor: User,
    structure: Structure,
    application_name: str,
    technical_account: TechnicalAccount,
    usage_type: str,
    environment: str,
    partner_name: str = "",
) -> ApiConnection:
    """Declare an API connection for ``structure`` (needs the « Raccordement EDI & API » space in
    modification mode, or a manager role). It waits for the principal manager's validation."""
    if structure.pk not in actor_structure_ids(actor=actor, space=Space.RACCORDEMENT, modification=True):
        require_manager(actor=actor, structure=structure)
    if technical_account.structure_id != structure.pk:
        raise ValidationFailed(
            _("Le compte technique %(login)s n'appartient pas à la structure %(name)s."),
            login=technical_account.user.email,
            name=structure.name,
        )
    if usage_type not in ApiConnection.UsageType.values:
        raise ValidationFailed(_("Type d'usage inconnu : %(value)s."), value=usage_type)
    if environment not in ApiConnection.Environment.values:
        raise ValidationFailed(_("Environnement inconnu : %(value)s."), value=environment)
    partner_name = (partner_name or "").strip()
    if usage_type != ApiConnection.UsageType.OWN_USE and not partner_name:
        raise ValidationFailed(
            _(
                "Indiquez le nom de l'éditeur ou de l'opérateur de dématérialisation dont vous utilisez la solution."
            ),
            details={"partner_name": [str(_("Obligatoire pour ce type d'usage."))]},
        )
    application = _find_application(name=application_name, actor=actor)
    with transaction.atomic():
        if ApiConnection.objects.filter(
            application=application, technical_account=technical_account, environment=environment
        ).exists():
            raise ValidationFailed(
                _(
                    "Ce raccordement est déjà déclaré pour cette application, ce compte technique et cet environnement."
                )
            )
        connection = ApiConnection.objects.create(
            structure=structure,
            application=application,
            application_name=application_name,
            technical_account=technical_account,
            usage_type=usage_type,
            partner_name=partner_name,
            environment=environment,
            declared_by=actor,
        )
        audit_log(
            actor=actor,
            action="api.connection.declared",
            obj=connection,
            data={
                "structure": structure.pk,
                "application": application.pk,
                "usage_type": usage_type,
                "environment": environment,
            },
        )
    return connection


def _connection_transition(
    *, actor: User, connection: ApiConnection, allowed_from: set[str], to: str, action: str
) -> ApiConnection:
    with transaction.atomic():
        connection = (
            ApiConnection.objects.select_for_update().select_related("structure").get(pk=connection.pk)
        )
        require_manager(actor=actor, structure=connection.structure, principal_only=True)
        if connection.status == to:
            return connection
        if connection.status not in allowed_from:
            raise Conflict(
                _("Ce raccordement est « %(status)s » : cette action n'est pas possible."),
                status=connection.get_status_display(),
            )
        connection.status = to
        fields = ["status"]
        if to == ApiConnection.Status.ACTIVE:
            connection.validated_by = actor
            connection.validated_at = timezone.now()
            fields += ["validated_by", "validated_at"]
        connection.save(update_fields=fields)
        audit_log(actor=actor, action=action, obj=connection)
    return connection


def api_connection_validate(*, actor: User, connection: ApiConnection) -> ApiConnection:
    """The principal manager validates a declared connection: it becomes ACTIF."""
    return _connection_transition(
        actor=actor,
        connection=connection,
        allowed_from={ApiConnection.Status.PENDING, ApiConnection.Status.INACTIVE},
        to=ApiConnection.Status.ACTIVE,
        action="api.connection.validated",
    )


def api_connection_deactivate(*, actor: User, connection: ApiConnection) -> ApiConnection:
    return _connection_transition(
        actor=actor,
        connection=connection,
        allowed_from={ApiConnection.Status.PENDING, ApiConnection.Status.ACTIVE},
        to=ApiConnection.Status.INACTIVE,
        action="api.connection.deactivated",
    )


def technical_passwords_warn_expiry(*, now: datetime | None = None) -> int:
    """Warn the principal managers, by e-mail, of every technical password that expires within
    ``TechnicalAccount.PASSWORD_WARNING_DAYS`` (15) days; return how many accounts were warned.

    Run daily (``structures.warn_technical_passwords``). Each password is warned about once: the
    journal entry ``technical_account.password_expiry_warned`` records the expiry it announced, so
    a replay changes nothing, and a reset (new expiry) warns again 409 days later.
    """
    now = now or timezone.now()
    horizon = now + timedelta(days=TechnicalAccount.PASSWORD_WARNING_DAYS)
    lifetime = timedelta(days=TechnicalAccount.PASSWORD_LIFETIME_DAYS)
    accounts = TechnicalAccount.objects.filter(
        user__is_active=True,
        user__password_changed_at__lte=horizon - lifetime,
        user__password_changed_at__gt=now - lifetime,  # already expired: the API says so itself
    ).select_related("user", "structure")
    warned = 0
    for account in accounts:
        expires = account.password_expires_at.isoformat()
        if AuditEntry.objects.for_object(account).filter(
            action="technical_account.password_expiry_warned", data__expires_at=expires
        ).exists():
            continue
        managers = User.objects.filter(
            attachments__structure=account.structure,
            attachments__status=Attachment.Status.VALIDATED,
            attachments__role=Role.PRINCIPAL_MANAGER,
            is_active=True,
        )
        with transaction.atomic():
            for manager in managers:
                mail_user(
                    user=manager,
                    subject=_("Le mot de passe du compte technique %(login)s expire le %(date)s"),
                    subject_params={
                        "login": account.user.email,
                        "date": formats.date_format(account.password_expires_at, "SHORT_DATE_FORMAT"),
                    },
                    template="structures/emails/technical_password_expiry.txt",
                    context={"account": account, "structure": account.structure},
                )
            audit_log(
                actor=None,
                action="technical_account.password_expiry_warned",
                obj=account,
                data={"structure_id": account.structure_id, "expires_at": expires,
                      "managers": [manager.email for manager in managers]},
            )
        warned += 1
    return warned
