"""Access requests (資料調閱, DOMAIN §8): consent, decision, agreement, the grant, its expiry, and
the access-policy rows of their pages."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from cases.models import FollowUp, TimelineEntry
from cases.tests.factories import open_general_case
from core import access_requests
from core.actors import acting_as
from core.models import AccessLog, AccessRequest, Notification, PurposeKind, RequestState
from core.tasks import expire_access_grants
from core.tests.policy_access_requests import OBJECTS, ROWS
from eap_portal.tests.policy import ROLES
from eap_portal.tests.test_access_policy import _fill, client_for, outcome

TODAY = timezone.localdate()


def roc(day):
    return f"{day.year - 1911}/{day.month:02d}/{day.day:02d}"


def signed_in_client(client, person):
    client.force_login(getattr(person, "user", person))
    return client


def file_by_post(client, person, categories, **extra):
    data = {"person": person.pk, "categories": categories, "period_from": roc(TODAY - datetime.timedelta(days=30)),
            "period_until": roc(TODAY), "reason": "申訴調查需要", "purpose": "處理申訴案", **extra}
    return client.post("/access-requests/new/", data)


def follow_up(case, text):
    with acting_as(case.opened_by):
        return FollowUp.objects.create(case=case, on=TODAY, contact_type="phone", what_happened=text,
                                       by=case.opened_by)


def move(access_request, name, by, reason=""):
    with acting_as(by):
        return access_requests.move(access_request, name, by=by, reason=reason)


def own_request(person, categories=("timeline",)):
    with acting_as(person.user):
        return access_requests.file_request(person.user, person=person, reason="了解", purpose="自我了解",
                                            categories=list(categories), period_from=TODAY - datetime.timedelta(1),
                                            period_until=TODAY)


@pytest.fixture
def records(cast):
    """A case about a_employee with a follow-up, and one about b_employee: B's must never show."""
    own_case = open_general_case(cast, "a")
    other_case = open_general_case(cast, "b")
    return follow_up(own_case, "甲同仁睡眠改善中"), follow_up(other_case, "乙同仁的紀錄")


def test_the_full_path_through_the_pages(cast, records, client):
    hr = signed_in_client(client, cast.a_agency_hr)
    response = file_by_post(hr, cast.a_employee, ["timeline", "follow_ups"])
    filed = AccessRequest.objects.get()
    assert response.status_code == 302 and filed.state == RequestState.AWAITING_CONSENT
    assert Notification.objects.filter(recipient=cast.a_employee.user, kind=access_requests.CONSENT_ASKED).exists()
    # Before the person consents the approver is not told, and does not see it.
    assert not Notification.objects.filter(recipient=cast.access_approver.user).exists()
    approver = client_for(cast, "access_approver")
    assert approver.get(f"/access-requests/{filed.pk}/").status_code == 404

    person = client_for(cast, "employee")
    assert 'value="consent"' in person.get(f"/access-requests/{filed.pk}/").content.decode()
    person.post(f"/access-requests/{filed.pk}/move/", {"move": "consent"})
    filed.refresh_from_db()
    assert filed.state == RequestState.UNDER_REVIEW and filed.consented_at
    assert Notification.objects.filter(recipient=cast.access_approver.user, kind=access_requests.REVIEW_ASKED)

    approver.post(f"/access-requests/{filed.pk}/move/", {"move": "approve"})  # no reason: refused
    filed.refresh_from_db()
    assert filed.state == RequestState.UNDER_REVIEW
    with translation.override("en"), pytest.raises(access_requests.MoveRefused, match="Give the reason"):
        move(filed, "refuse", cast.access_approver.user, "  ")
    approver.post(f"/access-requests/{filed.pk}/move/", {"move": "approve", "reason": "依申訴處理程序"})
    filed.refresh_from_db()
    assert filed.state == RequestState.APPROVED and filed.approver == cast.access_approver.user
    assert hr.get(f"/access-requests/{filed.pk}/records/").status_code == 404  # no agreement yet

    hr.post(f"/access-requests/{filed.pk}/move/", {"move": "accept_agreement"})  # the box not ticked
    filed.refresh_from_db()
    assert filed.state == RequestState.APPROVED
    hr.post(f"/access-requests/{filed.pk}/move/", {"move": "accept_agreement", "agreement": "on"})
    filed.refresh_from_db()
    assert filed.state == RequestState.GRANTED
    assert filed.grant_expires_at - filed.agreement_accepted_at == datetime.timedelta(days=14)

    before = AccessLog.objects.count()
    page = hr.get(f"/access-requests/{filed.pk}/records/")
    text = page.content.decode()
    assert page.status_code == 200 and "甲同仁睡眠改善中" in text and "乙同仁的紀錄" not in text
    logged = AccessLog.objects.order_by("pk")[before:]
    assert {(row.purpose_kind, row.purpose_ref, row.person_id) for row in logged} == {
        (PurposeKind.GRANT, f"grant:{filed.pk}", cast.a_employee.pk)}
    assert {row.record_type.model_class() for row in logged} == {TimelineEntry, FollowUp}
    own_follow_up, _ = records
    assert [str(own_follow_up.pk)] in [row.record_ids for row in logged]
    # Only the requester reads the grant; the person and the approver see the request alone.
    assert person.get(f"/access-requests/{filed.pk}/records/").status_code == 404
    assert approver.get(f"/access-requests/{filed.pk}/records/").status_code == 404


