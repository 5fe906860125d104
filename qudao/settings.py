"""Qudao settings, read from environment variables with safe defaults for local use.

Production mode is DEBUG off: then SECRET_KEY and ALLOWED_HOSTS must be given for real, and the
security settings that `manage.py check --deploy` looks for are on.
"""

import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DEBUG is off: set SECRET_KEY to a random string of at least 50 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG is off: set ALLOWED_HOSTS (comma-separated host names).")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "qudao.core",
    "qudao.catalog",
    "qudao.customers",
    "qudao.partners",
    "qudao.registrations",
    "qudao.projects",
    "qudao.performance",
    "qudao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qudao.core.middleware.LanguageMiddleware",
    "qudao.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "qudao.urls"
WSGI_APPLICATION = "qudao.wsgi.application"

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
                "qudao.core.context_processors.shell",
            ],
        },
    },
]
# Widgets render with the project's templates (templates/django/forms/ can replace Django's own);
# <input> and <select> are written in Python (qudao/core/rendering.py: the same HTML, ~10x faster).
FORM_RENDERER = "qudao.core.rendering.FormRenderer"

# Database: embedded SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # A file (not :memory:) so that threads in concurrency tests and the live server share it;
    # one per process, so that two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "TEST_SQLITE_NAME",
            str(Path(tempfile.gettempdir()) / f"qudao-test-{os.getpid()}.sqlite3"),
        )
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["qudao.core.auth.IdentifierBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed log-ins are throttled over a sliding window of LOGIN_LOCKOUT_MINUTES, in the shared
# cache (qudao/core/services/auth.py): at most LOGIN_MAX_FAILURES for one account from one client
# address, LOGIN_ADDRESS_MAX_FAILURES from one address over all accounts, and
# LOGIN_ACCOUNT_MAX_FAILURES for one account from all addresses (much higher, so that guessing
# from a few addresses cannot pause the owner's log-in). API tokens are never disabled by them.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("LOGIN_ADDRESS_MAX_FAILURES", "50"))
LOGIN_ACCOUNT_MAX_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_MAX_FAILURES", "100"))
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))

# Chinese is the default; English is complete. The language comes from the user's choice
# (cookie), never from the browser, so that the UI is Chinese unless someone switches.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Request bodies are refused (413) by their Content-Length before anything reads them: each
# upload view declares the most its files may take (core.uploads.upload_size_limit, e.g. 10 MB
# for a partner document); every other request may send REQUEST_MAX_BYTES, the ceiling, set
# above the largest upload allowed anywhere (a 200 MB bid document). Form fields and JSON (not
# files) may hold DATA_UPLOAD_MAX_MEMORY_SIZE; files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a
# temporary file while they are checked. Production's reverse proxy refuses larger bodies first.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(201 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Static files are served by WhiteNoise in every mode, from STATIC_ROOT (`collectstatic`, which
# scripts/serve.sh runs); in DEBUG also straight from the sources, so an edit shows at once.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if not DEBUG:
    # Hashed names, compressed copies, and far-future caching of them.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Cache, shared by every process (gunicorn workers, task workers): rate limits, log-in throttles
