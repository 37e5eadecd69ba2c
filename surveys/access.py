"""Who sees a screening, a tour, a survey, a suggestion (DOMAIN §1, §7 Decision).

A self-check is the employee's: the care team sees nothing of it unless the employee accepted
contact (then the follow-up duty carries the band) and also agreed to share the answers (then the
duty's holder and the convener may read them). A tour's screenings are read by the convener of the
touring team and by whoever screened on that tour. HR never reads a screening."""
from django.db.models import Q

from agencies.access import _known, exclude_recused, has_role, own_employee, subtree_q
from agencies.roles import Role
from core.access import teams_convened_by

SURVEY_KEEPERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})
SURVEY_READERS = SURVEY_KEEPERS | {Role.AGENCY_HR}
MAILBOX_READERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})


def screenings_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    convened = list(teams_convened_by(user))
    # A screening the care team took is read by its convener, whoever screened, and whoever holds its
    # follow-up duty; a self-check only once the employee shared the answers.
    taken_by_team = ~Q(setting="self_check")
    shared = Q(setting="self_check", answers_shared_at__isnull=False)
    staff = (Q(tour__team_id__in=convened) | Q(team_id__in=convened) | Q(screened_by=user)
             | (taken_by_team & Q(duty__assignee=user))
             | (shared & (Q(duty__assignee=user) | Q(duty__team_id__in=convened))))
    as_staff = exclude_recused(queryset.filter(staff), user, subject_field="employee")
    employee = own_employee(user)
    own = queryset.filter(employee=employee) if employee else queryset.none()
    return (as_staff | own).distinct()


def tours_visible_to(user, queryset):
    from agencies.models import CareTeamMember

    if not _known(user):
        return queryset.none()
    teams = CareTeamMember.objects.filter(user=user).values("team_id")
    return queryset.filter(Q(team_id__in=teams) | Q(screened_by=user)).distinct()


# A referral's feedback survey, sent to the one supervisor who referred someone, is part of that
# case: its existence alone says that this supervisor referred a colleague. Only the agency's EAP
# officer, who sees the case, sees it; city HR and other HR staff see no case (DOMAIN §1).
REFERRAL_FEEDBACK = Q(kind="supervisor_satisfaction", named_respondent__isnull=False)
REFERRAL_FEEDBACK_READERS = frozenset({Role.EAP_OFFICER})


def _with_referral_feedback(user, queryset, readers):
    if user.is_superuser or has_role(user, Role.CITY_HR):
        condition = Q()
    else:
        condition = subtree_q(user, readers, "owner__path")
    from cases.access import recused_cases

    # The referral's own subject (an EAP officer referred by their supervisor) is recused from it.
    recused = recused_cases(user).filter(satisfaction_survey__isnull=False).values("satisfaction_survey")
    return queryset.filter((condition & ~REFERRAL_FEEDBACK)
                           | (REFERRAL_FEEDBACK & subtree_q(user, REFERRAL_FEEDBACK_READERS, "owner__path")
                              & ~Q(pk__in=recused)))


def surveys_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    return _with_referral_feedback(user, queryset, SURVEY_READERS)


def surveys_editable_by(user, queryset):
    if not _known(user):
        return queryset.none()
    return _with_referral_feedback(user, queryset, SURVEY_KEEPERS)


def suggestions_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    if has_role(user, Role.CITY_HR):
        return queryset
    return queryset.filter(subtree_q(user, MAILBOX_READERS, "agency__path"))
