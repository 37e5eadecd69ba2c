"""The HR home's "needs attention" list: what in the user's subtree is missing or about to lapse.
Each item is counted in one query over the scoped querysets; later issues add their own items."""
import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, Employee, RoleAssignment
from agencies.roles import Role

# Agencies expected to have their own EAP officer and care team (DOMAIN §2).
STAFFED_KINDS = [AgencyKind.CITY, AgencyKind.FIRST_LEVEL, AgencyKind.DISTRICT_OFFICE, AgencyKind.SCHOOL]
ROLE_EXPIRY_WARNING_DAYS = 30


@dataclass
class AttentionItem:
    key: str
    label: str
    count: int
    url: str
    examples: list


def _without_role(agencies, role, today):
    holder = RoleAssignment.objects.active(today).filter(agency=OuterRef("pk"), role=role)
    return agencies.filter(kind__in=STAFFED_KINDS, dissolved_on__isnull=True).exclude(Exists(holder))


def needs_attention(user, today=None):
    today = today or timezone.localdate()
    agencies = Agency.objects.editable_by(user)
    items = []

    no_officer = _without_role(agencies, Role.EAP_OFFICER, today)
    items.append(AttentionItem("no_eap_officer", _("Agencies without an EAP officer"), no_officer.count(),
                               reverse("agency_list"), list(no_officer[:5])))

    no_convener = _without_role(agencies, Role.CONVENER, today)
    items.append(AttentionItem("no_convener", _("Agencies without a care-team convener"), no_convener.count(),
                               reverse("agency_list"), list(no_convener[:5])))

    leavers = Employee.objects.editable_by(user).filter(leave_date__lte=today, user__is_active=True)
    items.append(AttentionItem("active_leavers", _("Leavers whose account is still active"), leavers.count(),
                               reverse("people_list") + "?employment=left", list(leavers[:5])))

    ending = RoleAssignment.objects.editable_by(user).active(today).filter(
        ends_on__lte=today + datetime.timedelta(days=ROLE_EXPIRY_WARNING_DAYS)
    ).select_related("user__employee", "agency")
    items.append(AttentionItem("roles_ending", _("Roles ending within 30 days"), ending.count(),
                               reverse("admin:agencies_roleassignment_changelist"), list(ending[:5])))

    # Counts only: who the duties concern stays with the care team (DOMAIN §1).
    from core.duties import overdue_count_for_hr

    overdue = overdue_count_for_hr(user)
    items.append(AttentionItem("overdue_duties", _("Overdue duties in your agencies"), overdue,
                               reverse("duty_statistics"), []))

    from core.models import EmailState, Notification

    failed = Notification.objects.failed_visible_to(user).filter(email_state=EmailState.FAILED)
    items.append(AttentionItem("failed_emails", _("E-mails that could not be sent"), failed.count(),
                               reverse("failed_emails"), []))
    return [item for item in items if item.count]
