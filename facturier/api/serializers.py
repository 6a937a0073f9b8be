"""Input and output serializer bases for Chorus-compatible operations.

Real clients send lots of empty optional values: GO's structs without ``omitempty`` send zeros
and nulls, PASTELL sends ``""``, official examples are full of ``null`` (api.md §3.4, §10.11).
The rule here: unknown keys are ignored (DRF already drops them), and for *optional filters*
``null``, ``""``, ``0``, ``[]`` and ``{}`` mean "absent", as if the key had not been sent.

Which fields are filters is declared, not guessed: in a write operation ``0`` may be a real value
(a zero VAT amount). ``FilterSerializer`` treats every optional field as a filter (search
operations); ``ChorusSerializer`` lists them in ``absent_as_missing``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any, Literal

from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator


def is_absent(value: Any, *, false_is_absent: bool = False) -> bool:
    """True for the values that mean "criterion not given" (api.md §3.4): None, blank strings,
    zero, empty lists and objects, and ``false`` when ``false_is_absent``."""
    if value is None:
        return True
    if isinstance(value, bool):
        return false_is_absent and value is False
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (int, float, Decimal)):
        return value == 0
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return False


def clean_optional(value: Any, *, false_is_absent: bool = False) -> Any:
    """``value``, or None when it means "absent". For services that read raw dicts."""
    return None if is_absent(value, false_is_absent=false_is_absent) else value


class Base64Field(serializers.CharField):
    """A file in base64, kept as sent (no trimming). DRF's CharField checks every character for
    surrogates in a Python loop, about 1 ms per 100 kB of invoice: not here, because the decoding
    (``factures.views.decode_base64``) refuses anything outside the base64 alphabet, surrogates
    included, with an error naming the field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitSurrogateCharactersValidator)]


class ChorusSerializer(serializers.Serializer):
    """Base input serializer.

    ``absent_as_missing``: names of the optional fields for which null/""/0/[]/{} mean "absent",
    or ``"__all__"`` for every optional field. ``false_is_absent`` adds ``false`` to those values
    (for boolean filters such as ``restreindreStructuresPrivees`` where false means "no filter").
    Absent fields are removed before validation, so they are simply missing from
    ``validated_data`` (or take the field's ``default``). Required fields are never touched.
    """

    absent_as_missing: Collection[str] | Literal["__all__"] = ()
    false_is_absent: bool = False

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            data = self._drop_absent(data)
        return super().to_internal_value(data)

    def _drop_absent(self, data: Mapping[str, Any]) -> dict[str, Any]:
        names = self.absent_as_missing
        cleaned = dict(data)
        for name, field in self.fields.items():  # ``name`` is the wire name
            if name not in cleaned or field.required or field.read_only:
                continue
            if names != "__all__" and name not in names:
                continue
            if is_absent(cleaned[name], false_is_absent=self.false_is_absent):
                del cleaned[name]
        return cleaned


class FilterSerializer(ChorusSerializer):
    """Input serializer of a search operation: every optional field is a filter."""

    absent_as_missing = "__all__"


class EmptyInputSerializer(ChorusSerializer):
    """For operations without parameters: any JSON object (``{}``) is accepted."""


class ChorusResponseSerializer(serializers.Serializer):
    """Base of output serializers, for the OpenAPI document: the envelope's two fields.

    Views return plain dicts; output serializers describe them (and the schema test checks every
    operation has one). Subclass it and declare the operation's fields with their wire names.
    """

    codeRetour = serializers.IntegerField(help_text="0 on success; otherwise an operation-specific code.")
    libelle = serializers.CharField(help_text='"TRA_MSG_00.000" on success; otherwise a message key.')


class ChorusErrorSerializer(ChorusResponseSerializer):
    """Every error answer (4xx/5xx), documented once."""

    message = serializers.CharField(help_text="Human-readable explanation, in the request's language.")
    erreurs = serializers.JSONField(
        required=False, help_text="For invalid input: the messages, keyed by field name."
    )


class PaginationResultSerializer(serializers.Serializer):
    """``parametresRetour`` (api.md §3.3): always integers, never null."""

    nbResultatsParPage = serializers.IntegerField()
    pageCourante = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()
