"""The input helpers every operation shares (facturier.api.views): required fields, codeLangue."""

from __future__ import annotations

import pytest
from django.utils import translation

from facturier.api.views import language, require
from facturier.core.errors import ValidationFailed


def test_require_names_every_missing_field_at_once() -> None:
    with pytest.raises(ValidationFailed) as caught:
        require({"idFacture": 3, "action": "", "motif": None}, "idFacture", "action", "motif")
    assert set(caught.value.details) == {"action", "motif"}
    assert caught.value.details["action"] == ["Ce champ est obligatoire."]


def test_require_message_follows_the_request_language() -> None:
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        require({}, "idStructure")
    assert caught.value.details["idStructure"] == ["This field is required."]


def test_require_accepts_present_values() -> None:
    require({"idFacture": 1, "statutCourant": "MISE_A_DISPOSITION"}, "idFacture", "statutCourant")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("EN", "en"), (" en ", "en"), ("FR", "fr"), ("", "fr"), (None, "fr"), ("DE", "fr")],
)
def test_language_is_french_unless_english_is_asked(value: object, expected: str) -> None:
    assert language({"codeLangue": value}) == expected
    assert language({}) == "fr"
