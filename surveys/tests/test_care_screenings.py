"""Screenings by the care team (DOMAIN §7, Decision (b)): office tours and their roll, follow-up by
default for results over the threshold (band only, begin with sleep), members who see only the
people they screened, the risk-factor checklist with its scanned form, attaching to a case, and
every read logged. HR never reads a screening."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import CareTeamMember, Position
from agencies.tests.factories import EmployeeFactory, UserFactory
from core.actors import acting_as
from core.models import AccessLog, Duty
from core.models.audit import AccessAction, PurposeKind
from core.tests.factories import DutyFactory
from core.working_days import add_working_days
from surveys import tours
from surveys.bsrs5 import Band
from surveys.models import Instrument, OfficeTour, RiskLevel, Screening, Setting

HELD_ON = datetime.date(2025, 3, 5)  # ROC 114: the cast's plans cover it
ITEM_KEYS = ["sleep", "anxiety", "irritability", "depression", "inferiority"]


def client_of(person):
    client = Client()
    client.force_login(getattr(person, "user", person))
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def second(cast):
    """A second care officer of A's team."""
    other = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_second_officer"))
    CareTeamMember.objects.create(team=cast.a_team, user=other.user, position=Position.CARE_OFFICER,
                                  since=datetime.date(2020, 1, 1))
    return other


@pytest.fixture
def tour(cast, second):
    """A's tour of its 綜合科, both care officers screening."""
    created = OfficeTour.objects.create(team=cast.a_team, agency=cast.a, unit="綜合科", held_on=HELD_ON,
                                        created_by=cast.a_care_member.user)
    created.screened_by.set([cast.a_care_member.user, second.user])
    return created


def ratings_post(number, ratings, star=0, note=""):
    data = {"employee_number": number, "suicidal_thoughts": star, "note": note}
    data.update(dict(zip(ITEM_KEYS, ratings)))
    return data


def add(client, tour, number, ratings, star=0, note=""):
    return client.post(reverse("tour_add_screening", args=[tour.pk]), ratings_post(number, ratings, star, note))


def screen(tour, employee, by, ratings, star=0):
    with acting_as(by):
        return tours.add_tour_screening(tour, employee=employee, ratings=ratings, star=star, by=by)


# --- Recording a tour --------------------------------------------------------------------------

def test_a_member_records_a_tour_and_sees_it_listed_with_counts_only(cast, second):
    client = client_of(cast.a_care_member)
    page = client.get(reverse("office_tours"))
    assert page.status_code == 200
    response = client.post(reverse("office_tours"), {
        "team": cast.a_team.pk, "agency": cast.a_sub.pk, "unit": "秘書室", "held_on": "114/3/5",
        "screened_by": [cast.a_care_member.user.pk, second.user.pk], "notes": "午休後"})
    tour = OfficeTour.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("office_tour", args=[tour.pk])
    assert (tour.team, tour.agency, tour.unit, tour.held_on) == (cast.a_team, cast.a_sub, "秘書室", HELD_ON)
    assert set(tour.screened_by.all()) == {cast.a_care_member.user, second.user}
    people = [EmployeeFactory(agency=cast.a_sub) for _ in range(2)]
    screen(tour, people[0], cast.a_care_member.user, [3, 3, 3, 3, 0])
    screen(tour, people[1], cast.a_care_member.user, [0, 0, 0, 0, 0])
    html = client.get(reverse("office_tours")).content.decode()
    assert "秘書室" in html and "114" in html
    assert people[0].full_name not in html  # the list is counts only


def test_a_tour_needs_an_agency_the_team_serves_and_screeners_of_the_team(cast):
    client = client_of(cast.a_convener)
    response = client.post(reverse("office_tours"), {
        "team": cast.a_team.pk, "agency": cast.b.pk, "unit": "秘書室", "held_on": "114/3/5",
        "screened_by": [cast.b_care_member.user.pk]})
    assert response.status_code == 200 and not OfficeTour.objects.exists()
    form = response.context["form"]
    assert "agency" in form.errors and "screened_by" in form.errors


