"""Answering surveys (DOMAIN §7): who a survey is for, answering once, anonymity, reminders.

Audience. A survey sent to one named respondent is for that person alone; a survey for invited
people only (a course session's satisfaction survey) is for those invite_to_survey invited, each
recorded by a Participation not yet answered. Otherwise it is for the current staff covered by its
audience plan and/or in its audience agency's subtree (with neither, the owner agency's subtree),
narrowed to the roster-derived segments it names. `audience_includes` decides for one person;
`audience_employees` is the same rule as a database filter, for reminders.

Anonymous means unlinkable. An anonymous answer is a Response with no user, a random (UUID) id, the
day only and the respondent's first-level agency; a Participation records only that the person
answered (so that they answer once) and carries no answer, no time and nothing in common with the
Response but the survey. The Participation is written first, whatever the answers, so not even
the order of the writes depends on them. An invitation is that same Participation written earlier,
not yet answered: it tells who was asked, which the inviting service knew already (who attended),
and turns into "answered" without touching anything else.
"""
import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.access import own_employee
from agencies.models import Employee
from core.notifications import HEADLINES, notify
from plans.models import Plan
from plans.services import plan_covers
from surveys.models import Answer, Participation, PendingResponse, QuestionKind, Response, Survey

# Neutral lines only (DOMAIN §8): the inbox and the e-mail never say what the survey is about.
HEADLINES.setdefault("survey_invitation", gettext_lazy("You are invited to answer a questionnaire"))
HEADLINES.setdefault("survey_reminder", gettext_lazy("A questionnaire is still waiting for your answer"))

SCALE = range(1, 6)
MAX_TEXT = 2000
# Reminders go out in the last days of an identified survey (and never on its first day), once.
REMIND_DAYS_BEFORE_CLOSING = 3


# --- Who a survey is for --------------------------------------------------------------------------

def is_open(survey, day=None):
    day = day or timezone.localdate()
    return survey.opens_on <= day <= survey.closes_on


def first_level_agency_id(agency):
    """The ancestor at depth 1 (a bureau, a district office), or the root for staff of the root."""
    steps = agency.ancestor_ids()
    return steps[1] if len(steps) > 1 else steps[0]


def _covered_by_plan(employee, plan):
    return plan_covers(plan, employee)


def audience_includes(survey, employee, day=None):
    """Whether `employee` is someone this survey is for on `day` (open or not)."""
    day = day or timezone.localdate()
    if survey.named_respondent_id:
        return survey.named_respondent_id == employee.user_id
    if survey.invited_only:
        return Participation.objects.filter(survey=survey, user=employee.user_id).exists()
    if not employee.is_current(day):
        return False
    if survey.audience_plan_id and not _covered_by_plan(employee, survey.audience_plan):
        return False
    if survey.audience_agency_id and not employee.agency.is_within(survey.audience_agency):
        return False
    if not survey.audience_plan_id and not survey.audience_agency_id and not employee.agency.is_within(survey.owner):
        return False
    if survey.audience_segments and not set(employee.segments(day)) & set(survey.audience_segments):
        return False
    return True


def _plan_audience_q(plan):
    """The staff `plans_covering` would give this plan, as a filter on Employee: the city's plan
    covers its whole tree; an agency's own plan covers its subtree but for the subtrees of agencies
    below it that run their own plan of the same year."""
    condition = Q(agency__path__startswith=plan.owner.path)
    if plan.owner.parent_id is None:
        return condition
    nearer = (Plan.objects.filter(year=plan.year, owner__path__startswith=plan.owner.path)
              .exclude(owner_id=plan.owner_id).values_list("owner__path", flat=True))
    for path in nearer:
        condition &= ~Q(agency__path__startswith=path)
    return condition


def audience_employees(survey, day=None):
    """The survey's audience as one database query (the rule of audience_includes)."""
    day = day or timezone.localdate()
    if survey.named_respondent_id:
        return Employee.objects.filter(user_id=survey.named_respondent_id)
    if survey.invited_only:
        return Employee.objects.filter(user_id__in=Participation.objects.filter(survey=survey).values("user_id"))
    people = Employee.objects.current(day)
    if survey.audience_plan_id:
        people = people.filter(_plan_audience_q(survey.audience_plan))
    if survey.audience_agency_id:
        people = people.filter(agency__path__startswith=survey.audience_agency.path)
    if not survey.audience_plan_id and not survey.audience_agency_id:
        people = people.filter(agency__path__startswith=survey.owner.path)
    if survey.audience_segments:
        in_any = Q(pk__in=[])
        for segment in survey.audience_segments:
            in_any |= Q(pk__in=Employee.objects.in_segment(segment, day).values("pk"))
        people = people.filter(in_any)
    return people


