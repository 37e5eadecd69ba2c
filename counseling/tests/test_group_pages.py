"""Group counseling: the agency EAP officer asks for it for an agency of theirs, it draws on that
agency's group hours, and the analysis report is theirs (and the provider's) to download — nobody
else's, not even another agency's EAP officer."""
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from core.actors import acting_as
from core.models.audit import AccessLog
from counseling import services
from counseling.models import Booking, GroupTopic, QuotaAccount
from counseling.tests.conftest import at

URL = reverse("group_counseling")


def client_of(person):
    client = Client()
    client.force_login(getattr(person, "user", person))
    return client


def ask(client, world, agency=None, **fields):
    data = {"agency": (agency or world.cast.a).pk, "offer": world.cast.a_contract.pk, "topics": ["morale", "climate"],
            "intake_times": "四月平日下午", "description": "組織調整後士氣低落"}
    data.update(fields)
    return client.post(URL, data)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def attach_report(booking):
    with acting_as("test"):
        booking.analysis_report.save(f"analysis-{booking.pk}.pdf", ContentFile(b"%PDF-1.4 analysis"), save=True)


def test_the_officer_requests_group_counseling_and_it_draws_on_the_agencys_group_hours(counsel):
    cast = counsel.cast
    officer = client_of(cast.a_eap_officer)
    page = officer.get(URL)
    assert page.status_code == 200 and counsel.a_group_pool.name in page.content.decode()
    response = ask(officer, counsel)
    assert response.status_code == 302 and response["Location"] == URL
    booking = Booking.objects.get(service="group")
    assert (booking.agency, booking.provider, booking.pool) == (cast.a, cast.a_provider, counsel.a_group_pool)
    assert booking.topics == ["morale", "climate"] and booking.employee is None
    assert booking.created_by == cast.a_eap_officer.user
    with acting_as(counsel.provider):
        services.schedule_session(booking, by=counsel.provider, starts_at=at(3, 20), hours=2)
    account = QuotaAccount.objects.get(pool=counsel.a_group_pool, agency=cast.a, year=114)
    assert (account.held, account.consumed) == (2, 0)
    html = officer.get(URL).content.decode()
    assert "組織調整後士氣低落" not in html  # the list shows no description
    assert cast.a_provider.name in html and str(GroupTopic.MORALE.label) in html


def test_a_sub_agency_asks_on_its_own_group_hours(counsel):
    cast = counsel.cast
    assert ask(client_of(cast.a_eap_officer), counsel, agency=cast.a_sub).status_code == 302
    booking = Booking.objects.get(service="group")
    with acting_as(counsel.provider):
        services.schedule_session(booking, by=counsel.provider, starts_at=at(3, 20))
    assert QuotaAccount.objects.get(pool=counsel.a_group_pool, agency=cast.a_sub).held == 1
    assert not QuotaAccount.objects.filter(agency=cast.a).exists()


def test_a_request_is_refused_when_the_agency_has_no_group_hours_left(counsel):
    cast = counsel.cast
    officer = client_of(cast.a_eap_officer)
    ask(officer, counsel)
    with acting_as(counsel.provider):
        services.schedule_session(Booking.objects.get(), by=counsel.provider, starts_at=at(3, 20), hours=6)
    response = ask(officer, counsel)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Booking.objects.count() == 1


def test_an_officer_cannot_ask_for_another_agency_or_another_agencys_provider(counsel):
    cast = counsel.cast
    officer = client_of(cast.a_eap_officer)
    assert "agency" in ask(officer, counsel, agency=cast.b).context["form"].errors
    assert "offer" in ask(officer, counsel, offer=cast.b_contract.pk).context["form"].errors
    assert not Booking.objects.exists()


@pytest.mark.parametrize("role", ["a_agency_hr", "city_hr", "a_employee", "provider", "reviewer"])
def test_only_eap_officers_have_the_page(counsel, role):
    client = client_of(getattr(counsel.cast, role))
    assert client.get(URL).status_code == 403
    assert ask(client, counsel).status_code == 403
    assert not Booking.objects.exists()


def test_the_page_requires_login(counsel):
    assert Client().get(URL).status_code == 302


def test_another_agencys_officer_sees_none_of_its_group_bookings(counsel, media):
    cast = counsel.cast
    ask(client_of(cast.a_eap_officer), counsel)
    booking = Booking.objects.get()
    attach_report(booking)
    other = client_of(cast.b_eap_officer)
    html = other.get(URL).content.decode()
    assert cast.a_provider.name not in html and cast.a.name not in html
    assert other.get(reverse("group_report", args=[booking.pk])).status_code == 404


def test_the_report_is_downloaded_by_the_officer_and_the_provider_and_logged(counsel, media):
    cast = counsel.cast
    officer = client_of(cast.a_eap_officer)
    ask(officer, counsel)
    booking = Booking.objects.get()
    url = reverse("group_report", args=[booking.pk])
    assert officer.get(url).status_code == 404  # no report yet
    assert reverse("group_report", args=[booking.pk]) not in officer.get(URL).content.decode()
    attach_report(booking)
    assert url in officer.get(URL).content.decode()
    response = officer.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 analysis"
    log = AccessLog.objects.get(actor=cast.a_eap_officer.user)
    assert (log.action, log.purpose_role, log.record_ids) == ("read", "eap_officer", [str(booking.pk)])
    assert client_of(counsel.provider).get(url).status_code == 200
    assert AccessLog.objects.get(actor=counsel.provider).purpose_ref == f"provider:{cast.a_provider.pk}"
    for role in ("a_agency_hr", "city_hr", "a_employee", "b_eap_officer", "reviewer"):
        assert client_of(getattr(cast, role)).get(url).status_code == 404, role
