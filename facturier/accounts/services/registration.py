"""Registration in a few minutes: an identifier, a login e-mail, a postal address; confirmed by a link.

``registration_submit`` creates an inactive user and keeps the structure's data aside;
``registration_confirm`` (the signed link) activates the user, then either creates the structure,
whose principal manager the user becomes, or files an attachment request to the existing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.audit.services import audit_log
from facturier.core.errors import Conflict, ValidationFailed
from facturier.structures import validators
from facturier.structures.models import Attachment, IdentifierType, Role, SpaceSubscription, Structure, StructureSpace
from facturier.structures.spaces import Space, SpaceMode

from ..emails import mail_user
from ..models import Registration, User

SALT = "facturier.accounts.registration"
# How long a confirmation link works. Past it, registering again sends a new one.
CONFIRM_MAX_AGE = getattr(settings, "FACTURIER_REGISTRATION_MAX_AGE", 3 * 24 * 3600)
# Spaces a structure created at registration opens; its principal manager gets them in modification.
NEW_STRUCTURE_SPACES = (Space.FACTURES_EMISES, Space.SUIVI_FLUX)


@dataclass(frozen=True)
class RegistrationData:
    email: str
    password: str
    first_name: str
    last_name: str
    identifier_type: str
    identifier: str
    structure_name: str
    address_line: str
    postal_code: str
    city: str
    country: str = "FR"
    vat_number: str = ""
    language: str = "fr"


def registration_errors(data: RegistrationData) -> dict[str, str]:
    """Every problem with the data, by field, each message saying what to fix (empty when valid)."""
    errors: dict[str, Any] = {}
    kind = data.identifier_type
    identifier = validators.compact(data.identifier)
    vat = validators.compact(data.vat_number)
    if kind not in IdentifierType.values:
        errors["identifier_type"] = _("Choisissez un type d'identifiant dans la liste.")
    elif not identifier:
        errors["identifier"] = _("Indiquez le numéro d'identification de la structure.")
    else:
        problem = _first_error(lambda: validators.validate_identifier(kind, identifier))
        if problem:
            errors["identifier"] = problem
        elif kind == IdentifierType.SIRET and vat:
            problem = _first_error(lambda: validators.validate_french_vat(vat, siren=identifier[:9]))
            if problem:
                errors["vat_number"] = problem
    # An account still waiting for its confirmation may register again: it gets a new link.
    if User.objects.filter(email=data.email.strip().lower()).exclude(
        registration__status=Registration.Status.PENDING
    ).exists():
        errors["email"] = _(
            "Un compte existe déjà avec cette adresse : connectez-vous, ou utilisez « Mot de passe oublié »."
        )
    for field in ("structure_name", "address_line", "postal_code", "city"):
        if not getattr(data, field).strip():
            errors[field] = _("Ce champ est obligatoire.")
    if kind == IdentifierType.SIRET and data.country.upper() != "FR":
        errors["country"] = _("Une structure identifiée par un SIRET a son siège en France (FR).")
    try:
        validate_password(data.password, User(email=data.email, first_name=data.first_name, last_name=data.last_name))
    except ValidationError as error:
        errors["password"] = " ".join(error.messages)
    return {field: str(message) for field, message in errors.items()}


def _first_error(check: Callable[[], object]) -> str | None:
    """The message of the structures validator's refusal (it says exactly what to fix), or None."""
    try:
        check()
    except ValidationError as error:
        return error.messages[0]
    return None


def existing_structure(*, identifier_type: str, identifier: str) -> Structure | None:
    return Structure.objects.filter(
        identifier_type=identifier_type, identifier=validators.compact(identifier)
    ).first()


