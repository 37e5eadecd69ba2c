import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from agencies.models import Agency, AgencyVersion, Employee, RoleAssignment
from agencies.roles import Role

pytestmark = pytest.mark.django_db


def signed_in(person):
    client = Client()
    client.force_login(getattr(person, "user", person))
    return client


def test_login_is_required_by_default(cast):
    response = Client().get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_employee_signs_in_with_their_password_and_lands_home(cast):
    client = Client()
    response = client.post(reverse("login"), {"username": "a_employee", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert cast.a_employee.full_name in client.get(reverse("home")).content.decode()


def test_a_wrong_password_is_refused_with_a_message(cast):
    response = Client().post(reverse("login"), {"username": "a_employee", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_urgent_help_page_is_public_and_lists_the_lines(cast):
    cast.city.contact_phone = "07-3306034"
    cast.city.save()
    html = Client().get(reverse("urgent_help")).content.decode()
    for line in ("1925", "1995", "119", "110", "07-3306034"):
        assert line in html


def test_password_reset_mail_is_discreet(cast):
    Client().post(reverse("password_reset"), {"email": cast.a_employee.user.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = (message.subject + message.body).lower()
    for word in ("eap", "counsel", "諮商", "協助方案", "關懷"):
        assert word not in text
    assert "/accounts/reset/" in message.body


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(cast):
    response = Client().post(reverse("password_reset"), {"email": "nobody-here@example.gov.tw"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_employee_home_shows_the_profile_and_roles(cast):
    html = signed_in(cast.a_convener).get(reverse("home")).content.decode()
    assert cast.a_convener.full_name in html and cast.a.name in html


def test_hr_without_a_profile_is_sent_to_the_hr_home(cast):
    user = get_user_model().objects.create_user("outside_hr")
    RoleAssignment.objects.create(user=user, role=Role.CITY_HR, agency=cast.city)
    response = signed_in(user).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("hr_home")


def test_needs_attention_lists_only_the_officers_own_subtree(cast):
    Employee.objects.filter(pk=cast.a_employee.pk).update(leave_date=datetime.date(2024, 1, 31))
    Employee.objects.filter(pk=cast.b_employee.pk).update(leave_date=datetime.date(2024, 1, 31))
    response = signed_in(cast.a_eap_officer).get(reverse("hr_home"))
    items = {item.key: item for item in response.context["attention"]}
    leavers = items["active_leavers"]
    assert leavers.count == 1 and leavers.examples == [Employee.objects.get(pk=cast.a_employee.pk)]
    city = signed_in(cast.city_hr).get(reverse("hr_home")).context["attention"]
    assert {i.key: i.count for i in city}["active_leavers"] == 2


def test_an_agency_without_an_officer_shows_on_the_city_hr_attention_list(cast):
    def without_officer():
        items = signed_in(cast.city_hr).get(reverse("hr_home")).context["attention"]
        return next((i.examples for i in items if i.key == "no_eap_officer"), [])

    assert cast.b not in without_officer() and cast.city in without_officer()
    RoleAssignment.objects.filter(user=cast.b_eap_officer.user).update(starts_on=datetime.date(2019, 1, 1),
                                                                       ends_on=datetime.date(2020, 1, 1))
    assert cast.b in without_officer()


def test_the_roster_filter_offers_only_the_officers_agencies(cast):
    client = signed_in(cast.a_eap_officer)
    response = client.get(reverse("people_list"))
    choices = {str(agency) for agency in response.context["filter"].form.fields["agency"].queryset}
    assert choices == {cast.a.name, cast.a_sub.name}
    # Asking for agency B by id gives a form error and none of B's people.
    response = client.get(reverse("people_list"), {"agency": cast.b.pk})
    assert response.context["filter"].form.errors
    assert cast.b_employee not in response.context["page"].object_list


def test_the_roster_filter_narrows_to_a_subtree(cast):
    response = signed_in(cast.a_eap_officer).get(reverse("people_list"), {"agency": cast.a_sub.pk})
    assert list(response.context["page"].object_list) == [cast.a_sub_employee]


def test_the_roster_search_finds_by_number(cast):
    response = signed_in(cast.city_hr).get(reverse("people_list"), {"q": cast.b_employee.employee_number})
    assert list(response.context["page"].object_list) == [cast.b_employee]


def test_renaming_an_agency_in_the_admin_keeps_the_old_name_with_its_dates(cast):
    client = signed_in(cast.a_eap_officer)
    url = reverse("admin:agencies_agency_change", args=[cast.a_sub.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in ("effective", "change_reason")}
    data.update({"name": "甲局新附屬機關", "effective": "114/1/1", "change_reason": "組織調整",
                 "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    versions = list(AgencyVersion.objects.filter(agency=cast.a_sub).order_by("valid_from"))
    assert [(v.name, v.valid_until) for v in versions] == [
        ("甲局附屬機關", datetime.date(2025, 1, 1)), ("甲局新附屬機關", None)]
    assert Agency.objects.get(pk=cast.a_sub.pk).name == "甲局新附屬機關"


def test_an_officer_cannot_move_an_agency_out_of_their_subtree(cast):
    client = signed_in(cast.a_eap_officer)
    url = reverse("admin:agencies_agency_change", args=[cast.a_sub.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"parent": cast.b.pk, "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200 and "parent" in response.context["adminform"].form.errors
    assert Agency.objects.get(pk=cast.a_sub.pk).parent == cast.a


def test_a_bad_roc_date_in_the_admin_gets_a_clear_message_and_changes_nothing(cast):
    client = signed_in(cast.a_eap_officer)
    url = reverse("admin:agencies_employee_change", args=[cast.a_employee.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data["hire_date"] = "114/02/30"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hire_date"]
    assert Employee.objects.get(pk=cast.a_employee.pk).hire_date == cast.a_employee.hire_date


class TestLoadDemo:
    def test_it_builds_every_role_and_is_idempotent(self):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        call_command("load_demo", stdout=io.StringIO())
        held = set(RoleAssignment.objects.values_list("role", flat=True))
        assert held == {role.value for role in Role}
        assert Agency.objects.filter(code="DEMO-CITY").count() == 1
        kinds = set(Agency.objects.values_list("kind", flat=True))
        assert {"first_level", "district_office", "school"} <= kinds
        assert Employee.objects.filter(is_supervisor=True, direct_reports__isnull=False).exists()

    def test_with_debug_off_no_demo_account_has_a_usable_password(self):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        assert not any(user.has_usable_password() for user in get_user_model().objects.all())
        assert "no usable password" in out.getvalue()

    @override_settings(DEBUG=True)
    def test_with_debug_on_it_prints_one_login_per_role(self):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        printed = out.getvalue()
        for username in ("employee", "supervisor", "careofficer", "convener", "eapofficer", "cityhr", "provider",
                         "reviewer", "approver", "agencyhead", "safety", "agencyhr"):
            assert f"  {username} " in printed
        assert get_user_model().objects.get(username="cityhr").check_password("demo-eap-114")


class TestLoginLockout:
    def fail(self, client, username, times):
        for _ in range(times):
            client.post(reverse("login"), {"username": username, "password": "wrong"})

    def test_five_failures_lock_that_user_name_from_that_address(self, cast):
        client = Client(REMOTE_ADDR="10.1.1.1")
        self.fail(client, "a_employee", 5)
        response = client.post(reverse("login"), {"username": "a_employee", "password": "correct-horse-battery"})
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_colleagues_behind_the_same_address_can_still_sign_in(self, cast):
        self.fail(Client(REMOTE_ADDR="10.1.1.1"), "a_employee", 5)
        colleague = Client(REMOTE_ADDR="10.1.1.1")
        response = colleague.post(reverse("login"), {"username": "b_employee", "password": "correct-horse-battery"})
        assert response.status_code == 302 and colleague.session["_auth_user_id"] == str(cast.b_employee.user.pk)

    def test_four_failures_then_success_resets_the_count(self, cast):
        client = Client(REMOTE_ADDR="10.1.1.2")
        self.fail(client, "a_employee", 4)
        assert client.post(reverse("login"), {"username": "a_employee",
                                              "password": "correct-horse-battery"}).status_code == 302
        client.logout()
        self.fail(client, "a_employee", 4)
        assert client.post(reverse("login"), {"username": "a_employee",
                                              "password": "correct-horse-battery"}).status_code == 302
