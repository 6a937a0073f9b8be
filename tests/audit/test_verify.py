"""``facturier audit verify`` and the daily ``audit.verify_chain`` job detect tampering."""

from __future__ import annotations

import io
import subprocess
import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from facturier.audit.canonical import entry_hash
from facturier.audit.models import AuditEntry
from facturier.audit.services import AuditRecord, audit_chain_verify, audit_log, audit_log_many
from facturier.audit.tasks import verify_chain

Tamper = Callable[..., None]


def verify() -> tuple[int, str]:
    """Run ``audit verify``; return (exit code, output)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", "--chunk-size=2", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def chain(db: None) -> list[AuditEntry]:
    return [audit_log(actor=None, action="test.step", data={"n": n, "amount": "10.00"}) for n in range(1, 6)]


def test_intact_chain(chain: list[AuditEntry]) -> None:
    assert verify() == (0, "chain intact: 5 entries\n")


@pytest.mark.django_db
def test_empty_journal_is_intact() -> None:
    assert verify() == (0, "chain intact: 0 entries\n")


def test_sql_update_of_data_is_detected(chain: list[AuditEntry], tamper: Tamper) -> None:
    third = chain[2]
    tamper("UPDATE {table} SET data = %s WHERE id = %s", ['{"n": 3, "amount": "99999.00"}', third.pk])

    code, message = verify()

    assert code == 1
    assert f"entry #3 (id {third.pk})" in message
    assert "hash mismatch" in message and "edited" in message


def test_sql_update_of_a_column_is_detected(chain: list[AuditEntry], tamper: Tamper) -> None:
    tamper("UPDATE {table} SET actor_label = %s WHERE id = %s", ["someone.else@example.org", chain[1].pk])
    code, message = verify()
    assert code == 1 and f"entry #2 (id {chain[1].pk})" in message and "edited" in message


def test_edit_with_a_recomputed_hash_is_detected_at_the_next_entry(
    chain: list[AuditEntry], tamper: Tamper
) -> None:
    forged = chain[1]
    forged.data = {"n": 2, "amount": "0.00"}
    tamper(
        "UPDATE {table} SET data = %s, hash = %s WHERE id = %s",
        ['{"n": 2, "amount": "0.00"}', entry_hash(forged.prev_hash, forged.hashed_fields()), forged.pk],
    )
    code, message = verify()
    assert code == 1 and f"entry #3 (id {chain[2].pk})" in message and "prev_hash" in message


def test_sql_delete_is_detected(chain: list[AuditEntry], tamper: Tamper) -> None:
    tamper("DELETE FROM {table} WHERE id = %s", [chain[2].pk])

    code, message = verify()

    assert code == 1
    assert f"entry #4 (id {chain[3].pk})" in message
    assert "sequence gap: expected #3" in message and "deleted" in message


def test_sql_delete_of_the_first_entry_is_detected(chain: list[AuditEntry], tamper: Tamper) -> None:
    tamper("DELETE FROM {table} WHERE id = %s", [chain[0].pk])
    code, message = verify()
    assert code == 1 and f"entry #2 (id {chain[1].pk})" in message


def test_sql_delete_of_the_last_entry_is_detected(chain: list[AuditEntry], tamper: Tamper) -> None:
    tamper("DELETE FROM {table} WHERE id = %s", [chain[-1].pk])
    code, message = verify()
    assert code == 1 and "head records entry #5 but the chain ends at #4" in message


def test_deleting_and_renumbering_is_detected(chain: list[AuditEntry], tamper: Tamper) -> None:
    tamper("DELETE FROM {table} WHERE id = %s", [chain[3].pk])
    tamper("UPDATE {table} SET sequence = 4 WHERE id = %s", [chain[4].pk])
    code, message = verify()
    assert code == 1 and f"entry #4 (id {chain[4].pk})" in message and "prev_hash" in message


def test_reordering_is_detected(chain: list[AuditEntry], tamper: Tamper) -> None:
    second, third = chain[1], chain[2]
    # Swap sequence numbers 2 and 3 (through a free number: sequence is unique).
    tamper("UPDATE {table} SET sequence = 1000 WHERE id = %s", [second.pk])
    tamper("UPDATE {table} SET sequence = 2 WHERE id = %s", [third.pk])
    tamper("UPDATE {table} SET sequence = 3 WHERE id = %s", [second.pk])

    code, message = verify()

    assert code == 1
    assert f"entry #2 (id {third.pk})" in message
    assert "re-ordered" in message


def test_daily_job_records_an_alert_when_the_chain_is_broken(chain: list[AuditEntry], tamper: Tamper) -> None:
    assert verify_chain.apply().get() == {"entries": 5, "problem": None, "sequence": None, "entry_id": None}
    assert AuditEntry.objects.count() == 5  # nothing recorded while intact

    tamper("UPDATE {table} SET data = %s WHERE id = %s", ['{"n": 3}', chain[2].pk])
    result = verify_chain.apply().get()

    assert result["sequence"] == 3 and result["entry_id"] == chain[2].pk
    alert = AuditEntry.objects.order_by("sequence").last()
    assert alert is not None and alert.action == "audit.chain.broken" and alert.actor_kind == "SYSTEM"
    assert alert.data["sequence"] == 3 and "hash mismatch" in alert.data["problem"]


@pytest.mark.django_db(transaction=True)
def test_command_line_exit_codes(
    facturier_cli: Callable[..., list[str]], cli_env: dict[str, str], tamper: Tamper
) -> None:
    """The real ``facturier audit verify`` process, on the test database."""
    entries = [audit_log(actor=None, action="test.step", data={"n": n}) for n in range(3)]
    connection.close()  # let SQLite's other process in (and PostgreSQL's see committed rows)

    ok = subprocess.run(
        facturier_cli("audit", "verify"), env=cli_env, capture_output=True, text=True, timeout=120
    )
    assert (ok.returncode, ok.stdout.strip()) == (0, "chain intact: 3 entries"), ok.stderr

    tamper("DELETE FROM {table} WHERE id = %s", [entries[1].pk])
    connection.close()
    broken = subprocess.run(
        facturier_cli("audit", "verify"), env=cli_env, capture_output=True, text=True, timeout=120
    )
    assert broken.returncode == 1
    assert f"chain broken at entry #3 (id {entries[2].pk}): sequence gap" in broken.stderr


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain() -> None:
    """Appenders in parallel threads, each with its own connection and transactions."""
    threads, per_thread = 8, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(per_thread):
                with transaction.atomic():
                    audit_log(actor=None, action="test.concurrent", data={"worker": worker, "n": n})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=append, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)

    assert errors == []
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == list(
        range(1, threads * per_thread + 1)
    )
    report = audit_chain_verify()
    assert report.intact and report.entries == threads * per_thread, report


def test_tampering_inside_a_batch_append_is_detected(db: None, tamper: Tamper) -> None:
    audit_log(actor=None, action="test.before")
    batch = audit_log_many([AuditRecord(actor=None, action="invoice.status.mise_a_disposition", data={"n": n})
                            for n in range(4)])
    assert verify() == (0, "chain intact: 5 entries\n")
    tamper("UPDATE {table} SET data = %s WHERE id = %s", ['{"n": 9}', batch[2].pk])
    code, message = verify()
    assert code == 1 and f"entry #4 (id {batch[2].pk})" in message and "edited" in message