def test_a_team_covering_another_agency_tours_there(cast):
    cast.a_team.covers.add(cast.b)
    assert set(tours.team_agencies(cast.a_team)) >= {cast.a, cast.a_sub, cast.b}
    with pytest.raises(ValidationError):
        tours.create_tour(team=cast.a_team, agency=cast.city, unit="x", held_on=HELD_ON,
                          screened_by=[cast.a_care_member.user], by=cast.a_care_member.user)
    tour = tours.create_tour(team=cast.a_team, agency=cast.b, unit="民政課", held_on=HELD_ON,
                             screened_by=[cast.a_care_member.user], by=cast.a_care_member.user)
    assert tour.agency == cast.b


def test_only_current_members_record_tours(cast):
    with pytest.raises(PermissionDenied):
        tours.create_tour(team=cast.a_team, agency=cast.a, unit="x", held_on=HELD_ON, screened_by=[],
                          by=cast.b_care_member.user)
    membership = CareTeamMember.objects.get(user=cast.a_care_member.user)
    membership.until = datetime.date(2024, 12, 31)
    membership.save()
    assert client_of(cast.a_care_member).get(reverse("office_tours")).status_code == 403


# --- The roll and follow-up by default -----------------------------------------------------------

def test_a_tour_of_three_gives_one_follow_up_to_the_convener_with_the_band_only(cast, tour):
    people = [EmployeeFactory(agency=cast.a, unit="綜合科") for _ in range(3)]
    client = client_of(cast.a_care_member)
    assert add(client, tour, people[0].employee_number, [1, 1, 0, 1, 0]).status_code == 302
    assert add(client, tour, people[1].employee_number, [2, 2, 2, 2, 1]).status_code == 302   # 9: mild
    assert add(client, tour, people[2].employee_number, [3, 2, 3, 2, 1], note="主管異動").status_code == 302  # 11
    assert Screening.objects.filter(tour=tour).count() == 3
    duty = Duty.objects.get()
    assert duty.kind == "screening_follow_up" and duty.person == people[2] and duty.team == cast.a_team
    assert duty.assignee == cast.a_convener.user and not duty.urgent
    assert duty.subject == Screening.objects.get(employee=people[2])
    assert timezone.localtime(duty.due_at).date() == add_working_days(timezone.localdate(), 3, cast.a)
    assert duty.note == tours.follow_up_note("moderate")  # the band and the sleep hint, nothing else
    assert "11" not in duty.note and "主管異動" not in duty.note
    # Written in the portal's language whoever records it: the band and where to begin (sleep).
    assert "中度" in duty.note and "睡眠" in duty.note
    screening = Screening.objects.get(employee=people[2])
    assert screening.setting == Setting.OFFICE_TOUR and screening.taken_on == HELD_ON
    assert screening.screened_by == cast.a_care_member.user and screening.duty == duty
    assert screening.answers == {"ratings": [3, 2, 3, 2, 1], "star": 0}
    assert screening.result == {"total": 11, "band": "moderate", "star": 0}


def test_the_note_names_the_band_and_sleep_in_the_portals_language(cast, tour):
    person = EmployeeFactory(agency=cast.a)
    screen(tour, person, cast.a_care_member.user, [4, 4, 4, 3, 0])
    note = Duty.objects.get().note
    with translation.override("zh-hant"):
        band = str(Band.SEVERE.label)
    assert band in note
    assert "15" not in note and "4" not in note


def test_a_star_of_two_under_the_threshold_still_gets_an_urgent_duty(cast, tour):
    person = EmployeeFactory(agency=cast.a)
    screening = screen(tour, person, cast.a_care_member.user, [0, 1, 0, 1, 0], star=2)
    duty = Duty.objects.get()
    assert screening.duty == duty and duty.urgent and duty.assignee == cast.a_convener.user
    screen(tour, EmployeeFactory(agency=cast.a), cast.a_care_member.user, [0, 1, 0, 1, 0], star=1)
    assert Duty.objects.count() == 1


