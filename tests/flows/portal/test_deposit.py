"""« Factures émises » → Déposer des fichiers: upload, outcome per file, form errors, permission."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from facturier.accounts.models import User
from facturier.flows.models import Channel, Flow, FlowState
from facturier.invoices.models import Invoice
from facturier.structures.models import Role, Structure
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, SubscriptionFactory, UserFactory
from tests.flows.builders import EXTENSIONS, SYNTAXES, invoice_file, targz, zipped

DEPOSIT = "/factures-emises/deposer/"


def upload(client: Client, name: str, data: bytes, syntax: str | None, **extra: str):
    payload: dict[str, object] = {"file": SimpleUploadedFile(name, data), **extra}
    if syntax is not None:
        payload["syntax"] = syntax
    return client.post(DEPOSIT, payload)


def test_the_page_is_listed_in_factures_emises(supplier_client: Client) -> None:
    assert reverse("flows:deposit") == DEPOSIT
    space = supplier_client.get("/espaces/factures-emises/")
    assert DEPOSIT in space.content.decode()
    page = supplier_client.get(DEPOSIT)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'type="file"' in html and 'name="syntax"' in html and "flows/deposit.js" in html
    # One structure: nothing to choose.
    assert 'name="supplier"' not in html
    assert "<script>" not in html  # CSP: no inline script


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["ubl", "cii", "facturx"])
def test_one_file_is_integrated_and_shown_at_once(supplier_client: Client, supplier_user: User, fmt: str) -> None:
    response = upload(supplier_client, f"facture.{EXTENSIONS[fmt]}", invoice_file(fmt, "AD-P1"), SYNTAXES[fmt])
    flow = Flow.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/factures-emises/flux/{flow.number}/"
    assert flow.channel == Channel.PORTAIL and flow.syntax == SYNTAXES[fmt] and flow.depositor == supplier_user
    assert flow.supplier == Structure.objects.get(identifier="89123456900012")
    assert flow.state == FlowState.IN_INTEGRE, flow.report
    page = supplier_client.get(response["Location"])
    html = page.content.decode()
    assert flow.number in html and "Intégré" in html and "AD-P1" in html
    assert f"identifiant {Invoice.objects.get(flow=flow).pk}" in html
    assert "<progress" not in html  # final: no progress bar


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("packer, name", [(targz, "lot.tar.gz"), (zipped, "lot.zip")])
def test_a_batch_lists_each_file_with_its_errors(supplier_client: Client, packer, name: str) -> None:
    bad = invoice_file("ubl", "AD-BAD", purchase_order_reference=None)  # FINANCES requires a commitment number
    data = packer([("a.xml", invoice_file("ubl", "AD-A")), ("b.xml", bad), ("c.xml", invoice_file("ubl", "AD-C"))])
    response = upload(supplier_client, name, data, SYNTAXES["ubl"])
    flow = Flow.objects.get()
    assert flow.state == FlowState.IN_INTEGRE_PARTIEL
    html = supplier_client.get(response["Location"]).content.decode()
    assert "Intégré partiellement" in html
    assert "intégrées : 2, rejetées : 1" in html
    bad_item = flow.items.get(entry_name="b.xml")
    error = bad_item.errors[0]
    # Each error names its rule, its business term and its message (in French here).
    assert error["rule"] == "FR-PLT-07" and error["terms"] == ["BT-13"]
    assert "<code>FR-PLT-07</code> (BT-13)" in html and escape(error["message"]["fr"]) in html


@pytest.mark.django_db(transaction=True)
def test_errors_are_shown_in_the_users_language(supplier_client: Client) -> None:
    bad = invoice_file("cii", "AD-BAD", purchase_order_reference=None)
    response = upload(supplier_client, "facture.xml", bad, SYNTAXES["cii"])
    flow = Flow.objects.get()
    assert flow.state == FlowState.IN_REJETE
    error = flow.items.get().errors[0]
    supplier_client.cookies["facturier_language"] = "en"
    supplier_user = User.objects.get(pk=supplier_client.session["_auth_user_id"])
    supplier_user.language = "en"
    supplier_user.save(update_fields=["language"])
    html = supplier_client.get(response["Location"]).content.decode()
    assert escape(error["message"]["en"]) in html and escape(error["message"]["fr"]) not in html


@pytest.mark.django_db(transaction=True)
def test_the_declared_syntax_is_used_never_a_guess(supplier_client: Client) -> None:
    """CII content declared as UBL: the flow is taken as declared and rejected, saying why."""
    response = upload(supplier_client, "facture.xml", invoice_file("cii", "AD-X"), SYNTAXES["ubl"])
    flow = Flow.objects.get()
    assert flow.syntax == SYNTAXES["ubl"] and flow.state == FlowState.IN_REJETE
    html = supplier_client.get(response["Location"]).content.decode()
    assert "SYNTAXE_FLUX_INCOHERENTE" in html and "Rejeté" in html


@pytest.mark.parametrize(
    "name, data, syntax, message",
    [
        ("facture.txt", b"hello", SYNTAXES["ubl"], "n&#x27;a pas une extension accept"),
        ("facture.docx", b"hello", SYNTAXES["ubl"], ".xml, .pdf, .zip ou .tar.gz"),
        ("facture.xml", b"<Invoice/>", None, "Choisissez la syntaxe du flux"),
        ("facture.xml", b"<Invoice/>", "IN_DP_E1_XXX", "Sélectionnez un choix valide"),
        ("facture.pdf", b"%PDF-1.7", SYNTAXES["ubl"], "ne peut être déposé qu&#x27;avec la syntaxe Factur-X"),
        ("facture.xml", b"<Invoice/>", SYNTAXES["facturx"], "se dépose avec la syntaxe UBL ou CII"),
        ("facture.xml", b"", SYNTAXES["ubl"], "vide"),
    ],
)
def test_form_errors_name_the_problem_and_store_nothing(
    supplier_client: Client, name: str, data: bytes, syntax: str | None, message: str
) -> None:
    response = upload(supplier_client, name, data, syntax)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Flow.objects.exists()


def test_a_too_large_file_is_refused_with_the_limit(supplier_client: Client, settings) -> None:
    settings.FACTURIER_PORTAL_FLOW_MAX_BYTES = 1000
    response = upload(supplier_client, "lot.zip", b"PK\x03\x04" + b"0" * 2000, SYNTAXES["ubl"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "lot.zip" in html and "limité à 1000" in html
    assert not Flow.objects.exists()


def test_the_portal_limit_defaults_to_30_mb(supplier_client: Client) -> None:
    from facturier.flows.portal.forms import portal_max_bytes

    assert portal_max_bytes() == 30 * 1024 * 1024


def test_consultation_mode_cannot_upload(client: Client, demo: None) -> None:
    reader = UserFactory(email="lecteur@au-diapason.test")
    structure = Structure.objects.get(identifier="89123456900012")
    AttachmentFactory(user=reader, structure=structure, role=Role.USER)
    SubscriptionFactory(user=reader, structure=structure, space=Space.FACTURES_EMISES, mode=SpaceMode.CONSULTATION)
    client.force_login(reader)
    assert client.get(DEPOSIT).status_code == 403
    assert upload(client, "facture.xml", invoice_file("ubl"), SYNTAXES["ubl"]).status_code == 403
    assert DEPOSIT not in client.get("/espaces/factures-emises/").content.decode()
    assert not Flow.objects.exists()


def test_anonymous_goes_to_login(client: Client, demo: None) -> None:
    response = client.get(DEPOSIT)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_user_of_two_structures_picks_the_supplier(client: Client, supplier_user: User) -> None:
    other = Structure.objects.get(identifier="52345678800018")
    AttachmentFactory(user=supplier_user, structure=other, role=Role.USER)
    SubscriptionFactory(user=supplier_user, structure=other, space=Space.FACTURES_EMISES, mode=SpaceMode.MODIFICATION)
    client.force_login(supplier_user)
    html = client.get(DEPOSIT).content.decode()
    assert "<select" in html and "Bâtiments Durables SA" in html
    diapason = Structure.objects.get(identifier="89123456900012")
    upload(client, "facture.xml", invoice_file("ubl", "AD-S"), SYNTAXES["ubl"], supplier=str(diapason.pk))
    assert Flow.objects.get().supplier == diapason
    # A structure the user does not deposit for is refused by the form.
    commune = Structure.objects.get(identifier="21345000000012")
    response = upload(client, "facture.xml", invoice_file("ubl", "AD-T"), SYNTAXES["ubl"], supplier=str(commune.pk))
    assert response.status_code == 200 and Flow.objects.count() == 1
