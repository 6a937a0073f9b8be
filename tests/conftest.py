"""Project-wide fixtures. App-specific fixtures live in each tests/<app>/conftest.py."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import redis

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"

# The e-invoice core keeps the artefacts it extracts between processes (codelists.cache_dir). The
# suite uses a directory of its own, fresh for each run: it extracts once, never reads a cache left
# by another checkout, and its subprocesses (CLI, workers) share what it wrote.
if "FACTURIER_EINVOICE_CACHE" not in os.environ:
    os.environ["FACTURIER_EINVOICE_CACHE"] = tempfile.mkdtemp(prefix="facturier-einvoice-cache-")
    atexit.register(shutil.rmtree, os.environ["FACTURIER_EINVOICE_CACHE"], ignore_errors=True)


def corpus_dir() -> Path:
    return Path(os.environ.get("FACTURIER_CORPUS") or REPO.parent / "shared" / "corpus")


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = corpus_dir()
    if not (path / "MANIFEST.tsv").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the invoice corpus is missing at {path} (set FACTURIER_CORPUS)")
        pytest.skip(f"no invoice corpus at {path}")
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _fresh_api_memories():
    """The API's in-process memories of verified passwords and of authenticated callers must not
    leak between tests (a rolled-back database may reuse the ids they hold)."""
    from facturier.api.authentication import api_identities, forget_generation, verified_credentials

    verified_credentials.clear()
    api_identities.clear()
    forget_generation()
    yield
    verified_credentials.clear()
    api_identities.clear()
    forget_generation()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (French): a request or a test that activated
    English must not leak into the next test's messages."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()


REDIS_URL = os.environ.get("FACTURIER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> str:
    """The test Redis (db 15). Required under CI=true (or FACTURIER_TEST_REDIS=1): unreachable is a
    failure, never a skip; otherwise the test is skipped."""
    if os.environ.get("CI") != "true" and os.environ.get("FACTURIER_TEST_REDIS") != "1":
        pytest.skip("needs Redis: runs under CI=true or FACTURIER_TEST_REDIS=1")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is unreachable at {REDIS_URL} ({exc}); set FACTURIER_TEST_REDIS_URL")
    return REDIS_URL
