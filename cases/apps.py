from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases (DOMAIN §6): the single window, general cases (self-applied, supervisor referral,
    misconduct complainant), follow-ups, paper files and outside-expert interviews. A case is the
    agency's care system at work; a booking the employee makes directly is never one."""

    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases.access import exclude_recused_case_duties
        from cases.opening import end_deputy_assignments
        from core.access import DUTY_RECUSALS
        from core.duties import ABSENCE_ENDED_HOOKS
        from core.notifications import register_kind

        if end_deputy_assignments not in ABSENCE_ENDED_HOOKS:
            ABSENCE_ENDED_HOOKS.append(end_deputy_assignments)
        # A convener recused from a case (a misconduct respondent's chain, a person the crisis affects)
        # sees none of its duties, though they belong to the team they convene.
        if exclude_recused_case_duties not in DUTY_RECUSALS:
            DUTY_RECUSALS.append(exclude_recused_case_duties)

        # Neutral: a line in an inbox or an e-mail never says what the case is about or that it is one.
        # Private: HR's list of failed e-mails never shows them, since that a supervisor "raised a
        # matter" or a member was given one would tell HR that a case exists.
        register_kind("case_assigned", _("Something needs your attention"), private=True)
        register_kind("referral_advice", _("There is news about a matter you raised"), private=True)
        register_kind("safety_health_report", _("A matter has been reported to your team"), private=True)
        # The agency head and city HR learn the fact and the time of a crisis, nothing more.
        register_kind("crisis_reported", _("An emergency has been reported in your agency"), private=True)
