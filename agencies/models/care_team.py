from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Position(models.TextChoices):
    CONVENER = "convener", _("Convener")
    CARE_OFFICER = "care_officer", _("Care officer")
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    MEMBER = "member", _("Member")


# Who employees may contact directly ("my care officers").
CONTACT_POSITIONS = [Position.CONVENER, Position.CARE_OFFICER, Position.INTAKE_OFFICER]


class CareTeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        from agencies import access

        return access.care_teams_visible_to(user, self)

    def editable_by(self, user):
        from agencies import access

        return access.care_teams_editable_by(user, self)

    def serving(self, agency):
        """Teams whose agency is this agency or above it, or that cover it across agencies."""
        return self.filter(Q(agency_id__in=agency.ancestor_ids()) | Q(covers=agency)).distinct()


class CareTeam(models.Model):
    """An agency's internal care team (內部關懷工作團隊): a convener, care officers and members from
    several units; it may also serve other agencies (a cross-agency team)."""

    name = models.CharField(_("name"), max_length=120)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="care_teams")
    covers = models.ManyToManyField("agencies.Agency", verbose_name=_("also serves"), blank=True,
                                    related_name="served_by_care_teams")
    established_on = models.DateField(_("established on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = CareTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("care team")
        verbose_name_plural = _("care teams")
        ordering = ["agency__path", "name"]

    def __str__(self):
        return self.name

    def current_members(self, on=None):
        on = on or timezone.localdate()
        return self.members.filter(Q(until__isnull=True) | Q(until__gt=on), since__lte=on)


class CareTeamMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(team__in=CareTeam.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(team__in=CareTeam.objects.editable_by(user))


class CareTeamMember(models.Model):
    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                             related_name="care_team_memberships")
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    objects = CareTeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("care-team member")
        verbose_name_plural = _("care-team members")
        ordering = ["team", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gt=models.F("since")),
                                   name="membership_ends_after_it_starts"),
        ]

    def __str__(self):
        employee = getattr(self.user, "employee", None)
        return f"{employee.full_name if employee else self.user.username} · {self.get_position_display()}"


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(member__team__in=CareTeam.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(member__team__in=CareTeam.objects.editable_by(user))


class Training(models.Model):
    """Training of a member, and the certification it led to (Taoyuan's 員工心理健康管理師)."""

    member = models.ForeignKey(CareTeamMember, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("course"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    completed_on = models.DateField(_("completed on"))
    certification = models.CharField(_("certification"), max_length=120, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["member", "completed_on"]

    def __str__(self):
        return self.title


class ReviewMeeting(models.Model):
    """The care team's quarterly review of its work (「固定每季討論執行成果」)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="review_meetings")
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("summary"))

    class Meta:
        verbose_name = _("quarterly review meeting")
        verbose_name_plural = _("quarterly review meetings")
        ordering = ["team", "held_on"]

    def __str__(self):
        from eap_portal.rocdates import format_roc_date

        return format_roc_date(self.held_on)

    @property
    def quarter(self):
        return (self.held_on.month - 1) // 3 + 1
