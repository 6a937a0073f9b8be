"""« Factures émises »: the supplier's synthesis, dashboard and search, the live statuses
(suivi/etats.json), the invoice page and its actions (recycle, complete, acknowledge, re-submit),
and the acknowledgement notice shown on every page after 7 days; each with its permissions."""

from __future__ import annotations

import datetime as dt
import html as htmllib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facturier.accounts.models import User
from facturier.core.demo import COMMUNE_USER
from facturier.invoices import lifecycle, selectors
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.models import Invoice, InvoiceAttachment, InvoiceEvent
from facturier.invoices.portal.issued import acknowledgement_notices
from facturier.portal.access import request_access
from facturier.structures.models import Structure
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, SubscriptionFactory, UserFactory
from tests.invoices.test_resubmit import MINISTRY_SIRET, deposit, reject_for_ej, to_ministry

from .conftest import SUPPLIER_SIRET

pytestmark = pytest.mark.django_db(transaction=True)

SYNTHESIS = "/factures-emises/suivi/"
DASHBOARD = "/factures-emises/suivi/tableau-de-bord/"
SEARCH = "/factures-emises/suivi/recherche/"
STATUSES = "/factures-emises/suivi/etats.json"
NOTICE = "attend votre acquittement depuis plus de 7 jours"


def page(invoice: Invoice, action: str = "") -> str:
    return f"/factures-emises/factures/{invoice.pk}/" + (f"{action}/" if action else "")


def agent() -> User:
    return User.objects.get(email=COMMUNE_USER)


def move(invoice: Invoice, to: str, comment: str = "Motif") -> Invoice:
    """The commune's agent processes the invoice (the recipient side, meanwhile)."""
    return lifecycle.invoice_process(actor=agent(), invoice=invoice, to=to, comment=comment)


def received(tech: User, number: str) -> Invoice:
    invoice = deposit(tech, "cii", number)
    assert invoice.status == S.MISE_A_DISPOSITION
    return invoice