def respondent_surveys(employee):
    """The surveys that may be for this employee, as a database filter (a superset, narrowed by
    audience_includes): the respondent's way in, as `visible_to` is HR's."""
    ancestors = employee.agency.ancestor_ids()
    audience = ((Q(audience_agency__isnull=True) | Q(audience_agency_id__in=ancestors))
                & (Q(audience_plan__isnull=True) | Q(audience_plan__owner_id__in=ancestors))
                & (Q(audience_agency__isnull=False) | Q(audience_plan__isnull=False) | Q(owner_id__in=ancestors)))
    invited = Q(invited_only=True, pk__in=Participation.objects.filter(user=employee.user_id).values("survey_id"))
    return Survey.objects.filter(Q(named_respondent=employee.user_id) | invited
                                 | (Q(named_respondent__isnull=True, invited_only=False) & audience))


def has_answered(survey, user):
    return Participation.objects.filter(survey=survey, user=user, answered=True).exists()


def open_surveys_for(employee, day=None):
    """The surveys open on `day` that are for this employee and that they have not answered yet."""
    day = day or timezone.localdate()
    answered = Participation.objects.filter(user=employee.user_id, answered=True).values("survey_id")
    candidates = (respondent_surveys(employee).filter(opens_on__lte=day, closes_on__gte=day)
                  .exclude(pk__in=answered).select_related("audience_plan__owner", "audience_agency", "owner")
                  .order_by("closes_on", "title"))
    return [survey for survey in candidates if audience_includes(survey, employee, day)]


def open_surveys_for_user(user, day=None):
    """For the home page: the signed-in person's open surveys ([] without a staff profile)."""
    employee = own_employee(user)
    return open_surveys_for(employee, day) if employee is not None else []


# --- Answering --------------------------------------------------------------------------------------

def _as_int(value):
    if isinstance(value, bool):
        raise ValueError
    return int(value)


def _empty(value):
    return value is None or value == "" or value == [] or value == ()


def clean_answer(question, value):
    """(number, choices, text) for one answer, or a ValidationError saying what is wrong; None when
    an optional question was left empty."""
    if isinstance(value, str) and question.kind != QuestionKind.TEXT:
        value = value.strip()
    if _empty(value) or (question.kind == QuestionKind.TEXT and not str(value).strip()):
        if question.required:
            raise ValidationError(_("Please answer this question."), code="required")
        return None
    if question.kind == QuestionKind.SCALE:
        try:
            number = _as_int(value)
        except (TypeError, ValueError):
            number = None
        if number not in SCALE:
            raise ValidationError(_("Choose a number from 1 to 5."), code="scale")
        return number, [], ""
    if question.kind == QuestionKind.SINGLE:
        try:
            index = _as_int(value)
        except (TypeError, ValueError):
            index = None
        if index is None or not 0 <= index < len(question.choices):
            raise ValidationError(_("Choose one of the options."), code="choice")
        return index, [], ""
    if question.kind == QuestionKind.MULTIPLE:
        values = value if isinstance(value, (list, tuple)) else [value]
        try:
            indexes = sorted({_as_int(item) for item in values})
        except (TypeError, ValueError):
            indexes = [-1]
        if any(not 0 <= index < len(question.choices) for index in indexes):
            raise ValidationError(_("Choose among the options."), code="choice")
        return None, indexes, ""
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(_("Please keep your answer under %(max)s characters.") % {"max": MAX_TEXT},
                              code="max_length")
    return None, [], text


def clean_answers(survey, answers):
    """Every answer checked against its question: {question: (number, choices, text)}. Raises a
    ValidationError keyed by question id (as text) for the answers that are wrong or missing."""
    questions = list(survey.questions.all())
    known = {question.pk for question in questions}
    answers = {int(key): value for key, value in (answers or {}).items()}
    errors = {}
    if set(answers) - known:
        errors["__all__"] = [_("These answers do not belong to this survey.")]
    cleaned = {}
    for question in questions:
        try:
            answer = clean_answer(question, answers.get(question.pk))
        except ValidationError as error:
            errors[str(question.pk)] = error.messages
            continue
        if answer is not None:
            cleaned[question] = answer
    if errors:
        raise ValidationError(errors)
    return cleaned