def test_the_grant_shows_nothing_beyond_its_categories(cast, records, client):
    grant = _granted(cast, ["follow_ups"])
    hr = signed_in_client(client, cast.a_agency_hr)
    assert hr.get(f"/access-requests/{grant.pk}/records/?category=timeline").status_code == 404
    assert hr.get(f"/access-requests/{grant.pk}/records/?category=screenings").status_code == 404
    before = AccessLog.objects.count()
    assert hr.get(f"/access-requests/{grant.pk}/records/?category=follow_ups").status_code == 200
    assert [row.record_type.model_class() for row in AccessLog.objects.order_by("pk")[before:]] == [FollowUp]
    # The records of the period only: a follow-up before it does not show.
    case = records[0].case
    with acting_as(case.opened_by):
        FollowUp.objects.create(case=case, on=TODAY - datetime.timedelta(days=90), contact_type="phone",
                                what_happened="期間以前的紀錄", by=case.opened_by)
    assert "期間以前的紀錄" not in hr.get(f"/access-requests/{grant.pk}/records/").content.decode()


def _granted(cast, categories):
    hr = cast.a_agency_hr.user
    with acting_as(hr):
        filed = access_requests.file_request(hr, person=cast.a_employee, reason="調查", purpose="申訴處理",
                                             categories=categories, period_from=TODAY - datetime.timedelta(30),
                                             period_until=TODAY)
    move(filed, "consent", cast.a_employee.user)
    move(filed, "approve", cast.access_approver.user, "同意")
    return move(filed, "accept_agreement", hr)


def test_consent_refused_ends_the_request(cast):
    hr = cast.a_agency_hr.user
    with acting_as(hr):
        filed = access_requests.file_request(hr, person=cast.a_employee, reason="調查", purpose="申訴處理",
                                             categories=["screenings"], period_from=TODAY, period_until=TODAY)
    with pytest.raises(PermissionDenied):
        move(filed, "consent", hr)  # only the person consents
    move(filed, "refuse_consent", cast.a_employee.user)
    filed.refresh_from_db()
    assert filed.state == RequestState.CONSENT_REFUSED and filed.ended_at
    assert Notification.objects.filter(recipient=hr, kind=access_requests.REQUEST_ANSWERED).exists()
    with pytest.raises(access_requests.MoveRefused):
        move(filed, "consent", cast.a_employee.user)
    assert not AccessRequest.objects.visible_to(cast.access_approver.user).exists()


def test_the_persons_own_request_skips_consent(cast):
    filed = own_request(cast.a_employee)
    assert filed.state == RequestState.UNDER_REVIEW and filed.is_own
    assert not Notification.objects.filter(kind=access_requests.CONSENT_ASKED).exists()
    assert Notification.objects.filter(recipient=cast.access_approver.user, kind=access_requests.REVIEW_ASKED)


def test_the_approver_never_decides_their_own_request(cast):
    filed = own_request(cast.access_approver)
    assert access_requests.allowed_moves(filed, cast.access_approver.user) == ["withdraw"]
    with pytest.raises(PermissionDenied):
        move(filed, "approve", cast.access_approver.user, "自己核准")


def test_a_request_only_about_people_visible_to_the_requester(cast, client):
    with acting_as(cast.a_employee.user), pytest.raises(PermissionDenied):
        access_requests.file_request(cast.a_employee.user, person=cast.b_employee, reason="r", purpose="p",
                                     categories=["timeline"], period_from=TODAY, period_until=TODAY)
    response = file_by_post(signed_in_client(client, cast.a_employee), cast.b_employee, ["timeline"])
    assert response.status_code == 200 and not AccessRequest.objects.exists()


