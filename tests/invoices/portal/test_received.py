"""« Factures reçues »: the synthesis, the dashboard, the search and its CSV export, the invoice
page (rendering, files, history), the "Traiter" dialog for one invoice and for several, and the
transfer to another service; each with its permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from facturier.accounts.models import User
from facturier.core.demo import COMMUNE_USER, TECH_LOGIN
from facturier.einvoice.build import LineData
from facturier.flows.models import Flow
from facturier.flows.services import flow_receive
from facturier.invoices import lifecycle, selectors
from facturier.invoices.entry import EntryData, EntryLine, invoice_submit
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.enums import StateRejectionMotive
from facturier.invoices.models import Invoice, InvoiceAttachment, InvoiceEvent
from facturier.invoices.transitions import REASON_REQUIRED, Mover, allowed_targets
from facturier.structures.models import Service, Structure
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, SubscriptionFactory, UserFactory
from tests.flows.builders import buyer, invoice_file

from .conftest import COMMUNE_SIRET, SUPPLIER_MANAGER, SUPPLIER_SIRET

pytestmark = pytest.mark.django_db(transaction=True)

SYNTHESIS = "/factures-recues/"
DASHBOARD = "/factures-recues/tableau-de-bord/"
SEARCH = "/factures-recues/recherche/"
EXPORT = "/factures-recues/recherche/export.csv"
MINISTRY_SIRET = "11000009800019"
MINISTRY_MANAGER = "gestionnaire@ministere-exemple.demo"
WATER_MANAGER = "gestionnaire@eaux-intercommunal.demo"  # another public body, with « Factures reçues »


def detail(invoice: Invoice) -> str:
    return f"/factures-recues/factures/{invoice.pk}/"


def process(invoice: Invoice) -> str:
    return f"/factures-recues/factures/{invoice.pk}/traiter/"


def transfer(invoice: Invoice) -> str:
    return f"/factures-recues/factures/{invoice.pk}/transferer/"


def original(invoice: Invoice) -> str:
    return f"/factures/{invoice.pk}/fichier/"


def commune() -> Structure:
    return Structure.objects.get(identifier=COMMUNE_SIRET)


def receive(number: str, **overrides) -> Invoice:
    """An invoice of Au Diapason deposited through the API (CII) and made available."""
    flow = flow_receive(actor=User.objects.get(email=TECH_LOGIN), data=invoice_file("cii", number, **overrides),
                        file_name=f"{number}.xml", syntax="IN_DP_E1_CII_16B", channel="API")
    invoice = Invoice.objects.get(flow=Flow.objects.get(pk=flow.pk))
    assert invoice.status == S.MISE_A_DISPOSITION, invoice.status
    return invoice


def receive_at_ministry(number: str) -> Invoice:
    """An invoice to the ministry's service (a State service: no recycling, coded motives)."""
    return receive(number, buyer=buyer(MINISTRY_SIRET, "Ministère de l'Exemple"), buyer_reference=None)


def move(invoice: Invoice, *statuses: str) -> Invoice:
    """Process ``invoice`` through ``statuses`` as the commune's agent."""
    agent = User.objects.get(email=COMMUNE_USER)
    for status in statuses:
        lifecycle.invoice_process(actor=agent, invoice=invoice, to=status,
                                  comment="motif" if status in REASON_REQUIRED else "")
    invoice.refresh_from_db()
    return invoice


def offered(html: str) -> set[str]:
    """The statuses the page's "Traiter" form offers."""
    return set(re.findall(r'name="to" value="([A-Z_0-9]+)"', html))


def read(response) -> bytes:
    """The body of a file response, its file closed."""
    assert response.status_code == 200, response.status_code
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


def login(client: Client, email: str) -> Client:
    client.force_login(User.objects.get(email=email))
    return client


@pytest.fixture
def agent(demo: None) -> User:
    return User.objects.get(email=COMMUNE_USER)


@pytest.fixture
def agent_client(client: Client, agent: User) -> Client:
    client.force_login(agent)
    return client


@pytest.fixture
def consultant(demo: None) -> User:
    """A user of the commune holding « Factures reçues » in consultation mode only."""
    user = UserFactory()
    AttachmentFactory(user=user, structure=commune())
    SubscriptionFactory(user=user, structure=commune(), space=Space.FACTURES_RECUES, mode=SpaceMode.CONSULTATION)
    return user


# --- synthesis -----------------------------------------------------------------------------------


