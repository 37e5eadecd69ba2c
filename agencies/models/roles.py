from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.roles import Role


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=on),
                           Q(ends_on__isnull=True) | Q(ends_on__gt=on), user__is_active=True)

    def visible_to(self, user):
        from agencies import access

        return access.role_assignments_visible_to(user, self)

    def editable_by(self, user):
        from agencies import access

        return access.role_assignments_editable_by(user, self)


class RoleAssignment(models.Model):
    """A role held for an agency and everything under it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("for agency and its subtree"),
                               on_delete=models.PROTECT, related_name="role_assignments")
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True,
                               help_text=_("For an acting deputy (職務代理人) or a fixed term."))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["agency__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="one_role_per_person_and_agency"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="role_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} · {self.agency}"