def age(invoice: Invoice, days: int) -> None:
    """A controlled clock: the current status was reached ``days`` ago."""
    Invoice.objects.filter(pk=invoice.pk).update(status_changed_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def consultant_client(demo: None) -> Client:
    """A user of Au Diapason who holds « Factures émises » in consultation mode only."""
    supplier = Structure.objects.get(identifier=SUPPLIER_SIRET)
    user = UserFactory()
    AttachmentFactory(user=user, structure=supplier)
    SubscriptionFactory(user=user, structure=supplier, space=Space.FACTURES_EMISES, mode=SpaceMode.CONSULTATION)
    client = Client()
    client.force_login(user)
    return client


def test_smoke(supplier_client: Client, supplier_tech: User) -> None:
    invoice = received(supplier_tech, "E-1")
    for url in (SYNTHESIS, DASHBOARD, SEARCH, page(invoice)):
        response = supplier_client.get(url)
        assert response.status_code == 200, url
        assert b"<script>" not in response.content  # CSP: no inline script
    home = supplier_client.get("/espaces/factures-emises/").content.decode()
    for url in (SYNTHESIS, DASHBOARD, SEARCH):
        assert f'href="{url}"' in home


# --- synthesis, dashboard, search ---------------------------------------------------------------


def test_the_synthesis_lists_what_waits_for_the_supplier(supplier_client: Client, supplier_tech: User) -> None:
    quiet = received(supplier_tech, "E-QUIET")
    recycle = move(received(supplier_tech, "E-RECYCLE"), S.A_RECYCLER, "Mauvais service")
    suspended = move(received(supplier_tech, "E-SUSP"), S.SUSPENDUE, "Bon de livraison manquant")
    rejected = move(received(supplier_tech, "E-REJ"), S.REJETEE, "Montant faux")
    acknowledged = move(received(supplier_tech, "E-REJ-ACK"), S.REJETEE, "Doublon")
    state = reject_for_ej(to_ministry(supplier_tech))
    supplier = User.objects.get(email="gerant@au-diapason.demo")
    lifecycle.invoice_acknowledge(actor=supplier, invoice=acknowledged)
    lifecycle.invoice_acknowledge(actor=supplier, invoice=state)  # still to re-submit
    age(rejected, 8)

    rows = {row.invoice.number: row for row in selectors.invoices_issued_to_act(actor=supplier)}
    A = selectors.SupplierAction
    assert {number: row.actions for number, row in rows.items()} == {
        "E-RECYCLE": (A.RECYCLE,), "E-SUSP": (A.COMPLETE, A.ACKNOWLEDGE), "E-REJ": (A.ACKNOWLEDGE,),
        "AD-ETAT-1": (A.RESUBMIT,),
    }
    assert [n for n, row in rows.items() if row.acknowledgement_overdue] == ["E-REJ"]
    # The selector's re-submission answer is lifecycle.resubmittable's.
    for invoice in (quiet, recycle, suspended, rejected, acknowledged, state):
        assert (invoice.number in rows and A.RESUBMIT in rows[invoice.number].actions) == \
            lifecycle.resubmittable(Invoice.objects.get(pk=invoice.pk))

    html = supplier_client.get(SYNTHESIS).content.decode()
    for number in ("E-RECYCLE", "E-SUSP", "E-REJ", "AD-ETAT-1"):
        assert f">{number}</a>" in html
    assert "E-QUIET" not in html and "E-REJ-ACK" not in html
    assert 'id="acquittements"' in html and f'{page(rejected)}#action-' not in html.split('id="to-act-title"')[0]
    assert f'href="{page(state)}#action-resubmit"' in html and f'href="{page(recycle)}#action-recycle"' in html


def test_the_dashboard_counts_and_sums_by_status(supplier_client: Client, supplier_tech: User) -> None:
    received(supplier_tech, "E-1")
    received(supplier_tech, "E-2")
    move(received(supplier_tech, "E-3"), S.SUSPENDUE)
    response = supplier_client.get(DASHBOARD)
    by_status = {row.status: row for row in response.context["by_status"]}
    each = Invoice.objects.get(number="E-1").amount_ttc
    assert each == Decimal("239.48")
    assert by_status[S.MISE_A_DISPOSITION].count == 2
    assert by_status[S.MISE_A_DISPOSITION].amounts == (("EUR", 2 * each),)
    assert by_status[S.SUSPENDUE].count == 1
    assert response.context["total"] == 3 and response.context["to_act"] == 1
    assert f'href="{SEARCH}?status=SUSPENDUE"' in response.content.decode()


def test_the_search_filters_and_stays_within_the_structure(supplier_client: Client, supplier_tech: User,
                                                           other_user: User) -> None:
    received(supplier_tech, "FIND-1")
    move(received(supplier_tech, "FIND-2"), S.SUSPENDUE)
    to_ministry(supplier_tech, number="OTHER-3")

    def numbers(query: str) -> list[str]:
        response = supplier_client.get(SEARCH + query)
        assert response.status_code == 200
        return sorted(i.number for i in response.context["invoices"])

    assert numbers("") == ["FIND-1", "FIND-2", "OTHER-3"]
    assert numbers("?number=find") == ["FIND-1", "FIND-2"]
    assert numbers("?status=SUSPENDUE") == ["FIND-2"]
    assert numbers(f"?recipient={MINISTRY_SIRET[:6]}") == ["OTHER-3"]
    assert numbers("?recipient=montclair") == ["FIND-1", "FIND-2"]
    today = timezone.localdate().isoformat()
    assert numbers(f"?deposited_from={today}&issued_to=2025-03-01") == ["FIND-1", "FIND-2", "OTHER-3"]
    assert numbers("?issued_from=2025-03-02") == []
    client = Client()
    client.force_login(other_user)
    assert client.get(SEARCH).context["invoices"] == []


# --- the invoice page ---------------------------------------------------------------------------


def test_another_structure_gets_404_and_a_consultant_cannot_act(supplier_client: Client, supplier_tech: User,
                                                                 other_user: User, consultant_client: Client) -> None:
    invoice = move(received(supplier_tech, "E-1"), S.A_RECYCLER, "Mauvais service")
    client = Client()
    client.force_login(other_user)
    for action in ("", "recycler", "completer", "acquitter", "soumettre-de-nouveau"):
        method = client.get if not action else client.post
        assert method(page(invoice, action)).status_code == 404, action
    response = consultant_client.get(page(invoice))
    assert response.status_code == 200 and "recycle_form" not in response.context
    assert "mode modification" in response.content.decode()
    assert consultant_client.post(page(invoice, "recycler"), {"recipient": MINISTRY_SIRET}).status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).status == S.A_RECYCLER
    assert "recycle_form" in supplier_client.get(page(invoice)).context


