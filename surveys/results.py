"""Survey results for HR and reviewers (DOMAIN §7, §9): per question the counts per option, the
mean of a scale question and a small chart, overall or broken down by first-level agency or by
the answers to a self-reported segment question, every count behind small-cell suppression.

Why the whole survey is suppressed in one go (core.suppression.suppress) rather than one table
per question and per breakdown: the tables are linked. A breakdown's total row *is* the overall
row, the total of every required question is the number of responses, and the survey list shows
that number too. Suppressed one by one, a table may hide a total as a complement while another
table or another breakdown publishes it, and the published copy gives the hidden cell back. So
every cell of every breakdown is one cell of a single problem, the shared figures are one cell,
and equal figures are tied by a relation; the list page reads its response count from it as well.

Other rules, each closing a side door:

- A mean is shown only when its group's count and every count in its row are published: the mean
  times the count is the sum of the ratings, a second equation that would give back hidden cells.
- Free-text answers are listed in the overall view only (two breakdowns' lists intersected would
  place a text in a cell smaller than either group), and only for groups with at least K responses whose number of responses
  is published (the listed answers can be counted, and a complement must stay hidden). In a breakdown, the groups
  not listed must together hold 0 or at least K responses (otherwise the overall list minus the
  listed groups would be the small group's answers): the smallest listed groups are dropped until
  they do. Texts are sorted, never in the order they came in, and carry nothing about who wrote them.
- Reviewers read counts and means only (no free text, no names): "no person, ever" (DOMAIN §1).
- The follow-up list (identified surveys that invite it) names the respondents who opted in and
  whose mean scale answer is at most 2, for the survey's keepers only; the view logs each read.
"""
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext

from agencies.access import has_role, held_roles, subtree_q
from agencies.models import Agency
from agencies.roles import Role
from core.suppression import TOTAL_LABEL, get_threshold, suppress
from surveys import access
from surveys.models import Answer, QuestionKind, Response, Survey, SurveyKind

RESULT_READERS = access.SURVEY_READERS | {Role.REVIEWER}
OVERALL, BY_AGENCY, SEGMENT_PREFIX = "overall", "agency", "segment-"
ALL = (OVERALL, "all")  # the overall group: also the total row of every breakdown
SCALE_POINTS = (1, 2, 3, 4, 5)
LOW_SATISFACTION = 2  # a mean scale answer at or below this is "low" (「滿意度低者應加強瞭解」)
NO_MEAN = "—"
CHART_WIDTH = 300
CHART_BAR_X, CHART_BAR_MAX = 0, 240
CHART_ROW = 34
COUNT_CACHE_SECONDS = 3600


# --- Who reads what ---------------------------------------------------------------------------

def surveys_for_results(user, queryset=None):
    """Surveys whose results the user may read: HR readers through surveys_visible_to, and
    reviewers the surveys run inside the subtree of their reviewer role.

    (A candidate for surveys/access.py: it is here so as not to change the shared rule file.)"""
    queryset = Survey.objects.all() if queryset is None else queryset
    if not has_role(user, *RESULT_READERS) and not getattr(user, "is_superuser", False):
        return queryset.none()
    visible = access.surveys_visible_to(user, Survey.objects.all()).values("pk")
    reviewer = subtree_q(user, {Role.REVIEWER}, "owner__path")
    return queryset.filter(Q(pk__in=visible) | reviewer)


def reads_texts(user, survey):
    """HR readers of the survey see free text; a reviewer-only reader does not."""
    return access.surveys_visible_to(user, Survey.objects.filter(pk=survey.pk)).exists()


def keeps(user, survey):
    return access.surveys_editable_by(user, Survey.objects.filter(pk=survey.pk)).exists()


def keeper_role(user, survey):
    """The role under which a keeper reads the survey's follow-up list (for the access log)."""
    if has_role(user, Role.CITY_HR):
        return Role.CITY_HR
    for held in held_roles(user):
        if held.role == Role.EAP_OFFICER and survey.owner.path.startswith(held.agency_path):
            return Role.EAP_OFFICER
    return Role.CITY_HR if getattr(user, "is_superuser", False) else Role.EAP_OFFICER


# --- Breakdowns -------------------------------------------------------------------------------

@dataclass
class Breakdown:
    key: str
    label: str
    groups: list = field(default_factory=list)   # [(group id, label)], in display order
    group_of: dict = field(default_factory=dict)  # response pk -> group id