def test_the_threshold_is_the_covering_plans(cast, tour):
    cast.a_plan.screening_threshold = 8
    cast.a_plan.save()
    screen(tour, EmployeeFactory(agency=cast.a), cast.a_care_member.user, [2, 2, 2, 2, 0])
    assert Duty.objects.count() == 1
    screen(tour, EmployeeFactory(agency=cast.a), cast.a_care_member.user, [2, 2, 2, 1, 0])
    assert Duty.objects.count() == 1


def test_employees_of_another_agency_cannot_be_added_by_number(cast, tour):
    client = client_of(cast.a_care_member)
    response = add(client, tour, cast.b_employee.employee_number, [4, 4, 4, 4, 4])
    assert response.status_code == 200 and "employee_number" in response.context["form"].errors
    assert not Screening.objects.exists() and not Duty.objects.exists()
    # Someone under the toured agency is found; a leaver is not.
    assert add(client, tour, cast.a_sub_employee.employee_number, [0, 0, 0, 0, 0]).status_code == 302
    leaver = EmployeeFactory(agency=cast.a, leave_date=datetime.date(2024, 12, 31))
    response = add(client, tour, leaver.employee_number, [0, 0, 0, 0, 0])
    assert response.status_code == 200 and Screening.objects.count() == 1
    with pytest.raises(ValidationError):
        screen(tour, cast.b_employee, cast.a_care_member.user, [0, 0, 0, 0, 0])


def test_ratings_are_required_and_within_the_scale(cast, tour):
    client = client_of(cast.a_care_member)
    data = ratings_post(cast.a_employee.employee_number, [1, 1, 1, 1, 5])
    response = client.post(reverse("tour_add_screening", args=[tour.pk]), data)
    assert response.status_code == 200 and "inferiority" in response.context["form"].errors
    data = ratings_post(cast.a_employee.employee_number, [1, 1, 1, 1, 1], star="")
    response = client.post(reverse("tour_add_screening", args=[tour.pk]), data)
    assert "suicidal_thoughts" in response.context["form"].errors
    assert not Screening.objects.exists()


def test_members_do_not_see_each_others_screenings(cast, tour, second):
    person = EmployeeFactory(agency=cast.a, full_name="王小明")
    screening = screen(tour, person, cast.a_care_member.user, [1, 1, 1, 1, 1])
    url = reverse("screening_detail", args=[screening.pk])
    # The second member screened on the same tour, yet reads only whom they screened.
    assert client_of(second).get(url).status_code == 404
    roll = client_of(second).get(reverse("office_tour", args=[tour.pk]))
    assert roll.status_code == 200 and "王小明" not in roll.content.decode()
    assert client_of(cast.a_care_member).get(url).status_code == 200
    assert client_of(cast.a_convener).get(url).status_code == 200
    roll = client_of(cast.a_convener).get(reverse("office_tour", args=[tour.pk]))
    assert "王小明" in roll.content.decode()


def test_the_roll_shows_total_band_star_and_follow_up_state(cast, tour):
    person = EmployeeFactory(agency=cast.a, full_name="林美華", unit="人事室")
    screen(tour, person, cast.a_care_member.user, [3, 3, 3, 3, 0], star=3)
    response = client_of(cast.a_care_member).get(reverse("office_tour", args=[tour.pk]))
    html = response.content.decode()
    assert "林美華" in html and "人事室" in html and "★" in html
    row = response.context["rows"][0]
    assert (row["total"], row["urgent"]) == (12, True)
    assert row["screening"].duty.state == "open"


