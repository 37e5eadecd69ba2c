"""Celery wiring. With REDIS_URL the portal runs a real worker and beat; without it,
tasks run in-process (CELERY_TASK_ALWAYS_EAGER in settings) so the embedded default needs no broker."""
import os
from datetime import timedelta

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eap_portal.settings")

app = Celery("eap_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule lives here, one commented entry per job; each job catches up on everything
# due, so a missed beat loses nothing. With REDIS_URL, `celery beat` sends them to the worker;
# in the embedded default, `manage.py runserver` (and so `make run`) runs the same entries
# in-process (core.scheduler), so reminders and escalations never need a production-only process.
app.conf.beat_schedule = {
    # Duties: reminders before they are due, escalations after (core.duties).
    "send-duty-reminders": {"task": "core.send_duty_reminders", "schedule": timedelta(minutes=5)},
    "escalate-overdue-duties": {"task": "core.escalate_overdue_duties", "schedule": timedelta(minutes=5)},
    # Cases: the 24-hour suicide report's reminder at +12 h and escalation at +24 h (once each, by key).
    "chase-suicide-reports": {"task": "cases.chase_suicide_reports", "schedule": timedelta(minutes=5)},
    # Absent members' duties go to their deputies, and come back when they return.
    "apply-absences": {"task": "core.apply_absences", "schedule": timedelta(minutes=30)},
    # Counseling: the day-before reminder of every scheduled session (once each, by its key).
    "remind-sessions-tomorrow": {"task": "counseling.remind_sessions_tomorrow", "schedule": timedelta(hours=1)},
    # Courses: the reminder two days before each session to those holding a seat (once each, by its key).
    "remind-course-sessions": {"task": "courses.remind_sessions", "schedule": timedelta(hours=1)},
    # Surveys: one reminder to whoever has not answered an identified survey in its last days.
    "remind-unanswered-surveys": {"task": "surveys.remind_unanswered", "schedule": timedelta(hours=6)},
    # Anonymous answers held back for mixing are written out once their survey has closed.
    "flush-closed-surveys": {"task": "surveys.flush_closed_surveys", "schedule": timedelta(hours=6)},
    # Roster imports previewed but never confirmed are dropped with their staged rows after two days.
    "discard-stale-roster-imports": {"task": "agencies.discard_stale_roster_imports",
                                     "schedule": timedelta(hours=6)},
    # Access requests: a grant past its expiry closes (the grant page already refuses it by then).
    "expire-access-grants": {"task": "core.expire_access_grants", "schedule": timedelta(minutes=15)},
    # Retention (DOMAIN §8): records ten years past their clock are destroyed, legal holds skipped.
    "purge-expired-records": {"task": "core.purge_expired", "schedule": timedelta(days=1)},
    # E-mails whose task was lost (a worker restart) are queued again; sending is idempotent.
    "resend-stale-emails": {"task": "core.resend_stale_emails", "schedule": timedelta(minutes=10)},
}


@app.task(name="eap_portal.ping", ignore_result=False)
def ping():
    """Liveness probe for the worker: `celery -A eap_portal call eap_portal.ping` answers "pong"."""
    return "pong"
