"""Accounts without e-mail: printed activation codes, activating, resetting, and who may print."""
import datetime
import logging
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from agencies import activation
from agencies.activation import activate, attempt_activation, issue_codes
from agencies.models import ActivationCode, Employee
from agencies.roles import Role
from agencies.tests.factories import EmployeeFactory, RoleFactory, UserFactory
from core.crypto import blind_index

pytestmark = pytest.mark.django_db

CODE_SHAPE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")
PASSWORD = "river-lantern-teapot-42"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def imported(agency, number, *, email="", unit="清潔隊", **fields):
    """A person as the roster import makes them: user name = employee number, no usable password."""
    user = UserFactory(username=number, email=email, password=None)
    return EmployeeFactory(agency=agency, user=user, employee_number=number, unit=unit, **fields)


def english_client():
    """Pages in English, so the tests can read their messages (the portal defaults to zh-Hant)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def signed_in(person):
    client = english_client()
    client.force_login(getattr(person, "user", person))
    return client


def code_for(person, by, now=None):
    [(_, code)] = issue_codes([person], by=by, now=now)
    return code


def activation_post(client, number, code, password=PASSWORD, **extra):
    return client.post(reverse("activate_account"), {"employee_number": number, "code": code,
                                                     "new_password1": password, "new_password2": password}, **extra)


# --- Issuing ----------------------------------------------------------------------------------

def test_a_code_is_grouped_from_an_unambiguous_alphabet_and_only_its_hash_is_stored(cast):
    worker = imported(cast.a, "W0001")
    code = code_for(worker, cast.a_eap_officer.user)
    assert CODE_SHAPE.match(code)
    stored = ActivationCode.objects.get(user=worker.user)
    assert stored.code_hash == blind_index(code.replace("-", ""), "activation_code")
    assert code not in str(ActivationCode.objects.filter(user=worker.user).values().get())
    assert stored.issued_by == cast.a_eap_officer.user


def test_a_code_expires_after_the_configured_days(cast, settings):
    settings.EAP_ACTIVATION_CODE_DAYS = 3
    now = timezone.now()
    code_for(imported(cast.a, "W0001"), cast.a_eap_officer.user, now=now)
    assert ActivationCode.objects.get().expires_at == now + datetime.timedelta(days=3)


def test_a_new_code_replaces_the_unused_one(cast):
    worker = imported(cast.a, "W0001")
    old = code_for(worker, cast.a_eap_officer.user)
    new = code_for(worker, cast.city_hr.user)
    assert ActivationCode.objects.get(code_hash=activation.code_hash(old)).revoked_at is not None
    with pytest.raises(ValidationError):
        activate("W0001", old, PASSWORD)
    assert activate("W0001", new, PASSWORD) == worker.user


def test_printing_many_codes_takes_the_same_few_queries(cast, django_assert_max_num_queries):
    people = [imported(cast.a, f"W{n:04d}") for n in range(40)]
    with django_assert_max_num_queries(6):
        issued = issue_codes(people, by=cast.a_eap_officer.user)
    assert len({code for _, code in issued}) == 40
    assert ActivationCode.objects.usable().count() == 40


def test_an_eap_officer_may_not_print_for_another_agency(cast):
    with translation.override("en"), pytest.raises(ValidationError, match="You may not print activation codes"):
        issue_codes([cast.b_employee], by=cast.a_eap_officer.user)
    assert not ActivationCode.objects.exists()


def test_nobody_prints_a_code_for_their_own_account(cast):
    for keeper in (cast.a_eap_officer, cast.city_hr):
        with pytest.raises(ValidationError):
            issue_codes([keeper], by=keeper.user)


def test_an_eap_officer_may_not_take_over_an_account_holding_a_role_they_cannot_grant(cast):
    # Someone on agency A's roster who is also city HR, and A's second EAP officer.
    city_hr_in_a = EmployeeFactory(agency=cast.a)
    RoleFactory(user=city_hr_in_a.user, role=Role.CITY_HR, agency=cast.city)
    second_officer = EmployeeFactory(agency=cast.a)
    RoleFactory(user=second_officer.user, role=Role.EAP_OFFICER, agency=cast.a)
    for person in (city_hr_in_a, second_officer):
        with pytest.raises(ValidationError):
            issue_codes([person], by=cast.a_eap_officer.user)
    # Roles an EAP officer grants do not stop them; city HR may print for everyone of the city.
    issue_codes([cast.a_convener, cast.a_agency_hr], by=cast.a_eap_officer.user)
    issue_codes([city_hr_in_a, second_officer, cast.b_eap_officer], by=cast.city_hr.user)


def test_nobody_prints_for_a_superuser_or_a_leaver(cast):
    admin = EmployeeFactory(agency=cast.a, user=UserFactory(is_superuser=True))
    leaver = EmployeeFactory(agency=cast.a, leave_date=datetime.date(2020, 1, 1))
    for person in (admin, leaver):
        with pytest.raises(ValidationError):
            issue_codes([person], by=cast.city_hr.user)


def test_one_refused_person_refuses_the_whole_print(cast):
    worker = imported(cast.a, "W0001")
    with pytest.raises(ValidationError):
        issue_codes([worker, cast.b_employee], by=cast.a_eap_officer.user)
    assert not ActivationCode.objects.exists()


# --- Activating -------------------------------------------------------------------------------

def test_issue_activate_and_log_in(cast):
    worker = imported(cast.a, "W0001")
    code = code_for(worker, cast.a_eap_officer.user)
    client = english_client()
    with translation.override("en"):
        response = activation_post(client, "W0001", code)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == worker.user.pk
    worker.user.refresh_from_db()
    assert worker.user.check_password(PASSWORD)
    assert ActivationCode.objects.get().used_at is not None
    # From now on, the employee number and the password.
    fresh = english_client()
    response = fresh.post(reverse("login"), {"username": "W0001", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_code_may_be_typed_in_lower_case_without_dashes(cast):
    worker = imported(cast.a, "W0001")
    code = code_for(worker, cast.a_eap_officer.user)
    assert activate(" W0001 ", code.replace("-", " ").lower(), PASSWORD) == worker.user


def test_a_used_code_does_not_work_twice(cast):
    worker = imported(cast.a, "W0001")
    code = code_for(worker, cast.a_eap_officer.user)
    activate("W0001", code, PASSWORD)
    with pytest.raises(ValidationError):
        activate("W0001", code, "another-long-password-7")
    worker.user.refresh_from_db()
    assert worker.user.check_password(PASSWORD)


def test_an_expired_code_is_refused(cast, settings):
    worker = imported(cast.a, "W0001")
    issued = timezone.now() - datetime.timedelta(days=settings.EAP_ACTIVATION_CODE_DAYS, seconds=1)
    code = code_for(worker, cast.a_eap_officer.user, now=issued)
    with pytest.raises(ValidationError):
        activate("W0001", code, PASSWORD)
    worker.user.refresh_from_db()
    assert not worker.user.has_usable_password()


def test_wrong_number_wrong_code_and_used_code_get_the_same_message(cast):
    worker = imported(cast.a, "W0001")
    other = imported(cast.a, "W0002")
    code = code_for(worker, cast.a_eap_officer.user)
    other_code = code_for(other, cast.a_eap_officer.user)
    activate("W0002", other_code, PASSWORD)
    messages = set()
    with translation.override("en"):
        for number, attempt in (("W9999", code), ("W0002", code), ("W0001", "AAAA-BBBB-CCCC"), ("W0002", other_code),
                                ("W0001", "")):
            with pytest.raises(ValidationError) as refused:
                activate(number, attempt, PASSWORD)
            messages.add(tuple(refused.value.messages))
        expected = {(activation.refused_message(),)}
    assert messages == expected
    assert ActivationCode.objects.get(user=worker.user).used_at is None


def test_a_weak_password_is_refused_and_the_code_still_works(cast):
    worker = imported(cast.a, "W000123456")
    code = code_for(worker, cast.a_eap_officer.user)
    for weak in ("12345", "W000123456x"):  # too short and numeric; too like the employee number
        with translation.override("en"):
            response = activation_post(english_client(), "W000123456", code, password=weak)
        assert response.status_code == 200 and response.context["form"].errors["new_password1"]
    assert ActivationCode.objects.get().used_at is None
    assert activate("W000123456", code, PASSWORD) == worker.user


def test_a_new_code_from_hr_resets_a_forgotten_password(cast):
    code = code_for(cast.a_employee, cast.a_eap_officer.user)
    activate(cast.a_employee.employee_number, code, PASSWORD)
    cast.a_employee.user.refresh_from_db()
    assert cast.a_employee.user.check_password(PASSWORD)


def test_a_leaver_or_a_disabled_account_cannot_activate(cast):
    leaver = imported(cast.a, "W0001")
    disabled = imported(cast.a, "W0002")
    codes = issue_codes([leaver, disabled], by=cast.a_eap_officer.user)
    Employee.objects.filter(pk=leaver.pk).update(leave_date=timezone.localdate() - datetime.timedelta(days=1))
    get_user_model().objects.filter(pk=disabled.user_id).update(is_active=False)
    for person, code in codes:
        with pytest.raises(ValidationError):
            activate(person.employee_number, code, PASSWORD)


def test_five_failures_lock_the_number_from_that_address_for_a_while(cast):
    worker = imported(cast.a, "W0001")
    code = code_for(worker, cast.a_eap_officer.user)
    client = Client(REMOTE_ADDR="10.1.1.1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(activation.FAILURE_LIMIT):
        activation_post(client, "W0001", "AAAA-AAAA-AAAA")
    with translation.override("en"):
        response = activation_post(client, "W0001", code)
    assert response.status_code == 200
    assert "Too many wrong attempts" in response.content.decode()
    assert ActivationCode.objects.get().used_at is None
    # A colleague at the same office address, and the same number from elsewhere, are not locked.
    with pytest.raises(ValidationError):
        attempt_activation("W0002", "AAAA-AAAA-AAAA", PASSWORD, address="10.1.1.1")
    assert activation.is_locked_out("W0001", "10.1.1.1")
    assert not activation.is_locked_out("W0002", "10.1.1.1")
    assert attempt_activation("W0001", code, PASSWORD, address="10.2.2.2") == worker.user


def test_the_lock_ends_after_fifteen_minutes(cast, settings):
    worker = imported(cast.a, "W0001")
    code = code_for(worker, cast.a_eap_officer.user)
    key = activation._failure_key("W0001", "10.1.1.1")
    cache.set(key, activation.FAILURE_LIMIT, timeout=1)
    assert activation.is_locked_out("W0001", "10.1.1.1")
    cache.delete(key)  # what the timeout does
    assert attempt_activation("W0001", code, PASSWORD, address="10.1.1.1") == worker.user


def test_the_activation_page_is_public_and_linked_from_the_login_page(cast):
    assert english_client().get(reverse("activate_account")).status_code == 200
    assert reverse("activate_account") in english_client().get(reverse("login")).content.decode()


# --- The HR page --------------------------------------------------------------------------------

def test_the_page_counts_the_chosen_people_and_those_left_out(cast):
    imported(cast.a, "W0001")
    imported(cast.a_sub, "W0002", email="w2@example.gov.tw")
    client = signed_in(cast.a_eap_officer)
    response = client.get(reverse("activation_codes"), {"agency": cast.a.pk})
    # A's people and its sub-agency's, less the officer themselves; nobody of B.
    expected = Employee.objects.filter(agency__in=[cast.a, cast.a_sub]).exclude(user=cast.a_eap_officer.user)
    assert response.context["count"] == expected.count()
    assert response.context["left_out"] == 1
    response = client.get(reverse("activation_codes"), {"agency": cast.a.pk, "not_activated": "on",
                                                        "without_email": "on"})
    assert response.context["count"] == 1
    response = client.get(reverse("activation_codes"), {"agency": cast.a.pk, "unit": "清潔隊"})
    assert response.context["count"] == 2


def test_an_eap_officer_cannot_choose_another_agency(cast):
    response = signed_in(cast.a_eap_officer).get(reverse("activation_codes"), {"agency": cast.b.pk})
    assert response.context["count"] is None and "agency" in response.context["form"].errors


def test_the_sheet_is_the_post_response_and_the_codes_are_nowhere_else(cast):
    worker = imported(cast.a, "W0001")
    client = signed_in(cast.a_eap_officer)
    choice = {"agency": cast.a.pk, "not_activated": "on"}
    page = client.get(reverse("activation_codes"), choice)
    sheet = client.post(reverse("activation_codes"), choice)
    assert sheet.status_code == 200
    assert "no-store" in sheet["Cache-Control"]
    html = sheet.content.decode()
    [(person, code)] = sheet.context["issued"]
    assert person == worker and code in html
    assert worker.full_name in html and "W0001" in html and cast.a.name in html
    assert "/accounts/activate/" in html
    assert code not in page.content.decode()
    again = client.get(reverse("activation_codes"), choice).content.decode()
    assert code not in again
    person_page = client.get(reverse("person_detail", args=[worker.pk])).content.decode()
    assert code not in person_page


def test_printing_writes_no_code_to_the_logs(cast):
    imported(cast.a, "W0001")
    records = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append
    root = logging.getLogger()
    root.addHandler(handler)
    old_level, root.level = root.level, logging.DEBUG
    try:
        sheet = signed_in(cast.a_eap_officer).post(reverse("activation_codes"), {"agency": cast.a.pk,
                                                                                 "not_activated": "on"})
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    [(_, code)] = sheet.context["issued"]
    assert not [record for record in records if code in record.getMessage()]


def test_too_many_people_for_one_print_are_refused_with_a_message(cast, monkeypatch):
    imported(cast.a, "W0001")
    imported(cast.a, "W0002")
    monkeypatch.setattr(activation, "MAX_CODES_PER_PRINT", 1)
    with translation.override("en"):
        response = signed_in(cast.a_eap_officer).post(reverse("activation_codes"), {"agency": cast.a.pk,
                                                                                    "not_activated": "on"})
    assert response.status_code == 200
    assert "print at most 1 codes at a time" in response.content.decode()
    assert not ActivationCode.objects.exists()


def test_agency_hr_may_not_print_codes(cast):
    client = signed_in(cast.a_agency_hr)
    assert client.get(reverse("activation_codes")).status_code == 403
    assert client.post(reverse("print_person_code", args=[cast.a_employee.pk])).status_code == 403


# --- The person page ------------------------------------------------------------------------------

def test_the_person_page_shows_the_account_to_its_keepers(cast):
    worker = imported(cast.a, "W0001")
    code_for(worker, cast.a_eap_officer.user)
    with translation.override("en"):
        html = signed_in(cast.a_eap_officer).get(reverse("person_detail", args=[worker.pk])).content.decode()
        assert "Not yet: no password" in html and "Print a new activation code" in html
        assert "not used yet, valid until" in html
        hidden = signed_in(cast.a_agency_hr).get(reverse("person_detail", args=[worker.pk])).content.decode()
        assert "Print a new activation code" not in hidden and "Latest activation code" not in hidden


def test_the_person_page_has_no_print_button_for_an_account_one_may_not_take_over(cast):
    with translation.override("en"):
        html = signed_in(cast.a_eap_officer).get(reverse("person_detail", args=[cast.a_eap_officer.pk]))
    assert html.context["account"] and not html.context["can_print_code"]


def test_print_a_new_code_from_the_person_page(cast):
    worker = imported(cast.a, "W0001")
    old = code_for(worker, cast.city_hr.user)
    response = signed_in(cast.a_eap_officer).post(reverse("print_person_code", args=[worker.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    [(_, code)] = response.context["issued"]
    assert code in response.content.decode() and code != old
    assert activate("W0001", code, PASSWORD) == worker.user


def test_another_agencys_person_is_not_found_and_a_refused_one_is_told_why(cast):
    client = signed_in(cast.a_eap_officer)
    assert client.post(reverse("print_person_code", args=[cast.b_employee.pk])).status_code == 404
    with translation.override("en"):
        response = client.post(reverse("print_person_code", args=[cast.a_eap_officer.pk]), follow=True)
    assert "You may not print activation codes" in response.content.decode()
    assert not ActivationCode.objects.exists()


# --- Password reset by e-mail ---------------------------------------------------------------------

def test_password_reset_mail_reaches_a_never_activated_person_with_an_address(cast):
    worker = imported(cast.a, "W0001", email="w1@example.gov.tw")
    client = english_client()
    client.post(reverse("password_reset"), {"email": "W1@example.gov.tw"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["w1@example.gov.tw"]
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    worker.user.refresh_from_db()
    assert worker.user.check_password(PASSWORD)


def test_password_reset_mail_does_not_reach_a_leaver_without_a_password(cast):
    imported(cast.a, "W0001", email="w1@example.gov.tw", leave_date=datetime.date(2020, 1, 1))
    english_client().post(reverse("password_reset"), {"email": "w1@example.gov.tw"})
    assert not mail.outbox


def test_the_reset_page_sends_people_without_email_to_their_personnel_office(cast):
    with translation.override("en"):
        html = english_client().get(reverse("password_reset")).content.decode()
    assert "ask your personnel office for a new activation code" in html.lower()
    assert reverse("activate_account") in html


@override_settings(EAP_ACTIVATION_CODE_DAYS=1)
def test_the_sheet_shows_the_expiry_in_roc_form(cast):
    imported(cast.a, "W0001")
    sheet = signed_in(cast.city_hr).post(reverse("activation_codes"), {"agency": cast.a.pk, "not_activated": "on"})
    expires = sheet.context["expires_at"]
    from eap_portal.rocdates import format_roc_date

    assert format_roc_date(expires) in sheet.content.decode()
    assert not re.search(r"20\d\d[-/年]", sheet.content.decode())


def test_the_sheet_puts_eight_slips_on_each_page(cast):
    for n in range(9):
        imported(cast.a, f"W{n:04d}")
    html = signed_in(cast.a_eap_officer).post(reverse("activation_codes"), {
        "agency": cast.a.pk, "not_activated": "on"}).content.decode()
    assert html.count('class="slip"') == 9
    assert html.count('<div class="sheet">') == 2 and html.count("</div><div class=\"sheet\">") == 1
