"""`make test` under CI=true refuses to fall back to SQLite when a service is missing."""
from eap_portal import testrun


def test_ci_fails_loudly_when_postgresql_or_redis_is_missing(monkeypatch, capsys):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(testrun, "answers", lambda host, port, timeout=1.0: port != 6379)
    monkeypatch.setattr(testrun.subprocess, "call", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran")))
    assert testrun.main(["-q"]) == 2
    assert "Redis did not answer" in capsys.readouterr().err


def test_outside_ci_a_missing_database_means_sqlite(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(testrun, "answers", lambda host, port, timeout=1.0: False)
    seen = {}

    def fake_call(command, env):
        seen.update(env)
        return 0

    monkeypatch.setattr(testrun.subprocess, "call", fake_call)
    assert testrun.main(["-q"]) == 0
    assert "DATABASE_URL" not in seen and "REDIS_URL" not in seen and "DJANGO_SETTINGS_MODULE" not in seen
