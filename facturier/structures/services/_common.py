"""Helpers shared by the structure services: permission checks and validation wrapping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from facturier.accounts.models import User
from facturier.core.errors import PermissionDenied, ValidationFailed

from ..models import Attachment, Role, Structure
from ..selectors import MANAGER_ROLES


def require_manager(*, actor: User, structure: Structure, principal_only: bool = False) -> None:
    """Only a validly attached manager (principal, or secondary unless ``principal_only``) may
    change a structure; the error says which role is needed."""
    roles = (Role.PRINCIPAL_MANAGER,) if principal_only else MANAGER_ROLES
    allowed = Attachment.objects.filter(
        user=actor, structure=structure, status=Attachment.Status.VALIDATED, role__in=roles
    ).exists()
    if not allowed:
        if principal_only:
            raise PermissionDenied(
                _("Seul le gestionnaire principal de la structure %(name)s peut faire cette action."),
                name=structure.name,
            )
        raise PermissionDenied(
            _("Seuls les gestionnaires de la structure %(name)s peuvent faire cette action."),
            name=structure.name,
        )


@contextmanager
def field_errors(field: str) -> Iterator[None]:
    """Turn a validator's ValidationError into ValidationFailed naming the field."""
    try:
        yield
    except ValidationError as error:
        messages = [str(message) for message in error.messages]
        raise ValidationFailed(messages[0], details={field: messages}) from None


def checked(field: str, validator: Callable[[str], Any], value: str) -> Any:
    with field_errors(field):
        return validator(value)
