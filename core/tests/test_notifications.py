"""Notifications: inbox always, e-mail where there is an address, discreet, after commit, once per
key, retried with back-off, and visible to HR when it finally fails."""
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core import notifications
from core.models import EmailState, Notification
from core.tasks import deliver_email

# Words that would tell a reader of the e-mail what it is about (DOMAIN §8, 114 玖.三).
GIVEAWAYS = ["EAP", "員工協助", "諮商", "諮詢", "關懷", "個案", "篩檢", "心理", "counsel", "assistance", "duty", "待辦"]


def test_a_notification_reaches_the_inbox_and_one_discreet_email_after_commit(cast, django_capture_on_commit_callbacks):
    user = cast.a_employee.user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notifications.notify(user, kind="duty_assigned", key="k1", link="/duties/1/")
        assert not mail.outbox  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    assert Notification.objects.get(pk=notification.pk).email_state == EmailState.SENT
    [email] = mail.outbox
    assert email.to == [user.email]
    text = email.subject + email.body + email.from_email
    for word in GIVEAWAYS:
        assert word.lower() not in text.lower(), word
    assert reverse("inbox_open", args=[notification.pk]) in email.body
    assert "/duties/1/" not in email.body


def test_the_same_key_notifies_once_however_often_it_is_asked(cast, django_capture_on_commit_callbacks):
    user = cast.a_employee.user
    with django_capture_on_commit_callbacks(execute=True):
        first = notifications.notify(user, kind="message", key="same")
        again = notifications.notify(user, kind="message", key="same")
    assert first.pk == again.pk and Notification.objects.count() == 1
    deliver_email.apply(args=[first.pk])  # the task runs a second time
    assert len(mail.outbox) == 1


def test_no_address_means_inbox_only(cast, django_capture_on_commit_callbacks):
    user = cast.a_employee.user
    user.email = ""
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notifications.notify(user, kind="message", key="k")
    assert notification.email_state == EmailState.NONE and not mail.outbox


def test_a_rolled_back_action_emails_nobody(cast):
    from django.db import transaction

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            notifications.notify(cast.a_employee.user, kind="message", key="rolled-back")
            raise RuntimeError
    assert not Notification.objects.exists() and not mail.outbox


def test_unknown_kinds_and_links_with_queries_are_refused(cast):
    with pytest.raises(ValueError):
        notifications.notify(cast.a_employee.user, kind="counseling_booked", key="x")
    with pytest.raises(ValueError):
        notifications.notify(cast.a_employee.user, kind="message", key="x", link="/duties/?person=3")


class BrokenBackend:
    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        BrokenBackend.calls += 1
        raise smtplib.SMTPServerDisconnected("mail relay down for a.user@example.gov.tw")


def test_a_failing_email_is_retried_then_marked_failed_and_hr_sees_it(cast, settings, time_machine,
                                                                      django_capture_on_commit_callbacks):
    """In the embedded default the periodic sweep retries, each time waiting longer."""
    import datetime

    from django.utils import timezone

    settings.EMAIL_BACKEND = "core.tests.test_notifications.BrokenBackend"
    BrokenBackend.calls = 0
    start = timezone.now()
    time_machine.move_to(start)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notifications.notify(cast.a_employee.user, kind="message", key="broken")
    minutes, resent = 0, []
    while Notification.objects.get(pk=notification.pk).email_state == EmailState.PENDING and minutes < 24 * 60:
        minutes += 10
        time_machine.move_to(start + datetime.timedelta(minutes=minutes))
        with django_capture_on_commit_callbacks(execute=True):
            if notifications.resend_stale_emails():
                resent.append(minutes)
    notification.refresh_from_db()
    assert BrokenBackend.calls == notifications.MAX_EMAIL_ATTEMPTS
    gaps = [later - earlier for earlier, later in zip(resent, resent[1:])]
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0]  # backing off
    assert notification.email_state == EmailState.FAILED
    assert notification.email_error == "SMTPServerDisconnected"  # the class, never the server's text
    officer = Client()
    officer.force_login(cast.a_eap_officer.user)
    page = officer.get(reverse("failed_emails")).content.decode()
    assert cast.a_employee.full_name in page and "mail relay" not in page
    assert reverse("failed_emails") in officer.get(reverse("hr_home")).content.decode()
    other = Client()
    other.force_login(cast.b_eap_officer.user)
    assert cast.a_employee.full_name not in other.get(reverse("failed_emails")).content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(reverse("retry_email", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT and len(mail.outbox) == 1


def test_the_retry_backs_off(cast, monkeypatch):
    """Each retry waits twice as long as the one before."""
    waits = []
    monkeypatch.setattr(notifications, "send_email", lambda pk: (_ for _ in ()).throw(OSError("down")))

    def fake_retry(self, countdown=None, exc=None, **kwargs):
        waits.append(countdown)
        raise exc

    monkeypatch.setattr(deliver_email, "retry", fake_retry.__get__(deliver_email))
    notification = Notification.objects.create(key="b", recipient=cast.a_employee.user, kind="message",
                                               email_state=EmailState.PENDING)
    for retries in range(3):
        deliver_email.push_request(retries=retries)
        try:
            with pytest.raises(OSError):
                deliver_email.run(notification.pk)
        finally:
            deliver_email.pop_request()
    assert waits == [60, 120, 240]


def test_the_inbox_marks_read_and_follows_the_link(cast):
    notification = Notification.objects.create(key="i", recipient=cast.a_employee.user, kind="message", link="/me/")
    client = Client()
    client.force_login(cast.a_employee.user)
    assert "1" in client.get(reverse("inbox")).content.decode()
    response = client.get(reverse("inbox_open", args=[notification.pk]))
    assert response["Location"] == "/me/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_stale_pending_emails_are_sent_by_the_sweep(cast, time_machine, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    time_machine.move_to(timezone.now() - datetime.timedelta(hours=1))
    notification = Notification.objects.create(key="lost", recipient=cast.a_employee.user, kind="message",
                                               email_state=EmailState.PENDING)  # its task was lost
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.resend_stale_emails() == 1
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT and len(mail.outbox) == 1


def test_hr_never_sees_that_a_private_kind_of_message_failed(cast):
    """A failed appointment confirmation would tell HR who uses counseling: it stays in the inbox only."""
    Notification.objects.create(key="private", recipient=cast.a_employee.user, kind="session_scheduled",
                                email_state=EmailState.FAILED)
    Notification.objects.create(key="plain", recipient=cast.a_employee.user, kind="message",
                                email_state=EmailState.FAILED)
    for person in (cast.a_eap_officer, cast.city_hr):
        visible = Notification.objects.failed_visible_to(person.user)
        assert list(visible.values_list("key", flat=True)) == ["plain"]
