"""Duties: something one named person must do by a time. Features create them (core.duties);
nothing else keeps its own to-do list. A duty about a person is a sensitive record: its note is
encrypted and every write leaves a history row."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveQuerySet, SensitiveRecord


class DutyState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class EscalationTarget(models.TextChoices):
    CONVENER = "convener", _("The care team's convener")
    EAP_OFFICER = "eap_officer", _("The agency's EAP officer")


class DutyQuerySet(SensitiveQuerySet):
    def visible_to(self, user):
        from core import access

        return access.duties_visible_to(user, self)

    def open(self):
        return self.filter(state=DutyState.OPEN)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class Duty(SensitiveRecord):
    kind = models.CharField(_("kind"), max_length=40, help_text=_("The feature that created it."))
    # A neutral title: it appears in lists and reminders, so it never carries content.
    title = models.CharField(_("title"), max_length=120)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=40, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    person = models.ForeignKey("agencies.Employee", verbose_name=_("person concerned"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="+")
    team = models.ForeignKey("agencies.CareTeam", verbose_name=_("care team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="duties")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.PROTECT,
                                 related_name="duties")
    # Set while an acting deputy holds the duty for an absent member; it returns when they are back.
    deputy_for = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acting for"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    urgent = models.BooleanField(_("urgent"), default=False)
    due_at = models.DateTimeField(_("due"), db_index=True)
    remind_before = models.DurationField(_("remind this long before it is due"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalate_after = models.DurationField(_("escalate this long after it is due"), null=True, blank=True)
    escalate_to = models.CharField(_("escalate to"), max_length=20, choices=EscalationTarget.choices,
                                   default=EscalationTarget.CONVENER)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True, default="")
    state = models.CharField(_("state"), max_length=10, choices=DutyState.choices, default=DutyState.OPEN,
                             db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    outcome = EncryptedTextField(_("outcome"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["assignee", "state", "due_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(state="done", done_at__isnull=False) | ~Q(state="done"),
                                   name="a_done_duty_has_its_time"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.state == DutyState.OPEN

    def is_overdue(self, now=None):
        return self.is_open and self.due_at < (now or timezone.now())

    @property
    def remind_at(self):
        return self.due_at - self.remind_before if self.remind_before is not None else None

    @property
    def escalate_at(self):
        return self.due_at + self.escalate_after if self.escalate_after is not None else None


class Absence(models.Model):
    """A care-team member's absence, and the acting deputy (職務代理人) who takes their duties."""

    team = models.ForeignKey("agencies.CareTeam", verbose_name=_("care team"), on_delete=models.CASCADE,
                             related_name="absences")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("absent member"), on_delete=models.PROTECT,
                               related_name="absences")
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acting deputy"), on_delete=models.PROTECT,
                               related_name="deputising")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_it_starts"),
            models.CheckConstraint(condition=~Q(member=models.F("deputy")), name="absence_deputy_is_someone_else"),
        ]

    def __str__(self):
        from eap_portal.rocdates import format_roc_date

        return f"{format_roc_date(self.starts_on)}–{format_roc_date(self.ends_on)}"

    def covers(self, day):
        return self.starts_on <= day <= self.ends_on
