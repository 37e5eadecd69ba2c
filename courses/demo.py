"""The demo's courses.

The Kaohsiung 111 plan gets its whole catalogue and summary-table targets from the shipped CSV files
(the same `import_courses` HR would run), and the 114 plan its course goals. The demo city's plan of
the current year gets series and categories from 114 and a small catalogue with sessions around
today: seats and a full session with its waiting list for `employee`, an online class, a course
only supervisors may take, one for a grade range `employee` is not in, a session waiting to be
closed, a held and closed one with its roll and satisfaction survey, and a cancelled one."""
import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Category, Employee, RoleAssignment
from agencies.roles import Role
from courses import attendance, enrolment
from courses.importing import import_file
from courses.models import (
    Course,
    CourseFormat,
    CourseSeries,
    CourseSession,
    CourseTarget,
    Facet,
    SessionState,
    TopicCategory,
)
from courses.planning import copy_course_structure
from plans.models import Plan

BUILD_AFTER_PEOPLE = True
DATA = Path(__file__).resolve().parent / "data"

# (facet, series, category, topic, format, audience text, purpose, rules, agency code, sessions)
# sessions: (days from today, start hour, capacity, venue or link, state)
CATALOGUE = [
    (Facet.ORGANISATION, "友善職場", "績效領導", "EAP 系列-同理心鍛鍊技巧研習班", CourseFormat.IN_PERSON,
     "本府各機關基層主管人員(非人事人員)",
     "提升基層主管運用同理心技巧進行溝通與關懷，並為有困擾之同仁提供轉介。", {"supervisors_only": True},
     "DEMO-CITY", [(12, 9, 30, "市政大樓 10 樓第一會議室", SessionState.OPEN)]),
    (Facet.ORGANISATION, "友善職場", "績效領導", "市政願景執行力專業知能研習班", CourseFormat.IN_PERSON,
     "本府薦任第八職等至第九職等及薦任第九職等職務人員", "儲備簡任人員所需核心能力並提升同仁施政目標執行力。",
     {"min_grade": 8, "max_grade": 9}, "DEMO-CITY", [(20, 9, 40, "公務人力發展中心 301 教室", SessionState.OPEN)]),
    (Facet.WORK, "樂活職場", "專業知能", "職場人際關係與溝通技巧研習班", CourseFormat.IN_PERSON,
     "本府所屬各機關學校工友(含技工及駕駛)及臨時人員", "讓職工夥伴建立良好人際關係與溝通技巧。",
     {"audience_categories": [Category.TECHNICIAN, Category.DRIVER, Category.JANITOR, Category.TEMPORARY]},
     "DEMO-CITY", [(9, 14, 40, "公務人力發展中心 201 教室", SessionState.OPEN),
                   (40, 14, 40, "公務人力發展中心 201 教室", SessionState.OPEN)]),
    (Facet.WORK, "樂活職場", "專業知能", "Microsoft Excel 報表統計研習班", CourseFormat.IN_PERSON,
     "本府各機關學校委任職以上公務人員(含職工)", "培養公務同仁應用 Excel 資料處理能力，提升資訊素養與工作效能。", {},
     "DEMO-SOC", [(-2, 9, 30, "公務人力發展中心電腦教室", SessionState.OPEN)]),
    (Facet.LIFE, "快活人生", "財務諮詢", "退休生活好EASY-退休理財研習班", CourseFormat.IN_PERSON,
     "本府各機關學校公教人員", "妥善規劃退休生活及理財規劃，保障退休老年經濟生活。", {},
     "DEMO-CITY", [(6, 14, 3, "社會局 3 樓大禮堂", SessionState.OPEN)]),
    (Facet.LIFE, "快活人生", "法律諮詢", "實用法律系列-民法親屬及繼承", CourseFormat.IN_PERSON,
     "本府各機關學校委任職以上公務人員", "增加對民法親屬及繼承之認知，提升公務人員法治素養。", {},
     "DEMO-CITY", [(15, 14, 100, "市政大樓 B1 國際會議廳", SessionState.CANCELLED)]),
    (Facet.LIFE, "快活人生", "社福諮詢", "長照新知研習班", CourseFormat.IN_PERSON,
     "社會局暨所屬機關同仁", "讓同仁認識長照各項補助服務項目。", {"agencies": ["DEMO-SOC"]},
     "DEMO-SOC", [(18, 14, 40, "社會局 5 樓會議室", SessionState.OPEN)]),
    (Facet.HEALTH, "慢活人生", "心理健康", "上班族情緒管理與紓壓", CourseFormat.LIVE_ONLINE,
     "本府各機關學校同仁", "認識壓力來源，學習情緒管理與自我照顧的方法。", {},
     "DEMO-CITY", [(3, 12, 80, "https://meet.demo.gov.tw/eap-stress", SessionState.OPEN)]),
    (Facet.HEALTH, "慢活人生", "心理健康", "芳療舒壓", CourseFormat.IN_PERSON,
     "本府各機關學校同仁", "藉由芳療舒壓活動使同仁得以抒緩情緒，獲得正向支持力量。", {},
     "DEMO-SOC", [(-9, 14, 25, "社會局 5 樓會議室", SessionState.CLOSED)]),
]
# Who takes which course: (topic, username or the n-th extra staff member) — the rest fill seats.
SEATS = {
    "退休生活好EASY-退休理財研習班": ["staff101", "staff102", "staff103", "employee", "staff104"],
    "上班族情緒管理與紓壓": ["employee", "careofficer", "staff105"],
    "Microsoft Excel 報表統計研習班": ["employee", "agencyhr", "staff101", "staff102", "staff103", "staff104",
                                  "staff105"],
    "芳療舒壓": ["employee", "careofficer", "staff101", "staff102", "staff103", "staff104", "staff105", "safety"],
    "實用法律系列-民法親屬及繼承": ["employee"],
    "EAP 系列-同理心鍛鍊技巧研習班": ["supervisor"],
}


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build(demo):
    _seed_plans()
    _seed_readers(demo)
    plan = getattr(demo, "plan", None) or Plan.objects.filter(owner__code="DEMO-CITY").order_by("-year").first()
    if plan is None or plan.courses.exists():
        return
    template = Plan.objects.filter(owner__code="KHH", year=114).first()
    if template is not None:
        copy_course_structure(template, plan)
    _current_catalogue(demo, plan)
    _current_targets(plan)


