"""What is done in non-voluntary, crisis and high-concern cases (附件四, 附件五, the three stages):
each step a dated entry by a named person; the people a crisis affects; the crisis level as it is
assessed and re-assessed; and the 24-hour suicide report."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveRecord


class ActionKind(models.TextChoices):
    # Non-voluntary (附件四)
    SUPERVISOR_TALK = "supervisor_talk", _("The supervisor noticed and talked with the employee")
    HOSPITAL_ESCORT = "hospital_escort", _("Escorted to hospital with the health authority and police")
    FAMILY_CONTACTED = "family_contacted", _("Family contacted")
    SUPERIOR_NOTIFIED = "superior_notified", _("Superior agency notified")
    COLLEAGUE_VISIT = "colleague_visit", _("Colleagues visited")
    COUNSELING_ARRANGED = "counseling_arranged", _("Professional counseling arranged")
    ENCOURAGEMENT = "encouragement", _("Encouraged to accept the EAP")
    INTENSIFIED_CARE = "intensified_care", _("The supervisor intensified care")
    TEAM_ACCOMPANIMENT = "team_accompaniment", _("The care team listened and accompanied")
    FAMILY_INFORMED = "family_informed", _("Family informed")
    WORK_ADJUSTMENT = "work_adjustment", _("Work adaptation or job adjustment")
    RETURN_ASSESSMENT = "return_assessment", _("Return to duty or job adjustment assessed")
    CARE_EXTENDED = "care_extended", _("Continuing care extended")
    # Crisis (附件五)
    AGENCY_HEAD_INFORMED = "agency_head_informed", _("Agency head informed")
    POLICE_FIRE = "police_fire", _("Police or fire brigade notified")
    HOSPITAL = "hospital", _("Hospital contacted")
    FAMILY_SUPPORTED = "family_supported", _("Family contacted and supported")
    RELATED_PARTIES = "related_parties", _("Related parties notified (responsible unit, contractors, other agencies)")
    RIGHTS_EXPLAINED = "rights_explained", _("Rights and duties explained to the person")
    PROFESSIONAL_INTERVIEW = "professional_interview", _("Professional interview")
    MANAGEMENT_INTERVENTION = "management_intervention", _("Management intervention and adjustment resources")
    PERIODIC_CARE = "periodic_care", _("Periodic care (body, mind, job fit)")
    # High concern (three stages)
    STAGE_DONE = "stage_done", _("What was done")
    STAGE_DECIDED = "stage_decided", _("What was decided")
    UNITS_NOTIFIED = "units_notified", _("Units notified")


# What each kind of case records, in the order of its flowchart.
ACTIONS_BY_KIND = {
    "non_voluntary": [ActionKind.SUPERVISOR_TALK, ActionKind.HOSPITAL_ESCORT, ActionKind.FAMILY_CONTACTED,
                      ActionKind.SUPERIOR_NOTIFIED, ActionKind.COLLEAGUE_VISIT, ActionKind.COUNSELING_ARRANGED,
                      ActionKind.ENCOURAGEMENT, ActionKind.INTENSIFIED_CARE, ActionKind.TEAM_ACCOMPANIMENT,
                      ActionKind.FAMILY_INFORMED, ActionKind.WORK_ADJUSTMENT, ActionKind.RETURN_ASSESSMENT],
    "crisis": [ActionKind.AGENCY_HEAD_INFORMED, ActionKind.POLICE_FIRE, ActionKind.HOSPITAL,
               ActionKind.FAMILY_SUPPORTED, ActionKind.SUPERIOR_NOTIFIED, ActionKind.RELATED_PARTIES,
               ActionKind.RIGHTS_EXPLAINED, ActionKind.PROFESSIONAL_INTERVIEW, ActionKind.COUNSELING_ARRANGED,
               ActionKind.MANAGEMENT_INTERVENTION, ActionKind.WORK_ADJUSTMENT, ActionKind.PERIODIC_CARE],
    "high_concern": [ActionKind.STAGE_DONE, ActionKind.STAGE_DECIDED, ActionKind.UNITS_NOTIFIED,
                     ActionKind.FAMILY_CONTACTED, ActionKind.COUNSELING_ARRANGED, ActionKind.WORK_ADJUSTMENT],
    "general": [ActionKind.WORK_ADJUSTMENT, ActionKind.FAMILY_CONTACTED],
}
# What the unit supervisor records in a non-voluntary or crisis case of their unit (DOMAIN §1).
SUPERVISOR_ACTIONS = [ActionKind.SUPERVISOR_TALK, ActionKind.INTENSIFIED_CARE, ActionKind.FAMILY_INFORMED,
                      ActionKind.WORK_ADJUSTMENT, ActionKind.COLLEAGUE_VISIT, ActionKind.AGENCY_HEAD_INFORMED]


class CaseAction(SensitiveRecord):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("what was done"), max_length=30, choices=ActionKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # The state the case was in: for high-concern cases, the stage the entry belongs to.
    stage = models.CharField(_("stage"), max_length=30, blank=True)
    affected = models.ForeignKey("cases.AffectedPerson", verbose_name=_("about"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="actions")
    note = EncryptedTextField(_("note"), blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                           related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")
        ordering = ["case", "at", "pk"]

    def __str__(self):
        return self.get_kind_display()


class Relation(models.TextChoices):
    SELF = "self", _("The employee concerned")
    COLLEAGUE = "colleague", _("Colleague")
    FAMILY = "family", _("Family")
    OTHER = "other", _("Other")


class AffectedPerson(SensitiveRecord):
    """Someone a crisis affects: an employee (from the roster) or not (family, a contractor's
    worker); possibly deceased."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="affected")
    employee = models.ForeignKey("agencies.Employee", verbose_name=_("employee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField(_("name (if not on the roster)"), blank=True, default="")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    deceased = models.BooleanField(_("deceased"), default=False)
    note = EncryptedTextField(_("note"), blank=True, default="")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("affected person")
        verbose_name_plural = _("affected people")
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "employee"], condition=models.Q(employee__isnull=False),
                                    name="an_employee_is_affected_once_per_case"),
        ]

    def __str__(self):
        return self.employee.full_name if self.employee_id else self.name

    @property
    def display_name(self):
        return str(self)