def test_the_subject_and_hr_never_read_a_screening_here(cast, tour, media):
    screening = screen(tour, cast.a_employee, cast.a_care_member.user, [3, 3, 3, 3, 3])
    for person in (cast.a_employee, cast.a_eap_officer, cast.city_hr, cast.a_agency_hr, cast.a_supervisor,
                   cast.b_convener):
        client = client_of(person)
        assert client.get(reverse("screening_detail", args=[screening.pk])).status_code == 404
        assert client.get(reverse("screening_form", args=[screening.pk])).status_code == 404
        assert client.get(reverse("office_tour", args=[tour.pk])).status_code == 404
        assert add(client, tour, cast.a_employee.employee_number, [0, 0, 0, 0, 0]).status_code == 404
    for person in (cast.a_employee, cast.a_eap_officer, cast.city_hr, cast.a_agency_hr):
        client = client_of(person)
        assert client.get(reverse("office_tours")).status_code == 403
        assert client.get(reverse("risk_checklist")).status_code == 403


def test_a_convener_screened_is_not_shown_their_own_screening(cast, tour):
    screening = screen(tour, cast.a_convener, cast.a_care_member.user, [3, 3, 3, 3, 3])
    assert client_of(cast.a_convener).get(reverse("screening_detail", args=[screening.pk])).status_code == 404
    duty = Duty.objects.get()
    assert duty.assignee != cast.a_convener.user  # recused: it goes to the EAP officer


# --- Reads are logged --------------------------------------------------------------------------

def test_reading_the_roll_and_a_screening_is_logged(cast, tour):
    person = EmployeeFactory(agency=cast.a)
    screening = screen(tour, person, cast.a_care_member.user, [3, 3, 3, 3, 0])
    assert not AccessLog.objects.exists()  # writing is not reading
    client_of(cast.a_convener).get(reverse("office_tour", args=[tour.pk]))
    listed = AccessLog.objects.get()
    assert (listed.action, listed.rows) == (AccessAction.LIST, 1)
    assert [str(pk) for pk in listed.record_ids] == [str(screening.pk)]
    assert (listed.actor, listed.purpose_kind, listed.purpose_role) == (cast.a_convener.user, PurposeKind.ROLE,
                                                                        "convener")
    client_of(cast.a_care_member).get(reverse("screening_detail", args=[screening.pk]))
    read = AccessLog.objects.latest("pk")
    assert (read.action, read.person, read.actor) == (AccessAction.READ, person, cast.a_care_member.user)
    assert (read.purpose_kind, read.purpose_role) == (PurposeKind.ROLE, "care_member")
    # The convener holds the follow-up duty: their read names it.
    client_of(cast.a_convener).get(reverse("screening_detail", args=[screening.pk]))
    read = AccessLog.objects.latest("pk")
    assert (read.purpose_kind, read.purpose_ref) == (PurposeKind.DUTY, f"duty:{screening.duty_id}")


def test_an_empty_roll_logs_nothing(cast, tour):
    client_of(cast.a_convener).get(reverse("office_tour", args=[tour.pk]))
    assert not AccessLog.objects.exists()


# --- The risk-factor checklist -------------------------------------------------------------------

PDF = b"%PDF-1.4 scanned checklist"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def post_checklist(client, cast, **fields):
    data = {"team": cast.a_team.pk, "employee_number": cast.a_employee.employee_number, "taken_on": "114/3/5",
            "level": RiskLevel.HIGH, "note": "由心理師施測"}
    data.update(fields)
    return client.post(reverse("risk_checklist"), data)


