"""The care team asks the unit supervisor to do something in a non-voluntary or crisis case
(intensify care, adjust work, inform the family): a duty for the supervisor, reminded and escalated
like any other. The supervisor sees it among their duties and on their page of the case."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import access
from cases.models import EntryKind
from cases.opening import due_end_of
from cases.timeline import add_entry
from core import duties
from core.language import in_site_language
from core.working_days import is_working_day, next_working_day

KIND = "case_supervisor_step"
TITLE = gettext_lazy("A step is asked of you")


@transaction.atomic
def ask_supervisor(case, *, by, request, due_on):
    if not access.can_work_on(by, case):
        raise PermissionDenied
    supervisor = case.referring_supervisor
    if case.kind not in access.SERIOUS_KINDS or supervisor is None:
        raise ValidationError(_("Only the supervisor who reported a non-voluntary or crisis case is asked here."))
    if not request.strip():
        raise ValidationError(_("Say what the supervisor is asked to do."))
    if due_on < timezone.localdate():
        raise ValidationError(_("The date cannot be in the past."))
    if access.is_recused_from(supervisor.user, case):
        raise ValidationError(_("This supervisor may not act in this case (recusal)."))
    due_on = due_on if is_working_day(due_on, case.agency) else next_working_day(due_on, case.agency)
    duty = duties.create_duty(kind=KIND, title=in_site_language(TITLE), assignee=supervisor.user, team=case.team,
                              person=case.subject, subject=case, agency=case.agency, due_at=due_end_of(due_on),
                              remind_before=datetime.timedelta(hours=9), escalate_after=datetime.timedelta(days=1),
                              note=request)
    add_entry(case, by=by, kind=EntryKind.ACTION, reason=in_site_language(_("A step asked of the supervisor")))
    return duty
