"""audit_log: what an entry records, masking, chaining, append-only, transactions, subscribers."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from facturier.accounts.models import User
from facturier.audit import subscribers
from facturier.audit.canonical import GENESIS_HASH, MASK, entry_hash, normalise
from facturier.audit.models import ActorKind, AppendOnlyError, AuditEntry, AuditHead
from facturier.audit.services import AuditRecord, audit_chain_verify, audit_log, audit_log_many

pytestmark = pytest.mark.django_db


def test_entry_records_actor_action_object_time_and_data(person: User) -> None:
    entry = audit_log(actor=person, action="auth.login", obj=person, data={"ip": "192.0.2.1"})

    entry.refresh_from_db()
    assert entry.sequence == 1
    assert entry.actor_kind == ActorKind.USER
    assert entry.actor == person
    assert entry.actor_label == "marie.durand@montclair.demo"
    assert entry.action == "auth.login"
    assert entry.object_type == ContentType.objects.get_for_model(User)
    assert entry.object_id == str(person.pk)
    assert entry.object_label == "Marie Durand"
    assert entry.data == {"ip": "192.0.2.1"}
    assert entry.timestamp.tzinfo is not None
    assert entry.prev_hash == GENESIS_HASH
    assert entry.hash == entry_hash(GENESIS_HASH, entry.hashed_fields())
    assert list(AuditEntry.objects.for_object(person)) == [entry]


def test_actor_kinds(person: User, technical: User) -> None:
    assert audit_log(actor=technical, action="api.call").actor_kind == ActorKind.TECHNICAL
    system = audit_log(actor=None, action="audit.chain.verified")
    assert (system.actor_kind, system.actor_id, system.actor_label) == (ActorKind.SYSTEM, None, "system")


def test_actor_label_is_a_snapshot(person: User) -> None:
    entry = audit_log(actor=person, action="auth.login")
    person.email = "marie@elsewhere.demo"
    person.save()
    entry.refresh_from_db()
    assert entry.actor_label == "marie.durand@montclair.demo"
    assert audit_chain_verify().intact


@pytest.mark.parametrize("code", ["login", "Auth.Login", "auth..login", "auth.login.", "auth login", ""])
def test_action_codes_are_namespaced(code: str) -> None:
    with pytest.raises(ValueError):
        audit_log(actor=None, action=code)


def test_unsaved_object_is_refused() -> None:
    with pytest.raises(ValueError):
        audit_log(actor=None, action="user.created", obj=User(email="x@example.org"))


def test_entries_chain() -> None:
    first = audit_log(actor=None, action="test.one")
    second = audit_log(actor=None, action="test.two")
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.prev_hash == first.hash
    head = AuditHead.objects.get()
    assert (head.sequence, head.hash) == (2, second.hash)


def test_secrets_are_masked_recursively() -> None:
    entry = audit_log(
        actor=None,
        action="account.updated",
        data={
            "email": "a@example.org",
            "password": "hunter2-hunter2",
            "new_password": "x",
            "headers": {"cpro-account": "dGVjaDpzZWNyZXQ=", "Authorization": "Bearer abc", "Accept": "*/*"},
            "oauth": [{"client_secret": "s", "client_id": "demo-client"}, {"access_token": "t"}],
            "bank": {"IBAN": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP"},
            "API_KEY": {"nested": "all of it"},
        },
    )
    entry.refresh_from_db()
    data = entry.data
    assert data["email"] == "a@example.org"
    assert data["password"] == MASK and data["new_password"] == MASK
    assert data["headers"] == {"cpro-account": MASK, "Authorization": MASK, "Accept": "*/*"}
    assert data["oauth"] == [{"client_secret": MASK, "client_id": "demo-client"}, {"access_token": MASK}]
    assert data["bank"] == {"IBAN": MASK + "0189", "bic": "AGRIFRPP"}
    assert data["API_KEY"] == MASK
    assert "hunter2" not in json.dumps(data) and "dGVjaDpzZWNyZXQ=" not in json.dumps(data)


def test_data_is_normalised_before_it_is_stored_and_hashed() -> None:
    when = dt.datetime(2025, 1, 31, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    entry = audit_log(
        actor=None,
        action="invoice.created",
        data={
            "amount": Decimal("1200.50"),
            "rate": 0.2,
            "at": when,
            "on": dt.date(2025, 1, 31),
            "id": ident,
            "kind": ActorKind.USER,
            3: "int key",
            "tags": ("a", "b"),
        },
    )
    expected = {
        "amount": "1200.50",
        "rate": "0.2",
        "at": "2025-01-31T09:30:00.000000Z",
        "on": "2025-01-31",
        "id": str(ident),
        "kind": "USER",
        "3": "int key",
        "tags": ["a", "b"],
    }
    assert entry.data == expected
    entry.refresh_from_db()
    assert entry.data == expected
    assert audit_chain_verify().intact


def test_unserialisable_data_is_refused() -> None:
    with pytest.raises(TypeError):
        normalise({"blob": b"\x00"})


def test_entries_cannot_be_changed_or_removed() -> None:
    entry = audit_log(actor=None, action="test.one")
    entry.action = "test.other"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.other")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(sequence=9, action="test.forged")])
    with pytest.raises(AppendOnlyError):
        AuditEntry(sequence=9, action="test.forged").save()  # only audit_log appends
    assert AuditEntry.objects.get().action == "test.one"


def test_append_rolls_back_with_the_business_change() -> None:
    audit_log(actor=None, action="test.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_log(actor=None, action="test.rolled_back")
        raise RuntimeError("the business change failed")
    after = audit_log(actor=None, action="test.after")
    assert list(AuditEntry.objects.values_list("action", "sequence")) == [("test.kept", 1), ("test.after", 2)]
    assert after.prev_hash == AuditEntry.objects.get(sequence=1).hash
    assert audit_chain_verify().intact


def test_subscribers_get_the_entry_id_after_commit(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, int]] = []

    def on_status(entry_id: int) -> None:
        seen.append(("status", entry_id))

    def on_everything(entry_id: int) -> None:
        seen.append(("all", entry_id))

    subscribers.subscribe("invoice.status")(on_status)
    subscribers.subscribe("")(on_everything)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rejected = audit_log(actor=None, action="invoice.status.rejected")
            other = audit_log(actor=None, action="invoice.statuses_exported")
            assert seen == []  # nothing before commit
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                audit_log(actor=None, action="invoice.status.paid")
                raise RuntimeError
    finally:
        subscribers.unsubscribe("invoice.status", on_status)
        subscribers.unsubscribe("", on_everything)
    assert seen == [("status", rejected.pk), ("all", rejected.pk), ("all", other.pk)]


def test_a_batch_subscriber_gets_the_ids_of_one_transaction_once(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    calls: list[list[int]] = []
    subscribers.subscribe("invoice.status", batch=True)(calls.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                first = [audit_log(actor=None, action=f"invoice.status.s{n}").pk for n in range(3)]
                audit_log(actor=None, action="flow.received")  # not matched
                many = audit_log_many([AuditRecord(actor=None, action="invoice.status.t", obj=None, data={})])
            assert calls == []  # nothing before the commit
        assert calls == [[*first, many[0].pk]]
        with django_capture_on_commit_callbacks(execute=True):  # a new transaction: a new call
            second = audit_log(actor=None, action="invoice.status.u")
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                audit_log(actor=None, action="invoice.status.rolled_back")
                raise RuntimeError
    finally:
        subscribers.unsubscribe("invoice.status", calls.append)
    assert calls == [[*first, many[0].pk], [second.pk]]


def test_a_failing_subscriber_does_not_stop_the_others(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []

    def broken(entry_id: int) -> None:
        raise RuntimeError("boom")

    subscribers.subscribe("test")(broken)
    subscribers.subscribe("test")(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            entry = audit_log(actor=None, action="test.event")
    finally:
        subscribers.unsubscribe("test", broken)
        subscribers.unsubscribe("test", seen.append)
    assert seen == [entry.pk]


@pytest.mark.parametrize(
    ("prefix", "action", "expected"),
    [
        ("invoice", "invoice.created", True),
        ("invoice.status", "invoice.status", True),
        ("invoice.status", "invoice.statuses", False),
        ("", "auth.login", True),
        ("auth", "invoice.x", False),
    ],
)
def test_prefix_matching(prefix: str, action: str, expected: bool) -> None:
    assert subscribers.matches(prefix, action) is expected


# --- audit_log_many --------------------------------------------------------------------------------


def test_many_entries_are_chained_as_one_by_one_appends(person: User) -> None:
    first = audit_log(actor=None, action="test.before")
    batch = audit_log_many([
        AuditRecord(actor=person, action="invoice.deposited", obj=person, data={"n": 1, "password": "x"}),
        AuditRecord(actor=None, action="invoice.status.mise_a_disposition", data={"n": 2}),
        AuditRecord(actor=None, action="invoice.status.mise_a_disposition", data={"amount": Decimal("1.50")}),
    ])
    last = audit_log(actor=None, action="test.after")

    assert [e.sequence for e in batch] == [2, 3, 4] and last.sequence == 5
    assert [e.prev_hash for e in batch] == [first.hash, batch[0].hash, batch[1].hash]
    assert last.prev_hash == batch[2].hash
    stored = list(AuditEntry.objects.filter(pk__in=[e.pk for e in batch]).order_by("sequence"))
    assert [e.hash for e in stored] == [entry_hash(e.prev_hash, e.hashed_fields()) for e in stored]
    assert stored[0].data == {"n": 1, "password": MASK} and stored[2].data == {"amount": "1.50"}
    assert (stored[0].actor_kind, stored[0].object_id) == (ActorKind.USER, str(person.pk))
    assert AuditHead.objects.get().sequence == 5
    assert audit_chain_verify().intact and audit_chain_verify().entries == 5


def test_a_bad_record_appends_nothing_of_the_batch() -> None:
    audit_log(actor=None, action="test.before")
    with pytest.raises(ValueError):
        audit_log_many([AuditRecord(actor=None, action="test.fine"), AuditRecord(actor=None, action="Not A Code")])
    with pytest.raises(TypeError):
        audit_log_many([AuditRecord(actor=None, action="test.fine"), AuditRecord(actor=None, action="test.x",
                                                                                data={"blob": b"\x00"})])
    assert audit_log_many([]) == []
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["test.before"]
    assert AuditHead.objects.get().sequence == 1


def test_only_a_chained_run_can_be_inserted_at_once() -> None:
    head = audit_log(actor=None, action="test.one")
    forged = AuditEntry(sequence=3, action="test.forged", prev_hash="f" * 64, hash="a" * 64, actor_kind="SYSTEM",
                        timestamp=head.timestamp)
    after = AuditEntry(sequence=5, action="test.forged", prev_hash="a" * 64, hash="b" * 64, actor_kind="SYSTEM",
                       timestamp=head.timestamp)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.append_chained([forged, after])  # sequence gap
    unhashed = AuditEntry(sequence=2, action="test.forged", prev_hash=head.hash, actor_kind="SYSTEM",
                          timestamp=head.timestamp)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.append_chained([unhashed])
    assert AuditEntry.objects.count() == 1


def test_subscribers_get_each_entry_of_a_batch_after_commit(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    subscribers.subscribe("invoice.status")(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            batch = audit_log_many([AuditRecord(actor=None, action="invoice.deposited"),
                                    AuditRecord(actor=None, action="invoice.status.mise_a_disposition"),
                                    AuditRecord(actor=None, action="invoice.status.mise_en_paiement")])
            assert seen == []
    finally:
        subscribers.unsubscribe("invoice.status", seen.append)
    assert seen == [batch[1].pk, batch[2].pk]
