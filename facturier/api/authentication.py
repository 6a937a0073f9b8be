"""Authentication of ``/cpro/`` calls: a PISTE Bearer token AND a Chorus Pro technical account.

api.md §2.1: the OAuth2 token identifies the *application*; the ``cpro-account`` header,
``base64("login:password")``, identifies the *user*, a technical account (``User.kind ==
TECHNICAL`` with a ``TechnicalAccount`` row). The calling identity is that user: ``request.user``
is the technical account's user and ``request.auth`` the ``AccessToken`` (None only in lenient
mode); ``request.user.technical_account`` (already loaded) gives the account and its
structure. What the call may see or do then follows that user's rights.

Failures, checked in this order:

* no usable Bearer token → 401 ``InvalidToken`` (unless ``FACTURIER_API_LENIENT_BEARER`` and no
  Authorization header at all: GO sends the token on its first call only, api.md §9.3);
* missing or wrong ``cpro-account`` → 401 ``InvalidTechnicalAccount`` with the exact
  ``WWW-Authenticate`` header of api.md §2.4;
* the application may not act for that account (``check_api_connection``) → 403.

Password checks are deliberately slow (Argon2). A successful check is remembered in-process for
``FACTURIER_API_CREDENTIALS_CACHE_SECONDS`` (see ``VerifiedCredentials``), so a client calling
the API in a loop pays for one Argon2 verification per minute, not per call.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from oauth2_provider.models import AccessToken, get_access_token_model
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from facturier.structures.models import TechnicalAccount

from .connections import check_api_connection
from .errors import WWW_AUTHENTICATE_TOKEN, ApiAccessDenied, InvalidTechnicalAccount, InvalidToken

CPRO_ACCOUNT_META = "HTTP_CPRO_ACCOUNT"
REQUIRED_SCOPES = ["openid"]


class ChorusAuthentication(BaseAuthentication):
    """DRF authentication class for every Chorus-compatible operation (see module docstring)."""

    def authenticate(self, request: Request) -> tuple[Any, AccessToken | None]:
        access_token = authenticate_bearer(request.META.get("HTTP_AUTHORIZATION"))
        technical_account = authenticate_technical_account(request.META.get(CPRO_ACCOUNT_META))
        application = access_token.application if access_token is not None else None
        if not check_api_connection(application, technical_account):
            raise ApiAccessDenied()
        return technical_account.user, access_token

    def authenticate_header(self, request: Request) -> str:
        return WWW_AUTHENTICATE_TOKEN


class IsTechnicalAccount(BasePermission):
    """Defence in depth: an operation runs only for an authenticated technical account, even if a
    subclass dropped ``ChorusAuthentication`` (DRF then answers 403, in the envelope)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user is not None and user.is_authenticated and getattr(user, "is_technical", False))


def authenticate_bearer(authorization: str | None) -> AccessToken | None:
    """The valid access token named by an ``Authorization: Bearer …`` header value.

    Returns None only when there is no header at all and lenient mode is on; raises
    ``InvalidToken`` otherwise. A token presented explicitly is always checked, lenient or not.
    """
    if not authorization:
        if settings.FACTURIER_API_LENIENT_BEARER:
            return None
        raise InvalidToken()
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken()
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    access_token = (
        get_access_token_model().objects.select_related("application").filter(token_checksum=checksum).first()
    )
    if access_token is None or access_token.application is None or not access_token.is_valid(REQUIRED_SCOPES):
        raise InvalidToken()
    return access_token


def authenticate_technical_account(header: str | bytes | None) -> TechnicalAccount:
    """The active technical account whose ``base64(login:password)`` is ``header``."""
    if not header:
        raise InvalidTechnicalAccount()
    raw = header.encode("latin-1", errors="replace") if isinstance(header, str) else header
    login, password = _decode_credentials(raw)
    user_model = get_user_model()
    user = (
        user_model._default_manager.select_related("technical_account__structure")
        .filter(email=login.strip().lower(), kind=user_model.Kind.TECHNICAL, is_active=True)
        .first()
    )
    technical_account = getattr(user, "technical_account", None) if user is not None else None
    if user is None or technical_account is None:
        # Hash anyway, so an unknown login takes as long as a wrong password (no enumeration by timing).
        user_model().set_password(password)
        raise InvalidTechnicalAccount()
    if not _password_matches(user, raw, password):
        raise InvalidTechnicalAccount()
    return technical_account


def _decode_credentials(raw: bytes) -> tuple[str, str]:
    value = raw.strip()
    try:
        # Tolerate missing padding; reject anything that is not standard base64.
        decoded = base64.b64decode(value + b"=" * (-len(value) % 4), validate=True)
        text = decoded.decode("utf-8")
    except (binascii.Error, ValueError):
        raise InvalidTechnicalAccount() from None
    login, separator, password = text.partition(":")
    if not separator or not login or not password:
        raise InvalidTechnicalAccount()
    return login, password


def _password_matches(user: Any, raw_header: bytes, password: str) -> bool:
    if verified_credentials.contains(raw_header, user.password):
        return True
    if not user.check_password(password):
        return False
    # check_password may have upgraded the hash and saved it: key on the hash as it is now.
    verified_credentials.add(raw_header, user.password)
    return True


class VerifiedCredentials:
    """In-process memory of recently verified ``cpro-account`` values.

    Why it is safe enough:

    * the key is an HMAC-SHA256, under a random key drawn when the process starts, of the header
      value (which contains the password) *together with the user's current password hash*: a
      password change, a reset or a re-hash changes the hash, so older entries stop matching at
      once; nothing reversible is stored and the key never leaves the process;
    * an entry lives ``FACTURIER_API_CREDENTIALS_CACHE_SECONDS`` (default 60 s); the user row is
      still read on every call, so deactivating the account or deleting its TechnicalAccount
      takes effect on the next call;
    * the memory is bounded (least recently used entries are dropped) and per process: nothing
      goes to a shared cache.
    """

    def __init__(self, max_entries: int = 4096) -> None:
        self._key = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def _digest(self, raw_header: bytes, password_hash: str) -> bytes:
        return hmac.new(self._key, raw_header + b"\0" + password_hash.encode(), hashlib.sha256).digest()

    def contains(self, raw_header: bytes, password_hash: str) -> bool:
        if _ttl() <= 0:
            return False
        digest = self._digest(raw_header, password_hash)
        with self._lock:
            expires = self._entries.get(digest)
            if expires is None:
                return False
            if expires < time.monotonic():
                del self._entries[digest]
                return False
            self._entries.move_to_end(digest)
            return True

    def add(self, raw_header: bytes, password_hash: str) -> None:
        ttl = _ttl()
        if ttl <= 0:
            return
        digest = self._digest(raw_header, password_hash)
        with self._lock:
            self._entries[digest] = time.monotonic() + ttl
            self._entries.move_to_end(digest)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _ttl() -> float:
    return float(getattr(settings, "FACTURIER_API_CREDENTIALS_CACHE_SECONDS", 60))


verified_credentials = VerifiedCredentials()
