"""The access approver reads and exports the access log; both are logged; nobody else reads it."""
import csv
import io

from django.test import Client
from django.urls import reverse

from core.access_log import Purpose, record_access
from core.actors import Actor
from core.models import AccessLog
from core.tests.factories import DutyFactory


def test_the_approver_searches_and_exports_the_log_and_each_is_logged(cast):
    duty = DutyFactory(agency=cast.a, assignee=cast.a_care_member.user, person=cast.a_employee)
    record_access(Actor(user=cast.a_care_member.user, ip_address="10.0.0.9"), "read", duty,
                  person=cast.a_employee, purpose=Purpose.duty(duty))
    client = Client()
    client.force_login(cast.access_approver.user)
    page = client.get(reverse("access_log"), {"person": cast.a_employee.employee_number}).content.decode()
    assert cast.a_employee.full_name in page and "10.0.0.9" in page
    assert AccessLog.objects.filter(actor=cast.access_approver.user, action="list").count() == 1

    response = client.get(reverse("access_log"), {"person": cast.a_employee.employee_number, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and cast.a_employee.employee_number in rows[1]
    export = AccessLog.objects.get(actor=cast.access_approver.user, action="export")
    assert export.rows == 1 and export.purpose_kind == "audit"


def test_hr_never_reads_the_access_log(cast):
    for person in (cast.city_hr, cast.a_eap_officer, cast.a_agency_hr):
        client = Client()
        client.force_login(person.user)
        assert client.get(reverse("access_log")).status_code == 403
        assert client.get(reverse("access_log"), {"format": "csv"}).status_code == 403
    assert not AccessLog.objects.visible_to(cast.city_hr.user).exists()
