"""Screenings in a case: the care team's screenings of the person, or a self-check they shared,
attached to the case and shown on its page as a result (never the answers)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cases.models import EntryKind
from cases.screenings import attach_screening, attachable, attached_to
from cases.tests.factories import assigned_case
from core.actors import acting_as
from surveys.models import OfficeTour, Screening, Setting


def tour_screening(cast, employee, total=12):
    member = cast.a_care_member.user
    tour = OfficeTour.objects.create(team=cast.a_team, agency=cast.a, unit="綜合科", held_on=datetime.date(2025, 3, 5),
                                     created_by=member)
    with acting_as(member):
        return Screening.objects.create(
            employee=employee, setting=Setting.OFFICE_TOUR, taken_on=tour.held_on, tour=tour, screened_by=member,
            answers={"ratings": [3, 3, 2, 2, 2], "star": 0}, result={"total": total, "band": "moderate", "star": 0},
            created_by=member)


def self_check(cast, shared):
    employee = cast.a_employee
    with acting_as(employee.user):
        return Screening.objects.create(
            employee=employee, setting=Setting.SELF_CHECK, taken_on=datetime.date(2025, 3, 6),
            answers={"ratings": [1, 1, 1, 1, 1], "star": 0}, result={"total": 5, "band": "good", "star": 0},
            created_by=employee.user, team=cast.a_team,
            answers_shared_at=datetime.datetime(2025, 3, 6, tzinfo=datetime.timezone.utc) if shared else None)


@pytest.mark.django_db
def test_the_team_attaches_its_screening_of_the_person_and_the_page_shows_the_result(cast):
    case = assigned_case(cast)
    screening = tour_screening(cast, cast.a_employee)
    member = cast.a_care_member.user
    assert list(attachable(case, member)) == [screening]
    with acting_as(member):
        attach_screening(case, screening, by=member)
    assert list(attached_to(case)) == [screening]
    assert case.timeline.filter(kind=EntryKind.SCREENING).exists()
    assert not attachable(case, member).exists()  # attached once, to one case
    client = Client()
    client.force_login(member)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "總分 12／20" in page  # the portal speaks zh-Hant
    assert "3, 3, 2" not in page


@pytest.mark.django_db
def test_a_screening_of_someone_else_or_an_unshared_self_check_is_not_attached(cast):
    case = assigned_case(cast)
    other = tour_screening(cast, cast.a_supervisor)
    private = self_check(cast, shared=False)
    member = cast.a_care_member.user
    for screening in (other, private):
        with acting_as(member), pytest.raises(ValidationError):
            attach_screening(case, screening, by=member)
    assert not attached_to(case).exists()


@pytest.mark.django_db
def test_a_shared_self_check_can_be_attached_by_the_convener(cast):
    case = assigned_case(cast)
    shared = self_check(cast, shared=True)
    convener = cast.a_convener.user
    with acting_as(convener):
        attach_screening(case, shared, by=convener)
    assert list(attached_to(case)) == [shared]


@pytest.mark.django_db
def test_only_people_working_on_the_case_attach(cast):
    case = assigned_case(cast)
    screening = tour_screening(cast, cast.a_employee)
    outsider = cast.b_convener.user
    with acting_as(outsider), pytest.raises(PermissionDenied):
        attach_screening(case, screening, by=outsider)
    client = Client()
    client.force_login(cast.a_care_member.user)
    response = client.post(reverse("case_screening", args=[case.pk]), {"screening": screening.pk})
    assert response.status_code == 302
    assert list(attached_to(case)) == [screening]
