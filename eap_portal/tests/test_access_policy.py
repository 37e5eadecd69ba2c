"""Every URL pattern × every role, against the declared table in policy.py.

The URL list comes from the resolver, not from the table, so a new URL without a row fails.
"""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from agencies.models import RoleAssignment
from agencies.tests.policy_rows import OBJECTS as AGENCIES_OBJECTS
from cases.tests.policy_rows import OBJECTS as CASES_OBJECTS
from core.models import DayException
from core.tests.policy_access_requests import OBJECTS as ACCESS_REQUEST_OBJECTS
from core.tests.policy_retention import OBJECTS as RETENTION_OBJECTS
from counseling.tests.policy_objects import OBJECTS as COUNSELING_OBJECTS
from courses.tests.policy_objects import ADMIN_OBJECTS as COURSES_ADMIN_OBJECTS
from courses.tests.policy_rows import OBJECTS as COURSES_OBJECTS
from eap_portal.tests.policy import POLICY, ROLES, _merge_app_rows
from surveys.tests.policy_rows import OBJECTS as SURVEYS_OBJECTS

_merge_app_rows()


def project_routes(resolver=None, prefix=""):
    """(route, pattern) for every URL pattern the project defines, admin included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from project_routes(pattern, route)
        else:
            yield route, pattern


ROUTES = dict(project_routes())


def test_every_url_has_a_row_in_the_policy_table():
    missing = sorted(set(ROUTES) - set(POLICY))
    assert not missing, f"URLs without an access-policy row: {missing}"
    stale = sorted(set(POLICY) - set(ROUTES))
    assert not stale, f"policy rows for URLs that no longer exist: {stale}"


def _duty(cast, side):
    """A fresh duty of the side's care team about its employee, held by its care officer: each
    request gets its own, so one role completing it does not change what the next one sees."""
    from core.tests.factories import DutyFactory

    return DutyFactory(agency=getattr(cast, side), team=getattr(cast, f"{side}_team"),
                       assignee=getattr(cast, f"{side}_care_member").user, person=getattr(cast, f"{side}_employee"))


def _absence(cast, side):
    import datetime

    from core.models import Absence

    return Absence.objects.create(team=getattr(cast, f"{side}_team"), member=getattr(cast, f"{side}_care_member").user,
                                  deputy=getattr(cast, f"{side}_convener").user, starts_on=datetime.date(2030, 1, 1),
                                  ends_on=datetime.date(2030, 1, 5), recorded_by=getattr(cast, f"{side}_convener").user)


def _notification(cast, side, failed=False):
    from core.models import EmailState, Notification

    count = Notification.objects.count()
    return Notification.objects.create(key=f"policy:{side}:{count}", recipient=getattr(cast, f"{side}_employee").user,
                                       kind="message", link="/", email_state=EmailState.FAILED if failed else
                                       EmailState.NONE)


def _admin_survey(cast, side):
    from surveys.models import Survey

    return Survey.objects.get_or_create(title=f"{side.upper()} 需求調查", owner=getattr(cast, side), defaults={
        "opens_on": datetime.date(2025, 9, 1), "closes_on": datetime.date(2025, 9, 30)})[0]


# Objects of agency A ("own") and agency B ("other") for URLs that take one.
OBJECTS = {
    "duty": lambda cast, side: {"pk": _duty(cast, side).pk},
    "team": lambda cast, side: {"pk": getattr(cast, f"{side}_team").pk},
    "absence": lambda cast, side: {"pk": _absence(cast, side).pk},
    "notification": lambda cast, side: {"pk": _notification(cast, side).pk},
    "failed_notification": lambda cast, side: {"pk": _notification(cast, side, failed=True).pk},
    **AGENCIES_OBJECTS,
    **ACCESS_REQUEST_OBJECTS,
    **RETENTION_OBJECTS,
    **COUNSELING_OBJECTS,
    **SURVEYS_OBJECTS,
    **CASES_OBJECTS,
    **COURSES_OBJECTS,
    "employee": lambda cast, side: {"pk": getattr(cast, f"{side}_employee").pk},
    "agency": lambda cast, side: {"pk": getattr(cast, side).pk},
}
ADMIN_OBJECTS = {
    "agency": lambda cast, side: getattr(cast, side),
    "employee": lambda cast, side: getattr(cast, f"{side}_employee"),
    "roleassignment": lambda cast, side: RoleAssignment.objects.get(user=getattr(cast, f"{side}_convener").user),
    "admin_shortcut": lambda cast, side: getattr(cast, side),
    "plan": lambda cast, side: getattr(cast, f"{side}_plan"),
    "amendment": lambda cast, side: getattr(cast, f"{side}_amendment"),
    "provider": lambda cast, side: getattr(cast, f"{side}_provider"),
    "contract": lambda cast, side: getattr(cast, f"{side}_contract"),
    "careteam": lambda cast, side: getattr(cast, f"{side}_team"),
    "training": lambda cast, side: getattr(cast, f"{side}_training"),
    "dayexception": lambda cast, side: DayException.objects.get_or_create(
        day=datetime.date(2025, 7, 29), agency=getattr(cast, side), defaults={"reason": "颱風停班"})[0],
    "survey": lambda cast, side: _admin_survey(cast, side),
    **COURSES_ADMIN_OBJECTS,
}


def url_for(route, pattern, row, cast, side):
    from django.urls.resolvers import RoutePattern

    kwargs = dict(row.kwargs)
    if row.objects in OBJECTS and isinstance(pattern.pattern, RoutePattern) and "<int:pk>" in route:
        kwargs.update(OBJECTS[row.objects](cast, side))
    elif row.objects:
        obj = ADMIN_OBJECTS[row.objects](cast, side)
        kwargs["object_id"] = str(obj.pk)
        if row.objects == "admin_shortcut":
            kwargs["content_type_id"] = str(ContentType.objects.get_for_model(obj).pk)
    return _fill(route, kwargs)


def _fill(route, kwargs):
    import re

    path = route
    for name, value in kwargs.items():
        value = str(value)
        path = re.sub(r"\(\?P<%s>[^)]*\)" % name, lambda _: value, path)
        path = re.sub(r"<(?:\w+:)?%s>" % name, lambda _: value, path)
    path = path.replace("^", "").replace("$", "")
    assert "<" not in path and "(?P" not in path, f"unfilled arguments in {route}: {path}"
    return "/" + path


def outcome(response):
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("login")):
            return "login"
        if location.startswith(reverse("admin:login")):
            return "admin_login"
        if location == reverse("admin:index"):
            return "admin_index"
        return "redirect" if response.status_code == 302 else 301
    return response.status_code


def client_for(cast, role):
    client = Client()
    attribute = ROLES[role]
    if attribute is not None:
        person = getattr(cast, attribute)
        client.force_login(getattr(person, "user", person))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(POLICY))
def test_url_answers_each_role_as_the_policy_says(cast, route):
    pattern, row = ROUTES[route], POLICY[route]
    checks = []
    if row.objects:
        checks += [("GET", "own", row.own), ("GET", "other", row.other),
                   ("POST", "own", row.post_own), ("POST", "other", row.post_other)]
    else:
        checks += [("GET", "own", row.get), ("POST", "own", row.post)]
    wrong = []
    for role in ROLES:
        client = client_for(cast, role)
        for method, side, expected in checks:
            if expected is None:
                continue
            url = url_for(route, pattern, row, cast, "a" if side == "own" else "b")
            response = client.get(url) if method == "GET" else client.post(url, {})
            got = outcome(response)
            if got != expected[role]:
                wrong.append(f"{method} {url} as {role} ({side}): expected {expected[role]}, got {got}")
    assert not wrong, "\n".join(wrong)
