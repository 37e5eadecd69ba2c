"""The demo's cases, so `make run` shows every case page with something in it: a supervisor's
referral in follow-up (with a professional, a booking, advice and an expert interview), a
self-applied case from the single window, a misconduct complainant, a closed referral whose
supervisor has a feedback survey waiting, and the single window's open and settled contacts."""
import datetime

from django.utils import timezone

from agencies.emergency import keep_emergency_contact
from agencies.models import Employee
from cases import (
    actions,
    crisis,
    experts,
    follow_ups,
    non_voluntary,
    opening,
    referrals,
    single_window,
    suicide,
    workflow,
)
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

        # The referral in follow-up is escalated: a high-concern case at its second stage.
        high = referrals.decide_escalation(referral, by=convener, decision="high_concern",
                                           reason="家庭照顧壓力持續，需整合資源長期追蹤。").escalated_to
        opening.assign(high, officer, by=convener)
        actions.record_action(high, by=officer, kind="stage_done", note="關懷晤談並完成心情溫度計，通知單位主管。")
        actions.record_action(high, by=officer, kind="stage_decided", note="轉介外部心理師並安排團體課程。")
        workflow.move_case(high, "stage_consult", by=officer, reason="第一階段完成，進入專業諮詢")

        _build_serious(staff, supervisor, convener, officer, window, today)


def _build_serious(staff, supervisor, convener, officer, window, today):
    """A non-voluntary case in continuing care and a crisis incident with its 24-hour report open."""
    keep_emergency_contact(staff["何俊傑"], name="何太太", relation="配偶", phone="0912-000-111")
    unwilling = non_voluntary.report_non_voluntary(
        supervisor, staff["何俊傑"], by=supervisor.user,
        observations="近週多次在辦公室大聲哭泣，拒絕談論，也不願接受諮商。")
    opening.assign(unwilling, officer, by=convener)
    non_voluntary.report_to_safety_health(unwilling, by=supervisor.user)
    workflow.move_case(unwilling, "risk_assessed", by=officer, reason="與同仁及家屬會談評估")
    workflow.move_case(unwilling, "encouraged", by=officer, reason="無立即危險，鼓勵接受協助")
    workflow.move_case(unwilling, "continuing_care", by=officer, reason="同仁目前不願意接受諮商")
    actions.record_action(unwilling, by=supervisor.user, kind="intensified_care", note="每週兩次關心，調整出差。")
    actions.record_action(unwilling, by=officer, kind="team_accompaniment", note="午休時間陪同散步談話。")

    incident = crisis.report_incident(agency=unwilling.agency, by=window, people=[staff["蘇怡萱"]],
                                      summary="同仁於外勤途中目睹交通事故，協助傷者送醫，情緒受到衝擊。",
                                      supervisor=supervisor)
    opening.assign(incident, officer, by=convener)
    non_voluntary.report_to_safety_health(incident, by=supervisor.user)
    crisis.add_affected(incident, by=officer, relation="family", name="蘇母", note="陪同就醫")
    now = timezone.now()
    for kind, hours in (("police_fire", 5), ("hospital", 5), ("family_supported", 4), ("superior_notified", 3)):
        actions.record_action(incident, by=officer, kind=kind, at=now - datetime.timedelta(hours=hours))
    crisis.assess_crisis_level(incident, by=officer, level=3, reason="當事人表示不想活了")
    workflow.move_case(incident, "activated", by=officer, reason="啟動員工協助方案")
    workflow.move_case(incident, "casualty_response", by=officer, reason="有人受傷")
    suicide.record_suicidal_act(incident, by=officer, known_at=now - datetime.timedelta(hours=3),
                                note="當事人透露有自傷行為，已陪同就醫。")
    crisis.assess_crisis_level(incident, by=officer, level=2, reason="已就醫，家屬陪伴")


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _offer(employee, year, provider):
    from counseling.services import offers_for

    return next((o for o in offers_for(employee, year) if provider and o.contract.provider_id == provider.pk
                 and o.service == "individual"), None)
