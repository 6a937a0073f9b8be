"""Domain errors of structures, services and connections (codes are stable; messages translatable)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from facturier.core.errors import DomainError, NotFound, ValidationFailed


class StructureNotFound(NotFound):
    code = "structure.not_found"
    libelle = "GSO_MSG_STRUCTURE_INEXISTANTE"
    default_message = _("La structure demandée n'existe pas ou ne vous est pas accessible.")


class ServiceNotFound(NotFound):
    code = "service.not_found"
    libelle = "GSO_MSG_SERVICE_INEXISTANT"
    default_message = _("Le service demandé n'existe pas ou n'appartient pas à cette structure.")


class StructureInactive(DomainError):
    """An inactive structure can neither send nor receive invoices (its data stay readable)."""

    code = "structure.inactive"
    http_status = 400
    chorus_code = 20003
    libelle = "GSO_MSG_STRUCTURE_INACTIVE"
    default_message = _(
        "La structure %(name)s est inactive : elle ne peut plus émettre ni recevoir de factures."
    )


class ServiceNotUsable(ValidationFailed):
    code = "service.not_usable"
    chorus_code = 20004
    libelle = "GSO_MSG_SERVICE_INUTILISABLE"
    default_message = _("Le service %(code)s ne peut pas recevoir de facture.")


class ReservedServiceRefused(ServiceNotUsable):
    code = "service.reserved_public"
    chorus_code = 20005
    libelle = "GSO_MSG_SERVICE_FACTURES_PUBLIQUES"
    default_message = _(
        "Le service FACTURES_PUBLIQUES est réservé aux factures entre entités publiques : un fournisseur "
        "privé ne peut pas l'utiliser. Indiquez un autre code service du destinataire."
    )