def test_the_checklist_with_a_scanned_form_is_downloaded_by_team_members_only(cast, tour, second, media):
    client = client_of(cast.a_care_member)
    assert client.get(reverse("risk_checklist")).status_code == 200
    upload = SimpleUploadedFile("王小明檢核表.pdf", PDF, content_type="application/pdf")
    response = post_checklist(client, cast, tour=tour.pk, scanned_form=upload)
    screening = Screening.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("screening_detail", args=[screening.pk])
    assert (screening.instrument, screening.setting, screening.tour) == (Instrument.RISK_CHECKLIST,
                                                                         Setting.OFFICE_TOUR, tour)
    assert screening.result == {"level": "high"} and screening.answers is None
    assert screening.taken_on == HELD_ON and screening.screened_by == cast.a_care_member.user
    assert screening.scanned_form.name.endswith(f"checklist-{screening.pk}.pdf")  # not the uploader's name
    assert (media / screening.scanned_form.name).read_bytes() == PDF
    url = reverse("screening_form", args=[screening.pk])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    log = AccessLog.objects.latest("pk")
    assert (log.action, log.person, log.path) == (AccessAction.READ, cast.a_employee, url)
    assert client_of(cast.a_convener).get(url).status_code == 200
    for person in (second, cast.a_employee, cast.a_eap_officer, cast.city_hr, cast.b_convener, cast.provider):
        assert client_of(person).get(url).status_code == 404
    page = client.get(reverse("screening_detail", args=[screening.pk])).content.decode()
    assert url in page and "由心理師施測" in page


def test_a_checklist_without_a_tour_is_by_a_professional(cast, media):
    client = client_of(cast.a_convener)
    upload = SimpleUploadedFile("scan.PNG", PNG, content_type="image/png")
    assert post_checklist(client, cast, level=RiskLevel.LOW, scanned_form=upload).status_code == 302
    screening = Screening.objects.get()
    assert (screening.setting, screening.tour, screening.result) == (Setting.PROFESSIONAL, None, {"level": "low"})
    assert screening.scanned_form.name.endswith(".png")
    assert not Duty.objects.exists()


def test_a_checklist_recorded_outside_a_tour_is_read_by_the_teams_convener_not_by_other_members(cast, second, media):
    assert post_checklist(client_of(cast.a_care_member), cast, level=RiskLevel.MEDIUM).status_code == 302
    screening = Screening.objects.get()
    assert screening.team == cast.a_team and screening.tour is None
    url = reverse("screening_detail", args=[screening.pk])
    assert client_of(cast.a_convener).get(url).status_code == 200
    assert client_of(second).get(url).status_code == 404
    assert client_of(cast.b_convener).get(url).status_code == 404


@pytest.mark.parametrize("name, content, size", [
    ("scan.docx", PDF, None),          # not a PDF, JPG or PNG
    ("scan.pdf", b"MZ\x90\x00 not a pdf", None),  # named as a PDF, is not one
    ("scan.pdf", PDF, 10 * 1024 * 1024 + 1),      # too large
])
def test_a_wrong_scanned_form_is_refused(cast, media, name, content, size):
    upload = SimpleUploadedFile(name, content + (b"0" * (size - len(content)) if size else b""))
    response = post_checklist(client_of(cast.a_care_member), cast, scanned_form=upload)
    assert response.status_code == 200 and "scanned_form" in response.context["form"].errors
    assert not Screening.objects.exists()


def test_the_checklist_is_only_for_staff_the_team_serves(cast, media):
    client = client_of(cast.a_care_member)
    response = post_checklist(client, cast, employee_number=cast.b_employee.employee_number)
    assert response.status_code == 200 and "employee_number" in response.context["form"].errors
    response = post_checklist(client, cast, employee_number="NO-SUCH")
    assert "employee_number" in response.context["form"].errors
    b_tour = OfficeTour.objects.create(team=cast.b_team, agency=cast.b, unit="x", held_on=HELD_ON,
                                       created_by=cast.b_care_member.user)
    response = post_checklist(client, cast, tour=b_tour.pk)
    assert "tour" in response.context["form"].errors
    assert not Screening.objects.exists()
    assert post_checklist(client, cast, employee_number=cast.a_sub_employee.employee_number).status_code == 302


def test_a_screening_without_a_scanned_form_has_none_to_download(cast, tour):
    screening = screen(tour, cast.a_employee, cast.a_care_member.user, [0, 0, 0, 0, 0])
    assert client_of(cast.a_care_member).get(reverse("screening_form", args=[screening.pk])).status_code == 404


# --- One screening -------------------------------------------------------------------------------

