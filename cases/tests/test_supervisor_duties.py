"""The care team asks the supervisor of a non-voluntary or crisis case to do something: a duty for
the supervisor, which they see among their duties; nobody else is asked this way."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.non_voluntary import report_non_voluntary
from cases.supervisor_duties import KIND, ask_supervisor
from cases.tests.factories import open_general_case
from core.actors import acting_as
from core.models import Duty
from core.working_days import is_working_day, next_working_day

pytestmark = pytest.mark.django_db


def reported(cast):
    supervisor = cast.a_supervisor
    with acting_as(supervisor.user):
        return report_non_voluntary(supervisor, cast.a_employee, by=supervisor.user, observations="拒絕接受協助")


def ask(cast, case, who="a_convener", request="請每週關心兩次", due_on=None):
    user = getattr(cast, who).user
    with acting_as(user):
        return ask_supervisor(case, by=user, request=request,
                              due_on=due_on or timezone.localdate() + datetime.timedelta(days=3))


def test_the_supervisor_receives_the_step_as_a_duty_on_a_working_day(cast):
    case = reported(cast)
    saturday = timezone.localdate() + datetime.timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    duty = ask(cast, case, due_on=saturday)
    assert duty.kind == KIND and duty.assignee == cast.a_supervisor.user and duty.note == "請每週關心兩次"
    due_day = timezone.localtime(duty.due_at).date()
    assert is_working_day(due_day, case.agency)
    assert due_day == (saturday if is_working_day(saturday, case.agency) else next_working_day(saturday, case.agency))
    assert Duty.objects.visible_to(cast.a_supervisor.user).filter(pk=duty.pk).exists()
    assert not Duty.objects.visible_to(cast.a_employee.user).filter(pk=duty.pk).exists()  # the person concerned


def test_only_serious_cases_with_a_reporting_supervisor_and_a_real_request(cast):
    general = open_general_case(cast)
    with pytest.raises(ValidationError):
        ask(cast, general)
    case = reported(cast)
    with pytest.raises(ValidationError):
        ask(cast, case, request="  ")
    with pytest.raises(ValidationError):
        ask(cast, case, due_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        ask(cast, case, who="b_convener")
    assert not Duty.objects.filter(kind=KIND).exists()


def test_the_duty_page_links_each_reader_to_the_page_of_the_case_they_may_open(cast):
    from django.test import Client
    from django.urls import reverse

    case = reported(cast)
    duty = ask(cast, case)
    supervisor = Client()
    supervisor.force_login(cast.a_supervisor.user)
    page = supervisor.get(reverse("duty_detail", args=[duty.pk])).content.decode()
    assert reverse("supervised_case", args=[case.pk]) in page
    assert reverse("case_detail", args=[case.pk]) not in page
    convener = Client()
    convener.force_login(cast.a_convener.user)
    page = convener.get(reverse("duty_detail", args=[duty.pk])).content.decode()
    assert reverse("case_detail", args=[case.pk]) in page
