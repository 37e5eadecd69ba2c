"""The demo's counseling: a few employees' bookings with 凱旋醫院 (whose staff is the `provider`
login) in every state, a group request of 社會局, and held sessions across the year so the
aggregates and reconciliation show figures. Dates are relative to today."""
import datetime

from django.utils import timezone

from agencies.models import Employee
from core.actors import acting_as
from counseling import services
from counseling.models import Booking, Channel, SessionState
from plans.models import Contract, Counselor, Provider

BUILD_AFTER_PEOPLE = True
PROVIDER = "高雄市立凱旋醫院"


def _at(day, hour=14):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build(demo):
    provider = Provider.objects.filter(name=PROVIDER).first()
    staff_user = provider.staff.first() if provider else None
    if staff_user is None or Booking.objects.filter(provider=provider).exists():
        return
    counselors = [Counselor.objects.get_or_create(provider=provider, name=name, defaults={
        "gender": gender, "specialties": specialties})[0]
        for name, gender, specialties in (("陳心理師", "female", "壓力調適、家庭關係"),
                                          ("張心理師", "male", "職場適應、生涯"))]
    today = timezone.localdate()
    year = today.year - 1911
    # The seed plan names no price per hour; the demo's contracts get one so reconciliation shows amounts.
    Contract.objects.filter(plan__owner__code="DEMO-CITY", plan__year=year, price_per_hour__isnull=True).update(
        price_per_hour=2000)
    staff = {e.full_name: e for e in Employee.objects.filter(agency__code__startswith="DEMO")}
    people = demo.people

    def offer(employee):
        return next(o for o in services.offers_for(employee, year) if o.contract.provider == provider
                    and o.service == "individual")

    def held(booking, day, consent=False):
        session = services.schedule_session(booking, by=staff_user, starts_at=_at(day), counselor=counselors[0])
        services.record_session(session, by=staff_user, outcome=SessionState.HELD, note="會談紀錄（示範）",
                                consent=consent)
        return session

    with acting_as("command:load_demo"):
        employee = people["employee"]
        mine = services.request_booking(
            employee, offer(employee), by=employee.user, description="最近工作壓力大，晚上睡不好。",
            intake_times="平日中午 12:00–13:00", rights_acknowledged=True)
        services.record_intake(mine, by=staff_user, outcome="電話初談完成，安排個別諮商。", counselor=counselors[0])
        held(mine, today - datetime.timedelta(days=21), consent=True)
        services.schedule_session(mine, by=staff_user, starts_at=_at(today + datetime.timedelta(days=3)))

        services.request_booking(staff["何俊傑"], offer(staff["何俊傑"]), by=staff["何俊傑"].user,
                                 description="想與家人一起談溝通的問題。", intake_times="週三下午",
                                 wants_family=True, rights_acknowledged=True)
        phoned = services.request_booking(staff["羅志偉"], offer(staff["羅志偉"]), by=staff_user, channel=Channel.PHONE,
                                          description="來電：職場人際困擾。", intake_times="下班後")
        services.record_intake(phoned, by=staff_user, outcome="已初談，待排會談。")

        worker = people["distworker"]
        closed = services.request_booking(worker, offer(worker), by=worker.user, description="家中長輩照顧壓力。",
                                          rights_acknowledged=True)
        for weeks in (30, 28):
            held(closed, today - datetime.timedelta(weeks=weeks), consent=weeks == 30)
        services.close_booking(closed, by=staff_user)

        # Sessions across the year, so usage and reconciliation have figures to suppress or show.
        for n, name in enumerate(["蘇怡萱", "高淑惠", "梁雅雯", "葉宗翰", "簡秀琴", "洪振興"]):
            person = staff.get(name)
            if person is None:
                continue
            booking = services.request_booking(person, offer(person), by=person.user, description="示範諮商需求。",
                                               rights_acknowledged=True)
            for k in range(1 + n % 3):
                held(booking, today - datetime.timedelta(days=40 + 17 * n + 7 * k), consent=k == 0)

        agency = demo.agencies["DEMO-SOC"]
        contract = offer(employee).contract
        group_offer = services.Offer(contract, "group", services.pool_for(contract, "group"))
        group = services.request_group_counseling(agency, group_offer, by=people["eapofficer"].user,
                                                  topics=["morale", "organisational_change"],
                                                  description="組織調整後的團隊士氣。", intake_times="週五下午")
        services.schedule_session(group, by=staff_user, starts_at=_at(today + datetime.timedelta(days=10)), hours=3)
