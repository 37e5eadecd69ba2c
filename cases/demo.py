"""The demo's cases, so `make run` shows every case page with something in it: a supervisor's
referral in follow-up (with a professional, a booking, advice and an expert interview), a
self-applied case from the single window, a misconduct complainant, a closed referral whose
supervisor has a feedback survey waiting, and the single window's open and settled contacts."""
import datetime

from django.utils import timezone

from agencies.models import Employee
from cases import experts, follow_ups, opening, referrals, single_window, workflow
from cases.models import Case
from core.actors import acting_as
from core.working_days import add_working_days
from plans.models import Provider

BUILD_AFTER_PEOPLE = True
PROVIDER = "高雄市立凱旋醫院"


def build(demo):
    people = demo.people
    if "supervisor" not in people or Case.objects.filter(agency__code="DEMO-SOC").exists():
        return
    staff = {e.full_name: e for e in Employee.objects.filter(agency__code__startswith="DEMO-SOC")}
    supervisor, convener = people["supervisor"], people["convener"].user
    officer, window = people["careofficer"].user, people["eapofficer"].user
    provider = Provider.objects.filter(name=PROVIDER).first()
    professional = provider.staff.first() if provider else None
    today = timezone.localdate()
    year = today.year - 1911

    with acting_as("command:load_demo"):
        # A referral in follow-up: assessed by the professional, counseling booked, advice given.
        referral = referrals.refer_employee(
            supervisor, staff["梁雅雯"], by=supervisor.user,
            observations="近兩個月常遲到、與同事起衝突，談話時表示家中有照顧壓力、睡不好。")
        opening.assign(referral, officer, by=convener)
        if professional is not None:
            opening.assign(referral, professional, by=convener, role="professional")
        referrals.record_assessment(referral, by=officer,
                                    assessment="家庭照顧壓力與睡眠困擾，影響工作表現；建議心理諮商並調整工作分配。")
        offer = _offer(staff["梁雅雯"], year, provider)
        if offer is not None:
            referrals.arrange_service(referral, by=officer, kind="booking", offer=offer,
                                      details="個案同意預約個別諮商，偏好下班後時段。")
        else:
            referrals.arrange_service(referral, by=officer, kind="outside_free", resource="社區心理衛生中心")
        referrals.give_management_advice(
            referral, by=officer, advice="建議短期調整輪值，每兩週與同仁簡短面談，肯定其進步；避免在公開場合指正。")
        workflow.move_case(referral, "follow_up", by=officer, reason="諮商已開始，追蹤工作改善情形")
        follow_ups.log_follow_up(referral, by=officer, on=today - datetime.timedelta(days=2), contact_type="meeting",
                                 what_happened="與同仁面談，表示睡眠稍有改善。", person_state="情緒穩定",
                                 next_on=add_working_days(today, 1, referral.agency))
        follow_ups.list_paper_file(referral, by=officer, description="主管轉介單（紙本）",
                                   location="人事室 EAP 上鎖檔案櫃 A-2")
        interview = experts.plan_interview(
            referral, by=officer, starts_at=_at(today - datetime.timedelta(days=7), 14), place="社會處 3 樓會議室",
            mode="in_person", purpose="評估工作調整與家庭照顧資源",
            experts=[{"name": "蔡心理師", "profession": "諮商心理師", "licence_number": "諮心字第000123號",
                      "practice_registration": "高雄市好心情諮商所"}])
        experts.record_interview(interview, by=officer, record="與同仁會談一小時，了解照顧負荷與工作安排。",
                                 advice_to_employee="申請長照喘息服務，規律作息。",
                                 advice_to_agency="三個月內彈性調整班表。", follow_up="一個月後再評估。",
                                 fee=2000, procurement_reference="114-EAP-007")

        # The single window: one contact became a case, one is waiting, one was information only.
        contact = single_window.log_contact(agency=referral.agency, by=window, received_on=today, channel="hotline",
                                            person=staff["傅信宏"], summary="來電表示工作壓力大，想找人談談。")
        self_applied = single_window.contact_to_case(contact, by=window)
        opening.assign(self_applied, officer, by=convener)
        single_window.log_contact(agency=referral.agency, by=window, received_on=today, channel="email",
                                  person=staff["蘇怡萱"], summary="詢問家人可否一同諮商。")
        info = single_window.log_contact(agency=referral.agency, by=window, channel="walk_in",
                                         received_on=today - datetime.timedelta(days=3),
                                         summary="詢問本年度免費諮商時數。")
        single_window.close_as_information(info, by=window, note="說明每人每年 6 小時，並提供預約方式。")

        # A misconduct complainant: the respondent and everyone above them are recused.
        complaint = opening.open_case(kind="general", origin="misconduct", subject=staff["江美玲"],
                                      by=window, summary="申訴遭同事言語霸凌，需要心理支持。",
                                      respondents=[staff["羅志偉"]])
        opening.assign(complaint, officer, by=convener)

        # A closed referral: advice given, no escalation; its supervisor has a feedback survey waiting.
        closed = referrals.refer_employee(supervisor, staff["高淑惠"], by=supervisor.user,
                                          observations="近期情緒低落，工作效率下降。")
        opening.assign(closed, officer, by=convener)
        referrals.record_assessment(closed, by=officer, assessment="短期適應問題。")
        referrals.arrange_service(closed, by=officer, kind="internal", resource="單位主管關懷與工作調整")
        workflow.move_case(closed, "follow_up", by=officer, reason="已完成工作調整")
        referrals.give_management_advice(closed, by=officer, advice="維持目前的工作分配，定期關心。")
        referrals.decide_escalation(closed, by=convener, decision="no", reason="適應良好，無需轉安衛小組。")
        workflow.move_case(closed, "closed", by=officer, reason="追蹤一個月，工作表現已改善")


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _offer(employee, year, provider):
    from counseling.services import offers_for

    return next((o for o in offers_for(employee, year) if provider and o.contract.provider_id == provider.pk
                 and o.service == "individual"), None)
