"""What closing a case sets off: its open duties end, and a referral's supervisor is asked how
the referral went (the supervisor-satisfaction survey, sent once)."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import duties
from core.language import in_site_language

SURVEY_OPEN_DAYS = 14
SURVEY_TITLE = gettext_lazy("Your feedback on a referral")
SURVEY_QUESTIONS = [
    (gettext_lazy("How satisfied are you with the help the referral brought?"), "scale"),
    (gettext_lazy("How has your colleague's work adaptation changed since the referral?"), "scale"),
    (gettext_lazy("How much did the referral help your unit work well?"), "scale"),
    (gettext_lazy("How useful was the management advice you received?"), "scale"),
    (gettext_lazy("What should we do better?"), "text"),
]


def on_closed(case, *, by):
    from cases.opening import open_duties_of
    from cases.suicide import DUTY_KIND as SUICIDE_REPORT

    # A closed case still owes its 24-hour suicide report: that duty stays until the report is recorded.
    for duty in open_duties_of(case).exclude(kind=SUICIDE_REPORT):
        duties.cancel_duty(duty, reason=in_site_language(_("The case was closed.")))
    if case.is_referral and case.satisfaction_survey_id is None:
        send_supervisor_survey(case)


def send_supervisor_survey(case):
    from surveys.answering import send_survey_to
    from surveys.models import Question, Survey, SurveyKind

    supervisor = case.referring_supervisor
    today = timezone.localdate()
    survey = Survey.objects.create(
        title=in_site_language(SURVEY_TITLE), kind=SurveyKind.SUPERVISOR_SATISFACTION, anonymous=False,
        owner=case.agency, named_respondent=supervisor.user, opens_on=today,
        closes_on=today + datetime.timedelta(days=SURVEY_OPEN_DAYS), invite_follow_up=True)
    for order, (text, kind) in enumerate(SURVEY_QUESTIONS, start=1):
        Question.objects.create(survey=survey, order=order, text=in_site_language(text), kind=kind,
                                required=kind != "text")
    case.satisfaction_survey = survey
    case.save(update_fields=["satisfaction_survey"])
    send_survey_to(survey, supervisor.user)
    return survey
