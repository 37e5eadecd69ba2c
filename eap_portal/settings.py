"""One settings module for every mode, read from the environment.

- Embedded default (no environment at all): SQLite in the project folder, tasks run in-process,
  DEBUG on, a development-only secret key.
- DATABASE_URL / REDIS_URL switch to PostgreSQL and a real Celery worker and beat.
- EAP_MODE=production refuses to start without DJANGO_SECRET_KEY, the field-encryption keys,
  REDIS_URL (periodic jobs need Celery beat) or an https EAP_SITE_URL, or with DEBUG on.

The helpers below refuse junk values instead of guessing, so a typo in a deployment
fails at start-up rather than at three in the morning.
"""
import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_int(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {value}")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


MODE = env_str("EAP_MODE", "development").lower()
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"EAP_MODE must be development or production, not {MODE!r}")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to start with DJANGO_DEBUG on.")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production mode needs DJANGO_SECRET_KEY (50 characters or more).")
elif not SECRET_KEY:
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdef"

# --- Field encryption (core.crypto) ------------------------------------------------
# EAP_FIELD_KEYS: "id=base64key,id=base64key", newest first; every key is 32 random bytes
# (`python manage.py new_field_key` prints one). New values are encrypted with the first; the others
# stay only so that older values can be read until `rotate_keys` has moved them.
# EAP_BLIND_INDEX_KEY: the HMAC key of the exact-match columns (national ID numbers and the like).
# Production refuses to start without them; the embedded default keeps its own pair in a
# git-ignored file beside its database, made on first start.
FIELD_KEYS_ENV = env_str("EAP_FIELD_KEYS")
BLIND_INDEX_KEY_ENV = env_str("EAP_BLIND_INDEX_KEY")
if PRODUCTION and not (FIELD_KEYS_ENV and BLIND_INDEX_KEY_ENV):
    raise ImproperlyConfigured("Production mode needs EAP_FIELD_KEYS and EAP_BLIND_INDEX_KEY.")
if not FIELD_KEYS_ENV or not BLIND_INDEX_KEY_ENV:
    from core.crypto import development_keys

    _dev_keys = development_keys(BASE_DIR / ".dev-keys.json")
    FIELD_KEYS_ENV = FIELD_KEYS_ENV or _dev_keys["field_keys"]
    BLIND_INDEX_KEY_ENV = BLIND_INDEX_KEY_ENV or _dev_keys["blind_index_key"]
from core.crypto import parse_blind_index_key, parse_field_keys  # noqa: E402

EAP_FIELD_KEYS = parse_field_keys(FIELD_KEYS_ENV)
EAP_BLIND_INDEX_KEY = parse_blind_index_key(BLIND_INDEX_KEY_ENV)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "agencies.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its runserver also runs the embedded default's periodic jobs.
    "core",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "eap_portal",
    "agencies",
    "plans",
    "counseling",
    "surveys",
    "cases",
    "courses",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "eap_portal.middleware.PortalLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A city's single sign-on proxy (EAP_SSO_HEADER); does nothing unless configured.
    "agencies.sso.EmployeeHeaderMiddleware",
    # Logged in by default: public views are marked with @login_not_required where defined.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Sensitive writes name their actor: the signed-in user, from their address.
    "core.actors.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eap_portal.urls"
WSGI_APPLICATION = "eap_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "agencies.context_processors.portal",
            ],
            "builtins": ["eap_portal.templatetags.roc"],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH") or BASE_DIR / "db.sqlite3",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery --------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if PRODUCTION and not REDIS_URL:
    # Without a broker there is no Celery beat: reminders, escalations and purges would never run.
    raise ImproperlyConfigured("Production mode needs REDIS_URL (the Celery broker for the worker and beat).")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    # Results are kept only for tasks that ask (ignore_result=False), and for an hour.
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No broker in the embedded default: tasks run in-process, inside the request that sends them.
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Asia/Taipei"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Authentication -------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Signs in the person a trusted SSO proxy names; answers nothing while EAP_SSO_HEADER is empty.
    "agencies.sso.EmployeeNumberBackend",
]
# Lock a user name from one address after repeated failures, for a while. Never by address
# alone: a whole office signs in from one address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # attempts are not agency-scoped: keep them out of the HR admin
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(env_str("EAP_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Accounts without e-mail and single sign-on (issue 10) ---------------------------
# HR prints one-time activation codes (agencies.activation); each works once, for this many days.
EAP_ACTIVATION_CODE_DAYS = env_int("EAP_ACTIVATION_CODE_DAYS", 14, minimum=1)
# Single sign-on (agencies.sso): the request.META key in which the city's SSO proxy passes the
# signed-in person's employee number, e.g. HTTP_X_EMPLOYEE_NUMBER for an "X-Employee-Number"
# header. Empty: off. EAP_SSO_TRUSTED_PROXIES lists the proxy addresses (REMOTE_ADDR) whose header
# is believed; empty believes any address, which is safe only if every request passes through a
# proxy that removes the header from what browsers send.
EAP_SSO_HEADER = env_str("EAP_SSO_HEADER")
if EAP_SSO_HEADER and not re.fullmatch(r"[A-Z][A-Z0-9_]*", EAP_SSO_HEADER):
    raise ImproperlyConfigured(f"EAP_SSO_HEADER must be a request.META key such as HTTP_X_EMPLOYEE_NUMBER, "
                               f"not {EAP_SSO_HEADER!r}")
EAP_SSO_TRUSTED_PROXIES = env_list("EAP_SSO_TRUSTED_PROXIES")
for _address in EAP_SSO_TRUSTED_PROXIES:
    try:
        ipaddress.ip_address(_address)
    except ValueError:
        raise ImproperlyConfigured(f"EAP_SSO_TRUSTED_PROXIES must list IP addresses, not {_address!r}") from None

# --- Retention (issue 11) -------------------------------------------------------
# Records are destroyed this many years after their clock starts (DOMAIN §8; core.retention).
EAP_RETENTION_YEARS = env_int("EAP_RETENTION_YEARS", 10, minimum=1)
# An access grant (core.access_requests) stays open this many days after the requester signs the
# confidentiality agreement: "a default period HR sets", kept as a setting for now.
EAP_ACCESS_GRANT_DAYS = env_int("EAP_ACCESS_GRANT_DAYS", 14, minimum=1)

# --- Language and time ----------------------------------------------------------
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True
# Django's zh_Hant date formats print Gregorian years, so pages never use the `date`
# filter for dates: eap_portal.rocdates formats them and RocDateField parses them.

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Manifest storage needs collectstatic first, so only production uses it.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Uploaded files -------------------------------------------------------------
# Uploads (group-counseling analysis reports) are never served as static files: views that check
# who may read them stream them. Keep the folder outside the web server's reach.
MEDIA_ROOT = Path(env_str("EAP_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media-not-served/"

# --- E-mail -----------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Notification e-mails are discreet (DOMAIN §8): keep the sender's name and address neutral too.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@portal.example.gov.tw")
# The portal's address as people reach it, for the link in notification e-mails.
EAP_SITE_URL = env_str("EAP_SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not EAP_SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("Production mode needs EAP_SITE_URL, the portal's https:// address for e-mail links.")

# --- Security -------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

PORTAL_NAME = _("Employee Assistance Program")
