from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Each node stores the ids of its ancestors and itself as a materialized path
# ("0000001/0000007/"), so "this agency and everything under it" is one indexed
# prefix match, whatever the depth, instead of a recursive walk.
PATH_STEP = 7


def path_segment(pk):
    return f"{pk:0{PATH_STEP}d}/"


class AgencyKind(models.TextChoices):
    CITY = "city", _("City government")
    FIRST_LEVEL = "first_level", _("First-level agency (bureau or department)")
    DISTRICT_OFFICE = "district_office", _("District office")
    SUBORDINATE = "subordinate", _("Subordinate agency")
    SCHOOL = "school", _("School")
    NON_EXECUTIVE = "non_executive", _("Non-executive body")


class AgencyQuerySet(models.QuerySet):
    def subtree_of(self, *agencies):
        """Agencies at or under any of the given ones, in one query."""
        condition = Q(pk__in=[])
        for agency in agencies:
            condition |= Q(path__startswith=agency.path)
        return self.filter(condition)

    def visible_to(self, user):
        from agencies import access

        return access.agencies_visible_to(user, self)

    def editable_by(self, user):
        from agencies import access

        return access.agencies_editable_by(user, self)


class Agency(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_high_stress = models.BooleanField(
        _("high-stress service"), default=False,
        help_text=_("Police, fire or front-line service: its staff form a target segment."),
    )
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path needs the primary key, so a new agency is saved twice in one transaction
        # (services.create_agency wraps it); moves go through services.move_agency.
        super().save(*args, **kwargs)
        expected = (self.parent.path if self.parent_id else "") + path_segment(self.pk)
        if self.path != expected:
            self.path = expected
            self.depth = expected.count("/") - 1
            super().save(update_fields=["path", "depth"])

    def ancestor_ids(self):
        return [int(step) for step in self.path.strip("/").split("/") if step]

    def ancestors(self):
        """This agency's ancestors from the root down, itself excluded."""
        return Agency.objects.filter(pk__in=self.ancestor_ids()[:-1]).order_by("depth")

    def is_within(self, other):
        return self.path.startswith(other.path)


class AgencyVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(agency__in=Agency.objects.visible_to(user))

    def editable_by(self, user):
        # History is written only by services.rename_agency / move_agency, never edited.
        return self.none()


class AgencyVersion(models.Model):
    """How an agency was named and placed from one date to the next. Renames and moves close
    the current version and open a new one, so a report for a past year can group by the
    tree as it stood then (see services.tree_as_of)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        Agency, verbose_name=_("parent agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency version")
        verbose_name_plural = _("agency versions")
        ordering = ["agency", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=Q(valid_until__isnull=True), name="one_open_version_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="version_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name
