from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.roles import HR_ROLES
from core.crypto import blind_index
from core.fields import BlindIndexField


class Category(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    TEACHER = "teacher", _("Teacher")
    PRESCHOOL_EDUCATOR = "preschool_educator", _("Preschool educator")
    CONTRACT = "contract", _("Contract or appointed staff")
    TECHNICIAN = "technician", _("Worker: technician")
    DRIVER = "driver", _("Worker: driver")
    JANITOR = "janitor", _("Janitor")
    SECURITY_GUARD = "security_guard", _("Security guard")
    TEMPORARY = "temporary", _("Temporary staff")
    CLEANING_CREW = "cleaning_crew", _("Cleaning crew")
    SURVEY_ASSISTANT = "survey_assistant", _("Survey assistant")


class RankSeries(models.TextChoices):
    ELEMENTARY = "elementary", _("Elementary rank (委任)")
    JUNIOR = "junior", _("Junior rank (薦任)")
    SENIOR = "senior", _("Senior rank (簡任)")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class Segment(models.TextChoices):
    """Target segments (分眾) derivable from the roster. Sensitive conditions are never
    stored on a person (DOMAIN §2): they exist only as anonymous survey answers or in a case."""

    NEW_STAFF = "new_staff", _("New staff (hired or transferred within a year)")
    NEAR_RETIREMENT = "near_retirement", _("About to retire")
    MIDDLE_AGED = "middle_aged", _("Middle-aged (45 to 64)")
    SUPERVISOR = "supervisor", _("Supervisor")
    HR_STAFF = "hr_staff", _("HR staff")
    HIGH_STRESS = "high_stress", _("High-stress service")


# Civil servants may retire at 65 (公務人員退休資遣撫卹法); outreach starts five years before,
# or after 25 years of service, when voluntary retirement becomes possible.
RETIREMENT_AGE = 65
NEAR_RETIREMENT_AGE = 60
NEAR_RETIREMENT_SERVICE_YEARS = 25
# 中高齡 is 45 to 65 in the Middle-aged and Elderly Employment Promotion Act.
MIDDLE_AGED_FROM, MIDDLE_AGED_UNTIL = 45, 65


def years_between(start, end):
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


NATIONAL_ID_PURPOSE = "national_id"


def national_id_hash(value):
    return blind_index(value, NATIONAL_ID_PURPOSE)


class EmployeeQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(leave_date__isnull=True) | Q(leave_date__gt=on), hire_date__lte=on)

    def in_segment(self, segment, on=None):
        """The roster-derived segment as a filter, the same rule as Employee.segments()."""
        on = on or timezone.localdate()
        if segment == Segment.NEW_STAFF:
            year_ago = years_before(on, 1)
            return self.filter(Q(hire_date__gt=year_ago) | Q(agency_since__gt=year_ago))
        if segment == Segment.NEAR_RETIREMENT:
            return self.filter(
                Q(birth_date__lte=years_before(on, NEAR_RETIREMENT_AGE))
                | Q(hire_date__lte=years_before(on, NEAR_RETIREMENT_SERVICE_YEARS))
            )
        if segment == Segment.MIDDLE_AGED:
            return self.filter(
                birth_date__lte=years_before(on, MIDDLE_AGED_FROM),
                birth_date__gt=years_before(on, MIDDLE_AGED_UNTIL),
            )
        if segment == Segment.SUPERVISOR:
            return self.filter(is_supervisor=True)
        if segment == Segment.HR_STAFF:
            return self.filter(user__role_assignments__role__in=HR_ROLES).distinct()
        if segment == Segment.HIGH_STRESS:
            return self.filter(agency__is_high_stress=True)
        raise ValueError(f"unknown segment {segment!r}")

    def with_national_id(self, value):
        return self.filter(national_id_hash=national_id_hash(value))

    def visible_to(self, user):
        from agencies import access

        return access.employees_visible_to(user, self)

    def editable_by(self, user):
        from agencies import access

        return access.employees_editable_by(user, self)


class Employee(models.Model):
    """A person on an agency's roster. The account (Django's user) carries login and e-mail;
    everything HR knows about the person as staff lives here."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee")
    employee_number = models.CharField(_("employee number"), max_length=30, unique=True)
    full_name = models.CharField(_("full name"), max_length=60)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="employees")
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    job_title = models.CharField(_("job title"), max_length=60, blank=True)
    category = models.CharField(_("employee category"), max_length=30, choices=Category.choices)
    rank_series = models.CharField(_("rank"), max_length=20, choices=RankSeries.choices, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    is_supervisor = models.BooleanField(_("unit supervisor"), default=False)
    direct_supervisor = models.ForeignKey(
        "self", verbose_name=_("direct supervisor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="direct_reports",
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    birth_date = models.DateField(_("birth date"))
    hire_date = models.DateField(_("hire date"))
    agency_since = models.DateField(
        _("in this agency since"), null=True, blank=True,
        help_text=_("Date of the latest transfer into this agency, if any."),
    )
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    # The national ID number is never stored: only its keyed hash, to match a person exactly
    # (roster imports, the people search). core.crypto.blind_index computes it.
    national_id_hash = BlindIndexField(_("national ID number (hashed)"), null=True, blank=True, unique=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["agency__path", "employee_number"]
        constraints = [
            models.CheckConstraint(condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=14),
                                   name="grade_between_1_and_14"),
            models.CheckConstraint(condition=Q(leave_date__isnull=True) | Q(leave_date__gte=models.F("hire_date")),
                                   name="leaves_after_hire"),
            models.CheckConstraint(condition=~Q(direct_supervisor=models.F("pk")), name="not_own_supervisor"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})"

    def set_national_id(self, value):
        self.national_id_hash = national_id_hash(value) if value and value.strip() else None

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.hire_date <= on and (self.leave_date is None or self.leave_date > on)

    def age(self, on=None):
        return years_between(self.birth_date, on or timezone.localdate())

    def segments(self, on=None):
        on = on or timezone.localdate()
        year_ago = years_before(on, 1)
        found = []
        if self.hire_date > year_ago or (self.agency_since and self.agency_since > year_ago):
            found.append(Segment.NEW_STAFF)
        if self.age(on) >= NEAR_RETIREMENT_AGE or years_between(self.hire_date, on) >= NEAR_RETIREMENT_SERVICE_YEARS:
            found.append(Segment.NEAR_RETIREMENT)
        if MIDDLE_AGED_FROM <= self.age(on) < MIDDLE_AGED_UNTIL:
            found.append(Segment.MIDDLE_AGED)
        if self.is_supervisor:
            found.append(Segment.SUPERVISOR)
        if self.user.role_assignments.filter(role__in=HR_ROLES).exists():
            found.append(Segment.HR_STAFF)
        if self.agency.is_high_stress:
            found.append(Segment.HIGH_STRESS)
        return found

    def supervisory_chain(self, limit=20):
        """Direct supervisor, their supervisor, and so on; cycles in bad roster data stop the walk."""
        chain, seen, person = [], {self.pk}, self.direct_supervisor
        while person is not None and person.pk not in seen and len(chain) < limit:
            chain.append(person)
            seen.add(person.pk)
            person = person.direct_supervisor
        return chain
