"""Bookings (預約) and their sessions. A booking is one employee's counseling or consulting with one
provider (or an agency's group counseling); its sessions are what the ledger charges. Both are
sensitive records: descriptions and notes are encrypted, every write leaves a history row."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField, EncryptedTextField
from core.models import SensitiveRecord
from core.models.sensitive import SensitiveQuerySet
from plans.models import Mode, Service


class Channel(models.TextChoices):
    PORTAL = "portal", _("The portal")
    PHONE = "phone", _("Phone")
    LINE = "line", _("LINE")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    CASE = "case", _("Arranged in a care case")


class BookingState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    INTAKE_DONE = "intake_done", _("Intake call done")
    ACTIVE = "active", _("Sessions scheduled")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GroupTopic(models.TextChoices):
    ORGANISATIONAL_CHANGE = "organisational_change", _("Organisational change")
    TRAUMATIC_EVENT = "traumatic_event", _("Traumatic event")
    PERFORMANCE = "performance", _("Performance improvement")
    CLIMATE = "climate", _("Organisational climate analysis")
    MORALE = "morale", _("Morale")
    FOCUS_GROUP = "focus_group", _("Focus group")


class CounselorGender(models.TextChoices):
    ANY = "", _("No preference")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class BookingQuerySet(SensitiveQuerySet):
    def visible_to(self, user):
        from counseling import access

        return access.bookings_visible_to(user, self)


class Booking(SensitiveRecord):
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    contract = models.ForeignKey("plans.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="bookings")
    provider = models.ForeignKey("plans.Provider", verbose_name=_("provider"), on_delete=models.PROTECT,
                                 related_name="bookings")
    # None: a free contract or an unlimited line, outside the ledger.
    pool = models.ForeignKey("plans.QuotaPool", verbose_name=_("quota pool"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="bookings")
    employee = models.ForeignKey("agencies.Employee", verbose_name=_("employee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="bookings")
    # The employee's agency when the booking was made, or the agency asking for group counseling.
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="bookings")
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    applicant = EncryptedJSONField(_("applicant's details"), default=dict, blank=True)
    description = EncryptedTextField(_("main problem"), blank=True, default="")
    intake_times = EncryptedTextField(_("convenient times for a phone intake"), blank=True, default="")
    preferred_gender = models.CharField(_("counselor gender"), max_length=10, choices=CounselorGender.choices,
                                        blank=True)
    preferred_specialty = models.CharField(_("specialty wanted"), max_length=80, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    wants_family = models.BooleanField(_("asks for a family session"), default=False)
    topics = models.JSONField(_("group topics"), default=list, blank=True)
    rights_acknowledged_at = models.DateTimeField(_("rights and duties acknowledged"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=BookingState.choices, default=BookingState.REQUESTED,
                             db_index=True)
    intake_at = models.DateTimeField(_("intake call"), null=True, blank=True)
    intake_outcome = EncryptedTextField(_("intake outcome"), blank=True, default="")
    counselor = models.ForeignKey("plans.Counselor", verbose_name=_("counselor"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="bookings")
    consent_at = models.DateTimeField(_("informed consent recorded"), null=True, blank=True)
    problem_categories = models.ManyToManyField("plans.ProblemCategory", verbose_name=_("problem categories"),
                                                blank=True, related_name="bookings")
    change_requested_at = models.DateTimeField(_("another counselor asked for"), null=True, blank=True)
    end_requested_at = models.DateTimeField(_("end of counseling asked for"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    analysis_report = models.FileField(_("analysis report"), upload_to="counseling/reports/%Y/", blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    # Null once purged: an employee's own booking names them as its creator.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # Set by the retention purge: the row is then a person-free skeleton kept for statistics, and
    # `person_token` (counseling.retention) stands in for the employee when statistics count people.
    purged_on = models.DateField(_("content destroyed on"), null=True, blank=True)
    person_token = models.CharField(max_length=64, blank=True, editable=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(service="group", employee__isnull=True)
                                   | (~Q(service="group") & Q(employee__isnull=False))
                                   | Q(purged_on__isnull=False),
                                   name="a_group_booking_is_an_agencys_others_an_employees"),
        ]

    def __str__(self):
        return f"{self.get_service_display()} · {self.provider}"

    @property
    def is_group(self):
        return self.service == Service.GROUP

    @property
    def is_open(self):
        return self.state not in (BookingState.CLOSED, BookingState.WITHDRAWN)


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    LATE_CANCELLED = "late_cancelled", _("Cancelled late")
    NO_SHOW = "no_show", _("No-show")


class SessionQuerySet(SensitiveQuerySet):
    def visible_to(self, user):
        from counseling.models import Booking

        return self.filter(booking__in=Booking.objects.visible_to(user).values("pk"))


class Session(SensitiveRecord):
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    hours = models.DecimalField(_("length (hours)"), max_digits=4, decimal_places=1, default=1)
    counselor = models.ForeignKey("plans.Counselor", verbose_name=_("counselor"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="sessions")
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    is_family = models.BooleanField(_("family session"), default=False)
    relatives = models.PositiveSmallIntegerField(_("relatives joining"), default=0)
    is_closing = models.BooleanField(_("closing session"), default=False)
    # What the session costs the account: its length, or the plan's family charge. Fixed when it is
    # scheduled, so a later amendment does not change what was promised.
    charge = models.DecimalField(_("charge (hours)"), max_digits=4, decimal_places=1, default=0)
    account = models.ForeignKey("counseling.QuotaAccount", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="sessions")
    state = models.CharField(_("state"), max_length=15, choices=SessionState.choices, default=SessionState.SCHEDULED,
                             db_index=True)
    note = EncryptedTextField(_("session note"), blank=True, default="")
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(relatives__lte=2), name="at_most_two_relatives"),
            models.CheckConstraint(condition=Q(charge__gte=0) & Q(hours__gt=0), name="session_charge_and_length"),
        ]

    def __str__(self):
        from eap_portal.rocdates import format_roc_datetime

        return format_roc_datetime(self.starts_at)
