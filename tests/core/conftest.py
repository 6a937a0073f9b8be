"""Fixtures for the jobs tests: subprocesses that share the test database."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from config.celery import app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Tasks in-process, as without a broker, whatever the environment of the test run."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


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
def cli_env() -> dict[str, str]:
    """The environment of a ``facturier`` subprocess working on the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(REPO),
        "PYTHONUNBUFFERED": "1",
        "CELERY_BROKER_URL": "",
        "CELERY_RESULT_BACKEND": "",
    }


def facturier_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "facturier.cli", *args]


@pytest.fixture
def facturier_cli() -> Callable[..., list[str]]:
    """The ``facturier`` command as argv (run it with ``cli_env``)."""
    return facturier_argv
