"""A plan's course catalogue (DOMAIN §5): the four facets, the plan's series and topic categories
(with the 114-style goals), the targets of its summary table, and the courses themselves.

A course keeps the seed's audience text as written and may carry structured rules that decide
"open to me"; its planned dates are kept as given (the seed's ROC cells) next to the first and last
dates read from them."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plans.models.validators import validate_categories


class Facet(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation and management")
    WORK = "work", _("Work")
    LIFE = "life", _("Life")
    HEALTH = "health", _("Health")


class CourseFormat(models.TextChoices):
    # Its own context: "In person" is already 面談 for counseling; a class in a room is 實體.
    IN_PERSON = "in_person", pgettext_lazy("course format", "In person")
    LIVE_ONLINE = "live_online", _("Live online (remote class)")
    DIGITAL = "digital", _("Digital (self-paced online)")
    INTERACTIVE_VIDEO = "interactive_video", _("Interactive video")


class PlanPartQuerySet(models.QuerySet):
    """Series, categories and targets are plan data: they follow the plan's own scope."""

    def visible_to(self, user):
        from plans.models import Plan

        return self.filter(plan__in=Plan.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        from plans.models import Plan

        return self.filter(plan__in=Plan.objects.editable_by(user).values("pk"))


class CourseSeries(models.Model):
    """A plan's named series (Kaohsiung: 友善職場, 樂活職場, 快活人生, 慢活人生)."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="course_series")
    name = models.CharField(_("name"), max_length=80)
    facet = models.CharField(_("facet"), max_length=20, choices=Facet.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("course series")
        verbose_name_plural = _("course series")
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="one_series_name_per_plan")]

    def __str__(self):
        return self.name


class TopicCategory(models.Model):
    """A topic category of a facet (授課類別/授課主題, e.g. 組織創新與風險管理) with the plan's goals."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="course_categories")
    facet = models.CharField(_("facet"), max_length=20, choices=Facet.choices)
    name = models.CharField(_("name"), max_length=200)
    goals = models.TextField(_("course goals"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic category")
        verbose_name_plural = _("topic categories")
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "facet", "name"], name="one_category_per_facet")]

    def __str__(self):
        return self.name