def test_the_screening_page_shows_the_answers_with_their_labels(cast, tour):
    screening = screen(tour, cast.a_employee, cast.a_care_member.user, [4, 0, 1, 2, 3], star=2)
    response = client_of(cast.a_care_member).get(reverse("screening_detail", args=[screening.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "睡眠困難" in html and "非常厲害" in html and "有自殺的想法" in html and "中等程度" in html
    assert html.index("睡眠困難") < html.index("感覺緊張不安")  # sleep first
    assert "114" in html


# --- Attaching to a case (issue 7) ---------------------------------------------------------------

def test_a_screening_attaches_to_a_case(cast, tour):
    screening = screen(tour, cast.a_employee, cast.a_care_member.user, [1, 1, 1, 1, 1])
    case = DutyFactory(agency=cast.a, team=cast.a_team, assignee=cast.a_care_member.user, person=cast.a_employee)
    tours.attach_to_case(screening, case, by=cast.a_care_member.user)
    screening.refresh_from_db()
    assert screening.case == case
    tours.attach_to_case(screening, case, by=cast.a_care_member.user)  # again: no change, no error
    other_case = DutyFactory(agency=cast.a, team=cast.a_team, assignee=cast.a_care_member.user,
                             person=cast.a_employee)
    with pytest.raises(ValidationError):
        tours.attach_to_case(screening, other_case, by=cast.a_care_member.user)


def test_a_case_about_someone_else_is_refused(cast, tour):
    screening = screen(tour, cast.a_employee, cast.a_care_member.user, [1, 1, 1, 1, 1])
    case = DutyFactory(agency=cast.a, team=cast.a_team, assignee=cast.a_care_member.user,
                       person=cast.a_sub_employee)
    with pytest.raises(ValidationError):
        tours.attach_to_case(screening, case, by=cast.a_care_member.user)


def test_a_self_check_attaches_only_once_its_answers_were_shared(cast):
    with acting_as("test"):
        own = Screening.objects.create(employee=cast.a_employee, setting=Setting.SELF_CHECK, taken_on=HELD_ON,
                                       answers={"ratings": [3, 3, 3, 3, 3], "star": 0},
                                       result={"total": 15, "band": "severe", "star": 0},
                                       created_by=cast.a_employee.user)
    case = DutyFactory(agency=cast.a, team=cast.a_team, assignee=cast.a_care_member.user, person=cast.a_employee)
    with pytest.raises(ValidationError):
        tours.attach_to_case(own, case, by=cast.a_care_member.user)
    own.refresh_from_db()
    assert own.case_id == ""
    with acting_as("test"):
        own.answers_shared_at = timezone.now()
        own.save()
    tours.attach_to_case(own, case, by=cast.a_care_member.user)
    own.refresh_from_db()
    assert own.case == case


def test_a_self_check_reaches_the_duty_holder_here_only_once_shared(cast):
    with acting_as("test"):
        own = Screening.objects.create(employee=cast.a_employee, setting=Setting.SELF_CHECK, taken_on=HELD_ON,
                                       answers={"ratings": [3, 3, 3, 3, 0], "star": 0},
                                       result={"total": 12, "band": "moderate", "star": 0},
                                       created_by=cast.a_employee.user)
    duty = DutyFactory(agency=cast.a, team=cast.a_team, assignee=cast.a_care_member.user, person=cast.a_employee)
    with acting_as("test"):
        own.duty = duty
        own.contact_accepted_at = timezone.now()
        own.save()
    url = reverse("screening_detail", args=[own.pk])
    assert client_of(cast.a_care_member).get(url).status_code == 404  # contact accepted, answers not shared
    assert client_of(cast.a_employee).get(url).status_code == 404    # their own pages are the self-check's
    with acting_as("test"):
        own.answers_shared_at = timezone.now()
        own.save()
    assert client_of(cast.a_care_member).get(url).status_code == 200
    read = AccessLog.objects.latest("pk")
    assert (read.purpose_kind, read.purpose_ref, read.person) == (PurposeKind.DUTY, f"duty:{duty.pk}", cast.a_employee)
