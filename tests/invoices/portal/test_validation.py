"""« Factures à valider » and the validator named at entry, in the portal: an A9 invoice entered by a
sub-contractor goes to the main contractor, who validates it (→ the recipient, or the second
level), refuses it with a motive, or declares the wrong validator, which the supplier corrects;
every page is scoped to the validator's structures."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from facturier.accounts.models import User
from facturier.invoices.entry import EntryData, EntryLine, invoice_submit
from facturier.invoices.enums import DepositMode, InvoiceStatus
from facturier.invoices.models import Invoice, InvoiceEvent
from facturier.structures.models import Role, Structure
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, StructureFactory, SubscriptionFactory, UserFactory

from .conftest import COMMUNE_SIRET, IBAN, SUPPLIER_SIRET
from .test_entry_pages import entry_post

pytestmark = pytest.mark.django_db(transaction=True)

S = InvoiceStatus
SUB_SIRET = "53456789600012"  # Sous-Traitance Services (sub-contractor)
MAIN_SIRET = "52345678800018"  # Bâtiments Durables SA (main contractor, « Factures à valider »)
SUB_MANAGER = "gestionnaire@sous-traitance.demo"
MAIN_MANAGER = "gestionnaire@batiments-durables.demo"
PENDING = "/factures-a-valider/"
HANDLED = "/factures-a-valider/traitees/"
INFORMATION = "/factures-a-valider/pour-information/"


def page(pk: int) -> str:
    return f"/factures-a-valider/factures/{pk}/"


def fix(pk: int) -> str:
    return f"/factures-emises/factures/{pk}/valideur/"


def structure(siret: str) -> Structure:
    return Structure.objects.get(identifier=siret)


def a9(number: str = "ST-1", **overrides: Any) -> Invoice:
    """An A9 invoice of the sub-contractor to the commune, validated by the main contractor."""
    data = dict(
        supplier=structure(SUB_SIRET), recipient=structure(COMMUNE_SIRET), service_code="TECHNIQUE",
        number=number, issue_date=date(2025, 3, 1), frame="A9", validator_identifier=MAIN_SIRET, iban=IBAN,
        lines=(EntryLine(name="Pose de cloisons", quantity=Decimal("3"), unit_price=Decimal("400"),
                         vat_rate=Decimal("20")),),
    )
    data.update(overrides)
    invoice = invoice_submit(actor=User.objects.get(email=SUB_MANAGER), data=EntryData(**data),
                             mode=DepositMode.SAISIE_PORTAIL)
    invoice.refresh_from_db()
    return invoice


def member(structure: Structure, mode: str = SpaceMode.MODIFICATION, space: str = Space.FACTURES_A_VALIDER) -> User:
    user = UserFactory()
    AttachmentFactory(user=user, structure=structure, role=Role.USER)
    SubscriptionFactory(user=user, structure=structure, space=space, mode=mode)
    return user


@pytest.fixture
def main_client(client: Client, demo: None) -> Client:
    client.force_login(User.objects.get(email=MAIN_MANAGER))
    return client


def logged(user: User) -> Client:
    other = Client()
    other.force_login(user)
    return other


def decide(client: Client, invoice: Invoice, action: str, **data: str) -> Any:
    return client.post(page(invoice.pk), {"action": action, "expected": invoice.status, **data})


# --- naming the validator in the entry form ---------------------------------------------------------


def test_an_a9_entry_from_the_portal_lands_at_the_validator(client: Client, demo: None) -> None:
    client.force_login(User.objects.get(email=SUB_MANAGER))
    html = client.get("/factures-emises/saisir/").content.decode()
    assert 'id="validator-fieldset"' in html and "invoices/validation-entry.js" in html
    assert 'data-directory-search="/factures-emises/annuaire/valideurs.json"' in html
    assert "style=" not in html and "<script>" not in html
    post = entry_post(supplier=str(structure(SUB_SIRET).pk), service_code="TECHNIQUE", frame="A9", number="ST-P-1",
                      validator_identifier="")
    refused = client.post("/factures-emises/saisir/", post)
    assert refused.status_code == 400 and Invoice.objects.count() == 0
    assert "FR-VAL-01" in str(refused.context["form"].errors["validator_identifier"])
    post["validator_identifier"] = MAIN_SIRET
    answer = client.post("/factures-emises/saisir/", post)
    assert answer.status_code == 302
    invoice = Invoice.objects.get(number="ST-P-1")
    assert invoice.status == S.A_VALIDER_1
    assert (invoice.validator1_identifier, invoice.validator1_name) == (MAIN_SIRET, "Bâtiments Durables SA")


def test_the_validator_is_kept_with_a_draft_and_its_services_are_offered(client: Client, demo: None) -> None:
    from tests.factories import ServiceFactory

    ServiceFactory(structure=structure(MAIN_SIRET), code="CHANTIERS", name="Chantiers")
    client.force_login(User.objects.get(email=SUB_MANAGER))
    post = entry_post(supplier=str(structure(SUB_SIRET).pk), frame="A9", validator_identifier=MAIN_SIRET,
                      validator_service_code="CHANTIERS", action="save")
    saved = client.post("/factures-emises/saisir/", post)
    assert saved.status_code == 302
    html = client.get(saved["Location"]).content.decode()
    assert f'value="{MAIN_SIRET}"' in html and '<option value="CHANTIERS" selected>' in html
    assert 'id="validator-info"' in html and "Bâtiments Durables SA" in html


def test_the_validator_autocomplete_lists_private_structures(client: Client, demo: None) -> None:
    client.force_login(User.objects.get(email=SUB_MANAGER))
    found = client.get("/factures-emises/annuaire/valideurs.json", {"q": "Bâtiments"}).json()["results"]
    assert [(r["identifier"], r["name"]) for r in found] == [(MAIN_SIRET, "Bâtiments Durables SA")]
    assert client.get("/factures-emises/annuaire/valideurs.json", {"q": "5234"}).json()["results"][0]["name"] \
        == "Bâtiments Durables SA"
    services = client.get("/factures-emises/annuaire/services-valideur.json", {"structure": MAIN_SIRET})
    assert services.json() == {"structure": {"identifier": MAIN_SIRET, "name": "Bâtiments Durables SA",
                                             "city": "Nantes"}, "services": []}
    assert client.get("/factures-emises/annuaire/services-valideur.json", {"structure": "1"}).status_code == 404


# --- « Factures à valider » -------------------------------------------------------------------------


def test_the_space_lists_its_pages_and_the_pending_invoice_with_its_deadline(main_client: Client) -> None:
    invoice = a9()
    space = main_client.get("/espaces/factures-a-valider/").content.decode()
    for url in (PENDING, HANDLED, INFORMATION):
        assert f'href="{url}"' in space
    response = main_client.get(PENDING)
    html = response.content.decode()
    assert response.context["rows"][0].invoice == invoice and response.context["rows"][0].level == 1
    assert 'data-deadline="15"' in html and "15 jours restants" in html
    deadline = invoice.status_changed_at + dt.timedelta(days=15)
    assert response.context["rows"][0].deadline.at == deadline
    assert "validation-row--overdue" not in html


def test_an_overdue_invoice_is_highlighted(main_client: Client) -> None:
    invoice = a9()
    Invoice.objects.filter(pk=invoice.pk).update(status_changed_at=timezone.now() - dt.timedelta(days=16))
    html = main_client.get(PENDING).content.decode()
    assert 'class="validation-row--overdue"' in html and 'data-deadline="overdue"' in html
    detail = main_client.get(page(invoice.pk)).content.decode()
    assert "Le délai de validation a expiré" in detail


def test_validating_sends_the_invoice_to_the_recipient(main_client: Client) -> None:
    invoice = a9()
    detail = main_client.get(page(invoice.pk))
    assert detail.status_code == 200 and detail.context["form"] is not None
    html = detail.content.decode()
    assert 'id="invoice-rendering"' in html and 'id="invoice-history"' in html
    answer = decide(main_client, invoice, "VALIDATION")
    assert answer.status_code == 302 and answer["Location"] == PENDING
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION and invoice.validated1_on == timezone.localdate()
    change = invoice.status_changes.get(status=S.VALIDEE_1)
    assert change.actor.email == MAIN_MANAGER
    assert main_client.get(PENDING).context["rows"] == []
    handled = main_client.get(HANDLED).context["rows"]
    assert [(row.invoice, row.outcome.status) for row in handled] == [(invoice, S.VALIDEE_1)]


def test_a_second_level_validates_after_the_first(main_client: Client) -> None:
    level2 = StructureFactory(name="Cotraitant Gros Œuvre")
    second = member(level2)
    invoice = a9(validator2_identifier=level2.identifier)
    second_client = logged(second)
    assert second_client.get(page(invoice.pk)).status_code == 404  # not at its level yet
    decide(main_client, invoice, "VALIDATION")
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_2
    rows = second_client.get(PENDING).context["rows"]
    assert [(row.invoice, row.level) for row in rows] == [(invoice, 2)]
    assert main_client.get(page(invoice.pk)).context["form"] is None  # level 1 has decided
    assert decide(second_client, invoice, "VALIDATION").status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION and invoice.validated2_on == timezone.localdate()


def test_a_refusal_needs_a_motive_and_a_comment(main_client: Client) -> None:
    invoice = a9()
    refused = decide(main_client, invoice, "REFUS")
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"motive", "comment"}
    assert decide(main_client, invoice, "REFUS", motive="ERREUR_MONTANT").status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1
    answer = decide(main_client, invoice, "REFUS", motive="ERREUR_MONTANT", comment="Le lot 2 n'est pas livré.")
    assert answer.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.REFUSEE_1
    change = invoice.status_changes.get(status=S.REFUSEE_1)
    assert (change.comment, change.motives) == ("Le lot 2 n'est pas livré.", ["ERREUR_MONTANT"])


def test_wrong_validator_then_the_supplier_corrects_it(main_client: Client) -> None:
    invoice = a9()
    decide(main_client, invoice, "ERREUR_VALIDEUR", comment="Nous ne sommes pas titulaires de ce marché.")
    invoice.refresh_from_db()
    assert invoice.status == S.ERREUR_FOURNISSEUR_SUR_VALIDEUR
    assert invoice.status_changes.get(status=S.ERREUR_FOURNISSEUR_SUR_VALIDEUR).motives == ["MAUVAIS_VALIDEUR"]

    supplier = logged(User.objects.get(email=SUB_MANAGER))
    form_page = supplier.get(fix(invoice.pk)).content.decode()
    assert 'id="validator-fix-form"' in form_page and "Nous ne sommes pas titulaires de ce marché." in form_page
    for identifier, rule in (("00000000000000", "FR-VAL-02"), (SUB_SIRET, "FR-VAL-04"), (COMMUNE_SIRET, "FR-VAL-04")):
        refused = supplier.post(fix(invoice.pk), {"validator_identifier": identifier, "expected": invoice.status})
        assert refused.status_code == 400 and rule in str(refused.context["form"].errors["validator_identifier"])
    right = StructureFactory(name="Le Vrai Titulaire SAS")
    right_user = member(right)
    answer = supplier.post(fix(invoice.pk), {"validator_identifier": right.identifier, "expected": invoice.status})
    assert answer.status_code == 302 and answer["Location"] == f"/factures-emises/factures/{invoice.pk}/"
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1 and invoice.validator1 == right
    assert (invoice.validator1_identifier, invoice.validator1_name) == (right.identifier, "Le Vrai Titulaire SAS")
    event = invoice.events.get(code=InvoiceEvent.Code.VALIDATOR_CORRECTED)
    assert event.data["before"]["name"] == "Bâtiments Durables SA"
    assert "Aucune correction de valideur" in supplier.get(fix(invoice.pk)).content.decode()
    # The wrong validator no longer sees it; the right one has it to validate.
    assert main_client.get(page(invoice.pk)).status_code == 404
    assert [row.invoice for row in logged(right_user).get(PENDING).context["rows"]] == [invoice]


def test_a_stale_decision_changes_nothing_and_says_so(main_client: Client) -> None:
    invoice = a9()
    seen = invoice.status
    decide(main_client, invoice, "VALIDATION")
    again = main_client.post(page(invoice.pk), {"action": "REFUS", "expected": seen, "motive": "AUTRE",
                                                "comment": "Trop tard"}, follow=True)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION and not invoice.status_changes.filter(status=S.REFUSEE_1).exists()
    assert "a changé entre-temps" in again.content.decode()


def test_another_structure_sees_and_does_nothing(demo: None) -> None:
    invoice = a9()
    stranger = logged(member(StructureFactory(name="Autre Titulaire")))
    assert stranger.get(PENDING).context["rows"] == []
    assert stranger.get(HANDLED).context["rows"] == []
    assert stranger.get(page(invoice.pk)).status_code == 404
    assert decide(stranger, invoice, "VALIDATION").status_code == 404
    other_supplier = logged(User.objects.get(email="gerant@au-diapason.demo"))
    assert other_supplier.get(fix(invoice.pk)).status_code == 404
    assert other_supplier.post(fix(invoice.pk), {"validator_identifier": MAIN_SIRET}).status_code == 404
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1


def test_a_consultation_subscriber_sees_but_cannot_decide(demo: None) -> None:
    invoice = a9()
    reader = logged(member(structure(MAIN_SIRET), mode=SpaceMode.CONSULTATION))
    html = reader.get(PENDING).content.decode()
    assert invoice.number in html and "Valider<span" not in html
    detail = reader.get(page(invoice.pk))
    assert detail.context["form"] is None and 'id="consultation-notice"' in detail.content.decode()
    assert decide(reader, invoice, "VALIDATION").status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1


def test_the_representative_of_a12_invoices_is_informed(main_client: Client) -> None:
    invoice = a9(frame="A12")
    assert invoice.status == S.MISE_A_DISPOSITION
    rows = main_client.get(INFORMATION).context["rows"]
    assert [row.invoice for row in rows] == [invoice]
    detail = main_client.get(page(invoice.pk))
    assert detail.context["form"] is None and "Mandataire du groupement" in detail.content.decode()
    assert main_client.get(PENDING).context["rows"] == []


def test_a_supplier_without_the_space_gets_403(client: Client, demo: None) -> None:
    client.force_login(User.objects.get(email="gerant@au-diapason.demo"))
    assert client.get(PENDING).status_code == 403
    assert Structure.objects.filter(identifier=SUPPLIER_SIRET).exists()


def test_the_lists_cost_the_same_queries_whatever_their_length(main_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(url: str) -> int:
        main_client.get(url)  # shows (and consumes) the messages of the last decision
        with CaptureQueriesContext(connection) as queries:
            assert main_client.get(url).status_code == 200
        return len(queries)

    first = a9("ST-Q-1")
    decide(main_client, first, "VALIDATION")
    a9("ST-Q-2")
    one = {url: cost(url) for url in (PENDING, HANDLED)}
    for n in range(3, 6):
        invoice = a9(f"ST-Q-{n}")
        if n % 2:
            decide(main_client, invoice, "VALIDATION")
    assert len(main_client.get(PENDING).context["rows"]) == 2
    assert len(main_client.get(HANDLED).context["rows"]) == 3
    assert {url: cost(url) for url in (PENDING, HANDLED)} == one
