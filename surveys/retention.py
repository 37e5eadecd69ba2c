"""Screening and survey records the retention purge destroys (DOMAIN §8): self-check screenings ten
years after the day taken, identified survey answers ten years after their survey closed.

A screening from an office tour or attached to a case is not a self-check: it goes with the tour's
or the case's own clock. Anonymous answers are nobody's and stay for the survey's results.
"""
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Duty
from core.retention import RecordType, destroy_rows, register
from surveys.models import Participation, Response, Screening, Setting


def self_checks():
    return Screening.objects.filter(setting=Setting.SELF_CHECK, case_type__isnull=True)


def destroy_self_checks(model, pks, batch):
    """The screenings, then the follow-up duties about them (a contact the employee accepted): a duty
    names the person and its note and outcome tell what became of the self-check."""
    destroyed, files = destroy_rows(model, pks, batch)
    screening_type = ContentType.objects.get_for_model(Screening)
    duty_ids = list(Duty.objects.filter(subject_type=screening_type, subject_id__in=[str(pk) for pk in pks])
                    .values_list("pk", flat=True))
    if duty_ids:
        destroy_rows(Duty, duty_ids, batch)
    return destroyed, files


def identified_responses():
    return Response.objects.filter(respondent__isnull=False)


def destroy_identified_responses(model, pks, batch):
    """The responses with their answers, and the participation that says the person answered."""
    pairs = Response.objects.filter(pk__in=pks).values_list("survey_id", "respondent_id")
    answered = [Q(survey_id=survey_id, user_id=user_id) for survey_id, user_id in pairs]
    if answered:
        batch.wrote(Participation, Participation.objects.filter(reduce(or_, answered)).delete()[1]
                    .get(Participation._meta.label, 0))
    return destroy_rows(model, pks, batch)


register(RecordType(kind="self_check_screening", label=_("Self-check screenings"), candidates=self_checks,
                    clock="taken_on", person="employee", destroy=destroy_self_checks))
register(RecordType(kind="identified_survey_answers", label=_("Identified survey answers"),
                    candidates=identified_responses, clock="survey__closes_on", person="respondent__employee",
                    destroy=destroy_identified_responses))
