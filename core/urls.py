from django.urls import path

from core.views import access_requests, audit, duties, inbox, retention, statistics

urlpatterns = [
    path("duties/", duties.my_duties, name="my_duties"),
    path("duties/<int:pk>/", duties.duty_detail, name="duty_detail"),
    path("duties/<int:pk>/complete/", duties.complete_duty, name="complete_duty"),
    path("duties/<int:pk>/assign/", duties.assign_duty, name="assign_duty"),
    path("duties/team/", duties.team_duties, name="team_duties"),
    path("duties/team/<int:pk>/absences/", duties.record_absence, name="record_absence"),
    path("duties/absences/<int:pk>/end/", duties.end_absence, name="end_absence"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.inbox_open, name="inbox_open"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox_read_all"),
    path("audit/access-log/", audit.access_log, name="access_log"),
    path("access-requests/", access_requests.request_list, name="access_requests"),
    path("access-requests/new/", access_requests.request_new, name="access_request_new"),
    path("access-requests/<int:pk>/", access_requests.request_detail, name="access_request_detail"),
    path("access-requests/<int:pk>/move/", access_requests.request_move, name="access_request_move"),
    path("access-requests/<int:pk>/records/", access_requests.request_records, name="access_request_records"),
    path("legal-exceptions/case/<int:pk>/", access_requests.legal_exception, name="legal_exception"),
    path("hr/duties/", statistics.duty_statistics, name="duty_statistics"),
    path("hr/notifications/failed/", inbox.failed_emails, name="failed_emails"),
    path("hr/notifications/<int:pk>/retry/", inbox.retry_email, name="retry_email"),
    path("hr/destruction-register/", retention.destruction_register, name="destruction_register"),
    path("hr/legal-holds/", retention.legal_holds_page, name="legal_holds"),
    path("hr/legal-holds/<int:pk>/release/", retention.release_legal_hold, name="legal_hold_release"),
]
