"""Settings for MutualSociety, read from the environment in this one place.

``DJANGO_ENV`` selects the profile:

- ``development`` (the default): DEBUG on, SQLite in ``var/``, an embedded Celery broker
  on the file system, e-mail to the console. Nothing needs to be installed.
- ``production``: DEBUG off; ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and
  ``REDIS_URL`` are required and start-up stops with a message naming the one missing;
  HTTPS-only cookies, HSTS and the other settings ``manage.py check --deploy`` asks for.

Every variable is documented in the README's "Configuration" section.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MUTUALSOCIETY_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production'; got {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"


def required_in_production(name: str, hint: str) -> str:
    value = env_str(name)
    if PRODUCTION and not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be set when DJANGO_ENV=production: {hint}"
        )
    return value


DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

SECRET_KEY = required_in_production(
    "SECRET_KEY",
    "a long random string, e.g. from "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The environment variable SECRET_KEY must be set when DJANGO_DEBUG is off; "
            "the built-in development key is only used while debugging."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

#: The key of the pseudonymous member keys in the apportionment Merkle trees (docs/claims.md,
#: "Verifiable apportionment statements"). Its own variable so that rotating SECRET_KEY
#: (sessions, signed links) does not orphan the proofs of past periods; when unset it is
#: derived from SECRET_KEY. Set it once and keep it: a changed key cannot prove old shares.
SHARE_KEY_SECRET = env_str("SHARE_KEY_SECRET")

_allowed_hosts = required_in_production(
    "ALLOWED_HOSTS", "a comma-separated list of the host names the site is served on."
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") if _allowed_hosts else ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
#: The site's address for links in e-mails read outside a browser session (the private
#: link of a complainant who is not signed in): ``SITE_URL``, else https:// and the first
#: of ALLOWED_HOSTS in production, http://127.0.0.1:8000 in development.
SITE_URL = env_str("SITE_URL").rstrip("/") or (
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
)

# --- Applications ------------------------------------------------------------------------
INSTALLED_APPS = [
    "mutualsociety.apps.SocietyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "mutualsociety.apps.SignInProtectionConfig",  # axes, under a readable name
    "django_otp",
    "mutualsociety.apps.AuthenticatorsConfig",  # django_otp.plugins.otp_totp
    # Our apps. Dependencies point one way: ledger knows no other app; members may use
    # ledger; claims and governance may use members; solvency reads them; nothing
    # imports disclosure. common is the kernel everyone may use; it imports none of
    # them. The project package is the top floor: commands and hooks over every app.
    "mutualsociety.common",
    "accounts",
    "ledger",
    "members",
    "governance",
    "claims",
    "support",
    "solvency",
    "privacy",
    "disclosure",
    "mutualsociety.apps.ProjectConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request (the session first): a control character in the
    # path, the query or the body is refused with 400; a cookie holding one is dropped.
    "mutualsociety.common.middleware.ControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # After it: a regulator's read-only account sends no write anywhere.
    "accounts.middleware.ReadOnlyAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below) and the
    # per-request nonce templates read as ``request.csp_nonce``.
    "csp.middleware.CSPMiddleware",
    # Axes must be last: it turns a lockout raised during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mutualsociety.urls"
WSGI_APPLICATION = "mutualsociety.wsgi.application"
ASGI_APPLICATION = "mutualsociety.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mutualsociety.common.context_processors.society",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------
# Persistent connections with health checks: opening a PostgreSQL connection costs about
# 10 ms here, more than a whole page should.
_database_url = required_in_production(
    "DATABASE_URL", "a PostgreSQL URL such as postgres://user:password@db:5432/mutualsociety."
)
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # WAL lets the web server and the Celery worker read while the other writes;
            # IMMEDIATE takes the write lock at BEGIN so writers queue instead of failing.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
#: The ledger's covering index (account, date) INCLUDE (amount) is for PostgreSQL; on
#: SQLite (the embedded default) it is a plain index, which Django says on every command.
SILENCED_SYSTEM_CHECKS = (
    ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []
)

# --- Cache, broker and Celery ------------------------------------------------------------
REDIS_URL = required_in_production(
    "REDIS_URL", "a Redis URL such as redis://redis:6379/0 (broker, results and cache)."
)
if REDIS_URL:
    # Redis down must not turn a page into an error: this backend answers a miss (and
    # logs a warning now and then) when Redis does not, within these short timeouts.
    CACHES = {
        "default": {
            "BACKEND": "mutualsociety.common.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mutualsociety",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A dead broker refuses at once; an unreachable one must not hold a request (or the
    # outbox row's lock) for long: tasks are published through the outbox, which keeps
    # what the broker did not take (see common.services.outbox_enqueue).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
    }
else:
    # The embedded broker: kombu's file-system transport, so that a worker and beat run on
    # a bare machine with nothing installed. One machine only; production uses Redis.
    _broker_dir = VAR_DIR / "celery" / "broker"
    _results_dir = VAR_DIR / "celery" / "results"
    for _folder in (_broker_dir, _results_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{_results_dir}"

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TASK_ACKS_LATE = True
# A pool process killed mid-task (OOM killer, SIGKILL): its task is sent again like a
# retry, after WORKER_LOST_RETRY_SECONDS, at most max_retries times (3 unless the task
# says) — Celery's bounded answer to the message loops that requeueing alone can cause
# (celery#9082). Without these the message is acknowledged and the work (today's
# apportionment, the month's reserve run) is lost until someone runs it by hand. Every
# task may run twice: the services are idempotent (docs/operations.md, "A worker killed
# mid-run"). Reject (requeue) is the fallback when the retry cannot be sent.
CELERY_TASK_RETRY_ON_WORKER_LOST = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# default_retry_delay is only the worker-lost delay here: every autoretry uses back-off.
CELERY_TASK_ANNOTATIONS = {"*": {"default_retry_delay": env_int("WORKER_LOST_RETRY_SECONDS", 60)}}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The queue tasks go to unless routed: a worker run on a queue of its own (tests, the
# benchmarks that split a job) names it here, so that the tasks it sends itself — a batch
# run's chunks and its finishing step — come back to it.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# How long tasks handed to the broker stay visible in the admin (Society → Outbox tasks).
OUTBOX_KEEP_SENT_DAYS = env_int("OUTBOX_KEEP_SENT_DAYS", 30)
# Long batch runs (apportionment, billing, grace, surplus) split into chunks of this many
# ids, one chunk per task, run on every worker (docs/scaling.md); a run no smaller than one
# chunk runs inline in one transaction. A running run with no chunk done for
# BATCH_STALL_MINUTES (longer than a task may run) is sent to the workers again.
BATCH_CHUNK_SIZE = env_int("BATCH_CHUNK_SIZE", 100_000)
BATCH_STALL_MINUTES = env_int("BATCH_STALL_MINUTES", 45)
# PostgreSQL's work_mem while a period's Merkle tree is built (claims.services.share_tree):
# its sorts and hashes of every sharing member in memory, not spilled to disk.
SHARE_TREE_WORK_MEM = env_str("SHARE_TREE_WORK_MEM", "256MB")

# --- Authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# accounts/urls.py is not namespaced (Django's password views reverse plain names).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Guessing protection (django-axes): a username is locked out from an address after this
# many failures, for this long.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of the site, so that sign-in lock-outs and API throttles see the
# client's own address (X-Forwarded-For).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "MutualSociety")
# Wrong authenticator codes: after this many in a row, every code of that person is refused
# for this long (on every sign-in form and the two-factor page). Between wrong codes
# django-otp makes them wait 1, 2, 4... seconds (OTP_TOTP_THROTTLE_FACTOR).
SECOND_FACTOR_FAILURE_LIMIT = env_int("SECOND_FACTOR_FAILURE_LIMIT", 5)
SECOND_FACTOR_LOCKOUT_TIME = timedelta(minutes=env_int("SECOND_FACTOR_LOCKOUT_MINUTES", 30))
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["mutualsociety.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

# The society's currency: every amount in the ledger is in it (ISO 4217 code).
SOCIETY_CURRENCY = env_str("SOCIETY_CURRENCY", "CNY").upper()
if len(SOCIETY_CURRENCY) != 3 or not SOCIETY_CURRENCY.isalpha():
    raise ImproperlyConfigured(
        f"SOCIETY_CURRENCY must be a three-letter ISO 4217 code; got {SOCIETY_CURRENCY!r}."
    )

# --- Static and media files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
if not PRODUCTION:
    # WhiteNoise serves straight from the apps' static folders, so pages keep their
    # styles with DEBUG off and without collectstatic; production serves STATIC_ROOT.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded documents live outside the web root and are served only through views that
# check who may see them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Claim documents: a private root that no URL maps to; served only by claims.views.
CLAIM_DOCUMENTS_ROOT = Path(
    env_str("CLAIM_DOCUMENTS_ROOT", str(VAR_DIR / "private" / "claim-documents"))
)
CLAIM_DOCUMENT_MAX_BYTES = env_int("CLAIM_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# The Chinese font PDFs embed (a TrueType-outline font file or collection); empty: the
# first of the system's known ones (mutualsociety.common.fonts).
PDF_CJK_FONT = env_str("PDF_CJK_FONT", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
#: The folder of the file-based backend (``django.core.mail.backends.filebased``): one file
#: per message, e.g. to see what a worker really sent (tests/faults).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MutualSociety <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Text messages to members (the notification centre): a class with ``send(phone, text)``
# (members.providers.SmsProvider). The console provider logs the text and sends nothing.
SMS_PROVIDER = env_str("SMS_PROVIDER", "members.providers.ConsoleSmsProvider")
# Who receives operational alerts (a failed ledger integrity check, server errors):
# a comma-separated list of e-mail addresses.
ADMINS = env_list("ADMINS")

# --- Security ----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # Behind the reverse proxy that terminates TLS (see docs/operations.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container health check calls /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The Content-Security-Policy: scripts and styles only from our own static files (no
# inline script, no style attribute; a <style> block that cannot move carries the
# request's nonce), images also as data: URIs (the QR code of the authenticator set-up),
# no plug-ins, no framing, forms post only to this site. Checked on every page by
# tests/project/test_csp.py; see docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mutualsociety.common.api.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a depth and a size limit (no RecursionError from a deeply nested body).
    "DEFAULT_PARSER_CLASSES": [
        "mutualsociety.common.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Every operation: anonymous callers per address at the anon rate, signed-in users
    # at the user rate (views add scopes of their own, never fewer).
    "DEFAULT_THROTTLE_CLASSES": [
        "mutualsociety.common.throttling.AnonRateThrottle",
        "mutualsociety.common.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
        # POST /api/v1/enrolment/ (anonymous: each attempt creates a login when it succeeds).
        "enrolment": env_str("API_THROTTLE_ENROLMENT", "20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MutualSociety API",
    "DESCRIPTION": (
        "The API of a mutual insurance society or mutual aid plan. Amounts are decimal "
        "strings in the society's currency. Errors share one shape: "
        '{"error": {"code": ..., "message": ..., "fields": {...}}}.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("status") get their own component names.
    # Every operation documents its errors in the one shape (a "default" response).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mutualsociety.common.schema.add_error_responses",
        "mutualsociety.common.schema.nullable_references",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "members.models.Member.Status",
        "ApplicationStatusEnum": "members.models.Application.Status",
        "CoverageStatusEnum": "members.models.Coverage.Status",
        # Two solvency serializers have a ``state``: the assessments keep the name they had.
        "StateEnum": "solvency.models.SolvencyAssessment.State",
        "ReserveRunStateEnum": "solvency.models.ReserveRun.State",
        # Claims and solvency lines have a ``kind`` too: a publication's is named.
        "PublicationKindEnum": "disclosure.models.Kind",
        # The complaints desk's status, category and event type.
        "ComplaintStatusEnum": "support.models.Complaint.Status",
        "ComplaintCategoryEnum": "support.models.Complaint.Category",
        "ComplaintEventTypeEnum": "support.models.ComplaintEvent.Type",
    },
}

# --- Logging -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "refusal_without_traceback": {"()": "mutualsociety.log.RefusalWithoutTraceback"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Django's own: server errors e-mailed to ADMINS when not debugging.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Every line reaches the console once, through the root. (Django's default gives
        # its logger a console handler of its own as well: each line twice while debugging.)
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # A refusal (403, 4xx) is one warning line, without the exception's traceback.
        "django.request": {"filters": ["refusal_without_traceback"]},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
