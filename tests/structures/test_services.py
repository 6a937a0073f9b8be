"""Structure services: each writes, checks the actor's role, and leaves an audit entry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.core.errors import PermissionDenied, ValidationFailed
from facturier.structures import services
from facturier.structures.errors import ReservedServiceRefused, ServiceNotUsable, StructureInactive
from facturier.structures.models import Attachment, Service, Structure, StructureDocument, StructureSpace
from facturier.structures.spaces import Space
from tests.factories import ServiceFactory, StructureFactory

from .conftest import last_action

pytestmark = pytest.mark.django_db


def test_structure_update_by_a_manager(structure: Structure, secondary: User) -> None:
    services.structure_update(
        actor=secondary,
        structure=structure,
        city="Villeurbanne",
        service_code_required=True,
        vat_number="FR84891234569",
    )
    structure.refresh_from_db()
    assert structure.city == "Villeurbanne" and structure.service_code_required
    entry = last_action()
    assert entry.action == "structure.updated" and entry.actor == secondary
    assert entry.data["after"]["city"] == "Villeurbanne"


def test_structure_update_checks_the_vat_key(structure: Structure, principal: User) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.structure_update(actor=principal, structure=structure, vat_number="FR00891234569")
    assert "FR84891234569" in str(error.value)


def test_structure_update_refuses_identity_fields_and_non_managers(
    structure: Structure, principal: User, member: User, outsider: User
) -> None:
    with pytest.raises(ValidationFailed):
        services.structure_update(actor=principal, structure=structure, identifier="1")
    for actor in (member, outsider):
        with pytest.raises(PermissionDenied):
            services.structure_update(actor=actor, structure=structure, city="X")
    assert Structure.objects.get(pk=structure.pk).city == "Lyon"


def test_inactivate_and_reactivate(structure: Structure, principal: User, secondary: User) -> None:
    with pytest.raises(PermissionDenied):
        services.structure_inactivate(actor=secondary, structure=structure)
    services.structure_inactivate(actor=principal, structure=structure)
    structure.refresh_from_db()
    assert structure.status == Structure.Status.INACTIVE
    assert last_action().action == "structure.inactivated"
    count = AuditEntry.objects.count()
    services.structure_inactivate(actor=principal, structure=structure)  # replay: harmless, no entry
    assert AuditEntry.objects.count() == count
    with pytest.raises(StructureInactive):
        services.structure_require_active(structure=structure)
    # Everything stays readable.
    assert Structure.objects.filter(pk=structure.pk).exists()
    services.structure_activate(actor=principal, structure=structure)
    services.structure_require_active(structure=Structure.objects.get(pk=structure.pk))


def test_open_and_close_spaces(structure: Structure, secondary: User, member: User) -> None:
    services.structure_open_space(actor=secondary, structure=structure, space=Space.RACCORDEMENT)
    assert StructureSpace.objects.get(structure=structure, space=Space.RACCORDEMENT).is_open
    services.structure_close_space(actor=secondary, structure=structure, space=Space.RACCORDEMENT)
    assert not StructureSpace.objects.get(structure=structure, space=Space.RACCORDEMENT).is_open
    assert last_action().action == "structure.space.closed"
    with pytest.raises(ValidationFailed):
        services.structure_close_space(actor=secondary, structure=structure, space=Space.MON_COMPTE)
    with pytest.raises(PermissionDenied):
        services.structure_open_space(actor=member, structure=structure, space=Space.SUIVI_FLUX)


def test_service_lifecycle(structure: Structure, principal: User) -> None:
    service = services.service_create(
        actor=principal,
        structure=structure,
        code="COMPTA",
        name="Comptabilité",
        commitment_required=True,
        valid_from=date(2025, 1, 1),
    )
    assert last_action().action == "service.created"
    services.service_update(
        actor=principal, service=service, name="Comptabilité générale", payment_status_reported=False
    )
    service.refresh_from_db()
    assert service.name == "Comptabilité générale" and not service.payment_status_reported
    services.service_deactivate(actor=principal, service=service)
    assert not Service.objects.get(pk=service.pk).is_active
    assert last_action().action == "service.deactivated"
    services.service_activate(actor=principal, service=service)
    assert Service.objects.get(pk=service.pk).is_active


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "X" * 101, "name": "Long"}, "100"),
        ({"code": "", "name": "Sans code"}, "code"),
        ({"code": "OK", "name": " "}, "nom"),
        (
            {"code": "OK", "name": "Dates", "valid_from": date(2025, 2, 1), "valid_until": date(2025, 1, 1)},
            "fin",
        ),
    ],
)
def test_service_create_refusals(structure: Structure, principal: User, fields: dict, message: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.service_create(actor=principal, structure=structure, **fields)
    assert message in str(error.value)


def test_service_code_is_unique_per_structure(structure: Structure, principal: User) -> None:
    services.service_create(actor=principal, structure=structure, code="A", name="A")
    with pytest.raises(ValidationFailed):
        services.service_create(actor=principal, structure=structure, code="A", name="B")


def test_service_of_another_structure_cannot_be_changed(structure: Structure, outsider: User) -> None:
    service = ServiceFactory(structure=structure)
    with pytest.raises(PermissionDenied):
        services.service_deactivate(actor=outsider, service=service)


def test_reserved_public_service_is_refused_to_private_suppliers() -> None:
    recipient = StructureFactory(public=True)
    reserved = ServiceFactory(structure=recipient, code="FACTURES_PUBLIQUES", name="Factures publiques")
    with pytest.raises(ReservedServiceRefused) as error:
        services.service_usable_for(service=reserved, supplier=StructureFactory())
    assert "FACTURES_PUBLIQUES" in str(error.value)
    services.service_usable_for(service=reserved, supplier=StructureFactory(public=True))


def test_service_usable_checks_state_dates_and_structure() -> None:
    recipient = StructureFactory(public=True)
    supplier = StructureFactory()
    today = timezone.localdate()
    ok = ServiceFactory(structure=recipient, valid_from=today - timedelta(days=1), valid_until=today)
    services.service_usable_for(service=ok, supplier=supplier)
    for service in (
        ServiceFactory(structure=recipient, is_active=False),
        ServiceFactory(structure=recipient, valid_until=today - timedelta(days=1)),
        ServiceFactory(structure=recipient, valid_from=today + timedelta(days=1)),
    ):
        with pytest.raises(ServiceNotUsable):
            services.service_usable_for(service=service, supplier=supplier)
    Structure.objects.filter(pk=recipient.pk).update(status=Structure.Status.INACTIVE)
    with pytest.raises(StructureInactive):
        services.service_usable_for(service=Service.objects.get(pk=ok.pk), supplier=supplier)


def test_bank_account_add_verifies_iban_and_bic(structure: Structure, principal: User, member: User) -> None:
    account = services.bank_account_add(
        actor=principal,
        structure=structure,
        name="Courant",
        iban="fr76 3000 6000 0112 3456 7890 189",
        bic="agrifrpp",
    )
    assert account.iban == "FR7630006000011234567890189" and account.bic == "AGRIFRPP"
    entry = last_action()
    assert entry.action == "structure.bank_account.added"
    assert "1234567890189" not in str(entry.data)  # the IBAN is masked in the journal
    with pytest.raises(ValidationFailed) as error:
        services.bank_account_add(
            actor=principal, structure=structure, name="X", iban="FR7630006000011234567890188", bic="AGRIFRPP"
        )
    assert error.value.details == {"iban": [str(error.value)]}
    with pytest.raises(ValidationFailed) as error:
        services.bank_account_add(
            actor=principal, structure=structure, name="X", iban="FR7610107001011234567890129", bic="AGRI"
        )
    assert "bic" in error.value.details
    with pytest.raises(ValidationFailed):  # duplicate
        services.bank_account_add(
            actor=principal, structure=structure, name="Y", iban="FR7630006000011234567890189", bic="AGRIFRPP"
        )
    with pytest.raises(PermissionDenied):
        services.bank_account_add(
            actor=member, structure=structure, name="Z", iban="FR7610107001011234567890129", bic="BREDFRPP"
        )
    services.bank_account_deactivate(actor=principal, bank_account=account)
    account.refresh_from_db()
    assert not account.is_active


def test_documents_and_mandate(structure: Structure, principal: User, member: User) -> None:
    upload = SimpleUploadedFile("kbis.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    document = services.structure_add_document(
        actor=principal, structure=structure, designation="Kbis", file=upload
    )
    assert document.kind == StructureDocument.Kind.ATTACHMENT and document.size == 13
    with document.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 test"
    with pytest.raises(ValidationFailed) as error:
        services.structure_add_document(
            actor=principal, structure=structure, designation="x", file=SimpleUploadedFile("virus.exe", b"MZ")
        )
    assert ".exe" in str(error.value)
    with pytest.raises(ValidationFailed):
        services.structure_add_document(
            actor=principal,
            structure=structure,
            designation="x",
            file=SimpleUploadedFile("n" * 51 + ".pdf", b"x"),
        )
    with pytest.raises(PermissionDenied):
        services.structure_add_document(
            actor=member, structure=structure, designation="x", file=SimpleUploadedFile("a.pdf", b"x")
        )

    mandate = services.structure_generate_mandate(
        actor=principal,
        structure=structure,
        mandatary_name="Opérateur Dématérialisation SAS",
        mandatary_identifier="73282932000074",
        valid_from=date(2025, 1, 1),
    )
    assert mandate.kind == StructureDocument.Kind.MANDATE
    assert mandate.content_type == "application/pdf"
    with mandate.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF") and len(content) == mandate.size
    assert last_action().action == "structure.mandate.generated"
    with pytest.raises(ValidationFailed):
        services.structure_generate_mandate(
            actor=principal,
            structure=structure,
            mandatary_name="X",
            mandatary_identifier="1",
            valid_from=date(2025, 2, 1),
            valid_until=date(2025, 1, 1),
        )


def test_attachments_of_other_users_are_untouched(structure: Structure, principal: User) -> None:
    assert Attachment.objects.filter(structure=structure).count() == 1
