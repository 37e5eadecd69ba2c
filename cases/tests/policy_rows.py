"""The cases rows of the access-policy table (DOMAIN §1). A's case is about a_employee, for A's care
team, with a_care_member assigned: the assigned member, A's convener and A's EAP officer see it;
everyone else — the subject, HR, reviewers, the provider not assigned, B's people — is told it does
not exist (404). The lists refuse whoever does not work on cases (403)."""
import datetime

from django.utils import timezone

from eap_portal.tests.policy import NOT_ALLOWED, Row, signed_in

WORKERS = signed_in(403, care_member=200, convener=200, eap_officer=200)
OPENERS = signed_in(403, convener=200, eap_officer=200)
SEES_A = signed_in(404, care_member=200, convener=200, eap_officer=200)
ACTS_ON_A = signed_in(404, care_member="redirect", convener="redirect", eap_officer="redirect")
MANAGES_A = signed_in(404, care_member=403, convener="redirect", eap_officer="redirect")
NOT_FOUND = signed_in(404)
WINDOW = signed_in(403, eap_officer=200)
WINDOW_OWN = signed_in(403, eap_officer="redirect")
WINDOW_OTHER = signed_in(403, eap_officer=404)
SUPERVISOR = signed_in(403, supervisor=200)


def _on_case(own, post_own=NOT_ALLOWED, objects="case"):
    return Row(objects=objects, own=own, other=NOT_FOUND if own is not NOT_ALLOWED else NOT_ALLOWED,
               post_own=post_own, post_other=NOT_FOUND if post_own is not NOT_ALLOWED else NOT_ALLOWED)


