"""The roles of DOMAIN §1. "Employee" and "supervisor" are not granted: they follow from the
roster (a current profile; the supervisor flag). Every other role is granted for an agency
subtree, and one person may hold several."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENCY_HEAD = "agency_head", _("Agency head")
    CARE_MEMBER = "care_member", _("Care-team member")
    CONVENER = "convener", _("Care-team convener")
    SAFETY_HEALTH = "safety_health", _("Safety-and-health team member")
    EAP_OFFICER = "eap_officer", _("Agency EAP officer")
    AGENCY_HR = "agency_hr", _("Agency HR staff")
    CITY_HR = "city_hr", _("City HR")
    PROVIDER_STAFF = "provider_staff", _("Provider staff")
    REVIEWER = "reviewer", _("Annual reviewer")
    ACCESS_APPROVER = "access_approver", _("Access approver")


# Roles an agency EAP officer may grant inside their own subtree; the rest only city HR grants.
AGENCY_GRANTABLE_ROLES = frozenset(
    {Role.AGENCY_HEAD, Role.CARE_MEMBER, Role.CONVENER, Role.SAFETY_HEALTH, Role.AGENCY_HR}
)
HR_ROLES = frozenset({Role.EAP_OFFICER, Role.AGENCY_HR, Role.CITY_HR})
