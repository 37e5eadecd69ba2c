"""Celery tasks: thin, idempotent wrappers around the services. Each periodic job catches up on
everything due, so a missed run loses nothing and an extra run changes nothing."""
from celery import shared_task

from core import duties, notifications
from core.actors import acting_as

# Back-off between e-mail attempts: 1, 2, 4, 8 minutes (then the e-mail is failed).
EMAIL_BACKOFF_SECONDS = 60


@shared_task(bind=True, name="core.deliver_email", max_retries=notifications.MAX_EMAIL_ATTEMPTS, acks_late=True)
def deliver_email(self, notification_id):
    try:
        notifications.send_email(notification_id)
    except Exception as error:  # any transport error: SMTP, socket, TLS
        may_retry = notifications.record_failed_attempt(notification_id, error)
        # In the embedded default (eager tasks) a retry would block the request that sent it:
        # the periodic resend_stale_emails tries again later, with its own back-off.
        if may_retry and not self.request.is_eager:
            raise self.retry(countdown=EMAIL_BACKOFF_SECONDS * 2 ** self.request.retries, exc=error) from None


@shared_task(name="core.resend_stale_emails")
def resend_stale_emails():
    return notifications.resend_stale_emails()


@shared_task(name="core.send_duty_reminders")
def send_duty_reminders():
    with acting_as("task:send_duty_reminders"):
        return duties.send_duty_reminders()


@shared_task(name="core.escalate_overdue_duties")
def escalate_overdue_duties():
    with acting_as("task:escalate_overdue_duties"):
        return duties.escalate_overdue_duties()


@shared_task(name="core.apply_absences")
def apply_absences():
    with acting_as("task:apply_absences"):
        return duties.apply_absences()


@shared_task(name="core.expire_access_grants")
def expire_access_grants():
    from core import access_requests

    with acting_as("task:expire_access_grants"):
        return access_requests.expire_grants()


@shared_task(name="core.purge_expired")
def purge_expired():
    from core import retention

    with acting_as("task:purge_expired"):
        return [(report.kind, report.due, report.destroyed, report.held) for report in retention.purge_expired()]
