"""HR's pages of the destruction register and the legal holds (DOMAIN §8): a paper file's destruction
recorded from its case, providers' confirmations, holds placed and released — and the purge
keeping or destroying accordingly."""
import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cases import follow_ups
from cases.models import PaperFile
from cases.tests.factories import assigned_case
from core import retention
from core.actors import acting_as
from core.models import DestructionEntry, LegalHold
from core.tests.test_retention import make_self_check
from eap_portal.rocdates import format_roc_date
from surveys.models import Screening


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English, so the tests read their messages (the portal defaults to zh-Hant)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

pytestmark = pytest.mark.django_db


def _roc(day):
    return format_roc_date(day, "short")


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def paper(cast):
    case = assigned_case(cast, "a")
    convener = cast.a_convener.user
    with acting_as(convener):
        return follow_ups.list_paper_file(case, by=convener, description="轉介單（紙本）", location="第二檔案櫃")


def _destroy(client, paper, day):
    with translation.override("en"):
        return client.post(reverse("case_paper_file_destroyed", args=[paper.pk]), {"on": _roc(day)}, follow=True)


def test_the_case_manager_records_a_paper_files_destruction_once(client, cast, paper):
    client.force_login(cast.a_eap_officer.user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = _destroy(client, paper, yesterday)

    paper.refresh_from_db()
    assert paper.destroyed_on == yesterday
    assert "Destruction of the paper file recorded." in _messages(response)
    entry = DestructionEntry.objects.get()
    assert (entry.job, entry.kind, entry.count, entry.recorded_by, entry.note) == (
        "paper_file", "paper_file", 1, cast.a_eap_officer.user, "第二檔案櫃")

    again = _destroy(client, paper, yesterday)

    assert "This paper file was already recorded as destroyed." in _messages(again)
    assert DestructionEntry.objects.count() == 1


def test_a_future_date_is_refused(client, cast, paper):
    client.force_login(cast.a_convener.user)

    response = _destroy(client, paper, timezone.localdate() + datetime.timedelta(days=1))

    assert "A destruction cannot be recorded for a future date." in _messages(response)
    assert PaperFile.objects.get(pk=paper.pk).destroyed_on is None
    assert not DestructionEntry.objects.exists()


@pytest.mark.parametrize("who, status", [("a_care_member", 403), ("b_eap_officer", 404), ("city_hr", 404)])
def test_only_the_cases_manager_records_it(client, cast, paper, who, status):
    client.force_login(getattr(cast, who).user)

    response = client.post(reverse("case_paper_file_destroyed", args=[paper.pk]), {"on": _roc(timezone.localdate())})

    assert response.status_code == status
    assert PaperFile.objects.get(pk=paper.pk).destroyed_on is None
    assert not DestructionEntry.objects.exists()


def test_the_case_page_offers_the_destruction_to_its_manager_only(client, cast, paper):
    url = reverse("case_paper_file_destroyed", args=[paper.pk])
    client.force_login(cast.a_convener.user)
    assert url in client.get(reverse("case_detail", args=[paper.case_id])).content.decode()
    client.force_login(cast.a_care_member.user)
    assert url not in client.get(reverse("case_detail", args=[paper.case_id])).content.decode()


def _confirmation(cast, **fields):
    data = {"provider": cast.a_provider.pk, "on": _roc(timezone.localdate()), "count": "12", "note": "個案紀錄"}
    return {**data, **fields}


def test_city_hr_records_a_providers_confirmation(client, cast):
    client.force_login(cast.city_hr.user)

    response = client.post(reverse("destruction_register"), _confirmation(cast))

    assert response.status_code == 302
    entry = DestructionEntry.objects.get()
    assert (entry.job, entry.count, entry.recorded_by) == ("provider_confirmation", 12, cast.city_hr.user)
    assert cast.a_provider.name in entry.note
    page = client.get(reverse("destruction_register")).content.decode()
    assert cast.a_provider.name in page


def test_a_confirmation_needs_a_count_or_a_note_and_no_future_date(client, cast):
    client.force_login(cast.city_hr.user)

    with translation.override("en"):
        neither = client.post(reverse("destruction_register"), _confirmation(cast, count="", note=""))
        future = client.post(reverse("destruction_register"),
                             _confirmation(cast, on=_roc(timezone.localdate() + datetime.timedelta(days=3))))

    assert "Give how many records were destroyed, or a note." in neither.content.decode()
    assert "A destruction cannot be recorded for a future date." in future.content.decode()
    assert not DestructionEntry.objects.exists()


def test_eap_officers_read_the_register_but_do_not_add_to_it(client, cast):
    client.force_login(cast.a_eap_officer.user)

    assert client.get(reverse("destruction_register")).status_code == 200
    assert client.post(reverse("destruction_register"), _confirmation(cast)).status_code == 403
    assert not DestructionEntry.objects.exists()


@pytest.mark.parametrize("who", ["a_agency_hr", "access_approver", "a_employee", "provider"])
def test_others_do_not_see_the_register(client, cast, who):
    person = getattr(cast, who)
    client.force_login(getattr(person, "user", person))

    assert client.get(reverse("destruction_register")).status_code == 403


@pytest.mark.parametrize("who", ["access_approver", "city_hr"])
def test_a_hold_on_a_person_keeps_their_due_self_check_until_released(client, cast, who):
    person = cast.a_employee
    screening = make_self_check(datetime.date(2015, 6, 15), person)
    client.force_login(getattr(cast, who).user)

    placed = client.post(reverse("legal_holds"), {"employee_number": person.employee_number, "reason": "申訴審議中"})

    assert placed.status_code == 302
    hold = LegalHold.objects.active().get()
    assert (hold.person, hold.placed_by) == (person, getattr(cast, who).user)
    assert person.full_name in client.get(reverse("legal_holds")).content.decode()
    retention.purge_expired(today=datetime.date(2025, 6, 15))
    assert Screening.objects.filter(pk=screening.pk).exists()

    released = client.post(reverse("legal_hold_release", args=[hold.pk]))

    assert released.status_code == 302
    assert not LegalHold.objects.active().exists() and LegalHold.objects.get().released_at
    retention.purge_expired(today=datetime.date(2025, 6, 15))
    assert not Screening.objects.filter(pk=screening.pk).exists()


def test_a_hold_on_one_record(client, cast):
    client.force_login(cast.access_approver.user)

    client.post(reverse("legal_holds"), {"kind": "single_window_contact", "record_id": "7", "reason": "訴訟中"})

    hold = LegalHold.objects.get()
    assert (hold.kind, hold.record_id, hold.person) == ("single_window_contact", "7", None)


def test_a_hold_needs_a_known_person_or_a_record(client, cast):
    client.force_login(cast.access_approver.user)

    with translation.override("en"):
        nobody = client.post(reverse("legal_holds"), {"employee_number": "NO-SUCH", "reason": "訴訟中"})
        nothing = client.post(reverse("legal_holds"), {"reason": "訴訟中"})

    assert "No one you may place a hold on has this employee number." in nobody.content.decode()
    assert "Name a person, or a kind of record and its id." in nothing.content.decode()
    assert not LegalHold.objects.exists()


def test_a_released_hold_cannot_be_released_again(client, cast):
    with acting_as(cast.city_hr.user):
        hold = LegalHold.objects.create(person=cast.a_employee, reason="已結案", released_at=timezone.now())
    client.force_login(cast.city_hr.user)

    with translation.override("en"):
        response = client.post(reverse("legal_hold_release", args=[hold.pk]), follow=True)

    assert "This hold was already released." in _messages(response)


@pytest.mark.parametrize("who", ["a_eap_officer", "a_agency_hr", "a_employee", "reviewer"])
def test_others_do_not_see_or_place_holds(client, cast, who):
    person = getattr(cast, who)
    client.force_login(getattr(person, "user", person))
    with acting_as(cast.city_hr.user):
        hold = LegalHold.objects.create(person=cast.a_employee, reason="訴訟中")

    assert client.get(reverse("legal_holds")).status_code == 403
    hold_form = {"kind": "access_log", "record_id": "1", "reason": "x"}
    assert client.post(reverse("legal_holds"), hold_form).status_code == 403
    assert client.post(reverse("legal_hold_release", args=[hold.pk])).status_code == 403
    assert LegalHold.objects.active().count() == 1
