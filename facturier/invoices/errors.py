"""Domain errors of invoices (stable codes, translatable messages, Chorus envelope codes)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from facturier.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed


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


class TransitionForbidden(PermissionDenied):
    """The actor may not make moves in this role on this invoice (no actor for a human role, or not
    attached to the invoice's supplier / recipient structure)."""

    code = "invoice.transition_forbidden"
    libelle = "GDP_MSG_TRANSITION_NON_AUTORISEE"
    default_message = _("Vous ne pouvez pas faire passer cette facture au statut %(target)s en tant que %(mover)s.")


class ReasonRequired(ValidationFailed):
    """REJETEE, SUSPENDUE, A_RECYCLER and a validator's refusal carry a motive (domain.md §1.4)."""

    code = "invoice.reason_required"
    libelle = "GDP_MSG_MOTIF_OBLIGATOIRE"
    default_message = _("Un motif est obligatoire pour passer la facture au statut %(target)s.")


class ReasonTooLong(ValidationFailed):
    code = "invoice.reason_too_long"
    libelle = "GDP_MSG_MOTIF_TROP_LONG"
    default_message = _("Le motif dépasse %(max)s caractères (%(length)s).")


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


class InvoiceRejected(ValidationFailed):
    """An entered invoice (``facturier.invoices.entry.invoice_submit``) is not valid: nothing was
    stored. ``findings`` lists every error (rule, terms, location, line, message{fr,en}), the same
    shape as a rejected flow invoice's errors; ``details["findings"]`` carries them to the API."""

    code = "invoice.rejected"
    chorus_code = 20013
    libelle = "GDP_MSG_FACTURE_REJETEE"
    default_message = _("La facture est rejetée (%(count)s erreur(s)) : %(first)s")

    def __init__(self, findings: list[dict[str, Any]], **kwargs: Any) -> None:
        from django.utils.translation import get_language

        self.findings = list(findings)
        lang = "en" if (get_language() or "fr").startswith("en") else "fr"
        first = self.findings[0] if self.findings else {"rule": "", "message": {"fr": "", "en": ""}}
        text = "%s : %s" % (first.get("rule", ""), first.get("message", {}).get(lang, ""))
        details = kwargs.pop("details", None) or {"findings": self.findings}
        super().__init__(details=details, count=len(self.findings), first=text, **kwargs)


class RoutingRefused(ValidationFailed):
    """A lifecycle change with data the platform refuses: new routing data of a recycling (the
    platform rule is named in ``details``), a transfer to another structure's or an inactive
    service, a validator that cannot validate, an empty completion, an unknown motive."""

    code = "invoice.routing_refused"
    chorus_code = 20005
    libelle = "GDP_MSG_DONNEES_REFUSEES"
    default_message = _("La valeur de « %(field)s » est refusée (%(reason)s).")


class DownloadTooLarge(DomainError):
    """A download (``telecharger/groupe``, the portal's selection) above
    FACTURIER_DOWNLOAD_MAX_BYTES (120 MB by default, api.md F12): ask for fewer invoices."""

    code = "download.too_large"
    http_status = 413
    chorus_code = 20003
    libelle = "GDP_MSG_TELECHARGEMENT_TROP_VOLUMINEUX"
    default_message = _(
        "Le téléchargement dépasse la taille maximale de %(max)s Mo : sélectionnez moins de factures."
    )


class DownloadRefused(ValidationFailed):
    """A download request without invoice, or in a format other than PDF, ZIP or PIVOT."""

    code = "download.refused"
    libelle = "GDP_MSG_TELECHARGEMENT_REFUSE"
    default_message = _("Le téléchargement est refusé (%(reason)s).")