def test_the_page_shows_the_shared_parts(supplier_client: Client, supplier_tech: User) -> None:
    invoice = move(received(supplier_tech, "E-1"), S.SUSPENDUE, "Joindre le bon de commande")
    html = supplier_client.get(page(invoice)).content.decode()
    assert 'id="invoice-rendering"' in html and 'id="invoice-history"' in html
    assert "Joindre le bon de commande" in html  # the motive, in the history
    assert f'data-invoice-status="{invoice.pk}" data-status="SUSPENDUE"' in html
    assert 'id="action-complete"' in html and 'id="action-acknowledge"' in html
    assert 'id="action-recycle"' not in html and 'id="action-resubmit"' not in html


# --- recycle ------------------------------------------------------------------------------------


def test_recycle_changes_only_the_routing_and_reroutes(supplier_client: Client, supplier_tech: User) -> None:
    invoice = move(received(supplier_tech, "E-1"), S.A_RECYCLER, "Service erroné")
    before = Invoice.objects.get(pk=invoice.pk)
    response = supplier_client.post(page(invoice, "recycler"), {
        "recipient": before.recipient_identifier, "service_code": "TECHNIQUE", "commitment_number": "EJ-9",
        "comment": "Service corrigé"})
    assert response.status_code == 302 and response["Location"] == page(invoice)
    after = Invoice.objects.get(pk=invoice.pk)
    assert (after.status, after.service_code, after.commitment_number) == (S.MISE_A_DISPOSITION, "TECHNIQUE", "EJ-9")
    assert (after.number, after.original_sha256, after.deposited_at) == (
        before.number, before.original_sha256, before.deposited_at)
    assert after.events.filter(code=InvoiceEvent.Code.RECYCLED).exists()
    assert "recyclée" in supplier_client.get(page(invoice)).content.decode()


@pytest.mark.parametrize(("data", "field", "rule"), [
    ({"service_code": "INCONNU", "commitment_number": ""}, "service_code", "FR-PLT-05"),
    ({"service_code": "FINANCES", "commitment_number": ""}, "commitment_number", "FR-PLT-07"),
    ({"recipient": "12345678901234", "service_code": "", "commitment_number": ""}, "recipient", "FR-PLT-02"),
])
def test_recycle_refusals_name_the_platform_rule_and_field(supplier_client: Client, supplier_tech: User,
                                                           data: dict, field: str, rule: str) -> None:
    invoice = move(received(supplier_tech, "E-1"), S.A_RECYCLER, "Service erroné")
    response = supplier_client.post(page(invoice, "recycler"), {"recipient": invoice.recipient_identifier, **data})
    assert response.status_code == 400
    errors = response.context["recycle_form"].errors[field]
    assert errors and errors[0].startswith(f"{rule} : ")
    assert Invoice.objects.get(pk=invoice.pk).status == S.A_RECYCLER


def test_recycle_in_the_wrong_status_is_refused(supplier_client: Client, supplier_tech: User) -> None:
    invoice = received(supplier_tech, "E-1")
    response = supplier_client.post(page(invoice, "recycler"), {
        "recipient": invoice.recipient_identifier, "service_code": "TECHNIQUE"})
    assert response.status_code == 400
    assert "maintenant au statut « Mise à disposition »" in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).service_code == "FINANCES"


