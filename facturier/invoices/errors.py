"""Domain errors of invoices (stable codes, translatable messages, Chorus envelope codes)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from facturier.core.errors import Conflict, DomainError, NotFound, ValidationFailed


class InvoiceImmutable(DomainError):
    """An issued invoice is a legal record: it is never deleted nor rewritten (STYLE.md §4)."""

    code = "invoice.immutable"
    http_status = 409
    chorus_code = 20002
    libelle = "GDP_MSG_FACTURE_IMMUABLE"
    default_message = _(
        "Une facture déposée ne peut être ni supprimée ni modifiée ; émettez un avoir ou une nouvelle facture."
    )


class IllegalTransition(Conflict):
    code = "invoice.illegal_transition"
    libelle = "GDP_MSG_TRANSITION_INTERDITE"
    default_message = _("La facture est au statut %(current)s : elle ne peut pas passer au statut %(target)s.")


class InvoiceNotFound(NotFound):
    code = "invoice.not_found"
    libelle = "GDP_MSG_11.008"
    default_message = _("La demande de paiement n'existe pas ou ne vous est pas accessible.")


class AttachmentRefused(ValidationFailed):
    code = "attachment.refused"
    chorus_code = 20004
    libelle = "GDP_MSG_PIECE_JOINTE_REFUSEE"
    default_message = _("La pièce jointe est refusée.")


class AttachmentTooLarge(DomainError):
    code = "attachment.too_large"
    http_status = 413
    chorus_code = 20003
    libelle = "GDP_MSG_PIECE_JOINTE_TROP_VOLUMINEUSE"
    default_message = _("La pièce jointe dépasse la taille maximale de %(max)s Mo.")