def _counted(question):
    return question.kind in (QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def _options(question):
    if question.kind == QuestionKind.SCALE:
        return list(SCALE_POINTS)
    return list(range(len(question.choices or [])))


def _option_label(question, option):
    if question.kind == QuestionKind.SCALE:
        return str(option)
    return str(question.choices[option])


def segment_questions(questions):
    """Segment questions a breakdown can use: one answer each (single choice or scale), so that
    their groups do not overlap and add up to the overall figures."""
    return [q for q in questions if q.is_segment and q.kind in (QuestionKind.SINGLE, QuestionKind.SCALE)]


def _breakdowns(responses, questions, numbers):
    overall = Breakdown(OVERALL, gettext("Overall"), [(ALL, gettext("All respondents"))],
                        {pk: ALL for pk, _agency in responses})
    by_agency = Breakdown(BY_AGENCY, gettext("By agency"))
    agency_ids = {agency for _pk, agency in responses}
    names = dict(Agency.objects.filter(pk__in=[a for a in agency_ids if a]).order_by("path")
                 .values_list("pk", "name"))
    by_agency.groups = [((BY_AGENCY, pk), name) for pk, name in names.items()]
    if None in agency_ids:
        by_agency.groups.append(((BY_AGENCY, None), gettext("Agency not recorded")))
    by_agency.group_of = {pk: (BY_AGENCY, agency) for pk, agency in responses}
    found = [overall, by_agency]
    for question in segment_questions(questions):
        key = f"{SEGMENT_PREFIX}{question.pk}"
        breakdown = Breakdown(key, gettext("By answer to: %(question)s") % {"question": question.text})
        options = _options(question)
        given = {}
        for pk, _agency in responses:
            number = numbers.get((pk, question.pk))
            given[pk] = number if number in options else None
        present = set(given.values())
        breakdown.groups = [((key, option), _option_label(question, option)) for option in options if option in present]
        if None in present:
            breakdown.groups.append(((key, None), gettext("No answer")))
        breakdown.group_of = {pk: (key, value) for pk, value in given.items()}
        found.append(breakdown)
    return found


# --- The whole survey, suppressed once ---------------------------------------------------------

@dataclass
class SurveyFigures:
    survey: Survey
    questions: list
    breakdowns: list
    result: object            # core.suppression.SuppressionResult over every cell
    response_count: dict      # group id -> number of responses
    threshold: int

    @property
    def marker(self):
        return self.result.marker

    def responses_display(self):
        """The published number of responses (or "<K"): the same figure on every page."""
        return self.result.display(("n", ALL))

    def breakdown(self, key):
        for breakdown in self.breakdowns:
            if breakdown.key == key:
                return breakdown
        return self.breakdowns[0]


def compute(survey):
    """Count every answer of `survey` in every breakdown and suppress all the cells together."""
    questions = list(survey.questions.order_by("order", "pk"))
    responses = list(Response.objects.filter(survey=survey).order_by().values_list("pk", "agency_id"))
    numbers, chosen = {}, {}
    answers = (Answer.objects.filter(response__survey=survey, question__in=[q for q in questions if _counted(q)])
               .order_by().values_list("response_id", "question_id", "number", "choices"))
    for response_id, question_id, number, choices in answers.iterator():
        numbers[(response_id, question_id)] = number
        chosen[(response_id, question_id)] = choices or []
    breakdowns = _breakdowns(responses, questions, numbers)

    cells, relations = Counter(), []
    groups = [gid for breakdown in breakdowns for gid, _label in breakdown.groups]
    response_count = Counter()
    for breakdown in breakdowns:
        for pk, _agency in responses:
            response_count[breakdown.group_of[pk]] += 1
    for gid in groups:
        cells[("n", gid)] = response_count[gid]

    counted = [q for q in questions if _counted(q)]
    for question in counted:
        options = _options(question)
        for pk, _agency in responses:
            if question.kind == QuestionKind.MULTIPLE:
                picked = {c for c in chosen.get((pk, question.pk), []) if c in options}
            else:
                number = numbers.get((pk, question.pk))
                picked = {number} if number in options else set()
            for option in picked:
                for breakdown in breakdowns:
                    cells[("c", question.pk, breakdown.group_of[pk], option)] += 1
        for gid in groups:
            parts = [("c", question.pk, gid, option) for option in options]
            for part in parts:
                cells[part] += 0
            cells[("t", question.pk, gid)] = sum(cells[part] for part in parts)
            relations.append((("t", question.pk, gid), parts))
            if cells[("t", question.pk, gid)] == cells[("n", gid)]:
                # Every response of the group answered it: the two figures are one.
                relations.append((("n", gid), [("t", question.pk, gid)]))
        for breakdown in breakdowns[1:]:
            members = [gid for gid, _label in breakdown.groups]
            for option in options:
                relations.append((("c", question.pk, ALL, option), [("c", question.pk, gid, option) for gid in members]))
            relations.append((("t", question.pk, ALL), [("t", question.pk, gid) for gid in members]))
    for breakdown in breakdowns[1:]:
        members = [gid for gid, _label in breakdown.groups]
        relations.append((("n", ALL), [("n", gid) for gid in members]))
    relations = [(total, parts) for total, parts in relations if parts]
    threshold = get_threshold()
    result = suppress(dict(cells), relations, threshold)
    figures = SurveyFigures(survey, questions, breakdowns, result, dict(response_count), threshold)
    answer_count = Answer.objects.filter(response__survey=survey).count()
    cache.set(_count_key(survey, questions, len(responses), answer_count, threshold), figures.responses_display(),
              COUNT_CACHE_SECONDS)
    return figures


# --- One breakdown, as the page and the export show it ---------------------------------------

@dataclass
class QuestionBlock:
    number: int
    question: object
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)    # [label, *cells, total(, mean)]
    chart: list = field(default_factory=list)   # [{"label", "value", "width", "y", "suppressed"}]
    chart_height: int = 0
    texts: list = field(default_factory=list)   # [(group label, [texts])]
    texts_withheld: bool = False
    is_multiple: bool = False


