"""Notifications: the in-portal inbox always, e-mail where the person has an address.

A notification carries no content. Its `kind` picks a neutral line for the inbox; the e-mail says
only "please sign in" with a link. The key makes it idempotent: the same event notifies once.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    NONE = "none", _("No e-mail address")
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def failed_visible_to(self, user):
        from core import access

        return access.failed_notifications_visible_to(user, self)


class Notification(models.Model):
    key = models.CharField(max_length=120, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.PROTECT,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    # A portal path to open after signing in; never carries content (ids only).
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(_("e-mail"), max_length=10, choices=EmailState.choices, default=EmailState.NONE)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    email_last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    email_failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    # The class of the last error only ("SMTPRecipientsRefused"), never its text: mail servers
    # echo addresses and headers back in their messages.
    email_error = models.CharField(_("error"), max_length=80, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["email_state"])]

    def __str__(self):
        return str(self.headline)

    @property
    def headline(self):
        from core.notifications import headline_for

        return headline_for(self.kind)
