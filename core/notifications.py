"""One way to notify a person (DOMAIN §8, 114 玖.三).

    notify(user, kind="duty_assigned", key=f"duty:{duty.pk}:assigned:{user.pk}", link=duty_url)

The inbox entry is written at once, in the caller's transaction. If the person has an e-mail
address, a Celery task sends it after that transaction commits (so a rolled-back action e-mails
nobody). The e-mail is discreet by construction: one neutral subject and body for every kind,
"please sign in" and a link to the inbox entry — no program, service or case word, no content.
The key makes it idempotent: a second notify() with the same key, or a second run of the task,
sends nothing more.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import EmailState, Notification

log = logging.getLogger(__name__)

# What the inbox says for each kind: neutral lines, no content. Features add theirs here.
HEADLINES = {
    "message": _("You have a new message"),
    "duty_assigned": _("A duty has been assigned to you"),
    "duty_reminder": _("One of your duties is due soon"),
    "duty_escalated": _("A duty you oversee is overdue"),
    "duty_returned": _("Duties you held as acting deputy have returned"),
}
# Kinds whose failed e-mails are not listed for HR: that someone had such a message would tell HR
# who uses a confidential service (DOMAIN §8). Their messages still wait in the person's inbox.
PRIVATE_KINDS = set()
MAX_EMAIL_ATTEMPTS = 5
# A pending e-mail this old has lost its task (a worker restart): the sweep sends it again.
STALE_PENDING = timedelta(minutes=15)


def register_kind(kind, headline, *, private=False):
    """A feature's notification kind and its neutral inbox line."""
    HEADLINES.setdefault(kind, headline)
    if private:
        PRIVATE_KINDS.add(kind)


def headline_for(kind):
    return HEADLINES.get(kind, HEADLINES["message"])


def notify(recipient, *, kind, key, link=""):
    if kind not in HEADLINES:
        raise ValueError(f"Unknown notification kind {kind!r}: add its headline to core.notifications.HEADLINES.")
    if "?" in link or "#" in link:
        raise ValueError("A notification link is a plain portal path: no query or fragment.")
    notification, created = Notification.objects.get_or_create(key=key, defaults={
        "recipient": recipient, "kind": kind, "link": link,
        "email_state": EmailState.PENDING if recipient.email else EmailState.NONE,
    })
    if created and notification.email_state == EmailState.PENDING:
        queue_email(notification)
    return notification


def queue_email(notification):
    from core.tasks import deliver_email

    pk = notification.pk
    transaction.on_commit(lambda: deliver_email.delay(pk))


def email_message(notification):
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.EAP_SITE_URL.rstrip("/") + reverse("inbox_open", args=[notification.pk])
        subject = gettext("You have a new message")
        body = gettext("Please sign in to read it:\n%(link)s\n\nThis is an automatic message; "
                        "please do not reply.") % {"link": link}
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])


def send_email(notification_id):
    """Send one pending e-mail. Returns True if this call sent it. The row stays locked while
    sending, so two runs of the task cannot both send."""
    with transaction.atomic():
        notification = (Notification.objects.select_for_update().select_related("recipient")
                        .filter(pk=notification_id).first())
        if notification is None or notification.email_state != EmailState.PENDING:
            return False
        if not notification.recipient.email:
            notification.email_state = EmailState.NONE
            notification.save(update_fields=["email_state"])
            return False
        email_message(notification).send(fail_silently=False)
        notification.email_state = EmailState.SENT
        notification.email_sent_at = notification.email_last_attempt_at = timezone.now()
        notification.email_attempts += 1
        notification.save(update_fields=["email_state", "email_sent_at", "email_last_attempt_at", "email_attempts"])
        return True


def record_failed_attempt(notification_id, error):
    """Count a failed attempt; after the last one the e-mail is failed and HR sees it. Returns
    True when it may be tried again."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.email_state != EmailState.PENDING:
            return False
        notification.email_attempts += 1
        notification.email_last_attempt_at = timezone.now()
        notification.email_error = type(error).__name__[:80]
        if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
            notification.email_state = EmailState.FAILED
            notification.email_failed_at = timezone.now()
        notification.save(update_fields=["email_attempts", "email_last_attempt_at", "email_error", "email_state",
                                         "email_failed_at"])
        log.warning("notification e-mail %s failed (%s), attempt %s", notification.pk, notification.email_error,
                    notification.email_attempts)
        return notification.email_state == EmailState.PENDING


def retry_failed_email(notification):
    """HR asks for a failed e-mail to be sent again (after fixing the address)."""
    with transaction.atomic():
        locked = Notification.objects.select_for_update().select_related("recipient").get(pk=notification.pk)
        if locked.email_state != EmailState.FAILED:
            return False
        locked.email_state = EmailState.PENDING if locked.recipient.email else EmailState.NONE
        locked.email_attempts = 0
        locked.email_error = ""
        locked.email_failed_at = None
        locked.save(update_fields=["email_state", "email_attempts", "email_error", "email_failed_at"])
        if locked.email_state == EmailState.PENDING:
            queue_email(locked)
        return True


def resend_stale_emails(now=None):
    """Queue again every pending e-mail whose task was lost (a worker restart) or, in the embedded
    default, whose last attempt failed: each waits twice as long as the one before. Sending is
    guarded by the row's state, so a task that was only slow sends nothing twice."""
    now = now or timezone.now()
    pending = Notification.objects.filter(email_state=EmailState.PENDING, created_at__lt=now - STALE_PENDING)
    stale = [pk for pk, attempts, last in pending.values_list("pk", "email_attempts", "email_last_attempt_at")[:1000]
             if last is None or last < now - STALE_PENDING * 2 ** max(attempts - 1, 0)]
    from core.tasks import deliver_email

    for pk in stale:
        transaction.on_commit(lambda pk=pk: deliver_email.delay(pk))
    return len(stale)


def mark_read(notification, now=None):
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
