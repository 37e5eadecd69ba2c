"""Handing a case over to another care team after its subject's transfer (issue 10).

The roster import moves the person and gives each open case a handover duty for the EAP officers
of the old and the new agency (agencies.roster.transfers). Once they agree, whoever manages the case
on the old side (its convener or the old agency's EAP officer) hands it over here: the case, its
open duties and its records go to the care team serving the person's new agency, the old team's
assignments end, the handover duties are settled and the new team's intake assigns a member."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.roster.transfers import HANDOVER_KIND
from cases import access
from cases.models import Case, CaseAssignment, EntryKind
from cases.opening import (
    INTAKE_KIND,
    INTAKE_TITLE,
    INTAKE_WORKING_DAYS,
    due_end_of,
    duty_holders,
    end_assignment,
    open_duties_of,
    team_for,
)
from cases.timeline import add_entry
from core import duties
from core.language import in_site_language
from core.working_days import add_working_days


def handover_team(case):
    """The care team serving the subject's agency now, if the case is open and held elsewhere."""
    if not case.is_open or case.subject_id is None or case.subject.agency_id == case.agency_id:
        return None
    try:
        return team_for(case.subject.agency)
    except ValidationError:
        return None


@transaction.atomic
def hand_over_case(case, *, by, reason=""):
    case = (Case.objects.select_for_update(of=("self",)).select_related("subject__agency", "agency", "team")
            .get(pk=case.pk))
    if not access.can_manage(by, case):
        raise PermissionDenied
    team = handover_team(case)
    if team is None:
        raise ValidationError(_("The person concerned is still on this agency's roster, or no care team serves "
                                "their new agency yet: there is nothing to hand over."))
    old_agency, old_team = case.agency, case.team
    same_team = team.pk == old_team.pk  # one team serves both agencies: only the agency changes
    for assignment in [] if same_team else CaseAssignment.objects.current().filter(case=case):
        end_assignment(assignment, by=by, reason=_("Handed over to %(team)s") % {"team": team.name})
    case.agency, case.team = case.subject.agency, team
    case.save(update_fields=["agency", "team"])
    note = _("From %(old_team)s (%(old)s) to %(team)s (%(new)s).") % {
        "old_team": old_team.name, "old": old_agency.name, "team": team.name, "new": case.agency.name}
    add_entry(case, by=by, kind=EntryKind.HANDED_OVER, reason=f"{note} {reason}".strip())
    holders = duty_holders(case)
    has_intake = False
    for duty in open_duties_of(case):
        if duty.kind == HANDOVER_KIND:
            duties.settle_duty(duty, by=by, outcome=note)
            continue
        if same_team:
            continue
        has_intake |= duty.kind == INTAKE_KIND
        duties.reroute_duty(duty, team=holders["team"], agency=case.agency, assignee=holders["assignee"])
    if not has_intake and not same_team:
        duties.create_duty(kind=INTAKE_KIND, title=in_site_language(INTAKE_TITLE), person=case.subject,
                           subject=case, agency=case.agency, **holders,
                           due_at=due_end_of(add_working_days(timezone.localdate(), INTAKE_WORKING_DAYS, case.agency)),
                           remind_before=datetime.timedelta(hours=9), escalate_after=datetime.timedelta(days=1))
    return case
