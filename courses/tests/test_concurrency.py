"""Capacity holds under a race, in the database: 25 people pressing "Enrol" at once on a 10-seat session
through the pages on real PostgreSQL give exactly 10 seats and 15 places on the waiting list, and
seats given up while others enrol pass to the waiting list without ever exceeding the capacity."""
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the race is PostgreSQL's to prove")


def race(attempts):
    """Run each (user, url, data) POST in its own thread and connection, all released at once."""
    start = threading.Barrier(len(attempts))
    results = []

    def attempt(user, url, data):
        try:
            client = Client()
            client.force_login(user)
            start.wait()
            results.append(client.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def session(cast):
    from courses.tests.factories import CourseFactory, CourseSessionFactory

    return CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a), capacity=10)


@pytest.mark.django_db(transaction=True)
def test_twenty_five_concurrent_enrolments_on_ten_seats(cast, session):
    from agencies.tests.factories import EmployeeFactory
    from courses.models import EnrolmentState

    people = [EmployeeFactory(agency=cast.a) for _ in range(25)]
    url = reverse("course_enrol", args=[session.pk])
    results = race([(person.user, url, {}) for person in people])

    assert len(results) == 25 and all(status == 302 for status in results)
    assert session.enrolments.filter(state=EnrolmentState.ENROLLED).count() == 10
    assert session.enrolments.filter(state=EnrolmentState.WAITLISTED).count() == 15
    assert session.enrolments.values("employee").distinct().count() == 25
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_seats_given_up_during_a_rush_go_to_the_waiting_list_and_never_exceed_the_capacity(cast, session):
    from agencies.tests.factories import EmployeeFactory
    from core.models import Notification
    from courses.enrolment import enrol
    from courses.models import EnrolmentState

    seated = [enrol(EmployeeFactory(agency=cast.a), session) for _ in range(10)]
    waiting = [enrol(EmployeeFactory(agency=cast.a), session) for _ in range(5)]
    newcomers = [EmployeeFactory(agency=cast.a) for _ in range(10)]
    leaving = seated[:5]
    attempts = [(e.employee.user, reverse("course_cancel_enrolment", args=[e.pk]), {}) for e in leaving]
    attempts += [(person.user, reverse("course_enrol", args=[session.pk]), {}) for person in newcomers]
    results = race(attempts)

    assert len(results) == 15 and all(status == 302 for status in results)
    seats = session.enrolments.filter(state=EnrolmentState.ENROLLED)
    assert seats.count() == 10
    # Those who waited before the rush hold the freed seats; the newcomers queue behind them.
    assert set(seats.values_list("pk", flat=True)) == {e.pk for e in seated[5:] + waiting}
    assert session.enrolments.filter(state=EnrolmentState.WAITLISTED).count() == 10
    assert session.enrolments.filter(state=EnrolmentState.CANCELLED).count() == 5
    assert Notification.objects.filter(kind="course_seat_offered").count() == 5
