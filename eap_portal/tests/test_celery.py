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


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (make test provides it when it answers)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_notification_email_once(cast):
    """The e-mail task goes through Redis to a worker, which sends it; a second run sends nothing."""
    import time

    from celery.contrib.testing.worker import start_worker
    from django.core import mail

    from core.models import EmailState, Notification

    notification = Notification.objects.create(key="worker", recipient=cast.a_employee.user, kind="message",
                                               email_state=EmailState.PENDING)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        for _ in range(2):
            app.send_task("core.deliver_email", args=[notification.pk])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(mail.outbox) < 1:
            time.sleep(0.1)
        time.sleep(0.5)  # let the second delivery run too
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert len(mail.outbox) == 1
