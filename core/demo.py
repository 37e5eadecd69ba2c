"""The demo's duties, inbox, a declared typhoon day, a failed e-mail and some access-log rows, so
that every page of the shared services shows something. Dates are relative to today."""
import datetime

from django.utils import timezone

from agencies.models import CareTeam, Employee
from core import duties
from core.access_log import AccessAction, Purpose, record_access
from core.actors import Actor, acting_as
from core.models import DayException, DayKind, Duty, EmailState, Notification
from core.working_days import add_working_days

BUILD_AFTER_PEOPLE = True


def _at(day, hour=17):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build(demo):
    _access_request(demo.people)
    people = demo.people
    team = CareTeam.objects.filter(agency=demo.agencies["DEMO-SOC"]).first()
    if team is None or Duty.objects.filter(team=team).exists():
        return
    today = timezone.localdate()
    staff = {employee.full_name: employee for employee in Employee.objects.filter(agency__code="DEMO-SOC")}
    convener, officer = people["convener"].user, people["careofficer"].user
    with acting_as("command:load_demo"):
        duties.create_duty(
            kind="screening_follow_up", title="篩檢結果追蹤", team=team, person=staff["蘇怡萱"],
            due_at=_at(add_working_days(today, 2, team.agency)), remind_before=datetime.timedelta(days=1),
            escalate_after=datetime.timedelta(days=1),
            note="自我檢測分數達關懷門檻，同仁同意由關懷小組聯繫；建議先從睡眠談起。")
        soon = duties.create_duty(
            kind="screening_follow_up", title="篩檢結果追蹤", team=team, person=staff["何俊傑"],
            due_at=_at(add_working_days(today, 1, team.agency)), remind_before=datetime.timedelta(days=1),
            escalate_after=datetime.timedelta(days=1), note="同仁希望下班後以電話聯繫。")
        duties.assign_duty(soon, officer, by=convener)
        with acting_as(convener):
            late = duties.create_duty(
                kind="follow_up", title="關懷追蹤", team=team, person=staff["高淑惠"],
                due_at=_at(today - datetime.timedelta(days=3)), escalate_after=datetime.timedelta(days=1))
            duties.assign_duty(late, officer, by=convener)
            done = duties.create_duty(kind="follow_up", title="關懷追蹤", team=team, person=staff["羅志偉"],
                                      due_at=_at(today - datetime.timedelta(days=6)))
            duties.assign_duty(done, officer, by=convener)
        duties.complete_duty(done, by=officer, outcome="已電話關懷，同仁表示狀況穩定。")
        duties.escalate_overdue_duties()
        duties.create_duty(kind="handover", title="年度關懷小組名冊確認", assignee=people["eapofficer"].user,
                           agency=team.agency, due_at=_at(add_working_days(today, 5, team.agency)))

    next_month = today + datetime.timedelta(days=30)
    duties.record_absence(team, member=officer, deputy=people["safety"].user, starts_on=next_month,
                          ends_on=next_month + datetime.timedelta(days=4), by=convener)

    DayException.objects.get_or_create(day=datetime.date(today.year, 7, 29), agency=None,
                                       defaults={"kind": DayKind.DAY_OFF, "reason": "颱風停止上班"})
    DayException.objects.get_or_create(day=datetime.date(today.year, 9, 2), agency=demo.agencies["DEMO-DIST"],
                                       defaults={"kind": DayKind.DAY_OFF, "reason": "區內淹水停止上班"})

    Notification.objects.get_or_create(key="demo:welcome", defaults={
        "recipient": people["employee"].user, "kind": "message", "link": "/"})
    Notification.objects.get_or_create(key="demo:failed", defaults={
        "recipient": staff["梁雅雯"].user, "kind": "message", "email_state": EmailState.FAILED,
        "email_attempts": 5, "email_failed_at": timezone.now() - datetime.timedelta(hours=2),
        "email_error": "SMTPRecipientsRefused"})

    record_access(Actor(user=officer, ip_address="10.20.1.15", path=f"/duties/{soon.pk}/"), AccessAction.READ, soon,
                  person=soon.person, purpose=Purpose.duty(soon))
    record_access(Actor(user=convener, ip_address="10.20.1.8", path=f"/duties/{late.pk}/"), AccessAction.READ, late,
                  person=late.person, purpose=Purpose.by_role("convener", f"team:{team.pk}"))


def _access_request(people):
    """資料調閱: `supervisor` asks to read `employee`'s screenings before a referral; `employee` is asked
    to consent, then `approver` decides."""
    from core.access_requests import file_request
    from core.models import AccessCategory, AccessRequest

    employee = people["employee"]
    if AccessRequest.objects.filter(person=employee).exists():
        return
    today = timezone.localdate()
    supervisor = people["supervisor"].user
    with acting_as(supervisor):
        file_request(supervisor, person=employee, reason="同仁主動表示近期壓力大，轉介前需了解先前篩檢結果。",
                     categories=[AccessCategory.SCREENINGS], purpose="評估是否轉介關懷小組",
                     period_from=today - datetime.timedelta(days=365), period_until=today)