class CourseTarget(models.Model):
    """A line of the plan's summary table: what the plan means to hold. It is a target and cannot be
    recomputed from the detail rows (DOMAIN §5), so it is entered, never derived."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="course_targets")
    category = models.ForeignKey(TopicCategory, verbose_name=_("topic category"), on_delete=models.CASCADE,
                                 related_name="targets")
    format = models.CharField(_("format"), max_length=20, choices=CourseFormat.choices,
                              default=CourseFormat.IN_PERSON)
    sessions = models.PositiveIntegerField(pgettext_lazy("course", "sessions"))
    participants = models.PositiveIntegerField(_("expected participants"))

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("course target")
        verbose_name_plural = _("course targets")
        ordering = ["plan", "category__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["category", "format"], name="one_target_per_category_format")]

    def __str__(self):
        return f"{self.category} ({self.get_format_display()})"

    def clean(self):
        if self.category_id and self.plan_id and self.category.plan_id != self.plan_id:
            raise ValidationError({"category": _("Choose a topic category of the same plan.")})


class CourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        from courses import access

        return access.courses_visible_to(user, self)

    def editable_by(self, user):
        from courses import access

        return access.courses_editable_by(user, self)


class Course(models.Model):
    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="courses")
    agency = models.ForeignKey("agencies.Agency", verbose_name=pgettext_lazy("course", "run by"),
                               on_delete=models.PROTECT, related_name="courses",
                               help_text=_("The agency that organises it; its EAP officers keep the course."))
    facet = models.CharField(_("facet"), max_length=20, choices=Facet.choices)
    series = models.ForeignKey(CourseSeries, verbose_name=_("series"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="courses")
    category = models.ForeignKey(TopicCategory, verbose_name=_("topic category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="courses")
    section = models.CharField(_("table in the plan"), max_length=120, blank=True,
                               help_text=_("The plan's sub-table, e.g. 「樂活高雄，智慧城市」學習列車."))
    number = models.PositiveSmallIntegerField(_("number in the table"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    format = models.CharField(_("format"), max_length=20, choices=CourseFormat.choices,
                              default=CourseFormat.IN_PERSON)
    purpose = models.TextField(_("purpose"), blank=True)
    # Audience: the plan's words, and the rules that decide "open to me" (none: everyone covered).
    audience_text = models.TextField(_("audience, as the plan says"), blank=True)
    audience_categories = models.JSONField(_("only these employee categories"), default=list, blank=True,
                                           validators=[validate_categories])
    min_grade = models.PositiveSmallIntegerField(_("lowest grade (職等)"), null=True, blank=True)
    max_grade = models.PositiveSmallIntegerField(_("highest grade (職等)"), null=True, blank=True)
    audience_agencies = models.ManyToManyField("agencies.Agency", verbose_name=_("only staff of these agencies"),
                                               blank=True, related_name="+",
                                               help_text=_("Each with the agencies below it."))
    hired_after = models.DateField(_("only staff hired on or after"), null=True, blank=True)
    supervisors_only = models.BooleanField(_("supervisors only"), default=False)
    # What the plan planned.
    planned_dates = models.CharField(_("planned dates, as the plan says"), max_length=120, blank=True)
    first_date = models.DateField(_("first planned date"), null=True, blank=True)
    last_date = models.DateField(_("last planned date"), null=True, blank=True)
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions (期)"), default=1)
    expected_per_session = models.PositiveIntegerField(_("expected participants per session"), null=True,
                                                       blank=True)
    date_warning = models.CharField(_("date warning"), max_length=200, blank=True, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("course", "course")
        verbose_name_plural = _("courses")
        ordering = ["plan", "facet", "section", "number", "pk"]
        constraints = [
            # The seed's tables number their rows: the key that makes a re-import change nothing.
            models.UniqueConstraint(fields=["plan", "facet", "section", "number"], condition=Q(number__isnull=False),
                                    name="one_course_per_table_row"),
            models.CheckConstraint(condition=Q(min_grade__isnull=True) | Q(min_grade__gte=1, min_grade__lte=14),
                                   name="course_min_grade_range"),
            models.CheckConstraint(condition=Q(max_grade__isnull=True) | Q(max_grade__gte=1, max_grade__lte=14),
                                   name="course_max_grade_range"),
            models.CheckConstraint(condition=Q(min_grade__isnull=True) | Q(max_grade__isnull=True)
                                   | Q(max_grade__gte=models.F("min_grade")), name="course_grades_in_order"),
            models.CheckConstraint(condition=Q(first_date__isnull=True) | Q(last_date__isnull=True)
                                   | Q(last_date__gte=models.F("first_date")), name="course_dates_in_order"),
            models.CheckConstraint(condition=Q(planned_sessions__gte=1), name="course_has_a_session"),
        ]

    def __str__(self):
        return self.topic

    def clean(self):
        errors = {}
        if self.plan_id:
            if self.series_id and self.series.plan_id != self.plan_id:
                errors["series"] = _("Choose a series of the same plan.")
            if self.category_id and self.category.plan_id != self.plan_id:
                errors["category"] = _("Choose a topic category of the same plan.")
        if self.category_id and self.facet and self.category.facet != self.facet:
            errors["category"] = _("This topic category belongs to another facet.")
        if self.min_grade and self.max_grade and self.max_grade < self.min_grade:
            errors["max_grade"] = _("The highest grade cannot be below the lowest.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_audience_rules(self):
        return bool(self.audience_categories or self.min_grade or self.max_grade or self.hired_after
                    or self.supervisors_only or (self.pk and self.audience_agencies.exists()))
