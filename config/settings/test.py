"""Fast settings for the test suite: MD5 hashing, in-memory mail, eager Celery."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("FACTURIER_DATA_DIR", tempfile.mkdtemp(prefix="facturier-test-"))

from .base import *  # noqa: E402,F403
from .base import DATA_DIR, DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
FILES_DIR = Path(DATA_DIR) / "files"
STORAGES["default"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(FILES_DIR)},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(Path(DATA_DIR) / "test.sqlite3")}
FACTURIER_DEMO = True
# Each API call reads the authentication generation once, whatever the test's speed: query counts
# stay exact. The tests of the 0.1 s recheck set it (tests/api/test_authentication.py).
FACTURIER_API_GENERATION_RECHECK_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING", "handlers": []}}

# --- Portal ---------------------------------------------------------------------------------------
# Tests never run collectstatic: WhiteNoise serves the apps' static folders directly (without this
# it warns that STATIC_ROOT is missing, an error under filterwarnings = error).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