# --- complete -----------------------------------------------------------------------------------


def test_complete_attaches_the_files_and_becomes_completee(supplier_client: Client, supplier_tech: User) -> None:
    invoice = move(received(supplier_tech, "E-1"), S.SUSPENDUE, "Bon de livraison manquant")
    response = supplier_client.post(page(invoice, "completer"), {
        "comment": "Voici le bon de livraison",
        "attachments": [SimpleUploadedFile("bon-livraison.pdf", b"%PDF-1.4 bon", content_type="application/pdf")],
    })
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.COMPLETEE
    assert list(invoice.attachments.values_list("name", "kind")) == [("bon-livraison.pdf", "COMPLEMENTAIRE")]
    assert invoice.status_changes.last().comment == "Voici le bon de livraison"


@pytest.mark.parametrize(("status", "data", "message"), [
    (S.SUSPENDUE, {"comment": ""}, "Joignez au moins une pièce ou écrivez un commentaire."),
    (S.SUSPENDUE, {"attachments": [SimpleUploadedFile("virus.exe", b"MZ")]}, "L'extension .EXE n'est pas acceptée"),
    (S.MISE_A_DISPOSITION, {"comment": "Complément",
                            "attachments": [SimpleUploadedFile("bl.pdf", b"%PDF-1.4")]}, "maintenant au statut"),
])
def test_complete_refusals(supplier_client: Client, supplier_tech: User, status: str, data: dict, message: str) -> None:
    invoice = received(supplier_tech, "E-1")
    if status != S.MISE_A_DISPOSITION:
        invoice = move(invoice, status)
    response = supplier_client.post(page(invoice, "completer"), data)
    assert response.status_code == 400
    assert message in htmllib.unescape(response.content.decode())
    assert Invoice.objects.get(pk=invoice.pk).status == status
    assert not InvoiceAttachment.objects.exists()  # nothing stored, not even pending


# --- acknowledge, and the notice after 7 days ----------------------------------------------------


def test_acknowledge_a_rejection(supplier_client: Client, supplier_tech: User) -> None:
    invoice = move(received(supplier_tech, "E-1"), S.REJETEE, "Montant faux")
    response = supplier_client.post(page(invoice, "acquitter"), {"next": SYNTHESIS})
    assert response.status_code == 302 and response["Location"] == SYNTHESIS
    invoice.refresh_from_db()
    assert invoice.acknowledged_at is not None
    assert list(invoice.events.values_list("code", flat=True)) == [InvoiceEvent.Code.ACK_REJECTION]
    supplier_client.post(page(invoice, "acquitter"))  # twice changes nothing
    assert invoice.events.count() == 1
    assert "action-acknowledge" not in supplier_client.get(page(invoice)).content.decode()
    # An outside ``next`` is not followed.
    assert supplier_client.post(page(invoice, "acquitter"), {"next": "https://evil.example/"})["Location"] == page(invoice)


def test_acknowledge_in_the_wrong_status_is_refused(supplier_client: Client, supplier_tech: User) -> None:
    invoice = received(supplier_tech, "E-1")
    response = supplier_client.post(page(invoice, "acquitter"), follow=True)
    assert "maintenant au statut « Mise à disposition »" in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).acknowledged_at is None


