"""Technical accounts, API applications and API connections (raccordements)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_application_model

from facturier.accounts.models import User
from facturier.core.errors import Conflict, PermissionDenied, ValidationFailed
from facturier.flows.services import depositor_supplier
from facturier.structures import services
from facturier.structures.models import ApiConnection, Structure, TechnicalAccount
from facturier.structures.selectors import actor_structure_ids, technical_account_of
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import SubscriptionFactory

from .conftest import last_action

pytestmark = pytest.mark.django_db

STRONG = "Un-mot-de-passe-solide-2025"


@pytest.fixture
def account(structure: Structure, principal: User) -> TechnicalAccount:
    return services.technical_account_create(
        actor=principal, structure=structure, login="API@Diapason.test", password=STRONG
    )


def test_principal_manager_creates_a_technical_account(account: TechnicalAccount, principal: User) -> None:
    assert account.user.email == "api@diapason.test"
    assert account.user.is_technical and account.user.check_password(STRONG)
    assert account.created_by == principal
    assert last_action().action == "technical_account.created"
    assert not account.password_expired()


def test_only_the_principal_manager_creates_technical_accounts(
    structure: Structure, secondary: User, member: User
) -> None:
    for actor in (secondary, member):
        with pytest.raises(PermissionDenied) as error:
            services.technical_account_create(
                actor=actor, structure=structure, login="t@x.test", password=STRONG
            )
        assert "gestionnaire principal" in str(error.value)


def test_technical_account_refusals(structure: Structure, principal: User, account: TechnicalAccount) -> None:
    with pytest.raises(ValidationFailed):
        services.technical_account_create(
            actor=principal, structure=structure, login="pas-un-email", password=STRONG
        )
    with pytest.raises(ValidationFailed):
        services.technical_account_create(
            actor=principal, structure=structure, login="t2@x.test", password="123"
        )
    with pytest.raises(ValidationFailed) as error:
        services.technical_account_create(
            actor=principal, structure=structure, login="api@diapason.test", password=STRONG
        )
    assert "déjà utilisé" in str(error.value)


def test_password_expiry_and_reset(account: TechnicalAccount, principal: User, secondary: User) -> None:
    now = timezone.now()
    User.objects.filter(pk=account.user_id).update(password_changed_at=now - timedelta(days=410))
    account.user.refresh_from_db()
    assert account.password_expires_soon(now) and not account.password_expired(now)
    User.objects.filter(pk=account.user_id).update(password_changed_at=now - timedelta(days=408))
    account.user.refresh_from_db()
    assert not account.password_expires_soon(now)
    User.objects.filter(pk=account.user_id).update(password_changed_at=now - timedelta(days=425))
    account.user.refresh_from_db()
    assert account.password_expired(now)
    with pytest.raises(PermissionDenied):
        services.technical_account_reset_password(
            actor=secondary, technical_account=account, password=STRONG + "!"
        )
    services.technical_account_reset_password(
        actor=principal, technical_account=account, password=STRONG + "!"
    )
    account.user.refresh_from_db()
    assert not account.password_expired() and account.user.check_password(STRONG + "!")
    assert last_action().action == "technical_account.password_reset"


def test_register_an_application(member: User) -> None:
    application, secret = services.api_application_register(actor=member, name="Mon ERP")
    assert application.user == member and application.is_active
    assert application.authorization_grant_type == "client-credentials"
    assert secret and application.client_secret != secret  # only the hash is stored
    assert last_action().action == "api.application.registered"
    with pytest.raises(ValidationFailed):
        services.api_application_register(actor=member, name="Mon ERP")
    with pytest.raises(ValidationFailed):
        services.api_application_register(actor=member, name="  ")


def test_declare_validate_and_deactivate_a_connection(
    structure: Structure, principal: User, member: User, account: TechnicalAccount
) -> None:
    SubscriptionFactory(
        user=member, structure=structure, space=Space.RACCORDEMENT, mode=SpaceMode.MODIFICATION
    )
    services.api_application_register(actor=member, name="Mon ERP")
    connection = services.api_connection_declare(
        actor=member,
        structure=structure,
        application_name="Mon ERP",
        technical_account=account,
        usage_type=ApiConnection.UsageType.PUBLISHER,
        partner_name="Éditeur SA",
        environment=ApiConnection.Environment.PRODUCTION,
    )
    assert connection.status == ApiConnection.Status.PENDING
    assert last_action().action == "api.connection.declared"
    with pytest.raises(PermissionDenied):
        services.api_connection_validate(actor=member, connection=connection)
    services.api_connection_validate(actor=principal, connection=connection)
    connection.refresh_from_db()
    assert connection.status == ApiConnection.Status.ACTIVE and connection.validated_by == principal
    services.api_connection_deactivate(actor=principal, connection=connection)
    assert ApiConnection.objects.get(pk=connection.pk).status == ApiConnection.Status.INACTIVE


def test_application_name_must_match_exactly(
    structure: Structure, principal: User, account: TechnicalAccount
) -> None:
    services.api_application_register(actor=principal, name="Mon ERP")
    with pytest.raises(ValidationFailed) as error:
        services.api_connection_declare(
            actor=principal,
            structure=structure,
            application_name="mon erp",
            technical_account=account,
            usage_type=ApiConnection.UsageType.OWN_USE,
            environment=ApiConnection.Environment.QUALIFICATION,
        )
    assert "majuscules" in str(error.value)


def test_declaration_refusals(
    structure: Structure, principal: User, member: User, outsider: User, account: TechnicalAccount
) -> None:
    services.api_application_register(actor=principal, name="ERP")
    base = {
        "structure": structure,
        "application_name": "ERP",
        "technical_account": account,
        "environment": ApiConnection.Environment.PRODUCTION,
    }
    with pytest.raises(ValidationFailed) as error:  # partner name required
        services.api_connection_declare(actor=principal, usage_type=ApiConnection.UsageType.OPERATOR, **base)
    assert "partner_name" in error.value.details
    for actor in (member, outsider):  # no modification mode on the space, not a manager
        with pytest.raises(PermissionDenied):
            services.api_connection_declare(actor=actor, usage_type=ApiConnection.UsageType.OWN_USE, **base)
    other_account = TechnicalAccount.objects.create(
        user=User.objects.create_user("t@other.test", STRONG, kind=User.Kind.TECHNICAL),
        structure=Structure.objects.exclude(pk=structure.pk).first(),
    )
    with pytest.raises(ValidationFailed):
        services.api_connection_declare(
            actor=principal,
            usage_type=ApiConnection.UsageType.OWN_USE,
            **{**base, "technical_account": other_account},
        )
    services.api_connection_declare(actor=principal, usage_type=ApiConnection.UsageType.OWN_USE, **base)
    with pytest.raises(ValidationFailed):  # twice
        services.api_connection_declare(actor=principal, usage_type=ApiConnection.UsageType.OWN_USE, **base)


def test_an_inactive_connection_cannot_be_deactivated_twice_but_can_be_revalidated(
    structure: Structure, principal: User, account: TechnicalAccount
) -> None:
    services.api_application_register(actor=principal, name="ERP")
    connection = services.api_connection_declare(
        actor=principal,
        structure=structure,
        application_name="ERP",
        technical_account=account,
        usage_type=ApiConnection.UsageType.OWN_USE,
        environment=ApiConnection.Environment.PRODUCTION,
    )
    services.api_connection_deactivate(actor=principal, connection=connection)
    services.api_connection_deactivate(actor=principal, connection=connection)  # replay: harmless
    services.api_connection_validate(actor=principal, connection=connection)
    assert ApiConnection.objects.get(pk=connection.pk).status == ApiConnection.Status.ACTIVE
    assert Conflict  # the transition table refuses nothing else today


def test_application_model_is_ours() -> None:
    assert get_application_model()._meta.label == "api.Application"


def test_principal_manager_is_mailed_15_days_before_a_technical_password_expires(
    account: TechnicalAccount, principal: User, secondary: User, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    from facturier.structures.tasks import warn_technical_passwords

    changed = account.user.password_changed_at
    with django_capture_on_commit_callbacks(execute=True):
        assert services.technical_passwords_warn_expiry(now=changed + timedelta(days=408)) == 0  # 16 days left
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.technical_passwords_warn_expiry(now=changed + timedelta(days=410)) == 1  # 14 days left
    assert [mail.to for mail in mailoutbox] == [[principal.notification_email]]  # not the secondary manager
    assert "api@diapason.test" in mailoutbox[0].subject and "Raccordement EDI & API" in mailoutbox[0].body
    assert last_action().action == "technical_account.password_expiry_warned"
    # Once per password: the daily job replays harmlessly; a reset password is warned about again later.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.technical_passwords_warn_expiry(now=changed + timedelta(days=411)) == 0
        assert services.technical_passwords_warn_expiry(now=changed + timedelta(days=425)) == 0  # expired
    services.technical_account_reset_password(actor=principal, technical_account=account, password=STRONG + "!")
    account.refresh_from_db()
    again = account.user.password_changed_at + timedelta(days=420)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.technical_passwords_warn_expiry(now=again) == 1
    assert len(mailoutbox) == 2
    assert warn_technical_passwords.name == "structures.warn_technical_passwords"


def test_a_technical_account_loaded_with_its_user_is_not_looked_up_again(account: TechnicalAccount) -> None:
    # As the API authentication loads the caller: the user with its technical account and structure.
    user = User.objects.select_related("technical_account__structure").get(pk=account.user_id)
    with CaptureQueriesContext(connection) as queries:
        assert technical_account_of(user=user) == account
        assert depositor_supplier(user) == account.structure
        ids = actor_structure_ids(actor=user)
    assert account.structure_id in ids
    assert not any("structures_technicalaccount" in query["sql"] for query in queries.captured_queries)


def test_a_person_has_no_technical_account(principal: User) -> None:
    assert technical_account_of(user=principal) is None