def _current_targets(plan):
    """This year's summary table, so that the targets report compares something: a few sessions per
    category, as a city would plan them."""
    for order, category in enumerate(TopicCategory.objects.filter(plan=plan).order_by("order", "pk")):
        CourseTarget.objects.get_or_create(plan=plan, category=category, format=CourseFormat.IN_PERSON,
                                           defaults={"sessions": 2 + order % 4, "participants": 80 + 20 * (order % 5)})


def _seed_readers(demo):
    """The seed plans belong to Kaohsiung, outside the demo city: city HR and the reviewer also hold
    their role there, so that they can read the 111 catalogue and its targets."""
    kaohsiung = Agency.objects.filter(code="KHH").first()
    if kaohsiung is None:
        return
    for username, role in (("cityhr", Role.CITY_HR), ("reviewer", Role.REVIEWER)):
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            RoleAssignment.objects.get_or_create(user=user, role=role, agency=kaohsiung)


def _seed_plans():
    """The 111 catalogue and targets, and the 114 goals: importing again changes nothing."""
    for code_year, names in ((111, ["kaohsiung-111-targets.csv", "kaohsiung-111-courses.csv"]),
                             (114, ["kaohsiung-114-goals.csv"])):
        plan = Plan.objects.filter(owner__code="KHH", year=code_year).first()
        if plan is None:
            continue
        for name in names:
            report = import_file(DATA / name, plan)
            if report.errors:
                raise RuntimeError(f"{name}: {report.errors[:3]}")


def _current_catalogue(demo, plan):
    today = timezone.localdate()
    agencies = demo.agencies
    hr = get_user_model().objects.filter(username="cityhr").first()
    for order, (facet, series, category, topic, fmt, audience, purpose, rules, code, sessions) in enumerate(
            CATALOGUE, 1):
        course = Course.objects.create(
            plan=plan, agency=agencies[code], facet=facet, topic=topic, format=fmt, audience_text=audience,
            purpose=purpose, planned_sessions=len(sessions), expected_per_session=sessions[0][2],
            series=CourseSeries.objects.get_or_create(plan=plan, name=series, defaults={"facet": facet})[0],
            category=TopicCategory.objects.filter(plan=plan, facet=facet, name__startswith=category).first(),
            audience_categories=rules.get("audience_categories", []), min_grade=rules.get("min_grade"),
            max_grade=rules.get("max_grade"), supervisors_only=rules.get("supervisors_only", False),
            first_date=today + datetime.timedelta(days=sessions[0][0]),
            last_date=today + datetime.timedelta(days=sessions[-1][0]))
        course.audience_agencies.set([agencies[c] for c in rules.get("agencies", [])])
        for number, (days, hour, capacity, place, state) in enumerate(sessions, 1):
            starts_at = _at(today + datetime.timedelta(days=days), hour)
            online = place.startswith("https://")
            session = CourseSession.objects.create(
                course=course, number=number, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3),
                registration_deadline=starts_at - datetime.timedelta(days=1), capacity=capacity,
                venue="" if online else place, online_link=place if online else "", hours=Decimal("3"))
            _fill(session, SEATS.get(topic, []), demo, hr, state)


def _fill(session, usernames, demo, hr, state):
    # Enrolments are made as they would have been: a week before the session, through the service.
    asked = min(timezone.now(), session.registration_deadline) - datetime.timedelta(days=7)
    for offset, username in enumerate(usernames):
        employee = Employee.objects.filter(user__username=username).first()
        if employee is not None:
            enrolment.enrol(employee, session, now=asked + datetime.timedelta(minutes=offset))
    if state == SessionState.CANCELLED:
        from courses.changes import cancel_session

        cancel_session(session, reason="講座講師臨時請假，另擇期辦理", by=hr)
    elif state == SessionState.CLOSED:
        # Held: everyone came but the last, who was marked absent; then the roll was closed.
        after = session.ends_at + datetime.timedelta(minutes=30)
        roll = list(attendance.roll_of(session))
        marks = {seat.pk: (seat is not roll[-1], session.hours) for seat in roll}
        attendance.mark_attendance(session, marks, by=hr, now=after)
        attendance.close_session(session, by=hr, now=after)
