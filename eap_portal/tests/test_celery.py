"""Tasks run in-process in the embedded default and on a real worker over Redis otherwise."""
import os

import pytest
from django.conf import settings

from eap_portal.celery import app, ping


def test_the_embedded_default_runs_tasks_in_process():
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert ping.delay().get(timeout=1) == "pong"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (make test provides it when it answers)")
def test_a_real_worker_answers_over_redis():
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert ping.delay().get(timeout=20) == "pong"
    finally:
        app.conf.task_always_eager = True
