"""Registration: checks, e-mail confirmation by a signed link, new or existing structure."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from facturier.accounts.models import Registration, User
from facturier.accounts.services.registration import (
    SALT,
    RegistrationData,
    registration_confirm,
    registration_errors,
    registration_submit,
)
from facturier.audit.models import AuditEntry
from facturier.core.errors import ValidationFailed
from facturier.structures.models import Attachment, Role, SpaceSubscription, Structure
from tests.factories import AttachmentFactory, StructureFactory, UserFactory, make_siret

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def data(**overrides: str) -> RegistrationData:
    values = dict(
        email="lea@example.test",
        password="un-mot-de-passe-solide",
        first_name="Léa",
        last_name="Durand",
        identifier_type="SIRET",
        identifier=make_siret(41),
        structure_name="Atelier Léa",
        address_line="3 rue des Lilas",
        postal_code="75011",
        city="Paris",
    )
    values.update(overrides)
    return RegistrationData(**values)


def link_from(mail) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"http://testserver(/inscription/confirmation/[^/\s]+/)", mail.body).group(1)


def test_submit_creates_an_inactive_user_and_mails_the_link(django_capture_on_commit_callbacks, mailoutbox) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_submit(actor=None, data=data(), base_url=BASE)
    user = registration.user
    assert not user.is_active and user.email_confirmed_at is None
    assert not Structure.objects.filter(identifier=registration.identifier).exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["lea@example.test"]
    assert "/inscription/confirmation/" in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="account.registration.submitted").count() == 1


def test_confirm_new_structure_makes_the_user_principal_manager() -> None:
    registration = registration_submit(actor=None, data=data(vat_number=""), base_url=BASE)
    token = signing.dumps({"r": registration.pk, "e": "lea@example.test"}, salt=SALT)
    registration_confirm(actor=None, token=token)
    user = User.objects.get(email="lea@example.test")
    assert user.is_active and user.email_confirmed_at is not None
    structure = Structure.objects.get(identifier=registration.identifier)
    assert structure.name == "Atelier Léa" and structure.city == "Paris"
    attachment = Attachment.objects.get(user=user, structure=structure)
    assert (attachment.role, attachment.status) == (Role.PRINCIPAL_MANAGER, Attachment.Status.VALIDATED)
    assert SpaceSubscription.objects.filter(user=user, structure=structure, status="ACTIF").count() == 2
    # A second click changes nothing.
    registration_confirm(actor=None, token=token)
    assert Structure.objects.filter(identifier=registration.identifier).count() == 1
    assert AuditEntry.objects.filter(action="structure.created").count() == 1


def test_confirm_existing_structure_files_an_attachment_request() -> None:
    structure = StructureFactory(identifier=make_siret(42), name="Existante")
    registration = registration_submit(actor=None, data=data(identifier=make_siret(42)), base_url=BASE)
    registration_confirm(actor=None, token=signing.dumps({"r": registration.pk, "e": "lea@example.test"}, salt=SALT))
    attachment = Attachment.objects.get(user__email="lea@example.test")
    assert attachment.structure == structure
    assert (attachment.role, attachment.status) == (Role.USER, Attachment.Status.PENDING)


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"identifier": "12345678900012"}, "identifier", "SIREN"),
        ({"identifier": "123"}, "identifier", "14 chiffres"),
        ({"identifier": ""}, "identifier", "Indiquez"),
        ({"identifier_type": "UE_HORS_FRANCE", "identifier": "DE136695977"}, "identifier", "TVA"),
        ({"identifier_type": "INCONNU"}, "identifier_type", "Choisissez"),
        ({"vat_number": "FR00" + make_siret(41)[:9]}, "vat_number", "clé"),
        ({"password": "court"}, "password", ""),
        ({"city": " "}, "city", "obligatoire"),
        ({"country": "BE"}, "country", "FR"),
    ],
)
def test_refusals_say_what_to_fix(overrides: dict[str, str], field: str, fragment: str) -> None:
    errors = registration_errors(data(**overrides))
    assert field in errors and fragment in errors[field]
    with pytest.raises(ValidationFailed) as caught:
        registration_submit(actor=None, data=data(**overrides), base_url=BASE)
    assert field in caught.value.details


def test_other_identifier_types_are_accepted() -> None:
    for kind, identifier in [("UE_HORS_FRANCE", "DE136695976"), ("HORS_UE", "CH123"), ("RIDET", "1234567001"),
                             ("TAHITI", "A12345"), ("PARTICULIER", "P1"), ("AUTRE", "X1")]:
        assert registration_errors(data(identifier_type=kind, identifier=identifier, country="DE")) == {}, kind


def test_eu_registration_keeps_the_vat_number() -> None:
    registration = registration_submit(
        actor=None, data=data(identifier_type="UE_HORS_FRANCE", identifier="de 136 695 976", country="DE"), base_url=BASE
    )
    assert registration.identifier == registration.vat_number == "DE136695976"


def test_existing_email_is_refused_but_pending_one_can_register_again() -> None:
    UserFactory(email="taken@example.test")
    assert "connectez-vous" in registration_errors(data(email="taken@example.test"))["email"]
    first = registration_submit(actor=None, data=data(), base_url=BASE)
    second = registration_submit(actor=None, data=data(city="Lyon"), base_url=BASE)
    assert second.user_id == first.user_id and second.city == "Lyon"
    assert Registration.objects.count() == 1
    with pytest.raises(ValidationFailed, match="aucune inscription"):
        registration_confirm(actor=None, token=signing.dumps({"r": first.pk, "e": "lea@example.test"}, salt=SALT))


def test_bad_and_expired_tokens(settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed, match="pas valide"):
        registration_confirm(actor=None, token="nimporte:quoi")
    registration = registration_submit(actor=None, data=data(), base_url=BASE)
    token = signing.dumps({"r": registration.pk, "e": "lea@example.test"}, salt=SALT)
    from facturier.accounts.services import registration as module

    original = module.CONFIRM_MAX_AGE
    module.CONFIRM_MAX_AGE = -1
    try:
        with pytest.raises(ValidationFailed, match="expiré"):
            registration_confirm(actor=None, token=token)
    finally:
        module.CONFIRM_MAX_AGE = original


def test_register_pages_end_to_end(client: Client, django_capture_on_commit_callbacks, mailoutbox) -> None:
    form = {
        "identifier_type": "SIRET", "identifier": make_siret(43), "structure_name": "Atelier",
        "address_line": "1 rue", "postal_code": "75001", "city": "Paris", "country": "FR",
        "first_name": "Léa", "last_name": "Durand", "email": "lea@example.test",
        "password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide",
    }
    bad = client.post(reverse("accounts:register"), {**form, "identifier": "12345678900012"})
    assert bad.status_code == 200 and "SIREN" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), form)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:register_done")
    # Logging in before confirming says what to do.
    login = client.post(reverse("portal:login"), {"username": "lea@example.test", "password": form["password1"]})
    assert "abord votre adresse e-mail" in login.content.decode()
    link = link_from(mailoutbox[0])
    assert client.get(link).status_code == 200  # a page with a button: mail scanners do not confirm
    assert not User.objects.get(email="lea@example.test").is_active
    assert client.post(link)["Location"] == reverse("portal:login")
    assert client.login(username="lea@example.test", password=form["password1"])


def test_register_refused_when_logged_in(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:register"))["Location"] == reverse("portal:home")


def test_manager_of_existing_structure_sees_the_request_after_confirmation() -> None:
    structure = StructureFactory(identifier=make_siret(44))
    AttachmentFactory(structure=structure, role=Role.PRINCIPAL_MANAGER)
    registration = registration_submit(actor=None, data=data(identifier=make_siret(44)), base_url=BASE)
    registration_confirm(actor=None, token=signing.dumps({"r": registration.pk, "e": "lea@example.test"}, salt=SALT))
    assert Attachment.objects.filter(structure=structure, status=Attachment.Status.PENDING).count() == 1
    assert replace(data(), city="x").city == "x"
