"""The 24-hour suicide report (「如知悉自殺行為情事」, DOMAIN §6). On any case, recording that a
suicidal act became known starts a clock from the time of knowledge: the report to the national
suicide-prevention reporting system is due 24 hours later — never moved to a working day.

- The assignee is reminded at once and again at +12 h; at +24 h the convener and the agency's EAP
  officers are told. `chase_suicide_reports` sends each of these once per report and stage, however
  often it runs and however late (a missed run loses nothing): every notification has its own key.
- The portal records the report (when, by whom, reference number); it does not send it.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Position, RoleAssignment
from agencies.roles import Role
from cases import access
from cases.follow_ups import follow_up_holder
from cases.models import EntryKind, SuicideReport
from cases.timeline import add_entry
from core import duties
from core.language import in_site_language
from core.models import EscalationTarget
from core.notifications import notify

DUTY_KIND = "suicide_report"
DUTY_TITLE = gettext_lazy("Report due within 24 hours")
REPORT_WITHIN = datetime.timedelta(hours=24)
SECOND_REMINDER = datetime.timedelta(hours=12)


@transaction.atomic
def record_suicidal_act(case, *, by, known_at, note=""):
    if not access.can_work_on(by, case):
        raise PermissionDenied
    if known_at > timezone.now():
        raise ValidationError(_("The time it became known cannot be in the future."))
    report = SuicideReport(case=case, known_at=known_at, note=note, recorded_by=by)
    holder = follow_up_holder(case, by) or by
    # Due exactly 24 hours after the time of knowledge: never moved to a working day.
    report.duty = duties.create_duty(
        kind=DUTY_KIND, title=in_site_language(DUTY_TITLE), due_at=known_at + REPORT_WITHIN, assignee=holder,
        team=case.team, person=case.subject, subject=case, agency=case.agency, urgent=True,
        escalate_to=EscalationTarget.EAP_OFFICER)
    report.save()
    add_entry(case, by=by, kind=EntryKind.SUICIDE_REPORT, reason=in_site_language(_("Suicidal act known: report "
                                                                                    "due within 24 hours")))
    _remind(report, "now")
    return report


@transaction.atomic
def file_report(report, *, by, reported_at, reference_number):
    if not access.can_work_on(by, report.case):
        raise PermissionDenied
    if not reference_number.strip():
        raise ValidationError(_("Give the reference number the reporting system returned."))
    if reported_at > timezone.now() or reported_at < report.known_at:
        raise ValidationError(_("The report was made after the act became known and not in the future."))
    report = SuicideReport.objects.select_for_update().get(pk=report.pk)
    if report.is_filed:
        raise ValidationError(_("This report has already been recorded."))
    report.reported_at, report.reported_by, report.reference_number = reported_at, by, reference_number.strip()
    report.save()
    if report.duty_id:
        duties.settle_duty(report.duty, by=by, outcome=report.reference_number)
    add_entry(report.case, by=by, kind=EntryKind.SUICIDE_REPORT,
              reason=in_site_language(_("Reported: %(reference)s") % {"reference": report.reference_number}))
    return report


def _link(report):
    return reverse("case_detail", args=[report.case_id])


def _remind(report, stage):
    duty = report.duty
    notify(duty.assignee, kind="duty_reminder", key=f"suicide_report:{report.pk}:{stage}:{duty.assignee_id}",
           link=_link(report))


def escalation_recipients(report):
    """The convener of the case's team and the agency's EAP officers — never anyone recused."""
    case = report.case
    users = [member.user for member in case.team.current_members().filter(position=Position.CONVENER)
             .select_related("user")]
    users += [ra.user for ra in RoleAssignment.objects.active().filter(
        role=Role.EAP_OFFICER, agency_id__in=case.agency.ancestor_ids()).select_related("user")]
    seen, found = set(), []
    for user in users:
        if user.pk not in seen and not access.is_recused_from(user, case):
            seen.add(user.pk)
            found.append(user)
    return found


def chase_suicide_reports(now=None):
    """Send every reminder and escalation that is due for reports not yet filed, each once; return
    how many notifications this run sent. A closed case still owes its report."""
    now = now or timezone.now()
    sent = 0
    open_reports = SuicideReport.objects.filter(reported_at__isnull=True, duty__isnull=False).select_related(
        "duty__assignee", "case__team", "case__agency", "case__subject")
    for report in open_reports.iterator():
        with transaction.atomic():
            before = _count(report)
            if now >= report.known_at + SECOND_REMINDER:
                _remind(report, "12h")
            if now >= report.due_at:
                for user in escalation_recipients(report):
                    notify(user, kind="duty_escalated", key=f"suicide_report:{report.pk}:24h:{user.pk}",
                           link=_link(report))
                _mark_escalated(report, now)
            sent += _count(report) - before
    return sent


def _count(report):
    from core.models import Notification

    return Notification.objects.filter(key__startswith=f"suicide_report:{report.pk}:").count()


def _mark_escalated(report, now):
    duty = report.duty
    if duty.escalated_at is None:
        from core.models import Duty

        locked = Duty.objects.select_for_update().get(pk=duty.pk)
        if locked.escalated_at is None:
            locked.escalated_at = now
            locked.save()