def _already_answered():
    return ValidationError(_("You have already answered this survey. Thank you."), code="already_answered")


def _mark_answered(survey, user):
    """Turn an invitation or reminder into "answered", or write "answered": exactly once per person,
    whatever runs at the same time (the unique constraint and a conditional update decide)."""
    if Participation.objects.filter(survey=survey, user=user, answered=False).update(answered=True):
        return
    try:
        with transaction.atomic():
            Participation.objects.create(survey=survey, user=user, answered=True)
    except IntegrityError:
        raise _already_answered() from None


def submit_response(survey, user, answers, follow_up=False, day=None):
    """Record one person's answers to a survey, once. Raises ValidationError when the survey is not
    open or not for them, when they have already answered, or when an answer is wrong."""
    employee = own_employee(user)
    day = day or timezone.localdate()
    if employee is None or not audience_includes(survey, employee, day):
        raise ValidationError(_("This survey is not addressed to you."), code="not_in_audience")
    if not is_open(survey, day):
        raise ValidationError(_("This survey is not open."), code="closed")
    if has_answered(survey, user):
        raise _already_answered()
    cleaned = clean_answers(survey, answers)
    with transaction.atomic():
        _mark_answered(survey, user)  # first, and whatever the answers are
        if survey.anonymous:
            # Held back and written out later in a shuffled batch: see flush_pending.
            PendingResponse.objects.create(survey=survey, payload={
                "day": day.isoformat(), "agency": first_level_agency_id(employee.agency),
                "answers": [[question.pk, number, choices, text]
                            for question, (number, choices, text) in cleaned.items()]})
            flush_pending(survey)
            return None
        else:
            try:
                with transaction.atomic():
                    response = Response.objects.create(
                        survey=survey, respondent=user, submitted_on=day, agency_id=first_level_agency_id(
                            employee.agency), follow_up_wanted=bool(survey.invite_follow_up and follow_up))
            except IntegrityError:
                raise _already_answered() from None
        Answer.objects.bulk_create([Answer(response=response, question=question, number=number, choices=choices,
                                           text=text) for question, (number, choices, text) in cleaned.items()])
    return response


# --- Mixing anonymous responses ---------------------------------------------------------------------

def mix_batch():
    return max(int(getattr(settings, "EAP_SURVEY_MIX_BATCH", 5)), 1)


def _shuffled(items):
    """A random order that is never the order they came in (when there is another order). The
    positions are shuffled, not the items: equal items (the same answers on the same day from the
    same bureau) would otherwise never compare as a new order, and the loop would never end."""
    items = list(items)
    order = list(range(len(items)))
    while len(order) > 1:
        secrets.SystemRandom().shuffle(order)
        if order != sorted(order):
            break
    return [items[position] for position in order]


def flush_pending(survey, final=False):
    """Write the survey's held-back anonymous responses, in a random order, once at least a batch
    of them waits (EAP_SURVEY_MIX_BATCH, default 5) — or, once the survey has closed (`final`),
    whatever is left, mixed with already written responses so that the last batch is as large.
    Neither the order rows are kept in nor the transaction that wrote them then points at one
    person: at most at a batch. Returns how many responses were written."""
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()  # one flush at a time
        pending = list(PendingResponse.objects.filter(survey=survey))
        batch = mix_batch()
        if not pending or (len(pending) < batch and not final):
            return 0
        entries = [_entry(item.payload) for item in pending]
        if len(entries) < batch:
            written = list(Response.objects.filter(survey=survey, respondent__isnull=True).values_list("pk", flat=True))
            secrets.SystemRandom().shuffle(written)
            for response in Response.objects.filter(pk__in=written[:batch - len(entries)]).prefetch_related("answers"):
                entries.append({"id": response.pk, "day": response.submitted_on, "agency": response.agency_id,
                                "answers": [(a.question_id, a.number, a.choices, a.text) for a in response.answers.all()]})
                response.delete()
        PendingResponse.objects.filter(pk__in=[item.pk for item in pending]).delete()
        for entry in _shuffled(entries):
            response = Response.objects.create(id=entry.get("id") or uuid.uuid4(), survey=survey, respondent=None,
                                               submitted_on=entry["day"], agency_id=entry["agency"])
            Answer.objects.bulk_create([Answer(response=response, question_id=question_id, number=number,
                                               choices=choices, text=text)
                                        for question_id, number, choices, text in entry["answers"]])
        return len(pending)