ROWS = {
    "cases/": Row(get=WORKERS, post=NOT_ALLOWED),
    "cases/new/": Row(get=OPENERS, post=OPENERS),  # POST {}: the form again, with its errors
    "cases/<int:pk>/": _on_case(SEES_A),
    "cases/<int:pk>/move/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/assign/": _on_case(NOT_ALLOWED, MANAGES_A),
    # A's case subject has not moved: the hand-over is refused with a message, back on the case.
    "cases/<int:pk>/hand-over/": _on_case(NOT_ALLOWED, MANAGES_A),
    "cases/assignments/<int:pk>/end/": _on_case(NOT_ALLOWED, MANAGES_A, objects="case_assignment"),
    "cases/<int:pk>/assessment/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/services/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/advice/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/escalation/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/follow-ups/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/paper-files/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/screenings/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/interviews/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/interviews/<int:pk>/": _on_case(SEES_A, SEES_A, objects="case_interview"),
    # The convener hands an absent member's cases to the deputy; an absence is the team's.
    "cases/absences/<int:pk>/hand-over/": Row(objects="absence", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                              post_own=signed_in(404, convener="redirect"),
                                              post_other=NOT_FOUND),
    # Non-voluntary, crisis and high-concern cases; the 24-hour report (A's case: a general one).
    "cases/incidents/new/": Row(get=OPENERS, post=OPENERS),
    "cases/<int:pk>/actions/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/affected/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/crisis-level/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/safety-health/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/early-close/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    # Only the convener approves an early closure; the member and the EAP officer are refused.
    "cases/<int:pk>/early-close/approve/": _on_case(NOT_ALLOWED, signed_in(404, care_member=403, convener="redirect",
                                                                           eap_officer=403)),
    "cases/<int:pk>/extend-care/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/ask-supervisor/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/<int:pk>/suicide-reports/": _on_case(NOT_ALLOWED, ACTS_ON_A),
    "cases/suicide-reports/<int:pk>/": _on_case(NOT_ALLOWED, ACTS_ON_A, objects="suicide_report"),
    # The unit supervisor: their non-voluntary and crisis cases (A's was reported by a_supervisor).
    "supervised/": Row(get=SUPERVISOR, post=SUPERVISOR),
    "supervised/incident/": Row(get=NOT_ALLOWED, post=signed_in(403, supervisor="redirect")),
    "supervised/<int:pk>/": Row(objects="supervised_case", own=SUPERVISOR, other=signed_in(403, supervisor=404),
                                post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    "supervised/<int:pk>/actions/": Row(objects="supervised_case", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                        post_own=signed_in(403, supervisor="redirect"),
                                        post_other=signed_in(403, supervisor=404)),
    "supervised/<int:pk>/safety-health/": Row(objects="supervised_case", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                              post_own=signed_in(403, supervisor="redirect"),
                                              post_other=signed_in(403, supervisor=404)),
    # The safety-and-health team: the cases reported to it, state and timeline only.
    "safety/": Row(get=signed_in(403, safety_health=200), post=NOT_ALLOWED),
    "safety/<int:pk>/": Row(objects="safety_case", own=signed_in(403, safety_health=200),
                            other=signed_in(403, safety_health=404), post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    # The single window: the EAP officer's alone; another agency's contact does not exist for them.
    "single-window/": Row(get=WINDOW, post=WINDOW),
    "single-window/<int:pk>/": Row(objects="window_contact", own=WINDOW, other=WINDOW_OTHER, post_own=NOT_ALLOWED,
                                   post_other=NOT_ALLOWED),
    "single-window/<int:pk>/case/": Row(objects="window_contact", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                        post_own=WINDOW_OWN, post_other=WINDOW_OTHER),
    "single-window/<int:pk>/booking/": Row(objects="window_contact", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                           post_own=WINDOW_OWN, post_other=WINDOW_OTHER),
    "single-window/<int:pk>/information/": Row(objects="window_contact", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                               post_own=WINDOW_OWN, post_other=WINDOW_OTHER),
    # The referring supervisor: their referrals, the coarse state and the advice; nobody else here.
    "referrals/": Row(get=SUPERVISOR, post=SUPERVISOR),
    "referrals/<int:pk>/": Row(objects="referral", own=SUPERVISOR, other=signed_in(403, supervisor=404),
                               post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
}


def _case(cast, side):
    from cases.tests.factories import assigned_case

    return assigned_case(cast, side)


def _assignment(cast, side):
    return _case(cast, side).assignments.get()


def _interview(cast, side):
    from cases.models import ExpertInterview
    from core.actors import acting_as

    case = _case(cast, side)
    member = getattr(cast, f"{side}_care_member").user
    with acting_as(member):
        return ExpertInterview.objects.create(case=case, starts_at=timezone.now() - datetime.timedelta(days=1),
                                              place="會議室", planned_by=member)


def _contact(cast, side):
    from cases.models import Contact
    from core.actors import acting_as

    officer = getattr(cast, f"{side}_eap_officer").user
    with acting_as(officer):
        return Contact.objects.create(agency=getattr(cast, side), channel="hotline", summary="詢問諮商方式",
                                      person=getattr(cast, f"{side}_employee"), logged_by=officer)


def _referral(cast, side):
    from cases.referrals import refer_employee
    from core.actors import acting_as

    supervisor = getattr(cast, f"{side}_supervisor")
    with acting_as(supervisor.user):
        return refer_employee(supervisor, getattr(cast, f"{side}_employee"), by=supervisor.user,
                              observations="近來常請假、情緒低落")


def _suicide_report(cast, side):
    from cases.suicide import record_suicidal_act
    from core.actors import acting_as

    case = _case(cast, side)
    member = getattr(cast, f"{side}_care_member").user
    with acting_as(member):
        return record_suicidal_act(case, by=member, known_at=timezone.now() - datetime.timedelta(hours=1))


def _non_voluntary(cast, side, reported=False):
    from cases.non_voluntary import report_non_voluntary, report_to_safety_health
    from core.actors import acting_as

    supervisor = getattr(cast, f"{side}_supervisor")
    with acting_as(supervisor.user):
        case = report_non_voluntary(supervisor, getattr(cast, f"{side}_employee"), by=supervisor.user,
                                    observations="拒絕就醫，情緒激動")
        if reported:
            report_to_safety_health(case, by=supervisor.user)
    return case


OBJECTS = {
    "suicide_report": lambda cast, side: {"pk": _suicide_report(cast, side).pk},
    "supervised_case": lambda cast, side: {"pk": _non_voluntary(cast, side).pk},
    "safety_case": lambda cast, side: {"pk": _non_voluntary(cast, side, reported=True).pk},
    "case": lambda cast, side: {"pk": _case(cast, side).pk},
    "case_assignment": lambda cast, side: {"pk": _assignment(cast, side).pk},
    "case_interview": lambda cast, side: {"pk": _interview(cast, side).pk},
    "window_contact": lambda cast, side: {"pk": _contact(cast, side).pk},
    "referral": lambda cast, side: {"pk": _referral(cast, side).pk},
}
