from django.urls import path

from core.views import audit, duties, inbox, statistics

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
    path("hr/duties/", statistics.duty_statistics, name="duty_statistics"),
    path("hr/notifications/failed/", inbox.failed_emails, name="failed_emails"),
    path("hr/notifications/<int:pk>/retry/", inbox.retry_email, name="retry_email"),
]
