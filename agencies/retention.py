"""A leaver's profile in the retention purge (DOMAIN §8): due ten years after the later of leaving and
the last of the person's other records. Those records have clocks of their own and are purged in the
same run, before this type (it is registered to run last); so a leaver is due once their leave date
is ten years past and nothing of theirs is left: no unpurged booking, case, screening, rights record,
duty or hold still names them (a purged skeleton lets go of its person).

With the profile go its roster history, emergency contact, enrolments and the notifications, role
assignments and activation codes of its login. The login itself is deleted, or, where someone's
records still name it as their author, deactivated and stripped of everything that says who it was.
Access-log rows stay: they have their own clock.
"""
from django.db.models import Exists, OuterRef, ProtectedError
from django.utils.translation import gettext_lazy as _

from core import retention_rights  # noqa: F401  (registers the rights types, before the leavers)
from core.retention import RecordType, delete_where, destroy_rows, register

# (app label.model, field) of every row that keeps a leaver's profile while it is kept itself.
KEEPERS = [("counseling.Booking", "employee"), ("counseling.QuotaAccount", "employee"),
           ("surveys.Screening", "employee"), ("cases.Case", "subject"), ("cases.Case", "referring_supervisor"),
           ("cases.AffectedPerson", "employee"), ("cases.Contact", "person"), ("core.Duty", "person"),
           ("agencies.CorrectionRequest", "employee"), ("core.AccessRequest", "person"),
           ("core.LegalExceptionUse", "person"), ("core.LegalHold", "person")]


def leavers():
    """Leavers none of whose records is left. An active hold on the person is the engine's to report;
    a released one still names them, so it keeps them too."""
    from django.apps import apps

    from agencies.models import Employee
    from core.models import LegalHold

    rows = Employee.objects.filter(leave_date__isnull=False)
    for label, field in KEEPERS:
        model = apps.get_model(label)
        keeping = model._base_manager.filter(**{field: OuterRef("pk")})
        if model is LegalHold:
            keeping = keeping.filter(released_at__isnull=False)
        rows = rows.exclude(Exists(keeping))
    return rows


def destroy_leavers(model, pks, batch):
    from django.contrib.auth import get_user_model

    from agencies.models import EmergencyContact, EmployeeChange
    from core.models import Notification
    from courses.models import Enrolment

    users = list(model._base_manager.filter(pk__in=pks).values_list("user_id", flat=True))
    batch.wrote(Enrolment, delete_where(Enrolment, employee_id__in=pks))
    batch.wrote(EmployeeChange, delete_where(EmployeeChange, employee_id__in=pks))
    contacts = list(EmergencyContact._base_manager.filter(employee_id__in=pks).values_list("pk", flat=True))
    destroy_rows(EmergencyContact, contacts, batch)
    destroyed, files = destroy_rows(model, pks, batch)
    batch.wrote(Notification, delete_where(Notification, recipient_id__in=users))
    User = get_user_model()
    for user in User._base_manager.filter(pk__in=users):
        try:
            batch.wrote(User, delete_where(User, pk=user.pk))
        except ProtectedError:  # other people's records name them as author: keep a nameless login
            _scrub(user)
            batch.wrote(User, 1)
    return destroyed, files


def _scrub(user):
    from agencies.models import ActivationCode, RoleAssignment

    RoleAssignment._base_manager.filter(user=user).delete()
    ActivationCode._base_manager.filter(user=user).delete()
    user.username = f"purged-{user.pk}"
    for name in ("email", "first_name", "last_name"):
        if hasattr(user, name):
            setattr(user, name, "")
    user.is_active = False
    user.set_unusable_password()
    user.save()


register(RecordType(kind="leaver_profile", label=_("Leavers' profiles"), candidates=leavers, clock="leave_date",
                    person="pk", destroy=destroy_leavers, runs_last=True))
