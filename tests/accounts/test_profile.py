"""Mon compte: personal information, contact e-mail distinct from the login, language, notifications."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from facturier.accounts.models import User
from facturier.accounts.services import user_update_profile
from facturier.audit.models import AuditEntry
from facturier.core.errors import PermissionDenied, ValidationFailed
from facturier.portal.context_processors import space_url
from facturier.structures.spaces import Space
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_update_profile_is_audited(user: User) -> None:
    user_update_profile(actor=user, user=user, contact_email="camille.pro@example.test",
                        notifications_enabled=True, notification_frequency="DAILY")
    user.refresh_from_db()
    assert user.email == "camille@example.test" and user.notification_email == "camille.pro@example.test"
    entry = AuditEntry.objects.get(action="account.profile.updated")
    assert entry.data == {"fields": ["contact_email", "notification_frequency", "notifications_enabled"]}
    user_update_profile(actor=user, user=user, contact_email="camille.pro@example.test")  # no change, no entry
    assert AuditEntry.objects.filter(action="account.profile.updated").count() == 1


def test_update_profile_refusals(user: User) -> None:
    with pytest.raises(PermissionDenied):
        user_update_profile(actor=UserFactory(), user=user, first_name="X")
    with pytest.raises(ValidationFailed):
        user_update_profile(actor=user, user=user, language="de")
    with pytest.raises(ValidationFailed):
        user_update_profile(actor=user, user=user, notification_frequency="HOURLY")
    with pytest.raises(ValueError):
        user_update_profile(actor=user, user=user, email="other@example.test")


def test_profile_page(logged_client: Client, user: User) -> None:
    page = logged_client.get(reverse("accounts:profile")).content.decode()
    assert "camille@example.test" in page and "Actif" in page
    response = logged_client.post(reverse("accounts:profile"), {
        "first_name": "Camille", "last_name": "Martin", "phone": "", "contact_email": "c@example.test",
        "language": "en", "notifications_enabled": "on", "notification_frequency": "WEEKLY",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.contact_email, user.language, user.notifications_enabled) == ("c@example.test", "en", True)
    html = logged_client.get(space_url(Space.MON_COMPTE)).content.decode()
    assert "c@example.test" in html
    bad = logged_client.post(reverse("accounts:profile"), {"contact_email": "pas-un-email", "language": "fr",
                                                           "notification_frequency": "WEEKLY"})
    assert bad.status_code == 200
    user.refresh_from_db()
    assert user.contact_email == "c@example.test"
