"""The employee's survey pages: every role with a staff profile has its list and the suggestion
box; provider staff, reviewers and accounts without a profile are told the pages do not exist.
A survey is answered by the people it is for: agency A's survey (audience: A's subtree) by every
role of A, and by nobody else — city HR and the access approver sit at the city, outside A. An
empty POST comes back with the form's errors (200) and stores nothing."""
import datetime

from django.utils import timezone

from eap_portal.tests.policy import NOT_ALLOWED, STAFF, Row, outcomes, signed_in  # noqa: F401

PROFILE_HOLDERS = "__".join(sorted(STAFF))
A_STAFF = "__".join(sorted(STAFF - {"city_hr", "access_approver"}))  # every role of the cast at agency A


def _profile_holders(outcome):
    return signed_in(404, **{PROFILE_HOLDERS: outcome})


def _survey(cast, side):
    """A fresh survey run by the side's agency for its subtree, open today, with one scale question."""
    from surveys.models import Question, Survey

    today = timezone.localdate()
    survey = Survey.objects.create(title=f"{side.upper()} 滿意度調查", owner=getattr(cast, side),
                                   opens_on=today - datetime.timedelta(days=1),
                                   closes_on=today + datetime.timedelta(days=30))
    Question.objects.create(survey=survey, order=1, text="整體而言，您對本方案的滿意程度？")
    return survey


ROWS = {
    "surveys/": Row(get=_profile_holders(200), post=NOT_ALLOWED),
    "surveys/<int:pk>/": Row(objects="survey", own=signed_in(404, **{A_STAFF: 200}), other=signed_in(404),
                             post_own=signed_in(404, **{A_STAFF: 200}), post_other=signed_in(404)),
    "suggestions/": Row(get=_profile_holders(200), post=_profile_holders(200)),
}
# Objects this part's object URLs use: name -> (cast, side) -> {"pk": ...}; "own" is agency A's.
OBJECTS = {
    "survey": lambda cast, side: {"pk": _survey(cast, side).pk},
}
