"""Recording what was done in a case, step by step: the care team any step of its case's kind; the
unit supervisor of a non-voluntary or crisis case only their own steps (DOMAIN §1)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.models import ACTIONS_BY_KIND, SUPERVISOR_ACTIONS, ActionKind, CaseAction, EntryKind
from cases.timeline import add_entry


def team_actions(case):
    return list(ACTIONS_BY_KIND.get(case.kind, []))


def allowed_actions(case, user):
    if access.can_work_on(user, case):
        return team_actions(case)
    if access.supervises(user, case):
        return [kind for kind in SUPERVISOR_ACTIONS if kind in ACTIONS_BY_KIND.get(case.kind, [])]
    return []


@transaction.atomic
def record_action(case, *, by, kind, note="", at=None, affected=None):
    internal = kind == ActionKind.CARE_EXTENDED and access.can_work_on(by, case)
    if not internal and kind not in allowed_actions(case, by):
        if not (access.can_work_on(by, case) or access.supervises(by, case)):
            raise PermissionDenied
        raise ValidationError(_("This step does not belong to this kind of case."))
    if not case.is_open:
        raise ValidationError(_("Reopen the case first."))
    at = at or timezone.now()
    if at > timezone.now():
        raise ValidationError(_("A step is recorded once it has happened: the time cannot be in the future."))
    if affected is not None and affected.case_id != case.pk:
        raise ValidationError(_("That person is not recorded on this case."))
    action = CaseAction.objects.create(case=case, kind=kind, at=at, stage=case.state, affected=affected, note=note,
                                       by=by)
    add_entry(case, by=by, kind=EntryKind.ACTION, reason=action.get_kind_display())
    return action
