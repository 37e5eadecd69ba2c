"""The "my data" rows of the access-policy table (issue 11, the person's own rights). Only someone
with a roster entry has data (404 otherwise, like me/); a withdrawal reaches only the person's own
self-check (404 for everyone else, staff included); the access approver answers corrections of their
subtree (the cast's approver: the whole city). Objects: a fresh one of A's employee ("own") and of
B's ("other") for each request, so one role's withdrawal does not change what the next one gets."""
import datetime

from eap_portal.tests.policy import NOT_ALLOWED, Row, outcomes, signed_in

NO_PROFILE = {"provider": 404, "reviewer": 404, "nobody": 404}
APPROVER_ONLY = outcomes(403, anonymous="login", access_approver=200)


def _self_check(cast, side, *, shared):
    from django.utils import timezone

    from core.actors import acting_as
    from surveys.models import Screening, Setting

    employee = getattr(cast, f"{side}_employee")
    now = timezone.now()
    with acting_as("test"):
        return Screening.objects.create(
            employee=employee, setting=Setting.SELF_CHECK, taken_on=datetime.date(2025, 3, 3),
            answers={"ratings": [3, 3, 2, 2, 1], "star": 0}, result={"total": 11, "band": "moderate", "star": 0},
            contact_offered=True, contact_accepted_at=now, answers_shared_at=now if shared else None,
            created_by=employee.user)


def _correction(cast, side):
    from agencies.models import CorrectionRequest, RecordCategory
    from core.actors import acting_as

    with acting_as("test"):
        return CorrectionRequest.objects.create(employee=getattr(cast, f"{side}_employee"),
                                                category=RecordCategory.PROFILE, what_is_wrong="職稱有誤")


OBJECTS = {
    "mydata_contact": lambda cast, side: {"pk": _self_check(cast, side, shared=False).pk},
    "mydata_sharing": lambda cast, side: {"pk": _self_check(cast, side, shared=True).pk},
    "mydata_correction": lambda cast, side: {"pk": _correction(cast, side).pk},
}

ONLY_THE_PERSON = outcomes(404, anonymous="login", employee="redirect")
NOBODY_ELSE = outcomes(404, anonymous="login")

MYDATA_ROWS = {
    "me/data/": Row(get=signed_in(200, **NO_PROFILE), post=NOT_ALLOWED),
    "me/data/access/": Row(get=signed_in(200, **NO_PROFILE), post=NOT_ALLOWED),
    # An empty POST shows the form again with its errors.
    "me/data/corrections/new/": Row(get=signed_in(200, **NO_PROFILE), post=signed_in(200, **NO_PROFILE)),
    "me/data/self-checks/<int:pk>/withdraw-contact/": Row(objects="mydata_contact", own=NOT_ALLOWED,
                                                          other=NOT_ALLOWED, post_own=ONLY_THE_PERSON,
                                                          post_other=NOBODY_ELSE),
    "me/data/self-checks/<int:pk>/withdraw-sharing/": Row(objects="mydata_sharing", own=NOT_ALLOWED,
                                                          other=NOT_ALLOWED, post_own=ONLY_THE_PERSON,
                                                          post_other=NOBODY_ELSE),
    "audit/corrections/": Row(get=APPROVER_ONLY, post=NOT_ALLOWED),
    # An empty POST shows the answer form again with its errors.
    "audit/corrections/<int:pk>/": Row(objects="mydata_correction", own=APPROVER_ONLY, other=APPROVER_ONLY,
                                       post_own=APPROVER_ONLY, post_other=APPROVER_ONLY),
}
ROWS = MYDATA_ROWS
