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

The whole successful answer (user, account, structure, token, connection checked) is remembered
for ``FACTURIER_API_IDENTITY_CACHE_SECONDS`` (see ``ApiIdentities``): a client depositing invoices
one call at a time then costs no query to authenticate, instead of three.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
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
        authorization = request.META.get("HTTP_AUTHORIZATION")
        header = request.META.get(CPRO_ACCOUNT_META)
        generation = auth_generation()  # read first: a change made while we check tags us stale
        known = api_identities.get(authorization, header, generation)
        if known is not None:
            return known
        access_token = authenticate_bearer(authorization)
        technical_account = authenticate_technical_account(header)
        application = access_token.application if access_token is not None else None
        if not check_api_connection(application, technical_account):
            raise ApiAccessDenied()
        api_identities.add(authorization, header, generation, technical_account.user, access_token)
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


class _SecretKeyedMemory:
    """A bounded, per-process memory of values under an HMAC-SHA256 of secrets (a random key drawn
    when the process starts: nothing reversible is stored, the key never leaves the process).
    Entries expire after ``ttl()`` seconds (0 switches the memory off); the least recently used
    go first when it is full."""

    def __init__(self, max_entries: int, ttl: Any) -> None:
        self._key = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self._ttl = ttl

    def _digest(self, *parts: bytes) -> bytes:
        return hmac.new(self._key, b"\0".join(parts), hashlib.sha256).digest()

    def _get(self, digest: bytes, valid: Any = None) -> Any:
        """The value under ``digest`` if it has not expired and ``valid(value)`` (if given) holds;
        otherwise None, and the entry is dropped."""
        if self._ttl() <= 0:
            return None
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            until, value = entry
            if until < time.monotonic() or (valid is not None and not valid(value)):
                del self._entries[digest]
                return None
            self._entries.move_to_end(digest)
            return value

    def _put(self, digest: bytes, value: Any) -> None:
        ttl = self._ttl()
        if ttl <= 0:
            return
        with self._lock:
            self._entries[digest] = (time.monotonic() + ttl, value)
            self._entries.move_to_end(digest)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class VerifiedCredentials(_SecretKeyedMemory):
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
        super().__init__(max_entries, _ttl)

    def contains(self, raw_header: bytes, password_hash: str) -> bool:
        return self._get(self._digest(raw_header, password_hash.encode())) is not None

    def add(self, raw_header: bytes, password_hash: str) -> None:
        self._put(self._digest(raw_header, password_hash.encode()), True)


def _ttl() -> float:
    return float(getattr(settings, "FACTURIER_API_CREDENTIALS_CACHE_SECONDS", 60))


verified_credentials = VerifiedCredentials()


class ApiIdentities(_SecretKeyedMemory):
    """In-process memory of recent successful authentications: ``(Authorization, cpro-account)``
    → the technical account's user (its account and structure loaded) and the access token.

    Why it is safe:

    * only successes are kept, never a refusal; the key is an HMAC-SHA256, under a random key drawn
      when the process starts, of both header values (nothing reversible is stored);
    * each entry is tagged with the :class:`~.models.AuthGeneration` value read before the checks,
      and used only while the value is unchanged. Any save or delete of an access token, an
      application, a user, a technical account, a structure or an API connection, in any process,
      raises the value once committed (:func:`forget_identities`, connected in ``ApiConfig.ready``)
      and empties this process's memory at once: revoking a token, deactivating an account or
      closing a connection takes effect on the next call in this process, and within
      ``FACTURIER_API_GENERATION_RECHECK_SECONDS`` (0.1 s) in the others: the value is read (one
      single-row query instead of the three of a full check) at most that often per process;
    * what bypasses the ORM's signals (a raw ``UPDATE`` in a database console) is bounded by the
      lifetime of an entry, ``FACTURIER_API_IDENTITY_CACHE_SECONDS`` (default 5 s; 0 disables),
      and an entry never outlives its token;
    * each call gets its own deep copy of the user and the token: nothing a view does to them is
      seen by another call;
    * the memory is bounded (least recently used entries are dropped) and per process.
    """

    def __init__(self, max_entries: int = 1024) -> None:
        super().__init__(max_entries, _identity_ttl)

    @staticmethod
    def _parts(authorization: str | None, header: str | None) -> tuple[bytes, bytes]:
        return (authorization or "").encode("latin-1", "replace"), (header or "").encode("latin-1", "replace")

    def get(self, authorization: str | None, header: str | None,
            generation: int | None) -> tuple[Any, AccessToken | None] | None:
        if not header or generation is None:
            return None

        def valid(value: tuple[int, Any, AccessToken | None]) -> bool:
            tag, _, token = value
            return tag == generation and (token is None or not token.is_expired())

        value = self._get(self._digest(*self._parts(authorization, header)), valid)
        if value is None:
            return None
        _, user, token = value
        return _clone(user, {}), _clone(token, {})

    def add(self, authorization: str | None, header: str | None, generation: int | None, user: Any,
            token: AccessToken | None) -> None:
        if header and generation is not None:
            self._put(self._digest(*self._parts(authorization, header)),
                      (generation, _clone(user, {}), _clone(token, {})))