def test_the_synthesis_lists_exactly_the_invoices_the_recipient_can_move(agent_client: Client) -> None:
    invoices = [receive(f"SY-{n}") for n in range(7)]
    move(invoices[1], S.SERVICE_FAIT)
    move(invoices[2], S.REJETEE)
    move(invoices[3], S.MISE_EN_PAIEMENT)
    move(invoices[4], S.COMPTABILISEE)
    move(invoices[5], S.SUSPENDUE)
    move(invoices[6], S.A_RECYCLER)

    def listed() -> list[str]:
        html = agent_client.get(SYNTHESIS).content.decode()
        return re.findall(r'<a href="/factures-recues/factures/\d+/">(SY-\d)</a>', html)

    expected = [i.number for i in reversed(invoices) if allowed_targets(mover=Mover.RECIPIENT, invoice=i)]
    assert listed() == expected == ["SY-5", "SY-4", "SY-1", "SY-0"]  # newest deposit first
    html = agent_client.get(SYNTHESIS).content.decode()
    assert "4 factures à traiter" in html
    assert re.search(r'data-count-status="COMPTABILISEE">Comptabilisée <span class="count">1</span>', html)

    # A structure that does not report the payment status: COMPTABILISEE has nothing left to do.
    Structure.objects.filter(pk=commune().pk).update(payment_status_not_reported=True)
    invoices[4].refresh_from_db()
    assert not allowed_targets(mover=Mover.RECIPIENT, invoice=invoices[4])
    assert listed() == ["SY-5", "SY-1", "SY-0"]


def test_an_invoice_not_yet_received_is_not_shown(agent_client: Client) -> None:
    invoice = receive("NY-1")
    Invoice.objects.filter(pk=invoice.pk).update(status=S.A_VALIDER_1)  # still with its validator
    assert agent_client.get(detail(invoice)).status_code == 404
    assert "NY-1" not in agent_client.get(SYNTHESIS).content.decode()


# --- permissions ---------------------------------------------------------------------------------


def test_another_structure_gets_404_and_a_supplier_403(client: Client, demo: None) -> None:
    invoice = receive("P-1")
    login(client, WATER_MANAGER)
    assert client.get(SYNTHESIS).status_code == 200
    assert "P-1" not in client.get(SYNTHESIS).content.decode()
    for url in (detail(invoice), process(invoice), original(invoice)):
        assert client.get(url).status_code == 404, url
    assert client.post(process(invoice), {"to": S.SERVICE_FAIT, "expected": S.MISE_A_DISPOSITION}).status_code == 404
    assert client.post(transfer(invoice), {"transfer-service": "1"}).status_code == 404
    response = client.post(SYNTHESIS, {"invoices": [invoice.pk], "to": S.SERVICE_FAIT,
                                       f"expected-{invoice.pk}": S.MISE_A_DISPOSITION})
    assert response.status_code == 200 and "Inchangée" in response.content.decode()
    login(client, SUPPLIER_MANAGER)  # the supplier has no « Factures reçues »
    assert client.get(SYNTHESIS).status_code == 403
    assert client.get(detail(invoice)).status_code == 403
    client.logout()
    assert client.get(SYNTHESIS)["Location"].startswith("/connexion/")
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_consultation_mode_sees_but_does_not_process(client: Client, consultant: User) -> None:
    invoice = receive("C-1")
    client.force_login(consultant)
    synthesis = client.get(SYNTHESIS).content.decode()
    assert "C-1" in synthesis and 'name="invoices"' not in synthesis and 'name="to"' not in synthesis
    page = client.get(detail(invoice)).content.decode()
    assert "Facture C-1" in page and 'id="process-button"' not in page and "transfer-service" not in page
    assert "en mode modification" in page
    assert client.get(process(invoice)).status_code == 403
    assert client.post(process(invoice), {"to": S.SERVICE_FAIT, "expected": S.MISE_A_DISPOSITION}).status_code == 403
    service = Service.objects.get(structure=commune(), code="TECHNIQUE")
    assert client.post(transfer(invoice), {"transfer-service": service.pk}).status_code == 403
    assert client.post(SYNTHESIS, {"invoices": [invoice.pk], "to": S.SERVICE_FAIT}).status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION and invoice.service_code == "FINANCES"
    assert client.get(DASHBOARD).status_code == 200 and client.get(SEARCH).status_code == 200


# --- "Traiter" -----------------------------------------------------------------------------------