def test_after_7_days_every_page_asks_for_the_acknowledgement(supplier_client: Client, supplier_tech: User,
                                                              consultant_client: Client, other_user: User) -> None:
    invoice = move(received(supplier_tech, "E-1"), S.SUSPENDUE, "Pièce manquante")
    age(invoice, 6)
    assert NOTICE not in supplier_client.get("/").content.decode()
    age(invoice, 7)
    for url in ("/", "/espaces/mon-compte/", SEARCH):
        html = supplier_client.get(url).content.decode()
        assert NOTICE in html, url
        assert f'href="{SYNTHESIS}#acquittements"' in html
    # Not for those who cannot acknowledge: another structure, a consultation-mode subscriber.
    other = Client()
    other.force_login(other_user)
    assert NOTICE not in other.get("/").content.decode()
    assert NOTICE not in consultant_client.get("/").content.decode()
    # The selector agrees with lifecycle.acknowledgement_overdue.
    stored = Invoice.objects.get(pk=invoice.pk)
    assert lifecycle.acknowledgement_overdue(invoice=stored)
    assert list(selectors.invoices_acknowledgement_overdue(supplier_ids=[stored.supplier_id])) == [stored]

    supplier_client.post(page(invoice, "acquitter"))
    assert NOTICE not in supplier_client.get("/").content.decode()
    # A new suspension later needs a new acknowledgement.
    lifecycle.invoice_complete(actor=User.objects.get(email="gerant@au-diapason.demo"), invoice=stored, comment="Ok")
    move(stored, S.SUSPENDUE, "Encore une pièce")
    age(stored, 8)  # the earlier acknowledgement was before this suspension
    Invoice.objects.filter(pk=stored.pk).update(acknowledged_at=timezone.now() - dt.timedelta(days=10))
    assert NOTICE in supplier_client.get("/").content.decode()


def test_the_notice_costs_one_query(supplier_user: User, supplier_tech: User) -> None:
    age(move(received(supplier_tech, "E-1"), S.REJETEE, "Non"), 10)
    request = RequestFactory().get("/")
    request.user = supplier_user
    request_access(request)  # computed once per request for the navigation anyway
    with CaptureQueriesContext(connection) as queries:
        notices = acknowledgement_notices(request)
    assert len(queries) == 1 and len(notices) == 1
    assert notices[0].text == "1 facture rejetée ou suspendue attend votre acquittement depuis plus de 7 jours."


# --- a wrong validator ----------------------------------------------------------------------------


def test_a_wrong_validator_is_listed_and_linked_to_its_correction(demo: None) -> None:
    from tests.invoices.test_entry_validator import MAIN_CONTRACTOR, entry, submit

    world = {"user": User.objects.get(email="gestionnaire@sous-traitance.demo"),
             "sub": Structure.objects.get(identifier="53456789600012"),
             "commune": Structure.objects.get(identifier="21345000000012")}
    invoice = submit(world)
    assert entry(world).validator_identifier == MAIN_CONTRACTOR and invoice.status == S.A_VALIDER_1
    lifecycle.invoice_validate(actor=User.objects.get(email="gestionnaire@batiments-durables.demo"),
                               invoice=invoice, action="ERREUR_VALIDEUR", comment="Pas notre marché")
    client = Client()
    client.force_login(world["user"])
    html = client.get(SYNTHESIS).content.decode()
    assert f'href="{page(invoice)}#action-correct_validator"' in html
    html = client.get(page(invoice)).content.decode()
    assert 'id="action-correct_validator"' in html and f'href="{page(invoice)}valideur/"' in html


# --- live statuses ------------------------------------------------------------------------------


def test_the_statuses_endpoint_returns_the_changes_since_the_cursor(supplier_client: Client, supplier_tech: User,
                                                                    other_user: User) -> None:
    first = received(supplier_tech, "E-1")
    second = received(supplier_tech, "E-2")
    start = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    data = supplier_client.get(STATUSES, {"since": start}).json()
    assert {i["number"] for i in data["invoices"]} == {"E-1", "E-2"}
    cursor = data["cursor"]
    assert dt.datetime.fromisoformat(cursor) < timezone.now()  # it lags behind, to overlap the next poll

    later = timezone.now()
    move(first, S.SUSPENDUE, "Pièce manquante")
    data = supplier_client.get(STATUSES, {"since": later.isoformat()}).json()
    assert [(i["id"], i["status"], i["label"]) for i in data["invoices"]] == [(first.pk, "SUSPENDUE", "Suspendue")]
    assert data["invoices"][0]["message"] == "Facture E-1 : nouveau statut « Suspendue »."
    assert data["invoices"][0]["url"] == page(first)
    assert data["invoices"][0]["changed_text"].startswith("depuis le ")
    # Narrowed to the invoice of a page.
    assert supplier_client.get(STATUSES, {"since": start, "ids": str(second.pk)}).json()["invoices"][0]["id"] == second.pk
    # Never another structure's invoices.
    other = Client()
    other.force_login(other_user)
    assert other.get(STATUSES, {"since": start}).json()["invoices"] == []
    assert supplier_client.get(STATUSES, {"since": "hier"}).status_code == 400
    assert supplier_client.get(STATUSES, {"since": start, "ids": "1,x"}).status_code == 400
    assert Client().get(STATUSES, {"since": start}).status_code == 302  # to the login page


