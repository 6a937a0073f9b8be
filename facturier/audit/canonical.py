"""The journal's canonical form: what is stored is exactly what is hashed.

``normalise`` turns caller data into plain JSON values *before* the entry is stored, masking
secrets on the way; ``entry_hash`` hashes an entry's fields in a canonical JSON form. Both are pure
functions so that ``facturier audit verify`` recomputes, years later, byte for byte what the append
computed.

Canonical form, version 1 (changing it breaks every existing chain):

- ``hash = sha256(prev_hash + canonical_json(fields))`` as lowercase hex; the first entry's
  ``prev_hash`` is ``GENESIS_HASH`` (64 zeros);
- ``canonical_json``: ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
  encoded as UTF-8;
- ``fields``: sequence, timestamp, actor_kind, actor_id, actor_label, action, object_type
  (``"app_label.model"``, not the content-type id, which differs between databases), object_id,
  object_label and data;
- timestamps: ISO 8601 in UTC with microseconds (``2025-01-31T09:30:00.000000Z``);
- decimals and floats: strings (``str(Decimal)`` keeps the scale; a float would not survive a
  round-trip through PostgreSQL's jsonb unchanged), dates ISO 8601, UUIDs and enums their value.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.db import models
from django.utils.functional import Promise

GENESIS_HASH = "0" * 64
MASK = "********"

# A key is masked when, lower-cased with "_" and " " read as "-", it contains one of these.
# Substrings on purpose: "password" covers new_password and password_confirm, "token" covers
# access_token and refresh-token, "cpro-account" covers the API's cpro-account header.
# Over-masking a harmless key costs little; leaking a credential into a permanent journal costs a lot.
MASKED_KEY_PARTS: tuple[str, ...] = (
    "password",
    "passwd",
    "passphrase",
    "secret",  # client_secret, secret_key
    "token",
    "authorization",
    "cookie",
    "credential",
    "api-key",
    "apikey",
    "private-key",
    "cpro-account",
    "iban",
)
# Bank account numbers keep their last four characters: "which account was it changed to?" is the
# question an auditor asks after a payment-diversion fraud.
_PARTIAL_KEY_PARTS: tuple[str, ...] = ("iban",)
_KEY_SEPARATORS = re.compile(r"[_\s]+")


def is_masked_key(key: str) -> bool:
    norm = _KEY_SEPARATORS.sub("-", key.lower())
    return any(part in norm for part in MASKED_KEY_PARTS)


def _mask(key: str, value: Any) -> str:
    norm = _KEY_SEPARATORS.sub("-", key.lower())
    if isinstance(value, str) and any(p in norm for p in _PARTIAL_KEY_PARTS):
        compact = value.replace(" ", "")
        if len(compact) > 8:
            return MASK + compact[-4:]
    return MASK


def normalise(value: Any) -> Any:
    """Return ``value`` as plain JSON values with secrets masked (recursively, whatever the depth)."""
    if isinstance(value, str):
        # PostgreSQL cannot store NUL in text or jsonb; failing the business change over it would be worse.
        return value.replace("\x00", "\ufffd")
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            skey = normalise_key(key)
            out[skey] = _mask(skey, item) if is_masked_key(skey) else normalise(item)
        return out
    if isinstance(value, (list, tuple)):
        return [normalise(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((normalise(item) for item in value), key=canonical_json)
    if isinstance(value, enum.Enum):
        return normalise(value.value)
    if isinstance(value, (Decimal, float)):
        return str(value)
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, PurePath, Promise)):
        return str(value)
    if isinstance(value, models.Model):
        return None if value.pk is None else normalise(value.pk)
    raise TypeError(f"audit data cannot hold a {type(value).__name__}: convert it to JSON values first")


def normalise_key(key: Any) -> str:
    if isinstance(key, enum.Enum):
        key = key.value
    return str(key).replace("\x00", "\ufffd")


def iso_utc(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    payload = prev_hash + canonical_json(fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
