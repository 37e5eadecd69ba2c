from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agencies import access
from agencies.account_views import account_context
from agencies.attention import needs_attention
from agencies.care_teams import care_contacts_for
from agencies.decorators import role_required
from agencies.filters import EmployeeFilter
from agencies.models import Agency, AgencyVersion, Employee, RoleAssignment
from agencies.roles import HR_ROLES
from eap_portal.rocdates import roc_year
from plans.services import coverage
from surveys.answering import open_surveys_for_user


@require_safe
def home(request):
    employee = access.own_employee(request.user)
    if employee is None and access.is_hr(request.user):
        return redirect("hr_home")
    roles = RoleAssignment.objects.filter(user=request.user).active().select_related("agency")
    contacts = care_contacts_for(employee) if employee else []
    plans = coverage(employee, roc_year(timezone.localdate())) if employee else []
    return render(request, "agencies/home.html", {"employee": employee, "roles": roles, "care_contacts": contacts,
                                                  "coverage": plans,
                                                  "open_surveys": open_surveys_for_user(request.user)})


@require_safe
@role_required(*HR_ROLES)
def hr_home(request):
    roles = RoleAssignment.objects.filter(user=request.user).active().select_related("agency")
    return render(request, "agencies/hr_home.html", {"attention": needs_attention(request.user), "roles": roles})


@require_safe
def my_profile(request):
    employee = get_object_or_404(Employee.objects.visible_to(request.user).select_related("agency", "direct_supervisor"),
                                 user=request.user)
    return render(request, "agencies/my_profile.html", {"employee": employee, "segments": employee.segments()})


@require_safe
@role_required(*HR_ROLES)
def people_list(request):
    visible = Employee.objects.visible_to(request.user).select_related("agency")
    people = EmployeeFilter(request.GET, queryset=visible, user=request.user)
    page = Paginator(people.qs, 50).get_page(request.GET.get("page"))
    return render(request, "agencies/people_list.html", {"filter": people, "page": page})


@require_safe
@role_required(*HR_ROLES)
def person_detail(request, pk):
    person = get_object_or_404(
        Employee.objects.visible_to(request.user).select_related("agency", "direct_supervisor", "user"), pk=pk
    )
    return render(request, "agencies/person_detail.html", {
        "person": person,
        "segments": person.segments(),
        "can_edit": Employee.objects.editable_by(request.user).filter(pk=pk).exists(),
        "roster_changes": person.roster_changes.select_related("from_agency", "to_agency")[:50],
        **account_context(request.user, person),
    })


@require_safe
@role_required(*HR_ROLES)
def agency_list(request):
    agencies = Agency.objects.visible_to(request.user)
    return render(request, "agencies/agency_list.html", {"agencies": agencies})


@require_safe
@role_required(*HR_ROLES)
def agency_detail(request, pk):
    agency = get_object_or_404(Agency.objects.visible_to(request.user).select_related("parent"), pk=pk)
    today = timezone.localdate()
    return render(request, "agencies/agency_detail.html", {
        "agency": agency,
        "versions": AgencyVersion.objects.visible_to(request.user).filter(agency=agency).select_related("parent"),
        "children": agency.children.visible_to(request.user),
        "staff_count": Employee.objects.visible_to(request.user).filter(agency=agency).current(today).count(),
        "roles": RoleAssignment.objects.visible_to(request.user).active(today).filter(agency=agency)
        .select_related("user__employee"),
        "can_edit": Agency.objects.editable_by(request.user).filter(pk=pk).exists(),
    })


@login_not_required
@require_safe
def urgent_help(request):
    city = Agency.objects.filter(parent__isnull=True).order_by("pk").first()
    employee = access.own_employee(request.user)
    return render(request, "agencies/urgent_help.html", {"city": city, "agency": employee.agency if employee else None})
