"""Screenings in a case (DOMAIN §7 (c)): a screening the care team took (an office tour, a
risk-factor checklist), or a self-check the employee chose to share, attached to the case about
that employee. Once attached it is part of the case record and read on the case page."""
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import access
from cases.models import Case, EntryKind
from cases.timeline import add_entry


def attached_to(case):
    from surveys.models import Screening

    return Screening.objects.filter(case_type=ContentType.objects.get_for_model(Case), case_id=str(case.pk))


def attachable(case, user):
    """Screenings of the case's person (in a crisis, of its affected employees) this user may read and
    that belong to no case yet."""
    from surveys.models import Screening

    people = [case.subject_id] if case.subject_id else list(
        case.affected.filter(employee__isnull=False).values_list("employee_id", flat=True))
    if not people:
        return Screening.objects.none()
    return (Screening.objects.visible_to(user).filter(employee__in=people, case_id="")
            .exclude(setting="self_check", answers_shared_at__isnull=True).order_by("-taken_on"))


@transaction.atomic
def attach_screening(case, screening, *, by):
    from surveys.tours import attach_to_case

    if not access.can_work_on(by, case):
        raise PermissionDenied
    if not attachable(case, by).filter(pk=screening.pk).exists():
        raise ValidationError(_("Choose a screening of this person that belongs to no case yet."))
    attach_to_case(screening, case, by)
    add_entry(case, by=by, kind=EntryKind.SCREENING, reason=screening.get_setting_display())
    return screening


def summary(screening):
    """What the case page shows of an attached screening: when, how, the result (not the answers)."""
    from surveys import bsrs5
    from surveys.models import Instrument, RiskLevel

    result = screening.result or {}
    if screening.instrument == Instrument.BSRS5:
        band = bsrs5.Band(result["band"]).label if result.get("band") else ""
        text = _("Total %(total)s of 20 · %(band)s") % {"total": result.get("total", "—"), "band": band}
        urgent = (result.get("star") or 0) >= bsrs5.STAR_URGENT
    else:
        level = result.get("level")
        text, urgent = (RiskLevel(level).label if level in RiskLevel.values else "—"), False
    return {"screening": screening, "result": text, "urgent": urgent}
