"""The single sign-on hook: a trusted proxy's header names the employee; off unless configured."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from agencies.models import Employee

pytestmark = pytest.mark.django_db

HEADER = "HTTP_X_EMPLOYEE_NUMBER"
PROXY = "10.0.0.5"


@pytest.fixture
def sso(settings):
    settings.EAP_SSO_HEADER = HEADER
    settings.EAP_SSO_TRUSTED_PROXIES = [PROXY]
    return settings


def via_proxy(number, **extra):
    return {HEADER: number, "REMOTE_ADDR": PROXY, **extra}


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sso_is_off_by_default_and_the_header_is_ignored(cast, settings):
    assert settings.EAP_SSO_HEADER == ""
    client = Client()
    response = client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number))
    assert is_login_redirect(response)
    assert signed_in_user(client) is None


def test_the_header_signs_in_the_person_with_that_employee_number(cast, sso):
    client = Client()
    response = client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number))
    assert response.status_code == 200
    assert signed_in_user(client) == cast.a_employee.user
    # The session carries on while the proxy keeps vouching.
    assert client.get(reverse("my_profile"), **via_proxy(cast.a_employee.employee_number)).status_code == 200


def test_the_header_is_read_like_the_roster_reads_numbers(cast, sso):
    import unicodedata

    number = cast.a_employee.employee_number
    full_width = "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in number.lower())
    assert unicodedata.normalize("NFKC", full_width) != number  # lower case as well as full width
    client = Client()
    assert client.get(reverse("home"), **via_proxy(f" {full_width} ")).status_code == 200
    assert signed_in_user(client) == cast.a_employee.user
    assert signed_in_user_after(Client(), "X" * 300) is None


def signed_in_user_after(client, header):
    client.get(reverse("home"), **via_proxy(header))
    return signed_in_user(client)


def test_an_unknown_number_signs_in_nobody_and_creates_no_account(cast, sso):
    users = get_user_model().objects.count()
    client = Client()
    assert is_login_redirect(client.get(reverse("home"), **via_proxy("NO-SUCH-NUMBER")))
    assert get_user_model().objects.count() == users
    # Nor does a user name that is not an employee number.
    assert is_login_redirect(client.get(reverse("home"), **via_proxy("nobody")))


def test_an_inactive_account_or_a_leaver_is_not_signed_in(cast, sso):
    get_user_model().objects.filter(pk=cast.a_employee.user_id).update(is_active=False)
    Employee.objects.filter(pk=cast.b_employee.pk).update(leave_date=datetime.date(2020, 1, 1))
    for person in (cast.a_employee, cast.b_employee):
        client = Client()
        assert is_login_redirect(client.get(reverse("home"), **via_proxy(person.employee_number)))
        assert signed_in_user(client) is None


def test_a_header_from_an_untrusted_address_is_ignored(cast, sso):
    client = Client()
    response = client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number, REMOTE_ADDR="192.0.2.9"))
    assert is_login_redirect(response)


def test_no_trusted_proxies_believes_any_address(cast, sso):
    sso.EAP_SSO_TRUSTED_PROXIES = []
    client = Client()
    response = client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number, REMOTE_ADDR="192.0.2.9"))
    assert response.status_code == 200


def test_a_header_naming_someone_else_switches_the_user(cast, sso):
    client = Client()
    client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number))
    client.get(reverse("home"), **via_proxy(cast.b_employee.employee_number))
    assert signed_in_user(client) == cast.b_employee.user


def test_a_password_session_of_someone_else_is_replaced_or_ended(cast, sso):
    client = Client()
    client.force_login(cast.a_supervisor.user)
    client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number))
    assert signed_in_user(client) == cast.a_employee.user

    other = Client()
    other.force_login(cast.a_supervisor.user)
    assert is_login_redirect(other.get(reverse("home"), **via_proxy("NO-SUCH-NUMBER")))
    assert signed_in_user(other) is None


def test_without_the_header_an_sso_session_ends_but_a_password_session_stays(cast, sso):
    client = Client()
    client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number))
    assert is_login_redirect(client.get(reverse("home"), REMOTE_ADDR=PROXY))

    password = Client()
    password.force_login(cast.a_supervisor.user)
    assert password.get(reverse("home"), REMOTE_ADDR=PROXY).status_code == 200


def test_an_sso_session_ends_when_the_person_leaves_or_sso_is_turned_off(cast, sso):
    client = Client()
    client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number))
    Employee.objects.filter(pk=cast.a_employee.pk).update(leave_date=datetime.date(2020, 1, 1))
    assert is_login_redirect(client.get(reverse("home"), **via_proxy(cast.a_employee.employee_number)))

    client = Client()
    client.get(reverse("home"), **via_proxy(cast.b_employee.employee_number))
    sso.EAP_SSO_HEADER = ""
    assert is_login_redirect(client.get(reverse("home"), **via_proxy(cast.b_employee.employee_number)))


def test_the_password_login_is_unaffected_by_the_sso_backend(cast, sso):
    response = Client().post(reverse("login"), {"username": "a_employee", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.parametrize("name, value", [("EAP_SSO_HEADER", "X-Employee-Number"),
                                         ("EAP_SSO_TRUSTED_PROXIES", "proxy.example.gov.tw")])
def test_a_junk_sso_setting_is_refused_at_start(name, value):
    from eap_portal.tests.test_settings_modes import run_check

    result = run_check(**{name: value})
    assert result.returncode != 0
    assert name in result.stderr