@dataclass
class ResultsView:
    figures: SurveyFigures
    breakdown: Breakdown
    responses_header: list
    responses_rows: list
    blocks: list
    with_texts: bool

    def export_rows(self):
        """Every cell the page shows, in its order: the header row first."""
        survey = self.figures.survey
        lines = [[survey.title, self.breakdown.label]]
        lines.append([])
        lines.append(self.responses_header)
        lines += self.responses_rows
        for block in self.blocks:
            lines.append([])
            lines.append([f"{block.number}. {block.question.text}"])
            if block.header:
                lines.append(block.header)
                lines += block.rows
            for label, texts in block.texts:
                lines += [[label, text] for text in texts]
        return lines


def _mean(figures, question, gid):
    """The mean of a scale row, only when the row's count and all its cells are published."""
    result = figures.result
    total_key = ("t", question.pk, gid)
    keys = [("c", question.pk, gid, option) for option in SCALE_POINTS]
    if result.raw_value(total_key) == 0 or any(result.is_suppressed(key) for key in [total_key, *keys]):
        return NO_MEAN
    total = sum(option * result.display(key) for option, key in zip(SCALE_POINTS, keys))
    return round(total / result.display(total_key), 2)


def _chart(figures, question, gid):
    result = figures.result
    bars = []
    values = []
    for option in _options(question):
        key = ("c", question.pk, gid, option)
        shown = result.display(key)
        values.append(shown if not result.is_suppressed(key) else None)
        bars.append({"label": _option_label(question, option), "value": shown,
                     "suppressed": result.is_suppressed(key)})
    top = max([v for v in values if v is not None] or [0])
    for index, (bar, value) in enumerate(zip(bars, values)):
        bar["y"] = index * CHART_ROW
        bar["bar_y"] = index * CHART_ROW + 16
        width = 0 if not value or not top else max(2, round(CHART_BAR_MAX * value / top))
        bar["width"] = width
        bar["text_x"] = CHART_BAR_X + width + 6
        bar["text_y"] = index * CHART_ROW + 27
    return bars, len(bars) * CHART_ROW


def _text_groups(figures, breakdown):
    """The groups whose free text may be listed (see the module's docstring)."""
    if breakdown.key != OVERALL:
        # Listed per agency in one breakdown and per segment in another, a text could be placed in an
        # agency-and-segment cell far smaller than either group: free text is listed overall only.
        return set()
    k, result = figures.threshold, figures.result
    counts = {gid: figures.response_count.get(gid, 0) for gid, _label in breakdown.groups}
    # A listed group's answers can be counted: its number of responses must be published too.
    listed = [gid for gid, n in counts.items() if n >= k and not result.is_suppressed(("n", gid))]
    pooled = sum(n for gid, n in counts.items() if gid not in listed)
    listed.sort(key=lambda gid: counts[gid])
    while listed and 0 < pooled < k:
        pooled += counts[listed.pop(0)]
    return set(listed)


def _texts(figures, breakdown, question, listed):
    if not listed:
        return []
    responses = [pk for pk, gid in breakdown.group_of.items() if gid in listed]
    found = defaultdict(list)
    for response_id, text in (Answer.objects.filter(question=question, response_id__in=responses)
                              .order_by().values_list("response_id", "text").iterator()):
        if text and text.strip():
            found[breakdown.group_of[response_id]].append(text.strip())
    return [(label, sorted(found[gid])) for gid, label in breakdown.groups if gid in listed and found[gid]]


