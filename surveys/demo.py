"""The demo's screenings and surveys: the employee's own self-checks, an office tour of 社會局's
care team with one result over the threshold, an open anonymous needs survey with answers, an
identified activity survey, and two suggestions. Dates are relative to today."""
import datetime

from django.utils import timezone

from agencies.models import Employee
from core.actors import acting_as
from surveys import answering, selfcheck, tours
from surveys.models import Question, QuestionKind, Suggestion, Survey, SurveyKind

BUILD_AFTER_PEOPLE = True
NEEDS_TITLE = "員工協助方案需求調查"


def build(demo):
    if Survey.objects.filter(title=NEEDS_TITLE, owner=demo.agencies["DEMO-CITY"]).exists():
        return
    people, agencies = demo.people, demo.agencies
    today = timezone.localdate()
    staff = {e.full_name: e for e in Employee.objects.filter(agency__code__startswith="DEMO")}
    employee = people["employee"]
    with acting_as("command:load_demo"):
        for days, ratings, star in ((60, [1, 1, 0, 1, 0], 0), (14, [3, 2, 2, 2, 1], 0)):
            selfcheck.take_self_check(employee, ratings=ratings, star=star, by=employee.user,
                                      on=today - datetime.timedelta(days=days))
        team = demo.people["convener"].user.care_team_memberships.first().team
        tour = tours.create_tour(team=team, agency=agencies["DEMO-SOC"], unit="社會救助科",
                                 held_on=today - datetime.timedelta(days=20), screened_by=[people["careofficer"].user],
                                 by=people["convener"].user, notes="午休時間於科內辦理心情溫度計檢測。")
        for name, ratings in (("梁雅雯", [1, 0, 1, 0, 0]), ("蘇怡萱", [3, 3, 2, 2, 1]), ("高淑惠", [0, 1, 0, 0, 0])):
            tours.add_tour_screening(tour, employee=staff[name], ratings=ratings, star=0,
                                     by=people["careofficer"].user)

    city = agencies["DEMO-CITY"]
    needs = Survey.objects.create(
        title=NEEDS_TITLE, kind=SurveyKind.NEEDS, anonymous=True, owner=city, audience_agency=city,
        introduction="了解同仁對員工協助方案的需求，作為明年計畫規劃參考。填答不記名，無法追溯到個人。",
        opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=20),
        created_by=people["cityhr"].user)
    scale = Question.objects.create(survey=needs, order=1, text="我了解本府提供免費心理諮商服務", kind=QuestionKind.SCALE)
    topic = Question.objects.create(survey=needs, order=2, text="我最希望加強的服務", kind=QuestionKind.SINGLE,
                                    choices=["心理諮商", "法律諮詢", "紓壓課程", "主管關懷技巧"])
    new_staff = Question.objects.create(survey=needs, order=3, text="我到職未滿一年", kind=QuestionKind.SINGLE,
                                        choices=["是", "否"], is_segment=True)
    text = Question.objects.create(survey=needs, order=4, text="其他建議", kind=QuestionKind.TEXT, required=False)
    answerers = [p for p in ("supervisor", "careofficer", "safety", "agencyhr", "disteap", "teacher")]
    for n, username in enumerate(answerers):
        answering.submit_response(needs, people[username].user, {
            scale.pk: 3 + n % 3, topic.pk: n % 4, new_staff.pk: 1, text.pk: "希望增加晚間的諮商時段。" if n == 0 else ""},
            day=today - datetime.timedelta(days=n))

    Survey.objects.create(
        title="紓壓講座活動滿意度", kind=SurveyKind.ACTIVITY_SATISFACTION, anonymous=False, invite_follow_up=True,
        owner=agencies["DEMO-SOC"], audience_agency=agencies["DEMO-SOC"],
        opens_on=today - datetime.timedelta(days=2), closes_on=today + datetime.timedelta(days=5),
        created_by=people["eapofficer"].user).questions.create(order=1, text="整體而言，我對這次活動感到滿意",
                                                               kind=QuestionKind.SCALE)

    Suggestion.objects.create(agency=agencies["DEMO-SOC"], text="希望團體諮商可以安排在下午。", submitted_on=today)
    Suggestion.objects.create(agency=agencies["DEMO-SOC"], author=people["agencyhr"].user,
                              text="建議在內網公告心情溫度計的連結。", submitted_on=today - datetime.timedelta(days=3))
