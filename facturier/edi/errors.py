"""Errors of EDI files and partners (facturier.core.errors hierarchy)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from facturier.core.errors import ValidationFailed


class EdiSyntaxMissing(ValidationFailed):
    code = "edi.syntax_missing"
    libelle = "DEP_MSG_SYNTAXE_ABSENTE"
    default_message = _(
        "Le fichier « %(file)s » ne déclare pas sa syntaxe de flux : nommez-le "
        "<nom>.<syntaxeFlux>.<extension> (par exemple facture.IN_DP_E1_UBL_INVOICE.xml) ou déposez-le dans "
        "inbox/<syntaxeFlux>/. Syntaxes acceptées : %(allowed)s."
    )


class EdiSyntaxConflict(ValidationFailed):
    code = "edi.syntax_conflict"
    libelle = "DEP_MSG_SYNTAXE_CONTRADICTOIRE"
    default_message = _(
        "Le fichier « %(file)s » déclare deux syntaxes de flux différentes : %(directory)s par son "
        "répertoire et %(name)s par son nom."
    )


class EdiPartnerInvalid(ValidationFailed):
    code = "edi.partner"
    default_message = _("Le partenaire EDI est invalide.")


class EdiKeyInvalid(ValidationFailed):
    code = "edi.key_invalid"
    default_message = _(
        "La clé publique n'est pas une clé SSH valide au format OpenSSH (ssh-ed25519, ecdsa-sha2-… ou ssh-rsa)."
    )