def results_view(figures, breakdown_key, with_texts):
    breakdown = figures.breakdown(breakdown_key)
    result = figures.result
    show_total_row = breakdown.key != OVERALL
    group_rows = list(breakdown.groups) + ([(ALL, TOTAL_LABEL)] if show_total_row else [])
    label_header = gettext("Group")
    responses_header = [label_header, gettext("Responses")]
    responses_rows = [[str(label), result.display(("n", gid))] for gid, label in group_rows]
    listed = _text_groups(figures, breakdown) if with_texts else set()
    blocks = []
    for number, question in enumerate(figures.questions, start=1):
        block = QuestionBlock(number, question, is_multiple=question.kind == QuestionKind.MULTIPLE)
        if _counted(question):
            options = _options(question)
            scale = question.kind == QuestionKind.SCALE
            block.header = [label_header, *(_option_label(question, o) for o in options), str(TOTAL_LABEL)]
            if scale:
                block.header.append(gettext("Mean"))
            for gid, label in group_rows:
                row = [str(label), *(result.display(("c", question.pk, gid, o)) for o in options),
                       result.display(("t", question.pk, gid))]
                if scale:
                    row.append(_mean(figures, question, gid))
                block.rows.append(row)
            block.chart, block.chart_height = _chart(figures, question, ALL)
        elif question.kind == QuestionKind.TEXT and with_texts:
            block.texts = _texts(figures, breakdown, question, listed)
            block.texts_withheld = any(gid not in listed for gid, _label in breakdown.groups)
        blocks.append(block)
    return ResultsView(figures, breakdown, responses_header, responses_rows, blocks, with_texts)


# --- The list page ----------------------------------------------------------------------------

def _count_key(survey, questions, responses, answers, threshold):
    """What the published response count depends on: the survey, its questions, how many
    responses and answers it has, and the threshold."""
    shape = [(q.pk, q.kind, len(q.choices or []), q.is_segment) for q in questions]
    digest = hashlib.sha256(repr((survey.pk, survey.created_at.isoformat() if survey.created_at else "", shape,
                                  responses, answers, threshold)).encode()).hexdigest()[:32]
    return f"eap:survey-response-count:{digest}"


def response_counts(surveys):
    """The published number of responses of each survey: exactly the figure its results page shows.

    Under the threshold it is "<K" whatever else happens. Above it, the figure may still be hidden
    as a complement on the results page, so it is read from that page's suppression (computed
    here when no recent result is cached under the survey's current shape)."""
    surveys = list(surveys)
    k = get_threshold()
    sizes = dict(Survey.objects.filter(pk__in=[s.pk for s in surveys]).order_by().values("pk").annotate(
        n=Count("responses", distinct=True)).values_list("pk", "n"))
    answers = dict(Answer.objects.filter(response__survey__in=surveys).order_by().values("response__survey")
                   .annotate(n=Count("pk")).values_list("response__survey", "n"))
    counts = {}
    for survey in surveys:
        n = sizes.get(survey.pk, 0)
        if n < k:
            counts[survey.pk] = n if n == 0 else f"<{k}"
            continue
        questions = list(survey.questions.order_by("order", "pk"))
        shown = cache.get(_count_key(survey, questions, n, answers.get(survey.pk, 0), k))
        counts[survey.pk] = shown if shown is not None else compute(survey).responses_display()
    return counts


# --- Follow-up list -----------------------------------------------------------------------------

def offers_follow_up(survey):
    return (not survey.anonymous and survey.invite_follow_up
            and survey.kind != SurveyKind.COUNSELING_SATISFACTION)


def low_satisfaction_responses(survey):
    """Identified responses that opted in to a follow-up and whose mean scale answer is at most 2."""
    if not offers_follow_up(survey):
        return []
    return list(
        Response.objects.filter(survey=survey, respondent__isnull=False, follow_up_wanted=True)
        .annotate(scale_answers=Count("answers", filter=Q(answers__question__kind=QuestionKind.SCALE,
                                                          answers__number__isnull=False)),
                  mean=Avg("answers__number", filter=Q(answers__question__kind=QuestionKind.SCALE)))
        .filter(scale_answers__gt=0, mean__lte=LOW_SATISFACTION)
        .select_related("respondent__employee", "agency")
        .order_by("agency__path", "respondent__employee__full_name", "respondent__username")
    )


__all__ = ["NO_MEAN", "RESULT_READERS", "compute", "keeper_role", "keeps", "low_satisfaction_responses",
           "offers_follow_up", "reads_texts", "response_counts", "results_view", "surveys_for_results"]
