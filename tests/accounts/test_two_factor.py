"""TOTP two-factor authentication: enrolment, login with a code or a recovery code, replay,
structures that make it mandatory, turning it off."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from facturier.accounts.models import RecoveryCode, TOTPDevice, User
from facturier.accounts.services.twofactor import (
    recovery_codes_regenerate,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
    two_factor_verify,
)
from facturier.audit.models import AuditEntry
from facturier.core.errors import Conflict, ValidationFailed
from facturier.portal.context_processors import space_url
from facturier.structures.spaces import Space
from tests.factories import PASSWORD, AttachmentFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def enrol(user: User) -> tuple[pyotp.TOTP, list[str]]:
    device = totp_device_start(actor=user)
    totp = pyotp.TOTP(device.secret)
    codes = totp_device_confirm(actor=user, code=totp.now())
    return totp, codes


def previous_code(totp: pyotp.TOTP) -> str:
    import time

    return totp.at(time.time() - 30)


def test_enrolment(user: User) -> None:
    device = totp_device_start(actor=user)
    assert not user.has_two_factor
    with pytest.raises(ValidationFailed, match="6 chiffres"):
        totp_device_confirm(actor=user, code="000000" if pyotp.TOTP(device.secret).now() != "000000" else "111111")
    codes = totp_device_confirm(actor=user, code=pyotp.TOTP(device.secret).now())
    user = User.objects.get(pk=user.pk)
    assert user.has_two_factor and len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()  # stored hashed
    with pytest.raises(Conflict):
        totp_device_start(actor=user)
    assert AuditEntry.objects.filter(action="account.two_factor.enabled").count() == 1


def test_codes_are_single_use(user: User) -> None:
    totp, codes = enrol(user)
    # The enrolment code's step is spent: only a newer (or the previous unused? no: older) code works.
    with pytest.raises(ValidationFailed):
        two_factor_verify(actor=user, code=totp.now())
    assert two_factor_verify(actor=user, code=codes[0].upper()) == "recovery_code"
    with pytest.raises(ValidationFailed):
        two_factor_verify(actor=user, code=codes[0])
    assert AuditEntry.objects.get(action="account.two_factor.recovery_code_used").data == {"left": 9}
    new_codes = recovery_codes_regenerate(actor=user)
    with pytest.raises(ValidationFailed):
        two_factor_verify(actor=user, code=codes[1])
    assert two_factor_verify(actor=user, code=new_codes[1]) == "recovery_code"


def test_login_asks_for_the_second_factor(client: Client, user: User) -> None:
    totp, codes = enrol(user)
    TOTPDevice.objects.filter(user=user).update(last_step=0)  # let the current code be used again
    response = client.post(reverse("portal:login"), {"username": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_verify")
    assert client.get(reverse("portal:home")).status_code == 302  # not logged in yet
    wrong = client.post(reverse("accounts:login_verify"), {"code": "12345"})
    assert "Code incorrect" in wrong.content.decode()
    done = client.post(reverse("accounts:login_verify"), {"code": totp.now()})
    assert done["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.login").count() == 1


def test_login_with_a_recovery_code(client: Client, user: User) -> None:
    _totp, codes = enrol(user)
    client.post(reverse("portal:login"), {"username": user.email, "password": PASSWORD})
    response = client.post(reverse("accounts:login_verify"), {"code": codes[3]}, follow=True)
    assert "il vous en reste 9" in response.content.decode()


def test_too_many_wrong_codes_restart_the_login(client: Client, user: User) -> None:
    enrol(user)
    client.post(reverse("portal:login"), {"username": user.email, "password": PASSWORD})
    for _attempt in range(5):
        client.post(reverse("accounts:login_verify"), {"code": "000000x"})
    assert client.get(reverse("accounts:login_verify"))["Location"] == reverse("portal:login")
    assert client.get(reverse("accounts:login_verify"))["Location"] == reverse("portal:login")


def test_verify_page_without_a_password_step(client: Client) -> None:
    assert client.get(reverse("accounts:login_verify"))["Location"] == reverse("portal:login")


def test_structure_can_make_it_mandatory(client: Client, user: User) -> None:
    AttachmentFactory(user=user, structure=StructureFactory(two_factor_required=True, name="Stricte"))
    client.force_login(user)
    for url in (reverse("portal:home"), space_url(Space.MON_COMPTE), reverse("accounts:profile")):
        assert client.get(url)["Location"] == reverse("accounts:two_factor"), url
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and "Stricte" in page.content.decode()
    client.post(reverse("accounts:two_factor"), {"action": "start"})
    secret = TOTPDevice.objects.get(user=user).secret
    response = client.post(reverse("accounts:two_factor"), {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    shown = client.get(reverse("accounts:two_factor")).content.decode()
    assert shown.count('<li><code>') == 10  # recovery codes shown once
    assert client.get(reverse("accounts:two_factor")).content.decode().count('<li><code>') == 0
    assert client.get(reverse("portal:home")).status_code == 200
    with pytest.raises(ValidationFailed, match="Stricte"):
        totp_device_remove(actor=user, code=pyotp.TOTP(secret).now())


def test_turning_it_off(client: Client, user: User) -> None:
    totp, _codes = enrol(user)
    TOTPDevice.objects.filter(user=user).update(last_step=0)
    client.force_login(user)
    page = client.post(reverse("accounts:two_factor"), {"action": "disable", "code": "999999x"})
    assert "Code incorrect" in page.content.decode()
    client.post(reverse("accounts:two_factor"), {"action": "disable", "code": totp.now()})
    assert not TOTPDevice.objects.filter(user=user).exists() and not RecoveryCode.objects.filter(user=user).exists()


def test_qr_code_is_inline_svg(client: Client, user: User) -> None:
    client.force_login(user)
    client.post(reverse("accounts:two_factor"), {"action": "start"})
    html = client.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" in html and TOTPDevice.objects.get(user=user).secret in html


def test_recovery_has_no_secret_questions() -> None:
    fields = {field.name for field in User._meta.get_fields()}
    assert not any("question" in name or "answer" in name for name in fields)
    assert UserFactory  # recovery = password reset by e-mail + recovery codes
