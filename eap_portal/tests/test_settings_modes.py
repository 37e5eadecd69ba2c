"""The same settings file serves every mode; production refuses to start unsafely."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 60
FIELD_KEYS = {"EAP_FIELD_KEYS": "prod1=T0hOb1RoaXNJc0FUZXN0S2V5Rm9yRmllbGRzMDAwMDI",
              "EAP_BLIND_INDEX_KEY": "VGhpc0lzQVRlc3RCbGluZEluZGV4S2V5MDAwMDAwMDA"}
# Everything else production needs besides the secret key (nothing here connects to Redis).
PRODUCTION_ENV = {**FIELD_KEYS, "REDIS_URL": "redis://127.0.0.1:6379/9", "EAP_SITE_URL": "https://eap.example.gov.tw",
                  "DJANGO_ALLOWED_HOSTS": "eap.example.gov.tw"}


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EAP_", "DATABASE_URL", "REDIS_URL"))}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "CRITICAL"],
                          cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(EAP_MODE="production", DJANGO_ALLOWED_HOSTS="eap.example.gov.tw")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = run_check(EAP_MODE="production", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_starts_with_its_keys_and_debug_off():
    result = run_check(EAP_MODE="production", DJANGO_SECRET_KEY=GOOD_KEY, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing, named", [("EAP_FIELD_KEYS", "EAP_FIELD_KEYS"),
                                            ("EAP_BLIND_INDEX_KEY", "EAP_BLIND_INDEX_KEY"),
                                            ("REDIS_URL", "REDIS_URL"), ("EAP_SITE_URL", "EAP_SITE_URL")])
def test_production_refuses_to_start_without_its_keys_broker_and_address(missing, named):
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != missing}
    result = run_check(EAP_MODE="production", DJANGO_SECRET_KEY=GOOD_KEY, **env)
    assert result.returncode != 0
    assert named in result.stderr


def test_a_malformed_field_key_is_refused():
    result = run_check(EAP_FIELD_KEYS="k1=not-32-bytes")
    assert result.returncode != 0
    assert "EAP_FIELD_KEYS" in result.stderr


def test_a_junk_boolean_is_refused_rather_than_guessed():
    result = run_check(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_embedded_default_uses_sqlite_and_in_process_tasks():
    result = subprocess.run(
        [sys.executable, "-c", "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='eap_portal.settings';"
         "django.setup();from django.conf import settings as s;"
         "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE, s.TIME_ZONE)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EAP_MODE"}},
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "zh-hant", "Asia/Taipei"]


@pytest.mark.skipif(not os.environ.get("EAP_REQUIRE_SERVICES"), reason="only CI requires the real services")
@pytest.mark.django_db
def test_ci_runs_on_real_postgresql_and_redis():
    assert connection.vendor == "postgresql"
    from django.core.cache import cache

    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    cache.set("eap-ci-probe", "ok", 5)
    assert cache.get("eap-ci-probe") == "ok"


def test_the_suite_runs_on_the_test_settings():
    # make test once ran on the main settings (real password hashing, ten times slower) unnoticed.
    assert settings.SETTINGS_MODULE == "eap_portal.test_settings"
