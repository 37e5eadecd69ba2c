"""Fetching a case for a page: through the scoped queryset (404 for "not yours"), logged."""
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cases import access
from cases.models import Case
from core.access_log import AccessAction, record_access


def visible_case(request, pk, *, log=True):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related(
        "subject__agency", "agency", "team", "referring_supervisor", "escalated_to"), pk=pk)
    if log:
        record_access(request, AccessAction.READ, case, person=case.subject,
                      purpose=access.purpose_for(request.user, case))
    return case


def require_case_worker(user):
    if not access.works_on_cases(user):
        raise PermissionDenied


def error_text(error):
    return " ".join(getattr(error, "messages", [str(error)]))


def form_errors(form):
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def assignable_users(case):
    """The care-team members and the professionals who may be assigned to the case. (`|` cannot
    combine assignable_professionals' distinct queryset with a plain one, so filter by ids.)"""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from cases import opening

    members = [m.user_id for m in opening.assignable_members(case)]
    professionals = opening.assignable_professionals(case).values("pk")
    return get_user_model().objects.filter(Q(pk__in=members) | Q(pk__in=professionals)).order_by("username")


def subject_offers(case):
    """The counseling services the case's person may be booked for this year (their own hours); in a
    crisis, those of its affected employees (the service checks the one chosen)."""
    from django.utils import timezone

    from counseling.services import offers_for
    from eap_portal.rocdates import roc_year

    people = [case.subject] if case.subject_id else [
        person.employee for person in case.affected.select_related("employee__agency") if person.employee_id]
    found = {}
    for person in people:
        for offer in offers_for(person, roc_year(timezone.localdate())):
            found.setdefault(offer.key, offer)
    return list(found.values())


def service_form(case, data=None, **kwargs):
    from cases import forms

    affected = case.affected.filter(employee__isnull=False) if case.kind == "crisis" else None
    return forms.ServiceForm(data, offers=subject_offers(case), affected=affected, **kwargs)


def own_supervisor_profile(user):
    """The signed-in unit supervisor's roster entry; anyone else is refused (403)."""
    from agencies.access import own_employee

    employee = own_employee(user)
    if employee is None or not employee.is_supervisor:
        raise PermissionDenied
    return employee


def report_to_safety_health_then(request, case, page):
    """Report the case to the safety-and-health team, say how it went, and go back to `page`."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from cases import non_voluntary

    try:
        non_voluntary.report_to_safety_health(case, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Reported: the safety-and-health team has been told to sign in."))
    return redirect(page, pk=case.pk)
