from django.urls import path

from cases.views import case_actions, case_pages, experts, referrals, safety, serious, single_window, supervised

urlpatterns = [
    # The care team's and the EAP officer's case pages.
    path("cases/", case_pages.case_list, name="case_list"),
    path("cases/new/", case_pages.new_case, name="new_case"),
    path("cases/<int:pk>/", case_pages.case_detail, name="case_detail"),
    path("cases/<int:pk>/move/", case_actions.move, name="case_move"),
    path("cases/<int:pk>/assign/", case_actions.assign, name="case_assign"),
    path("cases/<int:pk>/hand-over/", case_actions.hand_over_case, name="case_hand_over_to_team"),
    path("cases/assignments/<int:pk>/end/", case_actions.end_assignment, name="case_assignment_end"),
    path("cases/<int:pk>/assessment/", case_actions.assessment, name="case_assessment"),
    path("cases/<int:pk>/services/", case_actions.arrange_service, name="case_service"),
    path("cases/<int:pk>/advice/", case_actions.advice, name="case_advice"),
    path("cases/<int:pk>/escalation/", case_actions.escalation, name="case_escalation"),
    path("cases/<int:pk>/follow-ups/", case_actions.follow_up, name="case_follow_up"),
    path("cases/<int:pk>/paper-files/", case_actions.paper_file, name="case_paper_file"),
    path("cases/paper-files/<int:pk>/destroyed/", case_actions.paper_file_destroyed, name="case_paper_file_destroyed"),
    path("cases/<int:pk>/screenings/", case_actions.attach_screening, name="case_screening"),
    path("cases/<int:pk>/interviews/", experts.plan, name="case_interview_plan"),
    path("cases/interviews/<int:pk>/", experts.interview_detail, name="case_interview"),
    path("cases/absences/<int:pk>/hand-over/", case_actions.hand_over, name="case_hand_over"),
    # Non-voluntary, crisis and high-concern cases; the 24-hour report on any case.
    path("cases/incidents/new/", serious.new_incident, name="new_incident"),
    path("cases/<int:pk>/actions/", serious.record_action, name="case_action"),
    path("cases/<int:pk>/affected/", serious.add_affected, name="case_affected"),
    path("cases/<int:pk>/crisis-level/", serious.crisis_level, name="case_crisis_level"),
    path("cases/<int:pk>/safety-health/", serious.report_to_safety_health, name="case_safety_health"),
    path("cases/<int:pk>/early-close/", serious.request_early_close, name="case_early_close"),
    path("cases/<int:pk>/early-close/approve/", serious.approve_early_close, name="case_early_close_approve"),
    path("cases/<int:pk>/extend-care/", serious.extend_care, name="case_extend_care"),
    path("cases/<int:pk>/ask-supervisor/", serious.ask_supervisor, name="case_ask_supervisor"),
    path("cases/<int:pk>/suicide-reports/", serious.record_suicidal_act, name="case_suicidal_act"),
    path("cases/suicide-reports/<int:pk>/", serious.file_report, name="case_suicide_report"),
    # The unit supervisor in non-voluntary and crisis cases of their unit.
    path("supervised/", supervised.supervised_list, name="supervised_list"),
    path("supervised/incident/", supervised.report_incident, name="supervised_incident"),
    path("supervised/<int:pk>/", supervised.supervised_case, name="supervised_case"),
    path("supervised/<int:pk>/actions/", supervised.supervised_action, name="supervised_action"),
    path("supervised/<int:pk>/safety-health/", supervised.supervised_safety_health, name="supervised_safety_health"),
    # The safety-and-health team: the cases reported to it.
    path("safety/", safety.safety_list, name="safety_list"),
    path("safety/<int:pk>/", safety.safety_case, name="safety_case"),
    # The single window.
    path("single-window/", single_window.contact_list, name="window_contacts"),
    path("single-window/<int:pk>/", single_window.contact_detail, name="window_contact"),
    path("single-window/<int:pk>/case/", single_window.to_case, name="window_to_case"),
    path("single-window/<int:pk>/booking/", single_window.to_booking, name="window_to_booking"),
    path("single-window/<int:pk>/information/", single_window.information, name="window_information"),
    # The supervisor's referrals.
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
]
