from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models.validators import validate_categories


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        from plans import access

        return access.plans_visible_to(user, self)

    def editable_by(self, user):
        from plans import access

        return access.plans_editable_by(user, self)


class Plan(models.Model):
    """A yearly implementation plan (年度實施計畫) of a city or of an agency that runs its own."""

    owner = models.ForeignKey("agencies.Agency", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="plans")
    year = models.PositiveSmallIntegerField(_("ROC year"), help_text=_("For example 114."))
    title = models.CharField(_("title"), max_length=200)
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    document_number = models.CharField(_("issuing document number"), max_length=80, blank=True)
    document_date = models.DateField(_("issuing document date"), null=True, blank=True)
    basis = models.TextField(_("basis"), blank=True)
    purposes = models.TextField(_("purposes"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    covered_categories = models.JSONField(_("covered employee categories"), default=list,
                                          validators=[validate_categories])
    covered_text = models.TextField(_("who is covered, as the plan says"), blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    follows = models.ForeignKey("self", verbose_name=_("follows the plan of"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="sub_plans",
                                help_text=_("For an agency's own plan: the city plan it implements."))
    hotline = models.CharField(_("single-window hotline"), max_length=40, blank=True)
    email = models.EmailField(_("single-window e-mail"), blank=True)
    window_services = models.TextField(_("consultation services of the single window"), blank=True)
    screening_threshold = models.PositiveSmallIntegerField(
        _("mood-thermometer follow-up threshold"), default=10,
        help_text=_("A self-check total at or above this offers contact by the care team."),
    )
    certification_target = models.PositiveSmallIntegerField(
        _("care-officer certification target"), null=True, blank=True)
    # 資料調閱 (DOMAIN §8): HR set how long a grant stays open for the people the plan covers.
    access_grant_days = models.PositiveSmallIntegerField(
        _("days an access grant stays open"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("The default period of an approved access request for the people this plan covers; empty: the "
                    "portal's default."))
    draws_on = models.ManyToManyField("plans.QuotaPool", verbose_name=_("also draws on the pools of other plans"),
                                      blank=True, related_name="drawn_by")
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly plan")
        verbose_name_plural = _("yearly plans")
        ordering = ["-year", "owner__path"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "year"], name="one_plan_per_owner_and_year"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_in_order"),
        ]

    def __str__(self):
        return f"{self.year}年 {self.title}"

    def covers_category(self, category):
        # A plan that names no category covers everyone on the roster.
        return not self.covered_categories or category in self.covered_categories

    def usable_pools(self):
        """The pools this plan's people draw on: its own and those it names from other plans."""
        from plans.models import QuotaPool

        return QuotaPool.objects.filter(Q(plan=self) | Q(drawn_by=self)).distinct()


class WorkStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class WorkItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="work_items")
    area = models.CharField(_("area"), max_length=80, blank=True)
    title = models.CharField(_("work item"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    schedule = models.CharField(_("schedule"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=WorkStatus.choices, default=WorkStatus.PLANNED)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.title


class ProblemCategory(models.Model):
    """The plan's coded problem categories (貳 of seeds 000/001), counted in statistics."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="problem_categories")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="one_problem_code_per_plan")]

    def __str__(self):
        return self.name