def test_an_expired_grant_is_refused_and_the_task_is_idempotent(cast, records, client):
    grant = _granted(cast, ["follow_ups"])
    hr = signed_in_client(client, cast.a_agency_hr)
    later = grant.grant_expires_at + datetime.timedelta(seconds=1)
    assert not access_requests.open_grant(grant, cast.a_agency_hr.user, now=later)  # before the task runs
    with acting_as("test"):
        assert access_requests.expire_grants(now=grant.grant_expires_at - datetime.timedelta(seconds=1)) == 0
        assert access_requests.expire_grants(now=later) == 1
        assert access_requests.expire_grants(now=later) == 0
    grant.refresh_from_db()
    assert grant.state == RequestState.EXPIRED and grant.ended_at == later
    assert hr.get(f"/access-requests/{grant.pk}/records/").status_code == 404
    assert expire_access_grants() == 0


def test_the_requester_withdraws_an_open_grant(cast):
    grant = _granted(cast, ["timeline"])
    move(grant, "withdraw", cast.a_agency_hr.user)
    grant.refresh_from_db()
    assert grant.state == RequestState.WITHDRAWN
    assert not access_requests.open_grant(grant, cast.a_agency_hr.user)


def test_the_expiry_task_is_in_the_beat_schedule():
    from eap_portal.celery import app

    assert any(entry["task"] == "core.expire_access_grants" for entry in app.conf.beat_schedule.values())


def test_a_case_worker_records_a_legal_exception_and_the_person_sees_it(cast, client):
    from agencies.my_data import access_history
    from core.models import LegalExceptionUse

    case = open_general_case(cast, "a")
    worker = signed_in_client(client, cast.a_eap_officer)
    response = worker.post(f"/legal-exceptions/case/{case.pk}/",
                           {"exception": "suicide_self_harm", "note": "告知家屬以保護生命"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    use = LegalExceptionUse.objects.get()
    assert (use.used_by, use.person, use.exception, use.note) == (
        cast.a_eap_officer.user, cast.a_employee, "suicide_self_harm", "告知家屬以保護生命")
    logged = AccessLog.objects.get(purpose_kind=PurposeKind.LEGAL_EXCEPTION)
    assert (logged.actor, logged.person, logged.purpose_ref) == (
        cast.a_eap_officer.user, cast.a_employee, f"legal_exception:{use.pk}")
    assert logged in access_history(cast.a_employee.user)
    # The subject and another agency's workers do not reach the page.
    assert client_for(cast, "employee").get(f"/legal-exceptions/case/{case.pk}/").status_code == 404
    other = signed_in_client(type(client)(), cast.b_eap_officer)
    assert other.post(f"/legal-exceptions/case/{case.pk}/", {"exception": "criminal_code", "note": "x"}
                      ).status_code == 404
    assert LegalExceptionUse.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(ROWS))
def test_access_request_pages_answer_each_role_as_the_policy_says(cast, route):
    row = ROWS[route]
    checks = ([("GET", "a", row.own), ("GET", "b", row.other), ("POST", "a", row.post_own),
               ("POST", "b", row.post_other)] if row.objects else [("GET", "a", row.get), ("POST", "a", row.post)])
    urls = {side: _fill(route, OBJECTS[row.objects](cast, side) if row.objects else {}) for side in ("a", "b")}
    wrong = []
    for role in ROLES:
        client = client_for(cast, role)
        for method, side, expected in checks:
            response = client.get(urls[side]) if method == "GET" else client.post(urls[side], {})
            if outcome(response) != expected[role]:
                wrong.append(f"{method} {urls[side]} as {role}: expected {expected[role]}, got {outcome(response)}")
    assert not wrong, "\n".join(wrong)


def test_the_grant_lasts_as_long_as_the_covering_plan_says(cast, time_machine):
    """HR set the default period on the yearly plan (admin: Confidentiality); the setting is the fallback."""
    from plans.services import plans_covering

    time_machine.move_to(timezone.make_aware(datetime.datetime(2025, 6, 2, 10, 0)), tick=False)  # ROC 114
    plan = plans_covering(cast.a_employee, 114)[0]
    plan.access_grant_days = 3
    plan.save(update_fields=["access_grant_days"])
    grant = _granted(cast, ["timeline"])
    assert grant.grant_expires_at - grant.agreement_accepted_at == datetime.timedelta(days=3)
