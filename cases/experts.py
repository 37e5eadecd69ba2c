"""Outside-expert interviews (附件一): plan (time, place, mode, the experts with licence and practice
registration), then record what was said, the advice to the employee and to the agency, the
follow-up, the fee and the procurement reference."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import access
from cases.models import EntryKind, Expert, ExpertInterview, InterviewState
from cases.timeline import add_entry
from core.language import in_site_language


def _check(case, by):
    if not access.can_work_on(by, case):
        raise PermissionDenied
    if not case.is_open:
        raise ValidationError(_("Reopen the case first."))


@transaction.atomic
def plan_interview(case, *, by, starts_at, place, mode, experts, purpose=""):
    """`experts`: dicts of name, profession, licence_number, practice_registration."""
    _check(case, by)
    experts = [expert for expert in experts if any((expert.get(k) or "").strip() for k in expert)]
    if not experts:
        raise ValidationError(_("Name at least one expert."))
    for expert in experts:
        missing = [k for k in ("name", "profession", "licence_number", "practice_registration")
                   if not (expert.get(k) or "").strip()]
        if missing:
            raise ValidationError(_("Each expert needs a name, a profession, a licence number and a practice "
                                    "registration."))
    interview = ExpertInterview.objects.create(case=case, starts_at=starts_at, place=place, mode=mode,
                                               purpose=purpose, planned_by=by)
    for expert in experts:
        Expert.objects.create(interview=interview, **{k: expert[k].strip() for k in
                                                      ("name", "profession", "licence_number",
                                                       "practice_registration")})
    add_entry(case, by=by, kind=EntryKind.INTERVIEW, reason=in_site_language(gettext_lazy("Planned")))
    return interview


@transaction.atomic
def record_interview(interview, *, by, record, advice_to_employee="", advice_to_agency="", follow_up="",
                     fee=None, procurement_reference=""):
    _check(interview.case, by)
    if not record.strip():
        raise ValidationError(_("Write the interview record."))
    if fee is not None and fee < 0:
        raise ValidationError(_("The fee cannot be negative."))
    interview = ExpertInterview.objects.select_for_update().get(pk=interview.pk)
    if interview.state == InterviewState.CANCELLED:
        raise ValidationError(_("This interview was cancelled."))
    if interview.starts_at > timezone.now():
        raise ValidationError(_("The interview is recorded once it has taken place."))
    interview.record, interview.advice_to_employee, interview.advice_to_agency = record, advice_to_employee, \
        advice_to_agency
    interview.follow_up, interview.fee, interview.procurement_reference = follow_up, fee, procurement_reference
    interview.state, interview.recorded_by, interview.recorded_at = InterviewState.HELD, by, timezone.now()
    interview.save()
    add_entry(interview.case, by=by, kind=EntryKind.INTERVIEW,
              reason=in_site_language(gettext_lazy("Held and recorded")))
    return interview


@transaction.atomic
def cancel_interview(interview, *, by, reason):
    _check(interview.case, by)
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for cancelling."))
    interview = ExpertInterview.objects.select_for_update().get(pk=interview.pk)
    if interview.state != InterviewState.PLANNED:
        raise ValidationError(_("Only a planned interview can be cancelled."))
    interview.state, interview.cancel_reason = InterviewState.CANCELLED, reason
    interview.save(update_fields=["state", "cancel_reason"])
    # The reason stays on the interview: the safety-and-health team reads the timeline of serious cases.
    add_entry(interview.case, by=by, kind=EntryKind.INTERVIEW, reason=in_site_language(gettext_lazy("Cancelled")))
    return interview
