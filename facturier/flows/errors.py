"""Errors of flow deposits. Deposit-time errors (``FlowRefused`` family) are raised before anything
is stored; processing-time flow-level problems are ``FlowContentRejected`` and end the flow
IN_REJETE with a technical error (listeErreurTechnique)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from facturier.core.errors import DomainError, NotFound, ValidationFailed


class FlowRefused(ValidationFailed):
    code = "flow.refused"
    chorus_code = 20002
    libelle = "DEP_MSG_FLUX_REFUSE"
    default_message = _("Le flux est refusé.")


class FlowEmpty(FlowRefused):
    code = "flow.empty"
    libelle = "DEP_MSG_FICHIER_VIDE"
    default_message = _("Le fichier du flux est vide.")


class FlowBadBase64(FlowRefused):
    code = "flow.bad_base64"
    libelle = "DEP_MSG_BASE64_INVALIDE"
    default_message = _("Le fichier (%(field)s) n'est pas un contenu base64 valide.")


class FlowSyntaxUnsupported(FlowRefused):
    code = "flow.syntax_unsupported"
    libelle = "DEP_MSG_SYNTAXE_NON_SUPPORTEE"
    default_message = _(
        "La syntaxe de flux « %(syntax)s » n'est pas prise en charge. Valeurs acceptées : %(allowed)s."
    )


class FlowFileNameInvalid(FlowRefused):
    code = "flow.file_name"
    libelle = "DEP_MSG_NOM_FICHIER_INVALIDE"
    default_message = _("Le nom de fichier est obligatoire, avec une extension, et fait au plus 200 caractères.")


class FlowTooLarge(DomainError):
    code = "flow.too_large"
    http_status = 413
    chorus_code = 20001
    libelle = "GDP_MSG_11.022"
    default_message = _("Le fichier dépasse la taille maximale autorisée (%(max)s octets).")


class FlowNotFound(NotFound):
    code = "flow.not_found"
    chorus_code = 20000
    libelle = "DEP_MSG_FLUX_INEXISTANT"
    default_message = _("Le flux %(number)s n'existe pas ou ne vous est pas accessible.")


class FlowContentRejected(Exception):
    """The flow as a whole cannot be processed (bad archive, syntax mismatch...): a technical error
    with a stable code and messages in French and English."""

    def __init__(self, code: str, message_fr: str, message_en: str, **params: Any) -> None:
        self.code = code
        self.message_fr = message_fr % params if params else message_fr
        self.message_en = message_en % params if params else message_en
        super().__init__(self.message_en)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "nature": "FLUX", "message": {"fr": self.message_fr, "en": self.message_en}}