def _clone(obj: Any, memo: dict[int, Any]) -> Any:
    """A copy of a model instance and of the related instances it holds loaded (select_related
    and reverse one-to-one caches), each once: ten times cheaper than ``copy.deepcopy``, which
    also copies every field's value and the model state's internals."""
    if obj is None:
        return None
    done = memo.get(id(obj))
    if done is not None:
        return done
    new = memo[id(obj)] = copy.copy(obj)  # Model.__reduce__: its own __dict__, state and caches dict
    cache = new._state.fields_cache
    for name, related in cache.items():
        cache[name] = _clone(related, memo)
    return new


def _identity_ttl() -> float:
    return float(getattr(settings, "FACTURIER_API_IDENTITY_CACHE_SECONDS", 5))


api_identities = ApiIdentities()


_generation_read: tuple[float, int | None] = (float("-inf"), None)  # (when, value) of the last read


def auth_generation() -> int | None:
    """The current :class:`~.models.AuthGeneration` value (None, and no memory, without the row
    or with the memory switched off). Read at most every ``FACTURIER_API_GENERATION_RECHECK_SECONDS``
    (0.1 s) per process: a burst of calls costs no query at all, and a change committed by another
    process is seen within that time (one of this process is seen at once: see
    :func:`forget_identities`)."""
    global _generation_read
    if _identity_ttl() <= 0:
        return None
    now = time.monotonic()
    read_at, value = _generation_read
    if now - read_at < float(getattr(settings, "FACTURIER_API_GENERATION_RECHECK_SECONDS", 0.1)):
        return value
    from .models import AuthGeneration

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {AuthGeneration._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    value = None if row is None else int(row[0])
    _generation_read = (now, value)
    return value


def forget_generation() -> None:
    """Read the generation again on the next call (tests; and after a change of this process)."""
    global _generation_read
    _generation_read = (float("-inf"), None)


def auth_generation_bump() -> None:
    from .models import AuthGeneration

    AuthGeneration.objects.filter(pk=1).update(value=F("value") + 1)


def forget_identities(**kwargs: Any) -> None:
    """Signal receiver: a change to anything authentication reads empties this process's memory
    now, and every process's once the change is committed."""
    api_identities.clear()
    forget_generation()
    transaction.on_commit(auth_generation_bump, using=kwargs.get("using"))


def connect_identity_invalidation() -> None:
    from django.db.models.signals import post_delete, post_save
    from oauth2_provider.models import get_application_model

    from facturier.structures.models import ApiConnection, Structure

    for model in (get_access_token_model(), get_application_model(), get_user_model(), TechnicalAccount,
                  Structure, ApiConnection):
        for signal in (post_save, post_delete):
            signal.connect(forget_identities, sender=model, dispatch_uid=f"api-identities-{signal}-{model.__name__}")
