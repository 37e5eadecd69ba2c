"""Tasks run on a real worker over Redis when REDIS_URL is set (the embedded default runs them
in-process: test_settings_modes checks that setting)."""
import os

import pytest

from eap_portal.celery import app


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (make test provides it when it answers)")
def test_a_real_worker_answers_over_redis():
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # send_task always goes through the broker, whatever task_always_eager says.
        assert app.send_task("eap_portal.ping").get(timeout=20) == "pong"
