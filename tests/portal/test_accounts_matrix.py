"""Authorization matrix of the accounts pages: every page × every kind of visitor, with the expected
answer; then the writes, and that no manager reaches another structure's requests, users or history.

Profiles (all about the structure "Au Diapason" except ``other``):
anonymous · other (principal manager of another structure) · without (attached, no subscription) ·
consultation / modification (subscribed to Factures reçues in that mode) · secondary · principal.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from facturier.accounts.membership import attachment_request
from facturier.accounts.merger import merger_start
from facturier.accounts.models import Merger, User
from facturier.portal.context_processors import space_url
from facturier.structures.models import Attachment, Role, SpaceSubscription, Structure, StructureSpace
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, StructureFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILES = ("anonymous", "other", "without", "consultation", "modification", "secondary", "principal")


@dataclass
class World:
    structure: Structure
    other_structure: Structure
    users: dict[str, User | None]
    pending: Attachment
    other_pending: Attachment
    merger: Merger


@pytest.fixture
def world(db: None) -> World:
    structure = StructureFactory(name="Au Diapason")
    absorbed = StructureFactory(name="Petite Harmonie")
    other_structure = StructureFactory(name="Structure Voisine")
    for s in (structure, other_structure):
        StructureSpace.objects.create(structure=s, space=Space.FACTURES_RECUES, is_open=True)
    users: dict[str, User | None] = {"anonymous": None}
    users["other"] = UserFactory(email="other@example.test")
    AttachmentFactory(user=users["other"], structure=other_structure, role=Role.PRINCIPAL_MANAGER)
    users["without"] = UserFactory(email="without@example.test")
    AttachmentFactory(user=users["without"], structure=structure)
    for mode in ("consultation", "modification"):
        users[mode] = UserFactory(email=f"{mode}@example.test")
        AttachmentFactory(user=users[mode], structure=structure)
        SubscriptionFactory(user=users[mode], structure=structure, space=Space.FACTURES_RECUES, mode=mode.upper())
    users["secondary"] = UserFactory(email="secondary@example.test")
    AttachmentFactory(user=users["secondary"], structure=structure, role=Role.SECONDARY_MANAGER)
    users["principal"] = UserFactory(email="principal@example.test")
    AttachmentFactory(user=users["principal"], structure=structure, role=Role.PRINCIPAL_MANAGER)
    AttachmentFactory(user=users["principal"], structure=absorbed, role=Role.PRINCIPAL_MANAGER)
    pending = attachment_request(actor=UserFactory(email="applicant@example.test"), structure=structure)
    other_pending = attachment_request(actor=UserFactory(email="neighbour@example.test"), structure=other_structure)
    merger = merger_start(actor=users["principal"], absorbing=structure, absorbed=absorbed)
    return World(structure, other_structure, users, pending, other_pending, merger)


def client_for(world: World, profile: str) -> Client:
    client = Client()
    if world.users[profile] is not None:
        client.force_login(world.users[profile])
    return client


ALL = {p: 200 for p in PROFILES} | {"anonymous": 302}
MANAGERS = {p: 403 for p in PROFILES} | {"anonymous": 302, "other": 200, "secondary": 200, "principal": 200}

PAGES = [
    ("accounts:profile", ALL),
    ("accounts:two_factor", ALL),
    ("accounts:attachment_request", ALL),
    ("accounts:subscription_request", ALL),
    ("accounts:manager_requests", MANAGERS),
    ("accounts:manager_members", MANAGERS),
    ("accounts:manager_spaces", MANAGERS),
    ("accounts:manager_history", MANAGERS),
    ("accounts:manager_transfer", MANAGERS),
    ("accounts:manager_duplicate", MANAGERS),
    ("accounts:manager_mergers", MANAGERS),
    ("merger", MANAGERS | {"other": 404}),
    ("space:FACTURES_RECUES", {p: 403 for p in PROFILES} | {"anonymous": 302, "consultation": 200, "modification": 200}),
]


def url_of(world: World, name: str) -> str:
    if name == "merger":
        return reverse("accounts:manager_merger", args=[world.merger.pk])
    if name.startswith("space:"):
        return space_url(Space[name.split(":")[1]])
    return reverse(name)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("page", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(world: World, page: str, expected: dict[str, int], profile: str) -> None:
    response = client_for(world, profile).get(url_of(world, page))
    assert response.status_code == expected[profile]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.parametrize("profile", PROFILES)
def test_manager_pages_show_only_managed_structures(world: World, profile: str) -> None:
    client = client_for(world, profile)
    if profile not in ("other", "secondary", "principal"):
        return
    for name in ("accounts:manager_requests", "accounts:manager_members", "accounts:manager_history",
                 "accounts:manager_spaces"):
        html = client.get(reverse(name)).content.decode()
        ours = profile != "other"
        assert ("applicant@example.test" in html or "Au Diapason" in html) is ours or name == "accounts:manager_history"
        assert ("neighbour@example.test" in html or "Structure Voisine" in html) is (not ours) or name == "accounts:manager_history"
    history = client.get(reverse("accounts:manager_history")).content.decode()
    assert ("applicant@example.test" in history or "Au Diapason" in history) is (profile != "other")


# Writes on Au Diapason's objects: who may, and what the others get.
DECIDE = {"anonymous": 302, "other": 404, "without": 403, "consultation": 403, "modification": 403,
          "secondary": 302, "principal": 302}


@pytest.mark.parametrize("profile", PROFILES)
def test_deciding_a_request(world: World, profile: str) -> None:
    response = client_for(world, profile).post(
        reverse("accounts:manager_decide", args=["rattachement", world.pending.pk]), {"decision": "accept"}
    )
    assert response.status_code == DECIDE[profile]
    world.pending.refresh_from_db()
    validated = world.pending.status == Attachment.Status.VALIDATED
    assert validated is (profile in ("secondary", "principal"))


@pytest.mark.parametrize("profile", PROFILES)
def test_closing_a_space(world: World, profile: str) -> None:
    response = client_for(world, profile).post(
        reverse("accounts:manager_spaces"),
        {"structure": world.structure.pk, "space": Space.FACTURES_RECUES, "action": "close"},
    )
    assert response.status_code == DECIDE[profile]
    closed = StructureSpace.objects.filter(structure=world.structure, space=Space.FACTURES_RECUES, is_open=False).exists()
    assert closed is (profile in ("secondary", "principal"))


@pytest.mark.parametrize("profile", PROFILES)
def test_transferring_the_role(world: World, profile: str) -> None:
    response = client_for(world, profile).post(
        reverse("accounts:manager_transfer"),
        {"structure": world.structure.pk, "new_manager_email": "without@example.test"},
    )
    expected = DECIDE | {"other": 200, "secondary": 200}  # the form refuses a structure they cannot pick
    assert response.status_code == expected[profile]
    role = Attachment.objects.get(user=world.users["without"], structure=world.structure).role
    assert (role == Role.PRINCIPAL_MANAGER) is (profile == "principal")


@pytest.mark.parametrize("profile", PROFILES)
def test_duplicating_rights(world: World, profile: str) -> None:
    source, target = world.users["modification"], world.users["without"]
    response = client_for(world, profile).post(
        reverse("accounts:manager_duplicate"),
        {"source": source.pk, "target": target.pk, "structures": [world.structure.pk]},
    )
    expected = DECIDE | {"other": 404}
    assert response.status_code == expected[profile]
    copied = SpaceSubscription.objects.filter(user=target, space=Space.FACTURES_RECUES, mode=SpaceMode.MODIFICATION).exists()
    assert copied is (profile in ("secondary", "principal"))


@pytest.mark.parametrize("profile", PROFILES)
def test_merger_steps(world: World, profile: str) -> None:
    response = client_for(world, profile).post(
        reverse("accounts:manager_merger", args=[world.merger.pk]), {"step": "users"}
    )
    expected = DECIDE | {"other": 404}
    assert response.status_code == expected[profile]
    world.merger.refresh_from_db()
    assert world.merger.users_moved_at is None  # step 1 first; and only the principal manager may act


@pytest.mark.parametrize("profile", PROFILES)
def test_nobody_decides_for_another_structure(world: World, profile: str) -> None:
    if profile == "other":
        return
    client_for(world, profile).post(
        reverse("accounts:manager_decide", args=["rattachement", world.other_pending.pk]), {"decision": "accept"}
    )
    world.other_pending.refresh_from_db()
    assert world.other_pending.status == Attachment.Status.PENDING
