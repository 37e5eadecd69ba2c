"""Screenings by the care team (DOMAIN §7, Decision (b), (c)): office tours with their roll, the
risk-factor checklist, and attaching a screening to a case.

A tour is recorded by a current member of the touring team; each person screened on it is a
Screening(setting=office_tour). A BSRS-5 result at or above the plan's threshold, or ★ ≥ 2, leads
to follow-up by default: a duty for the team (its intake officer or convener assigns one member),
carrying the band and the hint to begin with sleep — never the answers or the total.
"""
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, CareTeam, Employee, Position
from core.access import current_positions, teams_convened_by
from core.actors import acting_as, current_actor
from core.duties import create_duty
from core.working_days import add_working_days
from eap_portal.rocdates import roc_year
from surveys import bsrs5
from surveys.models import Instrument, OfficeTour, RiskLevel, Screening, Setting

FOLLOW_UP_KIND = "screening_follow_up"
DEFAULT_THRESHOLD = 10
FOLLOW_UP_WORKING_DAYS = 3
FOLLOW_UP_HOUR = 17
SCANNED_FORM_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
SCANNED_FORM_MAX_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted kind of scan: the name alone proves nothing.
_SIGNATURES = {".pdf": (b"%PDF",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
               ".jpeg": (b"\xff\xd8\xff",)}


# --- Who -------------------------------------------------------------------------------------

def current_teams(user, on=None):
    """The care teams the user is a current member of, in any position."""
    if not getattr(user, "is_authenticated", False):
        return CareTeam.objects.none()
    team_ids = current_positions(user, list(Position), on).values("team_id")
    return CareTeam.objects.filter(pk__in=team_ids).select_related("agency").order_by("agency__path", "name")


def is_care_member(user, on=None):
    return current_teams(user, on).exists()


def convenes(user, team_id):
    return team_id in set(teams_convened_by(user))


def team_agencies(team):
    """The agencies a team screens in: its own and those it covers, each with its subtree."""
    return Agency.objects.subtree_of(team.agency, *team.covers.all())


def agencies_of(teams):
    roots = []
    for team in teams:
        roots += [team.agency, *team.covers.all()]
    return Agency.objects.subtree_of(*roots) if roots else Agency.objects.none()


def screeners_of(team, on=None):
    """Users who may be named as having screened on a tour of this team: its current members."""
    from django.contrib.auth import get_user_model

    user_ids = team.current_members(on).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids)


def find_employee(number, agencies, on=None):
    """The current employee with exactly this number in one of `agencies` (a queryset), or None.
    Someone of another agency is not found, just as a number that does not exist."""
    number = (number or "").strip()
    if not number:
        return None
    return (Employee.objects.current(on).filter(employee_number=number, agency__in=agencies)
            .select_related("agency", "user").first())


def tours_for(user):
    """The tours of the user's current teams (through the access rule)."""
    return OfficeTour.objects.visible_to(user).filter(team__in=current_teams(user))


def screenings_for(user):
    """The screenings a care-team member may open here: what the access rule lets them see, less
    their own (a person's own screenings are theirs to read on their self-check pages), and of a
    tour only those they screened themselves unless they convene the touring team."""
    if not is_care_member(user):
        return Screening.objects.none()
    visible = Screening.objects.visible_to(user)
    employee = getattr(user, "employee", None)
    if employee is not None:
        visible = visible.exclude(employee=employee)
    convened = list(teams_convened_by(user))
    return visible.filter(Q(tour__isnull=True) | Q(tour__team_id__in=convened) | Q(screened_by=user)
                          | Q(duty__assignee=user))


# --- Tours -------------------------------------------------------------------------------------

def _check_tour_parts(team, agency, screened_by, on):
    if not team_agencies(team).filter(pk=agency.pk).exists():
        raise ValidationError(_("The care team does not serve this agency."))
    members = set(screeners_of(team, on).values_list("pk", flat=True))
    if any(user.pk not in members for user in screened_by):
        raise ValidationError(_("Those who screened must be current members of the care team."))


@transaction.atomic
def create_tour(*, team, agency, unit, held_on, screened_by, by, notes=""):
    if not current_teams(by).filter(pk=team.pk).exists():
        raise PermissionDenied
    _check_tour_parts(team, agency, screened_by, None)
    tour = OfficeTour.objects.create(team=team, agency=agency, unit=unit.strip(), held_on=held_on, notes=notes,
                                     created_by=by)
    tour.screened_by.set(screened_by)
    return tour


def threshold_for(employee, on):
    """The follow-up threshold of the plan covering the employee that year (default 10)."""
    from plans.services import plans_covering

    for plan in plans_covering(employee, roc_year(on)):
        if plan.screening_threshold:
            return plan.screening_threshold
    return DEFAULT_THRESHOLD


URGENT_WITHIN = datetime.timedelta(hours=4)


def _due_at(agency, today=None):
    day = add_working_days(today or timezone.localdate(), FOLLOW_UP_WORKING_DAYS, agency)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(FOLLOW_UP_HOUR)))


