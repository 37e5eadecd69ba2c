"""Celery wiring. With REDIS_URL the portal runs a real worker and beat; without it,
tasks run in-process (CELERY_TASK_ALWAYS_EAGER in settings) so the embedded default needs no broker."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eap_portal.settings")

app = Celery("eap_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule lives here, one commented entry per job. Later issues add the
# reminders, case follow-ups, escalations and the retention purge; each job must
# catch up on everything due so that a missed beat loses nothing.
app.conf.beat_schedule = {}


@app.task(name="eap_portal.ping", ignore_result=False)
def ping():
    """Liveness probe for the worker: `celery -A eap_portal call eap_portal.ping` answers "pong"."""
    return "pong"
