"""The small test override: everything else comes from settings.py and the environment
(`make test` sets DATABASE_URL and REDIS_URL when PostgreSQL and Redis answer)."""
from .settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inside the test, so a test sees their effects; against Redis the cache is real.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
