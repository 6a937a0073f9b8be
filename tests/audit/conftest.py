"""Fixtures for the audit journal tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def person(db: None) -> User:
    return User.objects.create_user("marie.durand@montclair.demo", first_name="Marie", last_name="Durand")


@pytest.fixture
def technical(db: None) -> User:
    return User.objects.create_user("tech@au-diapason.demo", kind=User.Kind.TECHNICAL)


def run_sql(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """Tamper with the journal behind the ORM's back, as an attacker with database access would."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


@pytest.fixture
def tamper() -> Callable[..., None]:
    return run_sql


def database_url() -> str:
    """A DATABASE_URL naming the test database, for a subprocess that must see the test's data."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def facturier_cli() -> Callable[..., list[str]]:
    """The ``facturier`` command as argv, with an environment pointing it at the test database."""

    def argv(*args: str) -> list[str]:
        return [sys.executable, "-m", "facturier.cli", *args]

    return argv


@pytest.fixture
def cli_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(REPO),
        "CELERY_BROKER_URL": "",
    }
