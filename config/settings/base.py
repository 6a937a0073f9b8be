"""Base settings, driven by environment variables.

Every integration is on only when it is configured: PostgreSQL when ``DATABASE_URL`` is set,
Celery workers when ``CELERY_BROKER_URL`` is set, SMTP when ``EMAIL_HOST`` is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("FACTURIER_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("FACTURIER_DEBUG", False)
# A real deployment sets FACTURIER_SECRET_KEY; the local default keeps `make run` one command.
SECRET_KEY = os.environ.get("FACTURIER_SECRET_KEY") or "facturier-local-only-insecure-key-change-me-in-production"
ALLOWED_HOSTS = [h for h in os.environ.get("FACTURIER_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("FACTURIER_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    "facturier.core",
    "facturier.accounts",
    "facturier.structures",
    "facturier.audit",
    "facturier.invoices",
    "facturier.flows",
    "facturier.flows.portal",
    "facturier.invoices.portal",
    "facturier.notifications",
    "facturier.edi",
    "facturier.api",
    "facturier.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "facturier.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "facturier.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "facturier.portal.context_processors.navigation",
                "facturier.portal.context_processors.notices",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "facturier.sqlite3",
            "OPTIONS": {
                # WAL lets the web server, the scheduler and in-process tasks read while one writes;
                # IMMEDIATE transactions avoid "database is locked" upgrades from read to write locks.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "facturier" / "locale"]
LANGUAGE_COOKIE_NAME = "facturier_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and stored files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
FILES_DIR = Path(os.environ.get("FACTURIER_FILES_DIR") or DATA_DIR / "files")
STORAGES = {
    # Original invoices, attachments and generated PDFs. FACTURIER_FILES_STORAGE names another
    # backend (for example an S3 one) for a deployment that keeps files elsewhere.
    "default": {
        "BACKEND": os.environ.get("FACTURIER_FILES_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(FILES_DIR)} if "FACTURIER_FILES_STORAGE" not in os.environ else {},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = str(FILES_DIR)

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("FACTURIER_HTTPS", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("FACTURIER_HTTPS", False)
SECURE_HSTS_SECONDS = 31536000 if SESSION_COOKIE_SECURE else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FACTURIER_BEHIND_PROXY", False) else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("FACTURIER_FROM_EMAIL", "facturier <no-reply@facturier.localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif os.environ.get("FACTURIER_EMAIL_BACKEND") == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")

# --- API ------------------------------------------------------------------------------------------
# Self-hosted Swagger UI for /api/docs/: the CSP is default-src 'self', so no CDN.
INSTALLED_APPS += ["drf_spectacular_sidecar"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["facturier.api.envelope.ChorusJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "facturier.api.envelope.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "facturier.api.schema.ChorusAutoSchema",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "facturier — API compatible Chorus Pro",
    "DESCRIPTION": (
        "Chorus Pro (PISTE) compatible REST API. Every `/cpro/` operation needs an OAuth2 "
        "client-credentials token from `POST /api/oauth/token` (sent as `Authorization: Bearer …`) "
        "**and** the `cpro-account` header, `base64(login:password)` of a technical account. "
        "Every answer is JSON with `codeRetour` (0 on success) and `libelle` "
        "(`TRA_MSG_00.000` on success), errors included."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Tags come from each operation's Chorus API (transverses, structures…), see facturier.api.schema.
    "SCHEMA_PATH_PREFIX": r"/cpro/[A-Za-z]+/v1",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": True},
    # Invoice statuses appear in several operations (nouveauStatut, statutCourant): one named enum.
    "ENUM_NAME_OVERRIDES": {"InvoiceStatusEnum": "facturier.invoices.enums.InvoiceStatus"},
}
# A swapped application model that can be switched off (facturier/api/models.py). Reach it with
# oauth2_provider.models.get_application_model(), never oauth2_provider.models.Application.
OAUTH2_PROVIDER_APPLICATION_MODEL = "api.Application"
OAUTH2_PROVIDER = {
    # GO's client decodes expires_in into an int16: stay at or under 32767 (api.md §2.2).
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "SCOPES": {"openid": "Chorus Pro API access"},
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": False,
}
# GO sends the Bearer token only on its first call (api.md §9.3): when true, a call with a valid
# cpro-account and no Authorization header is accepted. Off by default.
FACTURIER_API_LENIENT_BEARER = env_bool("FACTURIER_API_LENIENT_BEARER", False)
# A successful cpro-account password check is remembered in-process for this many seconds, so the
# (deliberately slow) Argon2 check runs about once a minute per account and worker instead of on
# every call. 0 disables it. See facturier/api/authentication.py.
FACTURIER_API_CREDENTIALS_CACHE_SECONDS = int(os.environ.get("FACTURIER_API_CREDENTIALS_CACHE_SECONDS", "60"))
# A successful authentication (token + cpro-account) is remembered this long in each process;
# revocations made in another process take effect within it (docs/api.md, "Authentication").
FACTURIER_API_IDENTITY_CACHE_SECONDS = float(os.environ.get("FACTURIER_API_IDENTITY_CACHE_SECONDS", "5"))
# How often each process reads the authentication generation (a change elsewhere is seen within it).
FACTURIER_API_GENERATION_RECHECK_SECONDS = float(os.environ.get("FACTURIER_API_GENERATION_RECHECK_SECONDS", "0.1"))

# --- Jobs -----------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
# Without a broker every task runs in-process; facturier.core.jobs.enqueue defers it to after commit.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A worker (before its pool forks) and, when tasks run in-process, the web, scheduler and EDI server
# processes validate a built UBL and CII invoice at start, so no real invoice pays the
# first-validation compilation (schemas, rule plans) (docs/deposits.md, "Process start").
FACTURIER_WARM_UP = env_bool("FACTURIER_WARM_UP", True)

# --- Deposits (docs/deposits.md) -----------------------------------------------------------------
# Limits default to domain.md §4.4; every one can be changed by an environment variable.
FACTURIER_FLOW_MAX_BYTES = int(os.environ.get("FACTURIER_FLOW_MAX_BYTES", str(1024**3)))  # EDI flow: 1 GB
# Portal batch deposits are capped lower than EDI flows (domain.md §4.4: XML batch ≤ 30 MB).
FACTURIER_PORTAL_FLOW_MAX_BYTES = int(os.environ.get("FACTURIER_PORTAL_FLOW_MAX_BYTES", str(30 * 1024**2)))
FACTURIER_API_FLOW_MAX_BYTES = int(os.environ.get("FACTURIER_API_FLOW_MAX_BYTES", str(30 * 1024**2)))
FACTURIER_FLOW_MAX_ENTRY_BYTES = int(os.environ.get("FACTURIER_FLOW_MAX_ENTRY_BYTES", str(32 * 1024**2)))
FACTURIER_FLOW_MAX_INVOICES = int(os.environ.get("FACTURIER_FLOW_MAX_INVOICES", "1000"))
FACTURIER_FLOW_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("FACTURIER_FLOW_MAX_UNCOMPRESSED_BYTES", str(2 * 1024**3))
)
FACTURIER_FLOW_MAX_RATIO = int(os.environ.get("FACTURIER_FLOW_MAX_RATIO", "100"))
FACTURIER_ATTACHMENT_MAX_BYTES = int(os.environ.get("FACTURIER_ATTACHMENT_MAX_BYTES", str(10 * 1024**2)))
FACTURIER_ATTACHMENT_MAX_COUNT = int(os.environ.get("FACTURIER_ATTACHMENT_MAX_COUNT", "100"))
# Invoice downloads (telecharger/groupe, portal selections): above this, HTTP 413 (api.md F12).
FACTURIER_DOWNLOAD_MAX_BYTES = int(os.environ.get("FACTURIER_DOWNLOAD_MAX_BYTES", str(120 * 1024**2)))
# The invoice uniqueness key (facturier.einvoice.platform.KEY_PARTS names, comma-separated).
FACTURIER_DUPLICATE_KEY = tuple(
    part.strip()
    for part in os.environ.get("FACTURIER_DUPLICATE_KEY", "supplier,number,document_type,year").split(",")
    if part.strip()
)
# A flow whose processing has not shown progress for this long is re-queued by the sweeper.
FACTURIER_FLOW_LEASE_SECONDS = int(os.environ.get("FACTURIER_FLOW_LEASE_SECONDS", "300"))
# Entries per flows.process_chunk task: the workers share a bigger flow. 0 = one task per flow,
# the default without a broker (in-process tasks gain nothing from splitting).
FACTURIER_FLOW_CHUNK_SIZE = int(os.environ.get("FACTURIER_FLOW_CHUNK_SIZE", "100" if CELERY_BROKER_URL else "0"))
# A single-invoice flow (one XML or PDF) is processed this long after its deposit at the earliest,
# so that the single invoices of a burst are integrated together (docs/deposits.md); with workers only.
FACTURIER_FLOW_COALESCE_SECONDS = float(
    os.environ.get("FACTURIER_FLOW_COALESCE_SECONDS", "0.5" if CELERY_BROKER_URL else "0")
)
# Test seam only (the worker-kill test): seconds slept before each invoice of a flow. Keep 0.
FACTURIER_FLOW_TEST_DELAY_SECONDS = float(os.environ.get("FACTURIER_FLOW_TEST_DELAY_SECONDS", "0"))

# --- EDI (docs/edi.md) ----------------------------------------------------------------------------
# Partners' directories (inbox/outbox/rejects), the SFTP server's address and its host key.
FACTURIER_EDI_ROOT = Path(os.environ.get("FACTURIER_EDI_ROOT") or DATA_DIR / "edi")
FACTURIER_EDI_HOST = os.environ.get("FACTURIER_EDI_HOST", "127.0.0.1")
FACTURIER_EDI_PORT = int(os.environ.get("FACTURIER_EDI_PORT", "2222"))
FACTURIER_EDI_HOST_KEY = Path(os.environ.get("FACTURIER_EDI_HOST_KEY") or DATA_DIR / "edi_host_key")
# A file dropped in a watched inbox is taken once unchanged for this long (or at once with a
# "<name>.done" marker), so a half-written file is never ingested.
FACTURIER_EDI_MIN_AGE_SECONDS = int(os.environ.get("FACTURIER_EDI_MIN_AGE_SECONDS", "10"))
# Threads of the SFTP server that turn uploaded files into flows.
FACTURIER_EDI_WORKERS = int(os.environ.get("FACTURIER_EDI_WORKERS", "2"))

# --- Notifications (docs/notifications.md) -------------------------------------------------------
# The site's address as users reach it: e-mails sent by background jobs link to it.
FACTURIER_BASE_URL = os.environ.get("FACTURIER_BASE_URL", "http://127.0.0.1:8000")
# Digests are sent from this local hour on (daily ones every day, weekly ones on Monday).
FACTURIER_DIGEST_HOUR = int(os.environ.get("FACTURIER_DIGEST_HOUR", "7"))
# The sweeper re-sends the notifications of journal entries this recent whose job was lost.
FACTURIER_NOTIFICATION_SWEEP_HOURS = int(os.environ.get("FACTURIER_NOTIFICATION_SWEEP_HOURS", "24"))

# --- Demo data ------------------------------------------------------------------------------------
FACTURIER_DEMO = env_bool("FACTURIER_DEMO", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FACTURIER_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Portal ---------------------------------------------------------------------------------------
# Django's own CSRF failure page is English-only and styled inline (blocked by our CSP).
CSRF_FAILURE_VIEW = "facturier.portal.views.errors.csrf_failure"
