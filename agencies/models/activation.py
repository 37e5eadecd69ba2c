"""One-time activation codes (issue 10): how a person without an e-mail address gets an account.
HR prints the code; the person enters it with their employee number and sets a password. Only the
code's keyed hash is stored, so a database copy cannot be used to activate anyone."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivationCodeQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class ActivationCode(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    # A newer code for the same person replaces this one.
    revoked_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["user"], condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                                name="open_activation_codes")]

    def __str__(self):
        return f"{self.user} · {self.issued_at:%Y-%m-%d}"

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
