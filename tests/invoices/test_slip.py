"""The tracking slip (bordereau de suivi): identity, parties, frame and validators, every status
with its date, author and comment, the user actions and the events, in French and English."""

from __future__ import annotations

import pytest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from facturier.accounts.models import User
from facturier.invoices import lifecycle
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.enums import StateRejectionMotive
from facturier.invoices.models import Invoice
from facturier.invoices.slip import invoice_slip_pdf, slip_file_name
from facturier.structures.models import Service, Structure

from .world import EAUX, MAIN_CONTRACTOR, deposit_a9, deposit_flow, member, pdf_text, structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(supplier_tech: User, django_capture_on_commit_callbacks) -> Invoice:
    return deposit_flow(supplier_tech, "SLIP-1", capture=django_capture_on_commit_callbacks)


def test_the_slip_shows_identity_parties_statuses_actions_and_events(invoice: Invoice) -> None:
    agent = member(invoice.recipient)
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.SERVICE_FAIT, comment="Prestation certifiée")
    lifecycle.invoice_transfer(actor=agent, invoice=invoice,
                               service=Service.objects.get(structure=invoice.recipient, code="TECHNIQUE"))
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.SUSPENDUE, comment="Bon de livraison manquant")
    lifecycle.invoices_record_download(actor=agent, invoices=[invoice])
    invoice.refresh_from_db()

    text = pdf_text(invoice_slip_pdf(invoice=invoice, language="fr"))

    assert text.count("Bordereau de suivi") >= 2  # title and footer
    for expected in (
        "Numéro de facture SLIP-1", f"Identifiant de la facture {invoice.pk}",
        f"Empreinte du certificat de dépôt {invoice.certificate_fingerprint}",
        "Cadre de facturation A1 — Facture fournisseur", "Type Facture",
        "Montant HT 205,00 EUR", "Montant TTC 239,48 EUR", "Numéro d'engagement EJ-2025-0042",
        "Fournisseur Au Diapason — SIRET 89123456900012",
        "Destinataire Commune de Montclair — SIRET 21345000000012",
        "Service destinataire TECHNIQUE — Services techniques",
        "Statut courant Suspendue",
    ):
        assert expected in text, expected
    # Every status in order, with date, author and comment.
    statuses = text[text.index("Historique des statuts"):text.index("Actions des utilisateurs")]
    when = formats.date_format(timezone.localtime(invoice.status_changed_at), "SHORT_DATETIME_FORMAT")
    author = agent.get_full_name()
    assert f"{when} Suspendue {author} Bon de livraison manquant" in statuses
    assert f"Service fait {author} Prestation certifiée" in statuses
    assert "Mise à disposition facturier (système)" in statuses
    order = [statuses.index(label) for label in ("Déposée", "Mise à disposition", "Service fait", "Suspendue")]
    assert order == sorted(order)
    # The user action and the additional event, with who did them and what changed.
    actions = text[text.index("Actions des utilisateurs"):text.index("Évènements complémentaires")]
    assert f"Téléchargement de la facture {author} (Commune de Montclair)" in actions
    events = text[text.index("Évènements complémentaires"):]
    assert ("Transfert vers un autre service" in events
            and "Du service FINANCES — Direction des finances vers le service TECHNIQUE — Services techniques"
            in events)


@pytest.mark.parametrize("digit", "0bdf")
def test_the_deposit_fingerprint_is_never_wrapped(invoice: Invoice, digit: str) -> None:
    # The widest hex digits of the embedded font, 64 of them: a wrap would put a space in the
    # fingerprint for whoever copies it from the PDF.
    invoice.certificate_fingerprint = digit * 64
    text = pdf_text(invoice_slip_pdf(invoice=invoice, language="fr"))
    assert f"Empreinte du certificat de dépôt {digit * 64}" in text


def test_the_slip_follows_the_language(invoice: Invoice) -> None:
    lifecycle.invoice_process(actor=member(invoice.recipient), invoice=invoice, to=S.SERVICE_FAIT)
    french = pdf_text(invoice_slip_pdf(invoice=invoice, language="fr"))
    english = pdf_text(invoice_slip_pdf(invoice=invoice, language="en-gb"))

    assert "Mise à disposition" in french and "Service fait" in french and "239,48 EUR" in french
    assert "Made available" in english and "Service done" in english and "239.48 EUR" in english
    assert "Mise à disposition" not in english and "Service fait" not in english
    with translation.override("en"):
        title, deposit = gettext("Bordereau de suivi"), gettext("Date de dépôt")
        deposited = formats.date_format(timezone.localtime(invoice.deposited_at), "SHORT_DATETIME_FORMAT")
    assert f"{deposit} {deposited}" in english and title in english


def test_an_a9_slip_names_the_main_contractor_who_validated(supplier_tech: User) -> None:
    main = structure(MAIN_CONTRACTOR)
    invoice = deposit_a9("SLIP-A9", validator=main)
    lifecycle.invoice_validate(actor=member(main), invoice=invoice, action="VALIDATION")
    invoice.refresh_from_db()

    text = pdf_text(invoice_slip_pdf(invoice=invoice, language="fr"))

    validated = formats.date_format(invoice.validated1_on, "SHORT_DATE_FORMAT")
    assert (f"Valideur (titulaire du marché) Bâtiments Durables SA — SIRET {MAIN_CONTRACTOR} — validée le {validated}"
            in text)
    assert "Cadre de facturation A9 — Facture de sous-traitant" in text
    assert "Validée (valideur 1)" in text and "Valideur de niveau 2" not in text


def test_a_second_level_validator_and_an_a12_representative_are_shown(invoice: Invoice) -> None:
    eaux = structure(EAUX)
    a9 = deposit_a9("SLIP-A9-2", validator=structure(MAIN_CONTRACTOR), validator2=eaux)
    text = pdf_text(invoice_slip_pdf(invoice=a9, language="fr"))
    assert f"Valideur de niveau 2 (cotraitant) {eaux.name} — SIRET {EAUX}" in text

    main = structure(MAIN_CONTRACTOR)
    Invoice.objects.filter(pk=invoice.pk).update(
        billing_frame="A12_FACTURE_COTRAITANT", validator1=main, validator1_identifier=main.identifier,
        validator1_name=main.name)
    invoice.refresh_from_db()
    text = pdf_text(invoice_slip_pdf(invoice=invoice, language="fr"))
    assert f"Mandataire du groupement (informé) Bâtiments Durables SA — SIRET {MAIN_CONTRACTOR}" in text
    assert "Valideur (titulaire du marché)" not in text


def test_a_state_rejection_shows_its_coded_motives(invoice: Invoice) -> None:
    Structure.objects.filter(pk=invoice.recipient_id).update(is_state_service=True)
    invoice.refresh_from_db()
    lifecycle.invoice_process(actor=member(invoice.recipient), invoice=invoice, to=S.REJETEE,
                              comment="Voir le bon de commande",
                              motives=[StateRejectionMotive.EJ_INCORRECT, StateRejectionMotive.SE_INCORRECT])
    text = pdf_text(invoice_slip_pdf(invoice=invoice, language="fr"))
    assert "Rejetée" in text
    assert "Voir le bon de commande — EJ incorrect ou inexistant ; SE incorrect" in text
    assert slip_file_name(invoice) == "bordereau-de-suivi-SLIP-1.pdf"
