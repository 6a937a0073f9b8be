"""Identifier checks at registration: Luhn with the La Poste exception, French VAT key, EU VAT."""

from __future__ import annotations

import pytest

from facturier.accounts import identifiers
from tests.factories import make_siret


def test_valid_siret_passes() -> None:
    assert identifiers.siret_error(make_siret(1)) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1234", "14 chiffres"),
        ("1234567890123A", "14 chiffres"),
        ("12345678900012", "9 premiers chiffres"),  # SIREN key wrong
    ],
)
def test_invalid_siret_says_what_to_fix(value: str, fragment: str) -> None:
    assert fragment in str(identifiers.siret_error(value))


def test_wrong_nic_is_reported_on_the_nic() -> None:
    siret = make_siret(2)
    broken = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    assert "NIC" in str(identifiers.siret_error(broken))


def test_la_poste_exception() -> None:
    # La Poste: SIREN 356000000; its SIRETs add up to a multiple of 5 instead of passing Luhn.
    assert identifiers.siren_error("356000000") is None
    assert identifiers.siret_error("35600000000042") is None  # digits add up to 20
    assert "La Poste" in str(identifiers.siret_error("35600000000048"))  # 26
    from stdnum import luhn

    assert not luhn.is_valid("35600000000042")  # the exception is what lets it through


def test_french_vat_key() -> None:
    siren = make_siret(3)[:9]
    key = identifiers.french_vat_key(siren)
    assert key == f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"
    assert identifiers.french_vat_error(f"FR{key}{siren}", siren=siren) is None
    wrong = f"{(int(key) + 1) % 97:02d}"
    message = str(identifiers.french_vat_error(f"FR{wrong}{siren}", siren=siren))
    assert key in message  # says the right key
    assert "ne correspond pas au SIREN" in str(identifiers.french_vat_error(f"FR{key}{siren}", siren="732829320"))
    # A key with letters (some public bodies) is not computed from the SIREN.
    assert identifiers.french_vat_error(f"FRAB{siren}") is None


def test_known_vat_number() -> None:
    assert identifiers.french_vat_error("FR40303265045") is None  # a published one (SIREN 303265045)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("DE136695976", None),
        ("DE136695977", "vérifiez les chiffres"),
        ("FR40303265045", "SIRET"),
        ("US123456789", "pas un pays"),
        ("123", "code du pays"),
    ],
)
def test_eu_vat(value: str, fragment: str | None) -> None:
    error = identifiers.eu_vat_error(value)
    assert (error is None) if fragment is None else fragment in str(error)


def test_normalise() -> None:
    assert identifiers.normalise(" 732 829 320.00015 ") == "73282932000015"