class CrisisLevel(models.IntegerChoices):
    """Assessed and re-assessed; a crisis closes only once it has fallen to the lowest."""

    HIGH = 3, _("Level 1: life or safety at risk")
    MEDIUM = 2, _("Level 2: serious distress")
    LOW = 1, _("Level 3: stable, periodic care")


LOWEST_CRISIS_LEVEL = CrisisLevel.LOW


class CrisisLevelEntry(SensitiveRecord):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="crisis_levels")
    level = models.PositiveSmallIntegerField(_("crisis level"), choices=CrisisLevel.choices)
    assessed_at = models.DateTimeField(_("assessed"), default=timezone.now)
    reason = EncryptedTextField(_("why"), blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("crisis level assessment")
        verbose_name_plural = _("crisis level assessments")
        ordering = ["case", "assessed_at", "pk"]

    def __str__(self):
        return self.get_level_display()


class SuicideReport(SensitiveRecord):
    """「如知悉自殺行為情事」: the time a suicidal act became known, and the report to the national
    reporting system due within 24 hours of it. The portal records the report; it does not send it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="suicide_reports")
    known_at = models.DateTimeField(_("became known at"))
    note = EncryptedTextField(_("note"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    duty = models.ForeignKey("core.Duty", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reference_number = models.CharField(_("reference number"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("suicide report")
        verbose_name_plural = _("suicide reports")
        ordering = ["case", "known_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(reported_at__isnull=True) | ~models.Q(reference_number=""),
                                   name="a_filed_report_has_its_reference"),
        ]

    def __str__(self):
        from eap_portal.rocdates import format_roc_datetime

        return format_roc_datetime(self.known_at)

    @property
    def due_at(self):
        import datetime

        return self.known_at + datetime.timedelta(hours=24)

    @property
    def is_filed(self):
        return self.reported_at is not None
