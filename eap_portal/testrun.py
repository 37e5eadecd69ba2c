"""`make test`: run pytest against real PostgreSQL and Redis when they answer, SQLite otherwise.

Under CI=true both services are required: a missing one fails the run loudly instead of
letting the suite pass quietly on SQLite.
"""
import os
import socket
import subprocess
import sys

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/eap_portal"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def answers(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def main(argv):
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    env = dict(os.environ)
    # Importing this package (for Celery) set DJANGO_SETTINGS_MODULE to the main settings; pytest
    # would prefer it to pytest.ini's test settings, so the tests would hash passwords for real.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    postgres = answers("127.0.0.1", 5432)
    redis = answers("127.0.0.1", 6379)
    if ci and not (postgres and redis):
        missing = [name for name, up in (("PostgreSQL", postgres), ("Redis", redis)) if not up]
        print(f"CI=true but {' and '.join(missing)} did not answer on 127.0.0.1", file=sys.stderr)
        return 2
    if postgres:
        env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if redis:
        env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    if ci:
        env["EAP_REQUIRE_SERVICES"] = "1"
    print(f"make test: database={'PostgreSQL' if 'DATABASE_URL' in env else 'SQLite'}, "
          f"redis={'yes' if 'REDIS_URL' in env else 'no'}", flush=True)
    code = subprocess.call([sys.executable, "-m", "pytest", *argv], env=env)
    if code != 0 or "DATABASE_URL" not in env:
        return code
    # Query-count promises (the agency subtree in one query) hold on both databases: the tests
    # marked both_databases run once more on the embedded SQLite default.
    print("make test: both_databases tests again on SQLite", flush=True)
    sqlite_env = {k: v for k, v in env.items() if k not in {"DATABASE_URL", "EAP_REQUIRE_SERVICES"}}
    return subprocess.call([sys.executable, "-m", "pytest", "-m", "both_databases", "-q"], env=sqlite_env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