def registration_submit(*, actor: User | None, data: RegistrationData, base_url: str) -> Registration:
    """Create the inactive account and mail the confirmation link.

    ``actor`` is ``None``: the visitor has no account yet; the journal records the new user as actor.
    ``base_url`` is the site's scheme and host, for the link in the e-mail.
    """
    errors = registration_errors(data)
    if errors:
        raise ValidationFailed(_("L'inscription contient des erreurs : corrigez les champs signalés."), details=errors)
    identifier = validators.compact(data.identifier)
    vat = validators.compact(data.vat_number)
    if data.identifier_type == IdentifierType.UE_HORS_FRANCE:
        vat = identifier
    language = data.language if data.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with transaction.atomic():
        user = User.objects.filter(email=data.email.strip().lower(), is_active=False).first()
        if user is None:
            user = User.objects.create_user(
                email=data.email.strip(),
                password=data.password,
                first_name=data.first_name.strip(),
                last_name=data.last_name.strip(),
                language=language,
                is_active=False,
            )
        else:  # registering again before confirming: the latest data and a new link win
            user.set_password(data.password)
            user.first_name, user.last_name, user.language = data.first_name.strip(), data.last_name.strip(), language
            user.save(update_fields=["password", "first_name", "last_name", "language"])
            Registration.objects.filter(user=user, status=Registration.Status.PENDING).delete()
        registration = Registration.objects.create(
            user=user,
            identifier_type=data.identifier_type,
            identifier=identifier,
            structure_name=data.structure_name.strip(),
            vat_number=vat,
            address_line=data.address_line.strip(),
            postal_code=data.postal_code.strip(),
            city=data.city.strip(),
            country=data.country.strip().upper()[:2] or "FR",
        )
        audit_log(
            actor=actor or user,
            action="account.registration.submitted",
            obj=user,
            data={"identifier_type": data.identifier_type, "identifier": identifier},
        )
        token = signing.dumps({"r": registration.pk, "e": user.email}, salt=SALT)
        mail_user(
            user=user,
            subject=_("Confirmez votre adresse e-mail pour activer votre compte facturier"),
            template="accounts/emails/registration_confirm.txt",
            context={
                "link": base_url.rstrip("/") + reverse("accounts:register_confirm", kwargs={"token": token}),
                "days": CONFIRM_MAX_AGE // 86400,
                "registration": registration,
            },
        )
    return registration


def registration_confirm(*, actor: User | None, token: str) -> Registration:
    """Activate the account behind a confirmation link, then create or join the structure.

    Following the link twice is harmless: the second time changes nothing.
    """
    try:
        payload = signing.loads(token, salt=SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationFailed(
            _("Ce lien de confirmation a expiré : inscrivez-vous à nouveau pour en recevoir un autre.")
        ) from error
    except signing.BadSignature as error:
        raise ValidationFailed(
            _("Ce lien de confirmation n'est pas valide : copiez-le en entier depuis l'e-mail reçu.")
        ) from error
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().select_related("user").filter(pk=payload.get("r")).first()
        )
        if registration is None or registration.user.email != payload.get("e"):
            raise ValidationFailed(_("Ce lien de confirmation ne correspond à aucune inscription en cours."))
        if registration.status == Registration.Status.CONFIRMED:
            return registration
        user = registration.user
        now = timezone.now()
        user.is_active = True
        user.email_confirmed_at = now
        user.save(update_fields=["is_active", "email_confirmed_at"])
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        audit_log(actor=actor or user, action="account.registration.confirmed", obj=user, data={})
        structure = existing_structure(
            identifier_type=registration.identifier_type, identifier=registration.identifier
        )
        if structure is None:
            _create_structure(user=user, registration=registration)
        else:
            from ..membership import attachment_request

            try:
                attachment_request(actor=user, structure=structure)
            except (Conflict, ValidationFailed):
                # An inactive structure or an earlier request: the account is active all the same, and
                # Mon compte shows where things stand.
                pass
    return registration


def _create_structure(*, user: User, registration: Registration) -> Structure:
    structure = Structure.objects.create(
        identifier_type=registration.identifier_type,
        identifier=registration.identifier,
        name=registration.structure_name,
        vat_number=registration.vat_number,
        address_line=registration.address_line,
        postal_code=registration.postal_code,
        city=registration.city,
        country=registration.country,
        email=user.email,
    )
    Attachment.objects.create(
        user=user,
        structure=structure,
        role=Role.PRINCIPAL_MANAGER,
        status=Attachment.Status.VALIDATED,
        decided_at=timezone.now(),
    )
    for space in NEW_STRUCTURE_SPACES:
        StructureSpace.objects.create(structure=structure, space=space, is_open=True)
        SpaceSubscription.objects.create(
            user=user, structure=structure, space=space, mode=SpaceMode.MODIFICATION,
            status=SpaceSubscription.Status.ACTIVE,
        )
    audit_log(
        actor=user,
        action="structure.created",
        obj=structure,
        data={"structure_id": structure.pk, "origin": "registration", "principal_manager": user.email},
    )
    return structure
