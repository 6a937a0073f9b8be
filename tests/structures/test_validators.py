"""SIRET/SIREN (Luhn, La Poste), French VAT key, intra-EU VAT, IBAN and BIC checks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from facturier.structures import validators as v


@pytest.mark.parametrize("value", ["732 829 320", "732829320", "356000000"])
def test_valid_siren(value: str) -> None:
    assert v.validate_siren(value) == value.replace(" ", "")


@pytest.mark.parametrize(
    ("value", "code"),
    [("73282932", "siren_length"), ("73282932A", "siren_format"), ("732829321", "siren_checksum")],
)
def test_invalid_siren_says_why(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_siren(value)
    assert error.value.code == code


@pytest.mark.parametrize("value", ["732 829 320 00074", "21345000000012", "89123456900012"])
def test_valid_siret(value: str) -> None:
    assert v.validate_siret(value) == value.replace(" ", "")


def test_siret_luhn_failure_names_the_nic() -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_siret("73282932000075")
    assert error.value.code == "siret_checksum"
    assert "NIC" in str(error.value.message)


def test_siret_with_an_invalid_siren() -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_siret("73282932100074")
    assert error.value.code == "siren_checksum"


def test_siret_length_message_counts_the_digits() -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_siret("7328293200007")
    assert error.value.code == "siret_length"
    assert error.value.params == {"count": 13}


def test_la_poste_uses_the_sum_of_digits_rule() -> None:
    # 3+5+6+0+0+0+0+0+0 + 0+0+0+0+1 = 15: a multiple of 5, although not Luhn-valid.
    assert v.validate_siret("35600000000001") == "35600000000001"
    with pytest.raises(ValidationError) as error:
        v.validate_siret("35600000000048")  # digit sum 26
    assert error.value.code == "siret_checksum"
    assert "La Poste" in str(error.value.message)


def test_french_vat_key() -> None:
    assert v.french_vat_key("732829320") == 44
    assert v.french_vat_number("732829320") == "FR44732829320"
    assert v.validate_french_vat("fr 44 732 829 320") == "FR44732829320"
    assert v.validate_french_vat("FR44732829320", siren="732829320") == "FR44732829320"


def test_french_vat_wrong_key_gives_the_expected_number() -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_french_vat("FR45732829320")
    assert error.value.code == "vat_key"
    assert error.value.params["expected"] == "FR44732829320"


@pytest.mark.parametrize(
    ("value", "siren", "code"),
    [
        ("FR4473282932", None, "vat_format"),
        ("DE44732829320", None, "vat_format"),
        ("FR44732829320", "552100554", "vat_siren"),
        ("FR44732829321", None, "siren_checksum"),
    ],
)
def test_french_vat_errors(value: str, siren: str | None, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_french_vat(value, siren=siren)
    assert error.value.code == code


def test_french_vat_with_a_letter_key_skips_the_key_check() -> None:
    assert v.validate_french_vat("FRA1732829320") == "FRA1732829320"


@pytest.mark.parametrize("value", ["DE 136 695 976", "BE0776091951", "FR44732829320"])
def test_valid_eu_vat(value: str) -> None:
    assert v.validate_eu_vat(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("DE136695977", "vat_checksum"),
        ("XX123", "vat_country"),
        ("DE1366", "vat_format"),
        ("US123456789", "vat_country"),
    ],
)
def test_invalid_eu_vat(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_eu_vat(value)
    assert error.value.code == code


def test_iban_and_bic() -> None:
    assert v.validate_iban("FR76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert v.validate_bic("agrifrpp") == "AGRIFRPP"
    assert v.validate_bic("AGRIFRPPXXX") == "AGRIFRPPXXX"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("FR7630006000011234567890188", "iban_checksum"),
        ("FR76300060000112345678901", "iban_length"),
        ("ZZ7630006000011234567890189", "iban_country"),
    ],
)
def test_invalid_iban(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_iban(value)
    assert error.value.code == code


@pytest.mark.parametrize("value", ["AGRIFR", "AGRI1RPP", "AGRIFRPPX"])
def test_invalid_bic(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_bic(value)
    assert error.value.code == "bic_format"


def test_identifier_by_type() -> None:
    assert v.validate_identifier("SIRET", "21345000000012") == "21345000000012"
    assert v.validate_identifier("UE_HORS_FRANCE", "DE136695976") == "DE136695976"
    assert v.validate_identifier("HORS_UE", " CH-123 ") == "CH-123"
    with pytest.raises(ValidationError):
        v.validate_identifier("UE_HORS_FRANCE", "FR44732829320")
    with pytest.raises(ValidationError):
        v.validate_identifier("AUTRE", "  ")
