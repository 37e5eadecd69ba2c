"""The access-request rows of the access-policy table (DOMAIN §1, §8). Each side's object is a grant
its employee holds on their own records (a request about themselves, agreement signed, open): the
requester reads it and its records; the access approver (city-wide) sees the request but not the
records; everyone else is told it does not exist (404). The legal-exception page takes the cases
table's A case (about a_employee, a_care_member assigned): its workers alone reach it."""
import datetime

from django.utils import timezone

from cases.tests.policy_rows import OBJECTS as CASES_OBJECTS
from eap_portal.tests.policy import NOT_ALLOWED, Row, signed_in

CASE_WORKERS = signed_in(404, care_member=200, convener=200, eap_officer=200)

ROWS = {
    "access-requests/": Row(get=signed_in(200), post=NOT_ALLOWED),
    # Anyone signed in may file; POST {} is the form again, with its errors.
    "access-requests/new/": Row(get=signed_in(200), post=signed_in(200)),
    "access-requests/<int:pk>/": Row(objects="access_grant", own=signed_in(404, employee=200, access_approver=200),
                                     other=signed_in(404, access_approver=200),
                                     post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    # POST {} names no move: those who see the request are sent back to it with a message.
    "access-requests/<int:pk>/move/": Row(objects="access_grant", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                          post_own=signed_in(404, employee="redirect", access_approver="redirect"),
                                          post_other=signed_in(404, access_approver="redirect")),
    "access-requests/<int:pk>/records/": Row(objects="access_grant", own=signed_in(404, employee=200),
                                             other=signed_in(404), post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    # POST {}: the form again, with its errors.
    "legal-exceptions/case/<int:pk>/": Row(objects="case", own=CASE_WORKERS, other=signed_in(404),
                                           post_own=CASE_WORKERS, post_other=signed_in(404)),
}


def open_grant_of(cast, side):
    """The side's employee's own request, approved and signed: the grant is open."""
    from core import access_requests
    from core.actors import acting_as

    employee = getattr(cast, f"{side}_employee")
    today = timezone.localdate()
    with acting_as(employee.user):
        request = access_requests.file_request(
            employee.user, person=employee, reason="想了解自己的紀錄", purpose="自我了解",
            categories=["timeline", "screenings"], period_from=today - datetime.timedelta(days=365),
            period_until=today)
    with acting_as(cast.access_approver.user):
        access_requests.move(request, "approve", by=cast.access_approver.user, reason="本人申請")
    with acting_as(employee.user):
        return access_requests.move(request, "accept_agreement", by=employee.user)


OBJECTS = {
    "access_grant": lambda cast, side: {"pk": open_grant_of(cast, side).pk},
    "case": CASES_OBJECTS["case"],  # the same object as the cases rows'
}
