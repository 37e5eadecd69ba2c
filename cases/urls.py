from django.urls import path

from cases.views import case_actions, case_pages, experts, referrals, single_window

urlpatterns = [
    # The care team's and the EAP officer's case pages.
    path("cases/", case_pages.case_list, name="case_list"),
    path("cases/new/", case_pages.new_case, name="new_case"),
    path("cases/<int:pk>/", case_pages.case_detail, name="case_detail"),
    path("cases/<int:pk>/move/", case_actions.move, name="case_move"),
    path("cases/<int:pk>/assign/", case_actions.assign, name="case_assign"),
    path("cases/assignments/<int:pk>/end/", case_actions.end_assignment, name="case_assignment_end"),
    path("cases/<int:pk>/assessment/", case_actions.assessment, name="case_assessment"),
    path("cases/<int:pk>/services/", case_actions.arrange_service, name="case_service"),
    path("cases/<int:pk>/advice/", case_actions.advice, name="case_advice"),
    path("cases/<int:pk>/escalation/", case_actions.escalation, name="case_escalation"),
    path("cases/<int:pk>/follow-ups/", case_actions.follow_up, name="case_follow_up"),
    path("cases/<int:pk>/paper-files/", case_actions.paper_file, name="case_paper_file"),
    path("cases/<int:pk>/screenings/", case_actions.attach_screening, name="case_screening"),
    path("cases/<int:pk>/interviews/", experts.plan, name="case_interview_plan"),
    path("cases/interviews/<int:pk>/", experts.interview_detail, name="case_interview"),
    path("cases/absences/<int:pk>/hand-over/", case_actions.hand_over, name="case_hand_over"),
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
