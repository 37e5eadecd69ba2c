"""Roster imports and the roster's history (issue 10).

A RosterImport is one upload, from preview to commit. The file itself is kept only until it has
been read, encrypted; what is kept for the commit is the rows as read, with any national ID number
already reduced to its keyed hash, also encrypted — so no national ID is ever stored in clear.
An EmployeeChange is one change the roster made to a person: joined, changed, moved agency, left,
came back. Re-importing an unchanged file writes none."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be read")
    READING = "reading", _("Being read")
    PREVIEW = "preview", _("Ready to confirm")
    REFUSED = "refused", _("Has errors: nothing imported")
    COMMITTING = "committing", _("Being imported")
    DONE = "done", _("Imported")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed: nothing imported")


class RosterImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from agencies import access

        return access.roster_imports_visible_to(user, self)


class RosterImport(models.Model):
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("for agency and its subtree"),
                               on_delete=models.PROTECT, related_name="roster_imports")
    is_full = models.BooleanField(
        _("full roster"), default=False,
        help_text=_("The file lists everyone in this agency and below: anyone missing from it is marked as a leaver."))
    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=12, choices=ImportState.choices, default=ImportState.QUEUED)
    # Progress, for the page that polls it while a worker reads or writes a large file.
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    # Encrypted; emptied once read (upload) and once committed or discarded (staged).
    upload = models.TextField(blank=True, default="", editable=False)
    staged = models.TextField(blank=True, default="", editable=False)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    # What the preview found, and then what the commit did.
    created = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("changed"), default=0)
    transferred = models.PositiveIntegerField(_("transferred"), default=0)
    deactivated = models.PositiveIntegerField(_("leavers"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    # The first rows of each kind of change, for the preview page (names and numbers, no ID numbers).
    preview = models.JSONField(default=dict, blank=True, editable=False)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)

    objects = RosterImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def is_running(self):
        return self.state in {ImportState.QUEUED, ImportState.READING, ImportState.COMMITTING}

    @property
    def percent(self):
        return min(100, round(100 * self.processed_rows / self.total_rows)) if self.total_rows else 0

    @property
    def changes(self):
        return self.created + self.updated + self.transferred + self.deactivated


def field_label(name):
    """A roster field's name for people (changes record field names, never values)."""
    from agencies.models.employee import Employee

    if name == "email":
        return _("e-mail")
    if name == "national_id_hash":
        return _("national ID number")
    return str(Employee._meta.get_field(name.removesuffix("_id")).verbose_name)


class ChangeKind(models.TextChoices):
    JOINED = "joined", _("Joined the roster")
    UPDATED = "updated", _("Details changed")
    TRANSFERRED = "transferred", _("Transferred")
    LEFT = "left", _("Left (missing from a full roster)")
    RETURNED = "returned", _("Back on the roster")


class EmployeeChange(models.Model):
    employee = models.ForeignKey("agencies.Employee", on_delete=models.CASCADE, related_name="roster_changes")
    roster_import = models.ForeignKey(RosterImport, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="changes_made")
    kind = models.CharField(_("change"), max_length=12, choices=ChangeKind.choices)
    # The names of the fields that changed, never their values (a national ID's hash included).
    fields = models.JSONField(_("fields"), default=list, blank=True)
    from_agency = models.ForeignKey("agencies.Agency", verbose_name=_("from"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", verbose_name=_("to"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("effective"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")
        ordering = ["-effective_on", "-pk"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def field_labels(self):
        return [field_label(name) for name in self.fields if name not in {"agency_id", "agency_since"}]
