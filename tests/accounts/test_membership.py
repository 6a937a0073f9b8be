"""Attachment requests and decisions, spaces opened by a structure, subscriptions and approval."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from facturier.accounts.membership import (
    attachment_refuse,
    attachment_request,
    attachment_validate,
    subscription_approve,
    subscription_refuse,
    subscription_request,
)
from facturier.accounts.models import User
from facturier.accounts.selectors import manager_history, structure_search
from facturier.audit.models import AuditEntry
from facturier.core.errors import Conflict, PermissionDenied, ValidationFailed
from facturier.portal.selectors import portal_access_for
from facturier.structures.models import Attachment, Role, SpaceSubscription, Structure
from facturier.structures.services import structure_close_space, structure_open_space
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, ServiceFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- search ---


def test_search_by_siret_or_three_letters(structure: Structure) -> None:
    StructureFactory(name="Autre chose")
    StructureFactory(name="Diapason inactif", status=Structure.Status.INACTIVE)
    assert list(structure_search(query="Di")) == []
    assert list(structure_search(query="diap")) == [structure]
    assert list(structure_search(query=structure.identifier)) == [structure]
    assert list(structure_search(query=structure.identifier[:3] + " " + structure.identifier[3:9])) == [structure]


# --- attachment requests ---


def test_request_then_validate_mails_the_requester_in_their_language(
    structure: Structure, manager: User, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    requester = UserFactory(language=User.Language.EN, contact_email="contact@example.test")
    service = ServiceFactory(structure=structure, code="COMPTA")
    attachment = attachment_request(actor=requester, structure=structure, services=[service], comment="Bonjour")
    assert attachment.status == Attachment.Status.PENDING and list(attachment.services.all()) == [service]
    with django_capture_on_commit_callbacks(execute=True):
        attachment_validate(actor=manager, attachment=attachment, comment="Bienvenue")
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALIDATED and attachment.decided_at is not None
    assert mailoutbox[0].to == ["contact@example.test"]
    with translation.override("en"):  # the requester's language (English once the catalogue has it)
        expected = translation.gettext("Votre demande de rattachement à %(structure)s a été acceptée")
    assert mailoutbox[0].subject == expected % {"structure": "Au Diapason"}
    assert "Bienvenue" in mailoutbox[0].body
    # Replaying the decision is harmless; the opposite decision is a conflict.
    attachment_validate(actor=manager, attachment=attachment)
    with pytest.raises(Conflict):
        attachment_refuse(actor=manager, attachment=attachment, comment="non")
    actions = [entry.action for entry in manager_history(manager=manager)]
    assert actions == ["attachment.validated", "attachment.requested"]


def test_refusal_needs_a_comment_and_mails(
    structure: Structure, manager: User, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    requester = UserFactory()
    attachment = attachment_request(actor=requester, structure=structure)
    with pytest.raises(ValidationFailed, match="commentaire est obligatoire"):
        attachment_refuse(actor=manager, attachment=attachment, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        attachment_refuse(actor=manager, attachment=attachment, comment="Inconnu chez nous")
    assert "refusée" in mailoutbox[0].subject and "Inconnu chez nous" in mailoutbox[0].body
    # A refused request may be filed again.
    again = attachment_request(actor=requester, structure=structure)
    assert again.pk == attachment.pk and again.status == Attachment.Status.PENDING


def test_secondary_manager_decides_too_but_not_plain_users_or_other_structures(
    structure: Structure, member: User
) -> None:
    secondary = UserFactory()
    AttachmentFactory(user=secondary, structure=structure, role=Role.SECONDARY_MANAGER)
    other_manager = UserFactory()
    AttachmentFactory(user=other_manager, role=Role.PRINCIPAL_MANAGER)
    attachment = attachment_request(actor=UserFactory(), structure=structure)
    for intruder in (member, other_manager):
        with pytest.raises(PermissionDenied):
            attachment_validate(actor=intruder, attachment=attachment)
    attachment_validate(actor=secondary, attachment=attachment)


def test_request_refusals(structure: Structure, member: User) -> None:
    with pytest.raises(Conflict, match="déjà rattaché"):
        attachment_request(actor=member, structure=structure)
    requester = UserFactory()
    attachment_request(actor=requester, structure=structure)
    with pytest.raises(Conflict, match="attend déjà"):
        attachment_request(actor=requester, structure=structure)
    with pytest.raises(ValidationFailed, match="inactive"):
        attachment_request(actor=requester, structure=StructureFactory(status=Structure.Status.INACTIVE))
    with pytest.raises(ValidationFailed, match="service"):
        attachment_request(actor=UserFactory(), structure=structure, services=[ServiceFactory()])


# --- spaces and subscriptions ---


def test_factures_emises_needs_no_approval(structure: Structure, member: User) -> None:
    subscription = subscription_request(
        actor=member, structure=structure, space=Space.FACTURES_EMISES, mode=SpaceMode.MODIFICATION
    )
    assert subscription.status == SpaceSubscription.Status.ACTIVE
    assert portal_access_for(user=member).can_modify(Space.FACTURES_EMISES)


def test_other_spaces_wait_for_a_manager(
    structure: Structure, manager: User, member: User, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    subscription = subscription_request(actor=member, structure=structure, space=Space.FACTURES_RECUES, mode="CONSULTATION")
    assert subscription.status == SpaceSubscription.Status.PENDING
    assert not portal_access_for(user=member).can_see(Space.FACTURES_RECUES)
    with pytest.raises(PermissionDenied):
        subscription_approve(actor=member, subscription=subscription)
    with django_capture_on_commit_callbacks(execute=True):
        subscription_approve(actor=manager, subscription=subscription)
    access = portal_access_for(user=member)
    assert access.can_see(Space.FACTURES_RECUES) and not access.can_modify(Space.FACTURES_RECUES)
    assert mailoutbox[0].to == ["marc.contact@example.test"]
    with translation.override("en"):
        expected = translation.gettext("Votre abonnement à l'espace %(space)s a été accepté") % {
            "space": Space.FACTURES_RECUES.label
        }
    assert mailoutbox[0].subject == expected


def test_refused_subscription(structure: Structure, manager: User, member: User) -> None:
    subscription = subscription_request(actor=member, structure=structure, space=Space.SUIVI_FLUX, mode="MODIFICATION")
    with pytest.raises(ValidationFailed):
        subscription_refuse(actor=manager, subscription=subscription, comment="")
    subscription_refuse(actor=manager, subscription=subscription, comment="Pas besoin")
    subscription.refresh_from_db()
    assert subscription.status == SpaceSubscription.Status.REFUSED


def test_subscription_refusals(structure: Structure, member: User) -> None:
    with pytest.raises(PermissionDenied, match="Rattachez-vous"):
        subscription_request(actor=UserFactory(), structure=structure, space=Space.FACTURES_EMISES, mode="CONSULTATION")
    with pytest.raises(ValidationFailed, match="pas ouvert"):
        subscription_request(actor=member, structure=structure, space=Space.RACCORDEMENT, mode="CONSULTATION")
    with pytest.raises(ValidationFailed):
        subscription_request(actor=member, structure=structure, space=Space.GESTIONNAIRE, mode="MODIFICATION")


def test_manager_subscribes_without_approval(structure: Structure, manager: User) -> None:
    subscription = subscription_request(actor=manager, structure=structure, space=Space.FACTURES_RECUES, mode="MODIFICATION")
    assert subscription.status == SpaceSubscription.Status.ACTIVE


def test_closing_a_space_removes_access_until_reopened(structure: Structure, manager: User, member: User) -> None:
    subscription_request(actor=member, structure=structure, space=Space.FACTURES_EMISES, mode="CONSULTATION")
    assert portal_access_for(user=member).can_see(Space.FACTURES_EMISES)
    with pytest.raises(PermissionDenied):
        structure_close_space(actor=member, structure=structure, space=Space.FACTURES_EMISES)
    structure_close_space(actor=manager, structure=structure, space=Space.FACTURES_EMISES)
    assert not portal_access_for(user=member).can_see(Space.FACTURES_EMISES)
    structure_open_space(actor=manager, structure=structure, space=Space.FACTURES_EMISES)
    assert portal_access_for(user=member).can_see(Space.FACTURES_EMISES)
    actions = AuditEntry.objects.filter(action__startswith="structure.space").values_list("action", flat=True)
    assert list(actions) == ["structure.space.closed", "structure.space.opened"]
    with pytest.raises(ValidationFailed):
        structure_open_space(actor=manager, structure=structure, space=Space.MON_COMPTE)


# --- pages ---


def test_attachment_pages(client: Client, structure: Structure, manager: User, django_capture_on_commit_callbacks, mailoutbox) -> None:
    requester = UserFactory(email="req@example.test")
    client.force_login(requester)
    html = client.get(reverse("accounts:attachment_request"), {"q": "diap"}).content.decode()
    assert "Au Diapason" in html
    assert "au moins 3" in client.get(reverse("accounts:attachment_request"), {"q": "di"}).content.decode()
    client.post(reverse("accounts:attachment_request"), {"structure": structure.pk, "comment": "svp"})
    attachment = Attachment.objects.get(user=requester)
    client.force_login(manager)
    html = client.get(reverse("accounts:manager_requests")).content.decode()
    assert "req@example.test" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:manager_decide", args=["rattachement", attachment.pk]), {"decision": "accept"}
        )
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALIDATED and len(mailoutbox) == 1
    assert "Rattachement validé" in client.get(reverse("accounts:manager_history")).content.decode()
    assert "req@example.test" in client.get(reverse("accounts:manager_members")).content.decode()


def test_subscription_and_spaces_pages(client: Client, structure: Structure, manager: User, member: User) -> None:
    client.force_login(member)
    response = client.post(
        reverse("accounts:subscription_request"),
        {"structure": structure.pk, "space": Space.FACTURES_RECUES, "mode": SpaceMode.MODIFICATION},
    )
    assert response.status_code == 302
    subscription = SpaceSubscription.objects.get(user=member, space=Space.FACTURES_RECUES)
    refused = client.post(
        reverse("accounts:subscription_request"),
        {"structure": structure.pk, "space": Space.RACCORDEMENT, "mode": SpaceMode.MODIFICATION},
    )
    # The member reads English (conftest): the refusal names the closed space in their language.
    assert "has not opened the" in refused.content.decode()
    client.force_login(manager)
    client.post(reverse("accounts:manager_decide", args=["abonnement", subscription.pk]),
                {"decision": "refuse", "comment": "Non"})
    subscription.refresh_from_db()
    assert subscription.status == SpaceSubscription.Status.REFUSED
    client.post(reverse("accounts:manager_spaces"), {"structure": structure.pk, "space": Space.RACCORDEMENT, "action": "open"})
    assert "Raccordement" in client.get(reverse("accounts:manager_spaces")).content.decode()
    assert Space.RACCORDEMENT in {Space(s) for s in structure.open_spaces.filter(is_open=True).values_list("space", flat=True)}
