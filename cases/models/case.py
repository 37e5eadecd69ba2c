"""The case core (DOMAIN §6): kind, origin, subject, agency, the assigned team, the state, and the
timeline. The state has one writer, `cases.workflow.move_case`; the tables it obeys are there."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveQuerySet, SensitiveRecord


class CaseKind(models.TextChoices):
    GENERAL = "general", _("General")
    NON_VOLUNTARY = "non_voluntary", _("Non-voluntary")
    CRISIS = "crisis", _("Crisis")
    HIGH_CONCERN = "high_concern", _("High concern")


class Origin(models.TextChoices):
    SELF_APPLIED = "self_applied", _("Self-applied (single window or care team)")
    SUPERVISOR_REFERRAL = "supervisor_referral", _("Supervisor referral")
    MISCONDUCT = "misconduct", _("Workplace-misconduct complainant")
    SCREENING = "screening", _("Screening")
    ESCALATION = "escalation", _("Escalated from a referral")
    SUPERVISOR_REPORT = "supervisor_report", _("Reported by the supervisor")
    INCIDENT = "incident", _("Emergency incident")
    CARE_TEAM = "care_team", _("Found by the care team")


class CaseState(models.TextChoices):
    # General cases (附件二, 附件三, 陸.三.(四).7)
    RECEIVED = "received", pgettext_lazy("case state", "Received")
    ASSESSED = "assessed", _("Assessed")
    IN_SERVICE = "in_service", _("In service")
    FOLLOW_UP = "follow_up", _("Following up improvement")
    # Non-voluntary (附件四)
    REPORTED = "reported", _("Reported")
    RISK_ASSESSED = "risk_assessed", _("Risk assessed")
    EMERGENCY = "emergency", _("Emergency response")
    ENCOURAGED = "encouraged", _("Encouraged to accept help")
    CONTINUING_CARE = "continuing_care", _("Continuing care")
    # Crisis (附件五)
    ACTIVATED = "activated", _("EAP activated")
    CASUALTY_RESPONSE = "casualty_response", _("Responding to casualties")
    SUPPORT = "support", _("Interviews and support")
    ADJUSTMENT = "adjustment", _("Work adaptation or adjustment")
    PERIODIC_CARE = "periodic_care", _("Periodic care")
    # High concern (three stages)
    STAGE_ASSESS = "stage_assess", _("Stage 1: assess and report")
    STAGE_CONSULT = "stage_consult", _("Stage 2: professional consultation")
    STAGE_JOINT = "stage_joint", _("Stage 3: joint resources")
    CLOSED = "closed", _("Closed")


class EscalationDecision(models.TextChoices):
    PENDING = "", _("Not decided")
    NO = "no", _("No escalation")
    HIGH_CONCERN = "high_concern", _("Escalate: high-concern case")
    NON_VOLUNTARY = "non_voluntary", _("Escalate: non-voluntary case")


class CaseQuerySet(SensitiveQuerySet):
    def visible_to(self, user):
        from cases import access

        return access.cases_visible_to(user, self)

    def open(self):
        return self.exclude(state=CaseState.CLOSED)


class Case(SensitiveRecord):
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices, db_index=True)
    origin = models.CharField(_("origin"), max_length=30, choices=Origin.choices)
    state = models.CharField(_("state"), max_length=30, choices=CaseState.choices, db_index=True)
    # Crises may have no single subject: their affected people are recorded on the incident (issue 8).
    subject = models.ForeignKey("agencies.Employee", verbose_name=_("person concerned"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="cases")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="cases")
    team = models.ForeignKey("agencies.CareTeam", verbose_name=_("care team"), on_delete=models.PROTECT,
                             related_name="cases")
    summary = EncryptedTextField(_("why the case was opened"), blank=True, default="")
    problem_categories = models.ManyToManyField("plans.ProblemCategory", verbose_name=_("problem categories"),
                                                blank=True, related_name="cases")
    # Supervisor referral (附件三): who referred, what they observed, and the advice they receive back.
    referring_supervisor = models.ForeignKey("agencies.Employee", verbose_name=_("referring supervisor"), null=True,
                                             blank=True, on_delete=models.PROTECT, related_name="referrals")
    management_advice = EncryptedTextField(_("management advice to the supervisor"), blank=True, default="")
    advice_given_at = models.DateTimeField(_("advice given"), null=True, blank=True)
    # Misconduct complainants: the respondents, for recusal only (the investigation is elsewhere).
    respondents = models.ManyToManyField("agencies.Employee", verbose_name=_("respondents (recused)"), blank=True,
                                         related_name="complaints_against")
    assessment = EncryptedTextField(_("assessment"), blank=True, default="")
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    escalation = models.CharField(_("escalation decision"), max_length=20, choices=EscalationDecision.choices,
                                  blank=True, default=EscalationDecision.PENDING)
    escalation_reason = EncryptedTextField(_("reason for the decision"), blank=True, default="")
    escalated_to = models.OneToOneField("self", verbose_name=_("escalated to"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="escalated_from")
    # Sent to the referring supervisor when the referral first closes (Tainan, Taoyuan).
    satisfaction_survey = models.OneToOneField("surveys.Survey", null=True, blank=True, on_delete=models.PROTECT,
                                               related_name="+")
    # Non-voluntary cases: continuing care lasts at least 3 months; closing earlier needs a stated
    # reason and the convener's approval.
    care_started_on = models.DateField(_("continuing care started"), null=True, blank=True)
    early_close_reason = EncryptedTextField(_("reason to close before 3 months"), blank=True, default="")
    early_close_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                 on_delete=models.PROTECT, related_name="+")
    early_close_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                on_delete=models.PROTECT, related_name="+")
    early_close_approved_at = models.DateTimeField(_("early closure approved"), null=True, blank=True)
    # Non-voluntary and crisis cases are reported to the agency's safety-and-health team (安衛小組).
    safety_health_reported_at = models.DateTimeField(_("reported to the safety-and-health team"), null=True,
                                                     blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set by the retention purge: from then on the row is a person-free skeleton kept for statistics.
    purged_on = models.DateField(_("content destroyed on"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # A purged case keeps no person (DOMAIN §8 skeleton).
            models.CheckConstraint(condition=~Q(kind="general") | Q(subject__isnull=False)
                                   | Q(purged_on__isnull=False),
                                   name="a_general_case_has_a_subject"),
            models.CheckConstraint(condition=~Q(origin="supervisor_referral") | Q(referring_supervisor__isnull=False)
                                   | Q(purged_on__isnull=False),
                                   name="a_referral_names_its_supervisor"),
            models.CheckConstraint(condition=~Q(state="closed") | Q(closed_at__isnull=False),
                                   name="a_closed_case_has_its_time"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        """A short number for phones and paper files: 114-000123 (ROC year opened, id)."""
        return f"{timezone.localtime(self.opened_at).year - 1911}-{self.pk:06d}" if self.pk else "—"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("case_detail", args=[self.pk])

    def url_for(self, user):
        """The page of this case that `user` may open: the case page, the supervisor's page, or none."""
        from django.urls import reverse

        from cases import access

        if access.can_work_on(user, self):
            return reverse("case_detail", args=[self.pk])
        if access.supervises(user, self):
            return reverse("supervised_case", args=[self.pk])
        return ""

    @property
    def is_open(self):
        return self.state != CaseState.CLOSED

    @property
    def is_referral(self):
        return self.origin == Origin.SUPERVISOR_REFERRAL

    def coarse_state(self):
        """What the referring supervisor sees (DOMAIN §6): received, in service or closed."""
        if self.state == CaseState.CLOSED:
            return CaseState.CLOSED.label
        if self.state == CaseState.RECEIVED:
            return CaseState.RECEIVED.label
        return CaseState.IN_SERVICE.label


