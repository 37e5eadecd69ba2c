"""Care teams: who is on them, the roles that follow, and whom an employee may contact."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import CareTeam, CareTeamMember, Position, RoleAssignment
from agencies.models.care_team import CONTACT_POSITIONS
from agencies.roles import Role

ROLE_OF_POSITION = {Position.CONVENER: Role.CONVENER}  # every other position is a care-team member


def check_composition(positions):
    """A team has a convener and at least one care officer (DOMAIN §2)."""
    positions = list(positions)
    errors = []
    if Position.CONVENER not in positions:
        errors.append(_("A care team needs a convener."))
    if Position.CARE_OFFICER not in positions:
        errors.append(_("A care team needs at least one care officer."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sync_care_roles(team, *, by, today=None):
    """Membership grants the care roles at the team's agency; leaving the team ends them. Run on
    every save of a team, so a care role granted by hand at that agency lasts only until then."""
    today = today or timezone.localdate()
    members_now = CareTeamMember.objects.filter(team__agency=team.agency).filter(
        Q(until__isnull=True) | Q(until__gt=today), since__lte=today)
    wanted = {(m.user_id, ROLE_OF_POSITION.get(m.position, Role.CARE_MEMBER)) for m in members_now}
    held = RoleAssignment.objects.active(today).filter(agency=team.agency, role__in=[Role.CONVENER, Role.CARE_MEMBER])
    for assignment in held:
        if (assignment.user_id, assignment.role) in wanted:
            wanted.discard((assignment.user_id, assignment.role))
        elif assignment.starts_on and assignment.starts_on >= today:
            assignment.delete()
        else:
            assignment.ends_on = today
            assignment.save(update_fields=["ends_on"])
    for user_id, role in wanted:
        RoleAssignment.objects.update_or_create(user_id=user_id, role=role, agency=team.agency,
                                                defaults={"starts_on": None, "ends_on": None, "granted_by": by})


def care_contacts_for(employee, on=None):
    """The care officers an employee may contact: of the teams serving their agency."""
    on = on or timezone.localdate()
    teams = CareTeam.objects.serving(employee.agency)
    contacts = (CareTeamMember.objects.filter(team__in=teams, position__in=CONTACT_POSITIONS)
                .filter(Q(until__isnull=True) | Q(until__gt=on), since__lte=on)
                .select_related("team__agency", "user__employee"))
    # The nearest team first; within a team the convener, then care officers, then intake.
    return sorted(contacts, key=lambda m: (-m.team.agency.depth, CONTACT_POSITIONS.index(m.position), m.pk))
