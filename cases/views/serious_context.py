"""What the case page shows and offers for non-voluntary, crisis and high-concern cases, and for
the 24-hour report on any case. Kept apart from case_pages so each file holds one concern."""
from django.utils import timezone

from cases import access, crisis, forms, non_voluntary
from cases.emergency import emergency_contacts_for
from cases.views.serious import action_form


def serious_context(request, case):
    user = request.user
    reports = list(case.suicide_reports.select_related("recorded_by__employee", "reported_by__employee", "duty"))
    for report in reports:
        # A closed case still owes its report; each unfiled report has its own form (unique ids).
        if not report.is_filed:
            report.file_form = forms.FileReportForm(auto_id=f"report_{report.pk}_%s")
    context = {
        "actions": case.actions.select_related("by__employee", "affected__employee").order_by("-at", "-pk"),
        "suicide_reports": reports,
        "now": timezone.now(),
    }
    if case.is_open:
        kinds_form = action_form(case, user)
        if kinds_form.fields["kind"].choices:
            context["action_form"] = kinds_form
        context["suicidal_act_form"] = forms.SuicidalActForm(auto_id="suicidal_%s")
        context["file_report_form"] = forms.FileReportForm(auto_id="file_report_%s")
    if case.kind in ("non_voluntary", "crisis"):
        context["emergency_contacts"] = emergency_contacts_for(request, case)
        if case.is_open and case.referring_supervisor_id:
            context["ask_supervisor_form"] = forms.AskSupervisorForm(auto_id="ask_%s")
        context["may_report_safety_health"] = case.is_open and case.safety_health_reported_at is None
    if case.kind == "non_voluntary" and case.care_started_on:
        context["care"] = {
            "started": case.care_started_on, "minimum_ends": non_voluntary.minimum_care_ends(case),
            "review_on": non_voluntary.months_after(case.care_started_on, non_voluntary.REVIEW_AFTER_MONTHS),
            "may_approve": case.team_id in set(access.teams_convened_by(user)) and bool(case.early_close_reason)
            and case.early_close_approved_at is None,
        }
        if case.is_open:
            context["early_close_form"] = forms.ReasonForm(auto_id="early_%s")
            context["extend_form"] = forms.ReasonForm(auto_id="extend_%s")
    if case.kind == "crisis":
        context["affected"] = case.affected.select_related("employee")
        context["crisis_levels"] = case.crisis_levels.select_related("by__employee").order_by("-assessed_at", "-pk")
        context["current_level"] = crisis.current_level(case)
        if case.is_open:
            context["affected_form"] = forms.AffectedForm(people=access.people_served_by(user), auto_id="affected_%s")
            context["crisis_level_form"] = forms.CrisisLevelForm(auto_id="level_%s")
    return context
