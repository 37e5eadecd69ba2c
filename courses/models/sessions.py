"""A course's sessions (期) and the people in them.

An enrolment is either a seat or a place on the waiting list; the seats of a session never exceed its
capacity (courses.enrolment takes the session's row lock before counting). Attendance and learning
hours are marked on the roll; closing a session invites its attendees to the satisfaction survey."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SessionState(models.TextChoices):
    OPEN = "open", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Held and closed")


class CourseSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from courses import access

        return access.sessions_visible_to(user, self)

    def editable_by(self, user):
        from courses import access

        return access.sessions_editable_by(user, self)


class CourseSession(models.Model):
    course = models.ForeignKey("courses.Course", verbose_name=pgettext_lazy("course", "course"),
                               on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session number (期)"), default=1)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online_link = models.URLField(_("link for an online session"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    registration_deadline = models.DateTimeField(_("registration closes at"))
    hours = models.DecimalField(_("learning hours"), max_digits=4, decimal_places=1, default=Decimal("3"))
    state = models.CharField(_("state"), max_length=20, choices=SessionState.choices, default=SessionState.OPEN)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    satisfaction_survey = models.OneToOneField("surveys.Survey", null=True, blank=True, on_delete=models.PROTECT,
                                               related_name="course_session", editable=False)

    objects = CourseSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(registration_deadline__lte=models.F("starts_at")),
                                   name="registration_closes_before_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_a_seat"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="session_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.course} ({self.number})"

    def registration_open(self, now=None):
        now = now or timezone.now()
        return self.state == SessionState.OPEN and now <= self.registration_deadline

    @property
    def is_online(self):
        return bool(self.online_link) and not self.venue


class EnrolmentState(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATES = (EnrolmentState.ENROLLED, EnrolmentState.WAITLISTED)


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from courses import access

        return access.enrolments_visible_to(user, self)

    def active(self):
        return self.filter(state__in=ACTIVE_STATES)

    def waiting_order(self):
        return self.filter(state=EnrolmentState.WAITLISTED).order_by("requested_at", "pk")


class Enrolment(models.Model):
    session = models.ForeignKey(CourseSession, verbose_name=pgettext_lazy("course", "session"),
                                on_delete=models.CASCADE, related_name="enrolments")
    employee = models.ForeignKey("agencies.Employee", verbose_name=_("employee"), on_delete=models.PROTECT,
                                 related_name="course_enrolments")
    state = models.CharField(_("state"), max_length=20, choices=EnrolmentState.choices)
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    seated_at = models.DateTimeField(_("seat given at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    learning_hours = models.DecimalField(_("learning hours"), max_digits=4, decimal_places=1, null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    marked_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "employee"], condition=Q(state__in=ACTIVE_STATES),
                                    name="one_active_enrolment_per_session"),
            models.CheckConstraint(condition=Q(learning_hours__isnull=True) | Q(learning_hours__gte=0),
                                   name="learning_hours_not_negative"),
            models.CheckConstraint(condition=Q(attended__isnull=True) | Q(state="enrolled"),
                                   name="attendance_only_for_seats"),
        ]

    def __str__(self):
        return f"{self.employee} – {self.session}"