def test_the_dialog_offers_exactly_the_allowed_statuses(agent_client: Client) -> None:
    invoice = receive("T-1")
    html = agent_client.get(detail(invoice)).content.decode()
    assert offered(html) == set(allowed_targets(mover=Mover.RECIPIENT, invoice=invoice))
    assert S.A_RECYCLER in offered(html) and S.MISE_EN_PAIEMENT in offered(html)
    assert '<dialog id="process-dialog"' in html and 'name="expected" value="MISE_A_DISPOSITION"' in html
    assert 'name="motives"' not in html  # not a State service
    # Without JavaScript the button is a link to the same form as a page.
    assert offered(agent_client.get(process(invoice)).content.decode()) == offered(html)

    move(invoice, S.MANDATEE)
    html = agent_client.get(detail(invoice)).content.decode()
    assert offered(html) == {S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, S.MISE_EN_PAIEMENT, S.REJETEE}
    Structure.objects.filter(pk=commune().pk).update(payment_status_not_reported=True)
    html = agent_client.get(detail(invoice)).content.decode()
    assert offered(html) == {S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, S.REJETEE}
    move(invoice, S.REJETEE)
    html = agent_client.get(detail(invoice)).content.decode()
    assert not offered(html) and "Aucun traitement n'est possible au statut « Rejetée »." in html


def test_a_state_service_rejects_with_coded_motives_and_never_recycles(client: Client, demo: None) -> None:
    invoice = receive_at_ministry("ST-1")
    assert invoice.recipient.is_state_service
    login(client, MINISTRY_MANAGER)
    html = client.get(detail(invoice)).content.decode()
    assert S.A_RECYCLER not in offered(html) and S.REJETEE in offered(html)
    assert offered(html) == set(allowed_targets(mover=Mover.RECIPIENT, invoice=invoice))
    assert set(re.findall(r'name="motives" value="([A-Z_]+)"', html)) == set(StateRejectionMotive.values)

    response = client.post(process(invoice), {"to": S.REJETEE, "expected": S.MISE_A_DISPOSITION})
    assert response.status_code == 400 and "Cochez au moins un motif du rejet." in response.content.decode()
    response = client.post(process(invoice), {"to": S.A_RECYCLER, "expected": S.MISE_A_DISPOSITION, "comment": "x"})
    assert response.status_code == 400  # not a choice for a State service
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION

    response = client.post(process(invoice), {"to": S.REJETEE, "expected": S.MISE_A_DISPOSITION,
                                              "motives": [StateRejectionMotive.EJ_INCORRECT]}, follow=True)
    assert "Facture ST-1 : statut « Rejetée »." in response.content.decode()
    invoice.refresh_from_db()
    change = invoice.status_changes.get(status=S.REJETEE)
    assert change.motives == [StateRejectionMotive.EJ_INCORRECT] and change.comment == "EJ incorrect ou inexistant"
    assert lifecycle.resubmittable(invoice)
    assert "<strong>EJ incorrect ou inexistant</strong>" in response.content.decode()  # the history


def test_the_reason_is_required_where_the_table_says(agent_client: Client) -> None:
    invoice = receive("RR-1")
    html = agent_client.get(detail(invoice)).content.decode()
    assert 'data-reason-required="SUSPENDUE A_RECYCLER REJETEE"' in html
    for target in (S.SUSPENDUE, S.REJETEE, S.A_RECYCLER):
        response = agent_client.post(process(invoice), {"to": target, "expected": S.MISE_A_DISPOSITION,
                                                         "comment": "  "})
        assert response.status_code == 400
        assert "Un motif est obligatoire pour passer la facture au statut" in response.content.decode()
    response = agent_client.post(process(invoice), {"to": S.SUSPENDUE, "expected": S.MISE_A_DISPOSITION,
                                                    "comment": "x" * 256})
    assert response.status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    response = agent_client.post(process(invoice), {"to": S.SUSPENDUE, "expected": S.MISE_A_DISPOSITION,
                                                    "comment": "Bon de livraison manquant"})
    assert response.status_code == 302 and response["Location"] == detail(invoice)
    invoice.refresh_from_db()
    assert invoice.status == S.SUSPENDUE
    assert invoice.status_changes.last().comment == "Bon de livraison manquant"
    # SERVICE_FAIT needs no reason.
    other = receive("RR-2")
    assert agent_client.post(process(other), {"to": S.SERVICE_FAIT, "expected": S.MISE_A_DISPOSITION}).status_code == 302
    other.refresh_from_db()
    assert other.status == S.SERVICE_FAIT


def test_mandatee_keeps_the_mandate_number(agent_client: Client, agent: User) -> None:
    invoice = receive("M-1")
    agent_client.post(process(invoice), {"to": S.MANDATEE, "expected": S.MISE_A_DISPOSITION,
                                         "mandate_number": "MDT-2589"})
    invoice.refresh_from_db()
    assert invoice.status == S.MANDATEE and invoice.mandate_number == "MDT-2589"
    assert invoice.status_changes.last().actor == agent
    assert "MDT-2589" in agent_client.get(detail(invoice)).content.decode()