def follow_up_note(band):
    """The band and the hint to begin with sleep: never the total or the answers."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Result: %(band)s. Begin the conversation by asking about sleep.") % {
            "band": bsrs5.Band(band).label}


def _follow_up(screening, team, result):
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Follow-up conversation")
    # ★ ≥ 2 cannot wait for three working days: the team is asked to reach the person today.
    due_at = timezone.now() + URGENT_WITHIN if result.urgent else _due_at(team.agency)
    return create_duty(kind=FOLLOW_UP_KIND, title=title, due_at=due_at, team=team,
                       person=screening.employee, subject=screening,
                       remind_before=None if result.urgent else datetime.timedelta(days=1),
                       escalate_after=datetime.timedelta(0) if result.urgent else datetime.timedelta(days=1),
                       urgent=result.urgent,
                       note=follow_up_note(result.band))


@transaction.atomic
def add_tour_screening(tour, *, employee, ratings, star, by, note=""):
    """Record one person screened on a tour; a result needing follow-up gets a duty for the team.
    The employee must be a current employee of the tour's agency subtree."""
    if not current_teams(by).filter(pk=tour.team_id).exists():
        raise PermissionDenied
    if not Employee.objects.current(tour.held_on).filter(pk=employee.pk, agency__path__startswith=tour.agency.path
                                                         ).exists():
        raise ValidationError(_("Only current staff of the agency toured can be added."))
    result = bsrs5.score([int(r) for r in ratings], int(star))
    screening = Screening(employee=employee, instrument=Instrument.BSRS5, setting=Setting.OFFICE_TOUR, team=tour.team,
                          taken_on=tour.held_on, tour=tour, screened_by=by,
                          answers={"ratings": [int(r) for r in ratings], "star": int(star)},
                          result={"total": result.total, "band": str(result.band), "star": result.star},
                          note=note, created_by=by)
    screening.save()
    if result.needs_follow_up(threshold_for(employee, tour.held_on)):
        screening.duty = _follow_up(screening, tour.team, result)
        screening.save(update_fields=["duty"])
    return screening


# --- The risk-factor checklist -----------------------------------------------------------------

def check_scanned_form(upload):
    """PDF, JPG or PNG, up to 10 MB, whose content is what its name says. Returns the extension."""
    import os

    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in SCANNED_FORM_EXTENSIONS:
        raise ValidationError(_("Upload a PDF, JPG or PNG file."))
    if upload.size > SCANNED_FORM_MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in _SIGNATURES[extension]):
        raise ValidationError(_("The file is not a readable PDF, JPG or PNG."))
    return ".jpg" if extension == ".jpeg" else extension


@transaction.atomic
def record_checklist(*, employee, taken_on, level, by, team, tour=None, upload=None, note=""):
    """Record a mental-health risk-factor checklist: instrument, date, result level and an optional
    scanned form (its items are not in the seeds, so none are kept). Taken by a professional unless
    it was done on one of the team's tours."""
    teams = current_teams(by)
    if not teams.filter(pk=team.pk).exists():
        raise PermissionDenied
    if tour is not None and tour.team_id != team.pk:
        raise ValidationError(_("Choose a tour of this care team."))
    scope = Agency.objects.subtree_of(tour.agency) if tour is not None else team_agencies(team)
    if not Employee.objects.current(taken_on).filter(pk=employee.pk, agency__in=scope).exists():
        raise ValidationError(_("Only current staff of the agencies the team serves can be recorded."))
    if level not in RiskLevel.values:
        raise ValidationError(_("Choose a result level."))
    extension = check_scanned_form(upload) if upload else None
    screening = Screening(employee=employee, instrument=Instrument.RISK_CHECKLIST,
                          setting=Setting.OFFICE_TOUR if tour is not None else Setting.PROFESSIONAL,
                          taken_on=taken_on, tour=tour, team=team, screened_by=by, answers=None,
                          result={"level": level}, note=note, created_by=by)
    screening.save()
    if upload:
        # Named after the record, never after what the uploader called it.
        screening.scanned_form.save(f"checklist-{screening.pk}{extension}", upload, save=False)
        screening.save(update_fields=["scanned_form"])
    return screening


# --- Cases (issue 7) -----------------------------------------------------------------------------

def attach_to_case(screening, case, by):
    """Attach a screening to a case (any model instance). A self-check is the employee's: it can be
    attached only once they agreed to share its answers. A case about someone else is refused."""
    from django.contrib.contenttypes.models import ContentType

    case_type = ContentType.objects.get_for_model(case)
    with transaction.atomic():
        locked = Screening.objects.select_for_update().get(pk=screening.pk)
        if locked.setting == Setting.SELF_CHECK and locked.answers_shared_at is None:
            raise ValidationError(_("A self-check can be attached to a case only after the employee shared it."))
        person = (getattr(case, "subject", None) or getattr(case, "employee", None)
                  or getattr(case, "person", None))
        if isinstance(person, Employee) and person.pk != locked.employee_id:
            raise ValidationError(_("This screening is about someone else."))
        if locked.case_id and (locked.case_type_id != case_type.pk or locked.case_id != str(case.pk)):
            raise ValidationError(_("This screening is already attached to another case."))
        locked.case_type, locked.case_id = case_type, str(case.pk)
        if current_actor(required=False) is None:
            with acting_as(by):
                locked.save(update_fields=["case_type", "case_id"])
        else:
            locked.save(update_fields=["case_type", "case_id"])
    screening.case_type_id, screening.case_id = locked.case_type_id, locked.case_id
    return locked