def test_a_full_answer_moves_the_cursor_to_its_last_change(supplier_client: Client, supplier_tech: User,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from facturier.invoices.portal import issued

    monkeypatch.setattr(issued, "LIVE_LIMIT", 2)
    invoices = [received(supplier_tech, f"E-{n}") for n in range(3)]
    start = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    data = supplier_client.get(STATUSES, {"since": start}).json()
    assert [i["id"] for i in data["invoices"]] == [invoices[0].pk, invoices[1].pk]
    assert data["cursor"] == Invoice.objects.get(pk=invoices[1].pk).status_changed_at.isoformat()
    assert [i["id"] for i in supplier_client.get(STATUSES, {"since": data["cursor"]}).json()["invoices"]] == [
        invoices[2].pk]


def test_the_lists_make_a_constant_number_of_queries(supplier_client: Client, supplier_tech: User) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert supplier_client.get(url).status_code == 200
        return len(captured)

    move(received(supplier_tech, "E-0"), S.SUSPENDUE)
    move(received(supplier_tech, "E-1"), S.REJETEE)
    few = {url: queries(url) for url in (SYNTHESIS, DASHBOARD, SEARCH)}
    for n in range(2, 6):
        move(received(supplier_tech, f"E-{n}"), (S.SUSPENDUE, S.REJETEE, S.A_RECYCLER)[n % 3])
    reject_for_ej(to_ministry(supplier_tech))
    assert {url: queries(url) for url in (SYNTHESIS, DASHBOARD, SEARCH)} == few


# --- re-submission ------------------------------------------------------------------------------


def test_resubmit_from_the_page_links_both_invoices(supplier_client: Client, supplier_tech: User) -> None:
    rejected = reject_for_ej(to_ministry(supplier_tech))
    html = supplier_client.get(page(rejected)).content.decode()
    assert 'id="action-resubmit"' in html and 'value="EJ-FAUX"' in html

    blank = supplier_client.post(page(rejected, "soumettre-de-nouveau"), {"service_code": "", "commitment_number": ""})
    assert blank.status_code == 400
    assert blank.context["resubmit_form"].errors["commitment_number"][0].startswith("FR-PLT-07 : ")
    same = supplier_client.post(page(rejected, "soumettre-de-nouveau"), {"commitment_number": "EJ-FAUX"})
    assert same.status_code == 400 and "corrigez au moins l'un des deux" in htmllib.unescape(same.content.decode())

    response = supplier_client.post(page(rejected, "soumettre-de-nouveau"), {"commitment_number": "EJ-2025-0100"})
    new = Invoice.objects.get(previous=rejected)
    assert response.status_code == 302 and response["Location"] == page(new)
    assert new.number == rejected.number and new.status == S.MISE_A_DISPOSITION
    html = supplier_client.get(page(new)).content.decode()
    assert f'<a href="{page(rejected)}">AD-ETAT-1</a>' in html and "soumise de nouveau" in html.lower()
    html = supplier_client.get(page(rejected)).content.decode()
    assert f'<a href="{page(new)}">AD-ETAT-1</a>' in html
    assert 'id="action-resubmit"' not in html  # once only