def test_a_stale_status_is_a_clear_message_not_a_silent_change(agent_client: Client) -> None:
    invoice = receive("SS-1")
    shown = agent_client.get(detail(invoice)).content.decode()
    assert 'name="expected" value="MISE_A_DISPOSITION"' in shown
    move(invoice, S.SERVICE_FAIT)  # another agent, meanwhile
    # MANDATEE is allowed from both statuses: still refused, because the user saw another status.
    response = agent_client.post(process(invoice), {"to": S.MANDATEE, "expected": S.MISE_A_DISPOSITION},
                                 follow=True)
    html = response.content.decode()
    assert "Le statut de la facture a changé entre-temps : elle est maintenant « Service fait »." in html
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT and invoice.status_changes.count() == 3


# --- several invoices at once ----------------------------------------------------------------------


def test_several_invoices_are_processed_at_once_with_an_outcome_each(agent_client: Client, demo: None) -> None:
    a, b, c = receive("B-1"), receive("B-2"), receive("B-3")
    page = agent_client.get(SYNTHESIS).content.decode()
    assert all(f'name="invoices" value="{i.pk}"' in page for i in (a, b, c))
    move(c, S.MISE_EN_PAIEMENT)  # meanwhile
    elsewhere = receive("B-4", buyer=buyer("21769012200015", "Syndicat intercommunal des eaux"), buyer_reference=None)
    data = {"invoices": [a.pk, b.pk, c.pk, elsewhere.pk], "to": S.SERVICE_FAIT, "comment": "Service constaté"}
    data.update({f"expected-{i.pk}": S.MISE_A_DISPOSITION for i in (a, b, c, elsewhere)})
    response = agent_client.post(SYNTHESIS, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 factures passées au statut « Service fait »." in html and "2 factures inchangées." in html
    rows = dict(re.findall(r'<tr data-invoice="(\d+)" class="outcome--(ok|refused)"', html))
    assert rows == {str(a.pk): "ok", str(b.pk): "ok", str(c.pk): "refused", str(elsewhere.pk): "refused"}
    assert "elle est maintenant « Mise en paiement »" in html
    assert "La demande de paiement n&#x27;existe pas ou ne vous est pas accessible." in html
    statuses = dict(Invoice.objects.values_list("number", "status"))
    assert statuses == {"B-1": S.SERVICE_FAIT, "B-2": S.SERVICE_FAIT, "B-3": S.MISE_EN_PAIEMENT,
                        "B-4": S.MISE_A_DISPOSITION}
    assert a.status_changes.last().comment == "Service constaté"


def test_a_bulk_rejection_without_reason_changes_nothing(agent_client: Client) -> None:
    a, b = receive("BR-1"), receive("BR-2")
    response = agent_client.post(SYNTHESIS, {"invoices": [a.pk, b.pk], "to": S.REJETEE})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Un motif est obligatoire" in html
    assert f'name="invoices" value="{a.pk}" id="select-{a.pk}" checked' in html  # the ticks are kept
    assert set(Invoice.objects.values_list("status", flat=True)) == {S.MISE_A_DISPOSITION}
    response = agent_client.post(SYNTHESIS, {"to": S.SERVICE_FAIT})
    assert response.status_code == 400 and "Cochez au moins une facture." in response.content.decode()


def test_bulk_processing_from_the_search_keeps_the_query(agent_client: Client) -> None:
    a = receive("BS-1")
    url = f"{SEARCH}?number=BS"
    response = agent_client.post(url, {"invoices": [a.pk], "to": S.SERVICE_FAIT,
                                       f"expected-{a.pk}": S.MISE_A_DISPOSITION})
    assert response.status_code == 200 and f'href="{url}"' in response.content.decode()
    a.refresh_from_db()
    assert a.status == S.SERVICE_FAIT


# --- search and CSV --------------------------------------------------------------------------------


def _numbers(client: Client, query: str) -> list[str]:
    html = client.get(f"{SEARCH}?{query}").content.decode()
    return re.findall(r'<a href="/factures-recues/factures/\d+/">([A-Z0-9-]+)</a>', html)


def test_every_search_criterion(agent_client: Client) -> None:
    first = receive("Q-1", issue_date=dt.date(2025, 1, 10))
    second = receive("Q-2", issue_date=dt.date(2025, 2, 10),
                     lines=[LineData(name="Concert", quantity=1, net_price="1000.00")])
    third = receive("Z-3", issue_date=dt.date(2025, 3, 10))
    move(second, S.SERVICE_FAIT)
    technique = Service.objects.get(structure=commune(), code="TECHNIQUE")
    lifecycle.invoice_transfer(actor=User.objects.get(email=COMMUNE_USER), invoice=third, service=technique)
    Invoice.objects.filter(pk=first.pk).update(deposited_at=timezone.now() - dt.timedelta(days=40),
                                               supplier_name="Orchestre Lyrique", supplier_identifier="11122233300044")
    Invoice.objects.filter(pk=third.pk).update(downloaded_by_recipient=True)
    today = timezone.localdate()

    assert _numbers(agent_client, "") == ["Z-3", "Q-2", "Q-1"]
    assert _numbers(agent_client, "supplier=lyrique") == ["Q-1"]
    assert _numbers(agent_client, "supplier=891234") == ["Z-3", "Q-2"]
    assert _numbers(agent_client, "number=q-") == ["Q-2", "Q-1"]
    assert _numbers(agent_client, f"deposited_from={today - dt.timedelta(days=1)}") == ["Z-3", "Q-2"]
    assert _numbers(agent_client, f"deposited_to={today - dt.timedelta(days=30)}") == ["Q-1"]
    assert _numbers(agent_client, "issued_from=2025-02-01&issued_to=2025-02-28") == ["Q-2"]
    assert _numbers(agent_client, "amount_min=1000") == ["Q-2"]
    assert _numbers(agent_client, "amount_max=239,48") == ["Z-3", "Q-1"]  # French decimal comma
    assert _numbers(agent_client, "amount_max=239.48") == ["Z-3", "Q-1"]
    assert _numbers(agent_client, "status=SERVICE_FAIT") == ["Q-2"]
    assert _numbers(agent_client, "status=SERVICE_FAIT&status=MISE_A_DISPOSITION") == ["Z-3", "Q-2", "Q-1"]
    assert _numbers(agent_client, f"service={technique.pk}") == ["Z-3"]
    assert _numbers(agent_client, "frame=A1_FACTURE_FOURNISSEUR") == ["Z-3", "Q-2", "Q-1"]
    assert _numbers(agent_client, "frame=A2_FACTURE_FOURNISSEUR_DEJA_PAYEE") == []
    assert _numbers(agent_client, "downloaded=oui") == ["Z-3"]
    assert _numbers(agent_client, "downloaded=non&number=Q") == ["Q-2", "Q-1"]
    html = agent_client.get(f"{SEARCH}?amount_min=10&amount_max=5").content.decode()
    assert "Le montant maximum est inférieur au minimum." in html and "Q-1" not in html


def test_the_search_is_paginated_and_offers_only_meaningful_statuses(agent_client: Client) -> None:
    from facturier.invoices.portal import received

    for n in range(received.PAGE_SIZE + 2):
        receive(f"PG-{n:02d}")
    first = _numbers(agent_client, "number=PG")
    second = _numbers(agent_client, "number=PG&page=2")
    assert len(first) == received.PAGE_SIZE and len(second) == 2 and not set(first) & set(second)
    html = agent_client.get(f"{SEARCH}?number=PG").content.decode()
    assert "27 factures" in html and "number=PG&amp;page=2" in html
    statuses = set(re.findall(r'name="status" value="([A-Z_0-9]+)"', html))
    assert S.MISE_EN_PAIEMENT in statuses and S.A_VALIDER_1 not in statuses and S.BROUILLON not in statuses
    Structure.objects.filter(pk=commune().pk).update(payment_status_not_reported=True)
    html = agent_client.get(SEARCH).content.decode()
    assert S.MISE_EN_PAIEMENT not in set(re.findall(r'name="status" value="([A-Z_0-9]+)"', html))


def test_the_csv_export_is_the_same_query_in_full(agent_client: Client) -> None:
    a, b, c = receive("X-1"), receive("X-2"), receive("Y-3")
    Invoice.objects.filter(pk=b.pk).update(supplier_name="=HYPERLINK(\"http://evil\")")
    response = agent_client.get(f"{EXPORT}?number=X")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="factures-recues-')
    text = read(response).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [r["numeroFacture"] for r in rows] == ["X-2", "X-1"]
    row = rows[1]
    assert row["idFacture"] == str(a.pk) and row["siretFournisseur"] == SUPPLIER_SIRET
    assert row["montantTTC"] == "239.48" and row["montantHT"] == "205.00" and row["statut"] == "MISE_A_DISPOSITION"
    assert row["codeService"] == "FINANCES" and row["telechargee"] == "non" and row["dateFacture"] == "2025-03-01"
    assert rows[0]["fournisseur"] == "'=HYPERLINK(\"http://evil\")"  # never a formula
    assert c.number not in text
    # The export link of the search page carries the same query.
    assert f'href="{EXPORT}?number=X"' in agent_client.get(f"{SEARCH}?number=X").content.decode()


# --- dashboard -------------------------------------------------------------------------------------


def test_dashboard_numbers(agent_client: Client, agent: User) -> None:
    # Noon, local time: 45 days of 24 hours back from it is 45 calendar days back even across a
    # change of summer time (from 22:00 UTC in November it was 14 calendar days late, not 15).
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
    fresh, week, old, paid, rejected = (receive(f"D-{n}") for n in range(5))
    move(paid, S.MISE_EN_PAIEMENT)
    move(rejected, S.REJETEE)
    for invoice, days in ((fresh, 2), (week, 10), (old, 45), (paid, 90), (rejected, 90)):
        Invoice.objects.filter(pk=invoice.pk).update(deposited_at=now - dt.timedelta(days=days))

    board = selectors.received_dashboard(actor=agent, now=now)
    assert board.total == 5 and board.to_process == 3
    by_status = {row.status: (row.count, row.amounts) for row in board.by_status}
    assert by_status == {
        S.MISE_A_DISPOSITION: (3, (("EUR", Decimal("718.44")),)),
        S.REJETEE: (1, (("EUR", Decimal("239.48")),)),
        S.MISE_EN_PAIEMENT: (1, (("EUR", Decimal("239.48")),)),
    }
    assert [(a.low, a.high, a.count) for a in board.ages] == [(0, 7, 1), (8, 15, 1), (16, 30, 0), (31, 60, 1),
                                                              (61, None, 0)]
    assert board.overdue_count == 1 and [o.invoice.number for o in board.overdue] == ["D-2"]
    assert board.overdue[0].days_late == 15 and board.overdue_amounts == (("EUR", Decimal("239.48")),)

    html = agent_client.get(DASHBOARD).content.decode()
    assert re.search(r'id="figure-total">5<', html) and re.search(r'id="figure-to-process">3<', html)
    assert re.search(r'id="figure-overdue">1<', html)
    assert "Commune de Montclair — 30 jours" in html and 'data-status="MISE_EN_PAIEMENT"' in html

    # The legal delay is the structure's; a structure that does not report payment hides MISE_EN_PAIEMENT.
    Structure.objects.filter(pk=commune().pk).update(payment_delay_days=40, payment_status_not_reported=True)
    board = selectors.received_dashboard(actor=agent, now=now)
    assert board.overdue[0].days_late == 5
    assert S.MISE_EN_PAIEMENT not in {row.status for row in board.by_status}
    html = agent_client.get(DASHBOARD).content.decode()
    assert 'data-status="MISE_EN_PAIEMENT"' not in html and "Commune de Montclair — 40 jours" in html
    Structure.objects.filter(pk=commune().pk).update(payment_delay_days=60)
    assert selectors.received_dashboard(actor=agent, now=now).overdue_count == 0


def test_dashboard_and_lists_use_a_fixed_number_of_queries(agent_client: Client, agent: User,
                                                           django_assert_max_num_queries) -> None:
    for n in range(6):
        receive(f"NQ-{n}")
    with django_assert_max_num_queries(7):
        selectors.received_dashboard(actor=agent)
    agent_client.get(SYNTHESIS)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        agent_client.get(SYNTHESIS)
    for n in range(6, 12):
        receive(f"NQ-{n}")
    with CaptureQueriesContext(connection) as many:
        agent_client.get(SYNTHESIS)
    assert len(many) == len(few)


# --- the invoice page ------------------------------------------------------------------------------


def test_the_rendering_in_french_and_english(agent_client: Client) -> None:
    invoice = receive("RD-1")
    french = agent_client.get(detail(invoice)).content.decode()
    for text in ("Accord de piano", "Partitions", "160,00", "45,00", "Ventilation de la TVA", "34,48 EUR",
                 "239,48 EUR", "FR58891234569", "12 rue des Musiciens", "EJ-2025-0042", "1 mars 2025",
                 "FR7630006000011234567890189"):
        assert text in french, text
    english = agent_client.get(detail(invoice) + "?rendu=en").content.decode()
    assert 'lang="en" id="invoice-rendering"' in english
    assert "March 1, 2025" in english and "239.48 EUR" in english and "Invoice date" in english
    assert "Facture RD-1" in english  # the page around it stays in the portal's language


def test_a_plain_pdf_is_rendered_from_the_record_with_its_files(agent_client: Client, agent: User,
                                                                supplier_tech: User) -> None:
    from tests.invoices.test_entry import _plain_pdf

    pdf = _plain_pdf(["Facture PDF-9"])
    invoice = invoice_submit(
        actor=supplier_tech, mode="DEPOT_PDF_API", original_pdf=pdf, attachments=[("bon.pdf", b"%PDF-1.4 bl")],
        data=EntryData(supplier=Structure.objects.get(identifier=SUPPLIER_SIRET), recipient=commune(),
                       service_code="FINANCES", commitment_number="EJ-1", number="PDF-9",
                       issue_date=dt.date(2025, 3, 1), iban="FR7630006000011234567890189",
                       lines=(EntryLine(name="Accord", quantity=Decimal(1), unit_price=Decimal(100),
                                        vat_rate=Decimal(20)),)),
    )
    html = agent_client.get(detail(invoice)).content.decode()
    assert "n'est pas une facture structurée" in html and "120,00 EUR" in html
    attachment = invoice.attachments.get()
    url = f"/factures/{invoice.pk}/pieces-jointes/{attachment.pk}/"
    assert f'href="{url}"' in html and f'href="{original(invoice)}"' in html
    response = agent_client.get(url)
    assert read(response) == b"%PDF-1.4 bl"
    assert 'filename="bon.pdf"' in response["Content-Disposition"]
    assert agent_client.get(f"/factures/{invoice.pk}/pieces-jointes/{attachment.pk + 99}/").status_code == 404


def test_downloads_are_recorded_in_the_history(client: Client, agent: User, demo: None) -> None:
    invoice = receive("DL-1")
    client.force_login(agent)
    assert read(client.get(original(invoice))) == invoice_file("cii", "DL-1")
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient
    event = invoice.events.get()
    assert event.code == InvoiceEvent.Code.DOWNLOAD and event.kind == InvoiceEvent.Kind.ACTION and event.actor == agent
    html = client.get(detail(invoice)).content.decode()
    history = html[html.index('class="history-actions"'):]
    assert "Téléchargement de la facture" in history and "Hugo Durand (Commune de Montclair)" in history
    # The supplier downloads through the same URL; that does not make it downloaded by the recipient.
    login(client, SUPPLIER_MANAGER)
    Invoice.objects.filter(pk=invoice.pk).update(downloaded_by_recipient=False)
    assert read(client.get(original(invoice))) == invoice_file("cii", "DL-1")
    invoice.refresh_from_db()
    assert not invoice.downloaded_by_recipient and invoice.events.count() == 2


def test_the_history_has_three_parts(agent_client: Client, agent: User) -> None:
    invoice = receive("H-1")
    move(invoice, S.SUSPENDUE)
    lifecycle.invoice_acknowledge(actor=User.objects.get(email=SUPPLIER_MANAGER), invoice=invoice)
    history = selectors.invoice_history(invoice=invoice)
    assert [c.status for c in history.statuses] == [S.DEPOSEE, S.MISE_A_DISPOSITION, S.SUSPENDUE]
    assert [a.code for a in history.actions] == [InvoiceEvent.Code.ACK_SUSPENSION]
    assert history.events == []
    technique = Service.objects.get(structure=commune(), code="TECHNIQUE")
    lifecycle.invoice_transfer(actor=agent, invoice=invoice, service=technique, comment="Mauvais service")
    history = selectors.invoice_history(invoice=invoice)
    assert [e.code for e in history.events] == [InvoiceEvent.Code.TRANSFER]
    html = agent_client.get(detail(invoice)).content.decode()
    statuses = html[html.index('class="history-statuses"'):html.index('class="history-actions"')]
    assert statuses.index("Suspendue") < statuses.index("Mise à disposition") < statuses.index("Déposée")
    assert "Hugo Durand" in statuses and "motif" in statuses
    assert "Acquittement de la suspension" in html[html.index('class="history-actions"'):]
    events = html[html.index('class="history-events"'):]
    assert "Transfert vers un autre service" in events and "Mauvais service" in events
    assert "Du service FINANCES (Direction des finances) au service TECHNIQUE (Services techniques)." in events


def test_transfer_to_another_service(agent_client: Client, agent: User) -> None:
    invoice = receive("TR-1")
    html = agent_client.get(detail(invoice)).content.decode()
    choices = set(re.findall(r'<option value="(\d+)">([A-Z]+) —', html))
    codes = {code for _pk, code in choices}
    assert codes == {"TECHNIQUE", "SCOLAIRE"}  # the other active services, not the current one
    technique = Service.objects.get(structure=commune(), code="TECHNIQUE")
    response = agent_client.post(transfer(invoice), {"transfer-service": technique.pk,
                                                     "transfer-comment": "Travaux de voirie"}, follow=True)
    assert "Facture TR-1 transférée au service TECHNIQUE — Services techniques." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.service == technique and invoice.service_code == "TECHNIQUE"
    assert invoice.status == S.MISE_A_DISPOSITION and invoice.status_changes.count() == 2
    assert invoice.events.get().code == InvoiceEvent.Code.TRANSFER
    # Another structure's service is not a choice.
    foreign = Service.objects.exclude(structure=commune()).first() or Service.objects.create(
        structure=Structure.objects.get(identifier=MINISTRY_SIRET), code="X", name="X")
    agent_client.post(transfer(invoice), {"transfer-service": foreign.pk})
    invoice.refresh_from_db()
    assert invoice.service == technique and invoice.events.count() == 1
    # Once paid, an invoice is no longer transferred.
    move(invoice, S.MISE_EN_PAIEMENT)
    assert "transfer-service" not in agent_client.get(detail(invoice)).content.decode()
    response = agent_client.post(transfer(invoice), {"transfer-service": Service.objects.get(
        structure=commune(), code="SCOLAIRE").pk}, follow=True)
    invoice.refresh_from_db()
    assert invoice.service == technique


def test_the_space_lists_the_three_pages(agent_client: Client) -> None:
    html = agent_client.get("/espaces/factures-recues/").content.decode()
    for url in (SYNTHESIS, DASHBOARD, SEARCH):
        assert f'href="{url}"' in html


def test_an_attachment_of_another_invoice_is_not_served(agent_client: Client, agent: User) -> None:
    a, b = receive("AT-1"), receive("AT-2")
    attachment = InvoiceAttachment.objects.create(
        invoice=b, name="pv", extension="PDF", file=ContentFile(b"%PDF-1.4 pv", name="pv.pdf"), sha256="0" * 64,
        size=11, uploaded_by=agent)
    assert agent_client.get(f"/factures/{a.pk}/pieces-jointes/{attachment.pk}/").status_code == 404
    response = agent_client.get(f"/factures/{b.pk}/pieces-jointes/{attachment.pk}/")
    assert 'filename="pv.pdf"' in response["Content-Disposition"]
    assert read(response) == b"%PDF-1.4 pv"


def test_the_page_links_the_invoice_as_pdf_and_its_tracking_slip(agent_client: Client) -> None:
    invoice = receive("SL-1")
    html = agent_client.get(detail(invoice)).content.decode()
    slip = f"/factures-recues/factures/{invoice.pk}/bordereau-de-suivi.pdf"
    pdf = f"/factures-recues/factures/{invoice.pk}/telecharger.pdf"
    assert f'href="{slip}"' in html and f'href="{pdf}"' in html
    response = agent_client.get(slip)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_a_form_without_the_status_seen_is_refused(agent_client: Client) -> None:
    invoice = receive("NE-1")
    response = agent_client.post(process(invoice), {"to": S.SERVICE_FAIT})
    assert response.status_code == 400
    assert "Rechargez la page de la facture puis recommencez." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_a_bulk_move_the_status_does_not_allow_names_both_statuses(agent_client: Client) -> None:
    mandated = move(receive("BI-1"), S.MANDATEE)
    data = {"invoices": [mandated.pk], "to": S.SERVICE_FAIT, f"expected-{mandated.pk}": S.MANDATEE}
    html = agent_client.post(SYNTHESIS, data).content.decode()
    assert (f"Une facture au statut « {S.MANDATEE.label} » ne peut pas passer au statut "
            f"« {S.SERVICE_FAIT.label} ».") in html
    mandated.refresh_from_db()
    assert mandated.status == S.MANDATEE


def test_a_refused_transfer_names_the_status_the_invoice_has_now(agent_client: Client) -> None:
    invoice = receive("TR-2")
    scolaire = Service.objects.get(structure=commune(), code="SCOLAIRE")
    move(invoice, S.MISE_EN_PAIEMENT)  # meanwhile
    response = agent_client.post(transfer(invoice), {"transfer-service": scolaire.pk}, follow=True)
    assert (f"Une facture au statut « {S.MISE_EN_PAIEMENT.label} » ne peut plus être transférée."
            in response.content.decode())
    invoice.refresh_from_db()
    assert invoice.service != scolaire and not invoice.events.exists()
