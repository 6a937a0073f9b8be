"""Transfer of the principal-manager role, duplication of rights, merger by absorption."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from facturier.accounts.membership import principal_manager_transfer, rights_duplicate
from facturier.accounts.merger import merger_designate_manager, merger_finish, merger_move_users, merger_start
from facturier.accounts.models import Merger, User
from facturier.audit.models import AuditEntry
from facturier.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from facturier.structures.models import Attachment, Role, SpaceSubscription, Structure
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, StructureFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db


def role_of(user: User, structure: Structure) -> str | None:
    attachment = Attachment.objects.filter(user=user, structure=structure, status="VALIDE").first()
    return attachment.role if attachment else None


# --- transfer ---


def test_transfer_principal_manager(structure: Structure, manager: User, member: User) -> None:
    principal_manager_transfer(actor=manager, structure=structure, new_manager_email="MEMBER@example.test")
    assert role_of(member, structure) == Role.PRINCIPAL_MANAGER
    assert role_of(manager, structure) == Role.USER
    entry = AuditEntry.objects.get(action="structure.principal_manager.transferred")
    assert entry.data["to"] == "member@example.test" and entry.actor == manager
    # The old manager can no longer do it.
    with pytest.raises(PermissionDenied):
        principal_manager_transfer(actor=manager, structure=structure, new_manager_email=manager.email)


def test_transfer_refusals(structure: Structure, manager: User, member: User) -> None:
    with pytest.raises(PermissionDenied, match="gestionnaire principal"):
        principal_manager_transfer(actor=member, structure=structure, new_manager_email=manager.email)
    secondary = UserFactory()
    AttachmentFactory(user=secondary, structure=structure, role=Role.SECONDARY_MANAGER)
    with pytest.raises(PermissionDenied):
        principal_manager_transfer(actor=secondary, structure=structure, new_manager_email=member.email)
    with pytest.raises(NotFound, match="nobody@example.test"):
        principal_manager_transfer(actor=manager, structure=structure, new_manager_email="nobody@example.test")
    stranger = UserFactory(email="stranger@example.test")
    with pytest.raises(ValidationFailed, match="doit d'abord y être rattaché"):
        principal_manager_transfer(actor=manager, structure=structure, new_manager_email=stranger.email)
    pending = UserFactory()
    AttachmentFactory(user=pending, structure=structure, status=Attachment.Status.PENDING)
    with pytest.raises(ValidationFailed):
        principal_manager_transfer(actor=manager, structure=structure, new_manager_email=pending.email)
    with pytest.raises(ValidationFailed, match="déjà le gestionnaire"):
        principal_manager_transfer(actor=manager, structure=structure, new_manager_email=manager.email)


def test_transfer_page(client: Client, structure: Structure, manager: User, member: User) -> None:
    client.force_login(manager)
    refused = client.post(reverse("accounts:manager_transfer"), {"structure": structure.pk, "new_manager_email": "x@example.test"})
    assert "x@example.test" in refused.content.decode()
    response = client.post(reverse("accounts:manager_transfer"), {"structure": structure.pk, "new_manager_email": member.email})
    assert response.status_code == 302
    assert role_of(member, structure) == Role.PRINCIPAL_MANAGER


# --- duplication ---


def test_duplicate_rights(structure: Structure, manager: User, member: User) -> None:
    second = StructureFactory()
    AttachmentFactory(user=manager, structure=second, role=Role.SECONDARY_MANAGER)
    AttachmentFactory(user=member, structure=second, role=Role.SECONDARY_MANAGER)
    SubscriptionFactory(user=member, structure=structure, space=Space.FACTURES_RECUES, mode=SpaceMode.MODIFICATION)
    SubscriptionFactory(user=member, structure=second, space=Space.SUIVI_FLUX,
                        status=SpaceSubscription.Status.PENDING)  # not copied
    target = UserFactory(email="target@example.test")
    AttachmentFactory(user=target, structure=structure, status=Attachment.Status.PENDING)
    copied = rights_duplicate(actor=manager, source=member, target=target)
    assert {a.structure_id for a in copied} == {structure.pk, second.pk}
    assert role_of(target, structure) == Role.USER and role_of(target, second) == Role.SECONDARY_MANAGER
    subscriptions = SpaceSubscription.objects.filter(user=target)
    assert [(s.structure_id, s.space, s.mode, s.status) for s in subscriptions] == [
        (structure.pk, Space.FACTURES_RECUES, SpaceMode.MODIFICATION, SpaceSubscription.Status.ACTIVE)
    ]
    entry = AuditEntry.objects.get(action="user.rights.duplicated")
    assert entry.data["source"] == member.email and sorted(entry.data["structure_ids"]) == sorted([structure.pk, second.pk])


def test_duplicate_needs_every_structure_managed(structure: Structure, manager: User, member: User) -> None:
    foreign = StructureFactory(name="Ailleurs")
    AttachmentFactory(user=member, structure=foreign)
    target = UserFactory()
    AttachmentFactory(user=target, structure=structure)
    with pytest.raises(PermissionDenied, match="Ailleurs"):
        rights_duplicate(actor=manager, source=member, target=target)
    # Narrowed to the managed structure, it works.
    rights_duplicate(actor=manager, source=member, target=target, structure_ids=[structure.pk])
    assert role_of(target, foreign) is None
    # A target unknown to the manager's structures is refused; so is a plain user acting.
    with pytest.raises(PermissionDenied, match="aucune de vos structures"):
        rights_duplicate(actor=manager, source=member, target=UserFactory(), structure_ids=[structure.pk])
    with pytest.raises(PermissionDenied):
        rights_duplicate(actor=member, source=manager, target=target, structure_ids=[structure.pk])
    with pytest.raises(ValidationFailed):
        rights_duplicate(actor=manager, source=member, target=member)


def test_principal_role_is_copied_as_secondary(structure: Structure, manager: User, member: User) -> None:
    rights_duplicate(actor=manager, source=manager, target=member)
    assert role_of(member, structure) == Role.SECONDARY_MANAGER
    assert Attachment.objects.filter(structure=structure, role=Role.PRINCIPAL_MANAGER).count() == 1


def test_duplicate_page(client: Client, structure: Structure, manager: User, member: User) -> None:
    target = UserFactory(email="target@example.test")
    AttachmentFactory(user=target, structure=structure, status=Attachment.Status.PENDING)
    client.force_login(manager)
    html = client.get(reverse("accounts:manager_duplicate"), {"source": member.pk}).content.decode()
    assert "Au Diapason" in html and "target@example.test" in html
    response = client.post(reverse("accounts:manager_duplicate"),
                           {"source": member.pk, "target": target.pk, "structures": [structure.pk]})
    assert response.status_code == 302
    assert role_of(target, structure) == Role.USER
    # A source outside the manager's structures is not even listed.
    assert client.get(reverse("accounts:manager_duplicate"), {"source": UserFactory().pk}).status_code == 200


# --- merger ---


@pytest.fixture
def merger_setup(structure: Structure, manager: User) -> dict:
    absorbed = StructureFactory(name="Petit Orchestre")
    AttachmentFactory(user=manager, structure=absorbed, role=Role.PRINCIPAL_MANAGER)
    final = UserFactory(email="final@example.test")
    AttachmentFactory(user=final, structure=structure)
    AttachmentFactory(user=final, structure=absorbed, role=Role.SECONDARY_MANAGER)
    musician = UserFactory(email="musician@example.test")
    AttachmentFactory(user=musician, structure=absorbed)
    SubscriptionFactory(user=musician, structure=absorbed, space=Space.FACTURES_EMISES, mode=SpaceMode.MODIFICATION)
    return {"absorbing": structure, "absorbed": absorbed, "final": final, "musician": musician}


def test_merger_by_absorption(manager: User, merger_setup: dict) -> None:
    absorbing, absorbed, final, musician = (merger_setup[k] for k in ("absorbing", "absorbed", "final", "musician"))
    merger = merger_start(actor=manager, absorbing=absorbing, absorbed=absorbed)
    with pytest.raises(ValidationFailed, match="étape 1"):
        merger_move_users(actor=manager, merger=merger)
    with pytest.raises(ValidationFailed, match="deux structures"):
        merger_designate_manager(actor=manager, merger=merger, manager=musician)
    merger_designate_manager(actor=manager, merger=merger, manager=final)
    with pytest.raises(ValidationFailed, match="étape 2"):
        merger_finish(actor=manager, merger=merger)
    merger = merger_move_users(actor=manager, merger=merger)
    assert role_of(musician, absorbing) == Role.USER
    assert SpaceSubscription.objects.filter(user=musician, structure=absorbing, space=Space.FACTURES_EMISES,
                                            mode=SpaceMode.MODIFICATION, status="ACTIF").exists()
    assert role_of(manager, absorbing) == Role.PRINCIPAL_MANAGER  # not demoted by the copy
    assert {m["user"] for m in merger.users_moved} == {manager.email, final.email, musician.email}
    merger = merger_finish(actor=manager, merger=merger)
    absorbed.refresh_from_db()
    assert absorbed.status == Structure.Status.INACTIVE
    assert role_of(final, absorbing) == Role.PRINCIPAL_MANAGER and role_of(manager, absorbing) == Role.USER
    assert merger.status == Merger.Status.DONE
    actions = list(AuditEntry.objects.filter(action__startswith="merger").values_list("action", flat=True))
    assert actions == ["merger.started", "merger.manager.designated", "merger.users.moved", "merger.completed"]
    assert AuditEntry.objects.filter(action="structure.inactivated").exists()
    with pytest.raises((Conflict, PermissionDenied)):
        merger_finish(actor=manager, merger=merger)


def test_merger_refusals(structure: Structure, manager: User, member: User, merger_setup: dict) -> None:
    absorbed = merger_setup["absorbed"]
    with pytest.raises(ValidationFailed):
        merger_start(actor=manager, absorbing=structure, absorbed=structure)
    with pytest.raises(PermissionDenied):
        merger_start(actor=member, absorbing=structure, absorbed=absorbed)
    with pytest.raises(PermissionDenied):
        merger_start(actor=manager, absorbing=structure, absorbed=StructureFactory())
    merger_start(actor=manager, absorbing=structure, absorbed=absorbed)
    with pytest.raises(Conflict):
        merger_start(actor=manager, absorbing=structure, absorbed=absorbed)


def test_merger_pages(client: Client, manager: User, merger_setup: dict) -> None:
    client.force_login(manager)
    response = client.post(reverse("accounts:manager_mergers"),
                           {"absorbing": merger_setup["absorbing"].pk, "absorbed": merger_setup["absorbed"].pk})
    merger = Merger.objects.get()
    assert response["Location"] == reverse("accounts:manager_merger", args=[merger.pk])
    client.post(response["Location"], {"step": "manager", "manager": merger_setup["final"].pk})
    client.post(response["Location"], {"step": "users"})
    client.post(response["Location"], {"step": "finish"})
    html = client.get(response["Location"]).content.decode()
    assert "Récapitulatif" in html and "musician@example.test" in html