class AssignmentRole(models.TextChoices):
    MEMBER = "member", _("Care-team member")
    PROFESSIONAL = "professional", _("Professional")


class CaseAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gte=on), since__lte=on)


class CaseAssignment(models.Model):
    """Who works on a case: care-team members and, when one is assigned, a professional. An acting
    deputy's assignment names the absent member and ends with the absence."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                             related_name="case_assignments")
    role = models.CharField(_("as"), max_length=20, choices=AssignmentRole.choices, default=AssignmentRole.MEMBER)
    acting_for = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acting for"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    objects = CaseAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        ordering = ["case", "since", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                                   name="case_assignment_ends_after_it_starts"),
        ]

    def __str__(self):
        employee = getattr(self.user, "employee", None)
        return f"{employee.full_name if employee else self.user.username} · {self.get_role_display()}"

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.since <= on and (self.until is None or self.until >= on)


class EntryKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    MOVED = "moved", _("State changed")
    ASSIGNED = "assigned", _("Assigned")
    UNASSIGNED = "unassigned", _("Assignment ended")
    ASSESSMENT = "assessment", _("Assessment recorded")
    SERVICE = "service", _("Service arranged")
    ADVICE = "advice", _("Management advice given")
    ESCALATION = "escalation", _("Escalation decided")
    FOLLOW_UP = "follow_up", _("Follow-up logged")
    PAPER_FILE = "paper_file", _("Paper file listed")
    INTERVIEW = "interview", _("Outside-expert interview")
    SCREENING = "screening", _("Screening attached")
    ACTION = "action", _("Action recorded")
    AFFECTED = "affected", _("Affected person recorded")
    CRISIS_LEVEL = "crisis_level", _("Crisis level assessed")
    SUICIDE_REPORT = "suicide_report", _("24-hour suicide report")
    SAFETY_HEALTH = "safety_health", _("Reported to the safety-and-health team")
    CARE = "care", _("Continuing care")
    HANDED_OVER = "handed_over", _("Handed over to another care team")


class TimelineEntry(SensitiveRecord):
    """One dated line of the case's history: who, when, what, from which state to which, why.
    Append-only: services write entries, nobody edits them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what"), max_length=20, choices=EntryKind.choices)
    from_state = models.CharField(_("from"), max_length=30, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=30, choices=CaseState.choices, blank=True)
    reason = EncryptedTextField(_("why"), blank=True, default="")

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["case", "at", "pk"]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Timeline entries are append-only.")
        super().save(*args, **kwargs)