def _entry(payload):
    return {"day": datetime.date.fromisoformat(payload["day"]), "agency": payload["agency"],
            "answers": [tuple(answer) for answer in payload["answers"]]}


def flush_closed_surveys(day=None):
    """At close, every anonymous survey's held-back responses are written (periodic job)."""
    day = day or timezone.localdate()
    flushed = 0
    for survey in Survey.objects.filter(anonymous=True, closes_on__lt=day, pending_responses__isnull=False).distinct():
        flushed += flush_pending(survey, final=True)
    return flushed


# --- Invitations and reminders ----------------------------------------------------------------------

def _link(survey):
    return reverse("answer_survey", args=[survey.pk])


def send_survey_to(survey, user):
    """Invite the survey's named respondent (the supervisor's satisfaction after a referral): a
    Participation not yet answered, and one neutral notification. Idempotent."""
    if survey.named_respondent_id != user.pk:
        raise ValueError("send_survey_to() is for a survey sent to one named respondent: name this user on it.")
    if survey.anonymous:
        raise ValueError("A survey sent to one named person cannot be anonymous: the answers could only be theirs.")
    with transaction.atomic():
        participation, _created = Participation.objects.get_or_create(survey=survey, user=user)
        if not participation.answered:
            notify(user, kind="survey_invitation", key=f"survey:{survey.pk}:invitation:{user.pk}", link=_link(survey))
    return participation


def invite_to_survey(survey, users):
    """Invite people to a survey for invited people only: for each, a Participation not yet answered
    and one neutral notification. Idempotent: inviting someone again changes nothing and sends
    nothing. Returns the users invited by this call."""
    if not survey.invited_only:
        raise ValueError("invite_to_survey() is for a survey for invited people only: set invited_only on it.")
    invited = []
    with transaction.atomic():
        for user in users:
            participation, created = Participation.objects.get_or_create(survey=survey, user=user)
            if created:
                invited.append(user)
            if not participation.answered:
                notify(user, kind="survey_invitation", key=f"survey:{survey.pk}:invitation:{user.pk}",
                       link=_link(survey))
    return invited


def reminder_window(survey):
    """The days on which an identified survey's reminders may go out."""
    start = max(survey.opens_on + datetime.timedelta(days=1),
                survey.closes_on - datetime.timedelta(days=REMIND_DAYS_BEFORE_CLOSING))
    return min(start, survey.closes_on), survey.closes_on


def due_for_reminders(day):
    """Identified surveys whose reminder window holds `day`."""
    return Survey.objects.filter(
        anonymous=False, opens_on__lt=day, closes_on__gte=day,
        closes_on__lte=day + datetime.timedelta(days=REMIND_DAYS_BEFORE_CLOSING),
    ).select_related("owner", "audience_plan__owner", "audience_agency")


def _remind(survey, user_id):
    """Remind one person once: True if this call did."""
    with transaction.atomic():
        if not Participation.objects.filter(survey=survey, user_id=user_id, answered=False,
                                            reminded=False).update(reminded=True):
            try:
                with transaction.atomic():
                    Participation.objects.create(survey=survey, user_id=user_id, reminded=True)
            except IntegrityError:
                return False  # answered or reminded already (perhaps at this very moment)
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=user_id)
        notify(user, kind="survey_reminder", key=f"survey:{survey.pk}:reminder:{user_id}", link=_link(survey))
    return True


def remind_unanswered(day=None):
    """Remind, once, everyone an identified survey is for (or was sent to) who has not answered it.
    Anonymous surveys are never reminded: that would need to know who has not answered. Returns
    how many were reminded."""
    day = day or timezone.localdate()
    sent = 0
    for survey in due_for_reminders(day):
        done = Participation.objects.filter(survey=survey).filter(Q(answered=True) | Q(reminded=True)).values("user_id")
        audience = set(audience_employees(survey, day).exclude(user_id__in=done).values_list("user_id", flat=True))
        invited = set(Participation.objects.filter(survey=survey, answered=False, reminded=False)
                      .values_list("user_id", flat=True))
        for user_id in sorted(audience | invited):
            sent += _remind(survey, user_id)
    return sent
