"""A transfer (issue 10): the person's own records follow them — their hour ledger, bookings,
screenings and enrolments hang on the person, not on the agency — but a case stays with the care
team that holds it until the EAP officers agree who continues it. Each open case of a transferred
person therefore gets a handover duty for the EAP officer of the old agency and of the new one."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Employee, RoleAssignment
from agencies.roles import Role
from core.actors import acting_as
from core.working_days import add_working_days
from eap_portal.rocdates import format_roc_date

HANDOVER_KIND = "case_handover"
HANDOVER_WORKING_DAYS = 5


def eap_officer_for(agency, person, on):
    """The EAP officer nearest above (or at) the agency, never the person concerned."""
    officers = (RoleAssignment.objects.active(on).filter(role=Role.EAP_OFFICER, agency_id__in=agency.ancestor_ids())
                .exclude(user__employee=person).select_related("user").order_by("-agency__depth", "pk"))
    found = officers.first()
    return found.user if found else None


def _due(today, agency):
    day = add_working_days(today, HANDOVER_WORKING_DAYS, agency)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0)))


def hand_over_open_cases(transfers, *, by, today):
    """`transfers` are the roster's Change records of kind TRANSFERRED (pk, from_agency, to_agency)."""
    from cases.models import Case
    from core.duties import create_duty

    moves = {change.pk: change for change in transfers}
    cases = list(Case.objects.open().filter(subject_id__in=list(moves)).select_related("agency"))
    if not cases:
        return []
    people = Employee.objects.in_bulk([case.subject_id for case in cases])
    agencies = Agency.objects.in_bulk({a for c in moves.values() for a in (c.from_agency, c.to_agency)})
    created = []
    with acting_as(by if by is not None else "roster import"):
        for case in cases:
            change, person = moves[case.subject_id], people[case.subject_id]
            old, new = agencies[change.from_agency], agencies[change.to_agency]
            effective = change.values.get("agency_since") or today
            note = _("%(person)s moved from %(old)s to %(new)s on %(day)s. Agree with the other agency's EAP "
                     "officer which care team continues case %(case)s, and hand its records over.") % {
                "person": person, "old": old.name, "new": new.name, "day": format_roc_date(effective),
                "case": case.reference}
            handed = set()
            for side in (case.agency, new):
                assignee = eap_officer_for(side, person, today)
                if assignee is None or assignee.pk in handed:  # one officer keeping both agencies: one duty
                    continue
                handed.add(assignee.pk)
                created.append(create_duty(kind=HANDOVER_KIND, title=_("Case handover after a transfer"),
                                           due_at=_due(today, side), agency=side, assignee=assignee, person=person,
                                           subject=case, note=note, remind_before=datetime.timedelta(days=1)))
    return created