# and remembered counts hold across them. Redis with REDIS_URL (the sessions then read through
# it, kept in the database as well); otherwise the database's table CACHE_TABLE, which migrate
# creates. CACHE_BACKEND (redis, database, locmem) chooses explicitly; locmem is each process's
# memory, right for one process only. Under pytest (which sets PYTEST_VERSION) the default is
# locmem, so that tests without database access can empty it.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_TABLE = "qudao_cache"
CACHE_BACKEND = os.environ.get("CACHE_BACKEND") or (
    "locmem" if os.environ.get("PYTEST_VERSION") else "redis" if REDIS_URL else "database"
)
if CACHE_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("CACHE_BACKEND=redis: set REDIS_URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "qudao"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "qudao"),
            # Past this many rows a write first deletes the expired ones, then a third of the
            # rest: high enough that live rate-limit counts are not thrown away.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
elif CACHE_BACKEND == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("CACHE_BACKEND: use redis, database or locmem.")

# Background work: django-tasks with its database backend and the db_worker process.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Scheduled work: every `manage.py worker` runs a scheduler that enqueues each daily job (expiry,
# reminders, health checks, alerts) once a local day, at DAILY_RUN_AT or as soon after it as it
# runs, and the performance facts' refresh every PERFORMANCE_REFRESH_MINUTES.
try:
    DAILY_RUN_AT = datetime.time.fromisoformat(os.environ.get("DAILY_RUN_AT", "01:05"))
except ValueError as error:
    raise ImproperlyConfigured("DAILY_RUN_AT: a local time such as 01:05.") from error
SCHEDULER_INTERVAL_SECONDS = float(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "30"))
PERFORMANCE_REFRESH_MINUTES = int(os.environ.get("PERFORMANCE_REFRESH_MINUTES", "10"))
# Each task worker says it is alive every TASK_WORKER_HEARTBEAT_SECONDS; a task whose worker has
# not for TASK_WORKER_TIMEOUT_SECONDS (and is not a live process on the same host) is marked
# failed: its worker was killed or lost (qudao/core/services/workers.py).
TASK_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("TASK_WORKER_HEARTBEAT_SECONDS", "5"))
TASK_WORKER_TIMEOUT_SECONDS = float(os.environ.get("TASK_WORKER_TIMEOUT_SECONDS", "60"))
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "5"))
NOTIFICATION_RETRY_SECONDS = int(os.environ.get("NOTIFICATION_RETRY_SECONDS", "60"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))

# E-mail: console by default; configure SMTP with the EMAIL_* variables.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qudao@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer's health probe may come over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"qudao": {"level": os.environ.get("LOG_LEVEL", "INFO")}},
}

# Partner lifecycle.
APPLICATION_RATE_LIMIT_PER_HOUR = int(os.environ.get("APPLICATION_RATE_LIMIT_PER_HOUR", "5"))
AGREEMENT_REMINDER_DAYS = int(os.environ.get("AGREEMENT_REMINDER_DAYS", "30"))
CREDIT_EXTRA_APPROVAL_THRESHOLD = os.environ.get("CREDIT_EXTRA_APPROVAL_THRESHOLD", "1000000")
PARTNER_IMPORT_SYNC_ROWS = int(os.environ.get("PARTNER_IMPORT_SYNC_ROWS", "300"))

# Deal registrations: defaults when no protection rule applies (rules are data, see the rules page).
REGISTRATION_PROTECTION_DAYS = int(os.environ.get("REGISTRATION_PROTECTION_DAYS", "90"))
REGISTRATION_UPDATE_DAYS = int(os.environ.get("REGISTRATION_UPDATE_DAYS", "30"))
# After the no-progress warning, the partner has this many days to report before protection ends.
REGISTRATION_STALE_GRACE_DAYS = int(os.environ.get("REGISTRATION_STALE_GRACE_DAYS", "7"))

# Projects: the code pattern ({year}, {region}, {office}, {seq:05}) and the process template a
# won deal registration's project starts on.
PROJECT_CODE_PATTERN = os.environ.get("PROJECT_CODE_PATTERN", "XM-{year}-{region}-{seq:05}")
PROJECT_TEMPLATE_FOR_WON_REGISTRATION = os.environ.get(
    "PROJECT_TEMPLATE_FOR_WON_REGISTRATION", "channel"
)
# Project health: no weekly report or stage move for this many days makes a project "stale";
# a required document of the current stage may be missing this long after the stage began.
PROJECT_STALE_DAYS = int(os.environ.get("PROJECT_STALE_DAYS", "14"))
PROJECT_DOCUMENTS_GRACE_DAYS = int(os.environ.get("PROJECT_DOCUMENTS_GRACE_DAYS", "7"))

PAGE_SIZE = 20
DEMO_PASSWORD = "Qudao@2026"
