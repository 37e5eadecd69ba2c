from django.urls import path

from counseling.views import employee, group, provider, statistics

urlpatterns = [
    # The employee: balances, booking online, their bookings and rights.
    path("counseling/", employee.my_counseling, name="my_counseling"),
    path("counseling/book/", employee.book, name="book_counseling"),
    path("counseling/bookings/<int:pk>/", employee.my_booking, name="my_booking"),
    path("counseling/bookings/<int:pk>/another-counselor/", employee.another_counselor, name="another_counselor"),
    path("counseling/bookings/<int:pk>/end/", employee.end_counseling, name="end_counseling"),
    path("counseling/sessions/<int:pk>/cancel/", employee.cancel_session, name="cancel_my_session"),
    # The provider's inbox.
    path("provider/", provider.inbox, name="provider_inbox"),
    path("provider/bookings/new/", provider.new_booking, name="provider_new_booking"),
    path("provider/bookings/<int:pk>/", provider.booking, name="provider_booking"),
    path("provider/bookings/<int:pk>/intake/", provider.intake, name="provider_intake"),
    path("provider/bookings/<int:pk>/schedule/", provider.schedule, name="provider_schedule"),
    path("provider/bookings/<int:pk>/code/", provider.code, name="provider_code"),
    path("provider/bookings/<int:pk>/close/", provider.close, name="provider_close"),
    path("provider/bookings/<int:pk>/report/", provider.upload_report, name="provider_report"),
    path("provider/sessions/<int:pk>/record/", provider.record, name="provider_record_session"),
    path("provider/sessions/<int:pk>/cancel/", provider.cancel, name="provider_cancel_session"),
    # Group counseling: the agency EAP officer asks; the analysis report is theirs to read.
    path("hr/group-counseling/", group.group_counseling, name="group_counseling"),
    path("hr/group-counseling/<int:pk>/report/", group.report, name="group_report"),
    # Aggregates only, suppressed; reconciliation per provider and month.
    path("hr/counseling/", statistics.usage, name="counseling_usage"),
    path("hr/counseling/reconciliation/", statistics.reconciliation, name="counseling_reconciliation"),
]
