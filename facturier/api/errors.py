"""Errors of the API layer itself (the PISTE "gateway"), as opposed to business errors.

They are ``DomainError``s like every other error, so ``facturier.api.envelope.exception_handler``
renders them the same way. Chorus Pro's own ``codeRetour`` values are per operation and in the
20000 range (api.md §3.2); the gateway's failures have no published code, so these use the HTTP
status as ``codeRetour`` and a stable key as ``libelle``. The keys follow the HTTP answers the
official Swagger lists for every operation (api.md §2.4: "Requête mal formulée", "Problème
d'authentification", "Accès refusé", "API non trouvée", "Format de la requête non supporté").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from facturier.core.errors import DomainError

# api.md §2.4, copied byte for byte: PY-OCA logs this header on a 401.
WWW_AUTHENTICATE_ACCOUNT = (
    'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
)
WWW_AUTHENTICATE_TOKEN = (
    'Bearer realm="PISTE",error="invalid_token",error_description="invalid or expired token"'
)


class ApiError(DomainError):
    """A failure of the API layer. ``www_authenticate``, when set, is sent as a header."""

    www_authenticate: str | None = None


class MalformedRequest(ApiError):
    code = "api.malformed_request"
    http_status = 400
    chorus_code = 400
    libelle = "API_MSG_REQUETE_MAL_FORMULEE"
    default_message = _("Requête mal formulée : le corps n'est pas un JSON valide.")


class InvalidToken(ApiError):
    code = "api.invalid_token"
    http_status = 401
    chorus_code = 401
    libelle = "API_MSG_JETON_INVALIDE"
    default_message = _("Jeton d'accès absent, invalide ou expiré.")
    www_authenticate = WWW_AUTHENTICATE_TOKEN


class InvalidTechnicalAccount(ApiError):
    code = "api.invalid_technical_account"
    http_status = 401
    chorus_code = 401
    libelle = "API_MSG_COMPTE_TECHNIQUE_INVALIDE"
    default_message = _("En-tête cpro-account absent ou identifiants du compte technique incorrects.")
    www_authenticate = WWW_AUTHENTICATE_ACCOUNT


class ApiAccessDenied(ApiError):
    """The application may not call the API for this technical account (api.md §2.4: 403)."""

    code = "api.access_denied"
    http_status = 403
    chorus_code = 403
    libelle = "API_MSG_ACCES_REFUSE"
    default_message = _("Accès refusé : cette application n'est pas raccordée à ce compte technique.")


class UnknownOperation(ApiError):
    code = "api.unknown_operation"
    http_status = 404
    chorus_code = 404
    libelle = "API_MSG_API_NON_TROUVEE"
    default_message = _("API non trouvée : cette opération n'existe pas.")


class MethodNotAllowed(ApiError):
    code = "api.method_not_allowed"
    http_status = 405
    chorus_code = 405
    libelle = "API_MSG_METHODE_NON_AUTORISEE"
    default_message = _("Méthode HTTP non autorisée pour cette opération.")


class UnsupportedMediaType(ApiError):
    code = "api.unsupported_media_type"
    http_status = 415
    chorus_code = 415
    libelle = "API_MSG_FORMAT_NON_SUPPORTE"
    default_message = _("Format de la requête non supporté : envoyez du JSON (application/json).")


class TooManyRequests(ApiError):
    code = "api.throttled"
    http_status = 429
    chorus_code = 429
    libelle = "API_MSG_TROP_DE_REQUETES"
    default_message = _("Trop de requêtes : réessayez plus tard.")


class InternalError(ApiError):
    code = "api.internal_error"
    http_status = 500
    chorus_code = 500
    libelle = "API_MSG_ERREUR_INTERNE"
    default_message = _("Erreur interne du serveur. L'incident a été journalisé.")
