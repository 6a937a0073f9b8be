"""Navigation by space and the access check of each space's page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from facturier.accounts.models import User
from facturier.portal.access import SpaceViewMixin
from facturier.portal.context_processors import space_url
from facturier.portal.registry import SpacePage, pages_for, register_page, unregister_page
from facturier.portal.selectors import portal_access_for
from facturier.structures.models import Attachment, Role, SpaceSubscription
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, StructureFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def nav_labels(client: Client) -> list[str]:
    response = client.get(reverse("portal:home"))
    return [entry.label for entry in response.context["portal_nav"]]


def test_new_user_sees_only_my_account(logged_client: Client) -> None:
    assert nav_labels(logged_client) == ["Mon compte"]


def test_nav_follows_active_subscriptions(logged_client: Client, user: User) -> None:
    structure = StructureFactory(name="Au Diapason")
    SubscriptionFactory(user=user, structure=structure, space=Space.FACTURES_EMISES)
    SubscriptionFactory(user=user, structure=structure, space=Space.SUIVI_FLUX)
    SubscriptionFactory(
        user=user, structure=structure, space=Space.FACTURES_RECUES, status=SpaceSubscription.Status.PENDING
    )
    # A subscription alone never opens the manager space.
    SubscriptionFactory(user=user, structure=structure, space=Space.GESTIONNAIRE)
    assert nav_labels(logged_client) == ["Mon compte", "Factures émises", "Suivi des flux"]


@pytest.mark.parametrize(
    ("role", "status", "sees_manager_space"),
    [
        (Role.PRINCIPAL_MANAGER, Attachment.Status.VALIDATED, True),
        (Role.SECONDARY_MANAGER, Attachment.Status.VALIDATED, True),
        (Role.USER, Attachment.Status.VALIDATED, False),
        (Role.PRINCIPAL_MANAGER, Attachment.Status.PENDING, False),
        (Role.PRINCIPAL_MANAGER, Attachment.Status.INACTIVE, False),
    ],
)
def test_manager_space(
    logged_client: Client, user: User, role: str, status: str, sees_manager_space: bool
) -> None:
    AttachmentFactory(user=user, role=role, status=status)
    assert ("Activités du gestionnaire" in nav_labels(logged_client)) is sees_manager_space
    response = logged_client.get(space_url(Space.GESTIONNAIRE))
    assert response.status_code == (200 if sees_manager_space else 403)


def test_space_page_and_current_marker(logged_client: Client, user: User) -> None:
    SubscriptionFactory(
        user=user, structure=StructureFactory(name="Au Diapason"), mode=SpaceMode.MODIFICATION
    )
    response = logged_client.get(space_url(Space.FACTURES_EMISES))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{space_url(Space.FACTURES_EMISES)}" aria-current="page">Factures émises</a>' in html
    assert "<h1>Factures émises</h1>" in html
    assert "Au Diapason" in html and "Modification" in html
    # A space without registered pages yet says they come in a next version.
    assert ("prochaine version" in html) is not pages_for(Space.FACTURES_EMISES)


def test_unsubscribed_space_is_forbidden(logged_client: Client, user: User) -> None:
    SubscriptionFactory(user=user, space=Space.FACTURES_EMISES)
    for space in (Space.FACTURES_RECUES, Space.FACTURES_A_VALIDER, Space.RACCORDEMENT, Space.SUIVI_FLUX):
        response = logged_client.get(space_url(space))
        assert response.status_code == 403, space
        assert "Accès refusé" in response.content.decode()


def test_space_pages_need_login(client: Client) -> None:
    response = client.get(space_url(Space.MON_COMPTE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_unknown_space_slug_is_404(logged_client: Client) -> None:
    assert logged_client.get("/espaces/nulle-part/").status_code == 404


def test_my_account_lists_structures_and_subscriptions(logged_client: Client, user: User) -> None:
    structure = StructureFactory(name="Commune de Montclair", identifier="21345000000012")
    AttachmentFactory(user=user, structure=structure, role=Role.USER)
    SubscriptionFactory(
        user=user, structure=structure, space=Space.FACTURES_RECUES, status=SpaceSubscription.Status.PENDING
    )
    html = logged_client.get(space_url(Space.MON_COMPTE)).content.decode()
    assert "camille@example.test" in html
    assert "Commune de Montclair" in html and "21345000000012" in html
    assert "Factures reçues" in html and "En attente" in html


def test_access_is_computed_once_per_request(
    logged_client: Client, user: User, django_assert_max_num_queries
) -> None:
    SubscriptionFactory(user=user)
    AttachmentFactory(user=user, manager=True)
    logged_client.get(reverse("portal:home"))  # warm up the session
    # session + user + subscriptions + manager attachments + the page's attachment list
    with django_assert_max_num_queries(5):
        assert logged_client.get(space_url(Space.FACTURES_EMISES)).status_code == 200


def test_access_grants_by_structure_and_mode(user: User) -> None:
    reading, writing = StructureFactory(), StructureFactory()
    SubscriptionFactory(user=user, structure=reading, space=Space.FACTURES_RECUES)
    SubscriptionFactory(
        user=user, structure=writing, space=Space.FACTURES_RECUES, mode=SpaceMode.MODIFICATION
    )
    access = portal_access_for(user=user)
    assert access.can_see(Space.FACTURES_RECUES) and access.can_modify(Space.FACTURES_RECUES)
    assert access.structure_ids(Space.FACTURES_RECUES) == {reading.pk, writing.pk}
    assert access.structure_ids(Space.FACTURES_RECUES, modification=True) == {writing.pk}
    assert not access.can_modify(Space.FACTURES_EMISES)


def test_registered_pages_show_in_the_space(logged_client: Client, user: User) -> None:
    """Another app's page appears in its space's landing page and sub-navigation."""
    SubscriptionFactory(user=user, space=Space.FACTURES_EMISES, mode=SpaceMode.CONSULTATION)
    register_page(SpacePage(space=Space.FACTURES_EMISES, url_name="portal:home", label="Liste des factures"))
    register_page(
        SpacePage(
            space=Space.FACTURES_EMISES,
            url_name="portal:password_change",
            label="Déposer une facture",
            requires_modification=True,
        )
    )
    try:
        html = logged_client.get(space_url(Space.FACTURES_EMISES)).content.decode()
    finally:
        unregister_page("portal:home")
        unregister_page("portal:password_change")
    assert "Liste des factures" in html
    assert "Déposer une facture" not in html  # consultation mode only
    assert "prochaine version" not in html


def test_space_view_mixin_enforces_modification_mode(rf, user: User) -> None:
    from django.core.exceptions import PermissionDenied
    from django.views.generic import View

    class DepositView(SpaceViewMixin, View):
        space = Space.FACTURES_EMISES
        requires_modification = True

        def get(self, request):  # type: ignore[no-untyped-def]
            from django.http import HttpResponse

            return HttpResponse("ok")

    subscription = SubscriptionFactory(user=user, mode=SpaceMode.CONSULTATION)
    request = rf.get("/")
    request.user = user
    with pytest.raises(PermissionDenied):
        DepositView.as_view()(request)

    subscription.mode = SpaceMode.MODIFICATION
    subscription.save()
    request = rf.get("/")
    request.user = user
    assert DepositView.as_view()(request).content == b"ok"
