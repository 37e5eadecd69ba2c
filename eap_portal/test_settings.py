"""The small test override: everything else comes from settings.py and the environment
(`make test` sets DATABASE_URL and REDIS_URL when PostgreSQL and Redis answer)."""
from .settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inside the test, so a test sees their effects; against Redis the cache is real.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests

# Fixed test keys (never used anywhere else): two, so that rotation can be tested.
from core.crypto import parse_blind_index_key, parse_field_keys  # noqa: E402

EAP_FIELD_KEYS = parse_field_keys(
    "test2=T0hOb1RoaXNJc0FUZXN0S2V5Rm9yRmllbGRzMDAwMDI, test1=VGhpc0lzQW5PbGRUZXN0S2V5Rm9yRmllbGRzMDAwMDE")
EAP_BLIND_INDEX_KEY = parse_blind_index_key("VGhpc0lzQVRlc3RCbGluZEluZGV4S2V5MDAwMDAwMDA")

# Uploads go to a throwaway folder, never into the checkout.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="eap-test-media-")
