"""Changes to the agency tree. Renames and moves are dated: the open AgencyVersion is closed
on the effective date and a new one opened, so the tree of any past date can be rebuilt."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyVersion


def create_agency(*, code, name, kind, parent=None, effective, by=None, **details):
    agency = Agency(code=code, name=name, kind=kind, parent=parent, **details)
    return record_new_agency(agency, effective=effective, by=by)


@transaction.atomic
def record_new_agency(agency, *, effective, by=None):
    """Save a new agency with its first dated version."""
    agency.save()
    AgencyVersion.objects.create(agency=agency, name=agency.name, parent=agency.parent, valid_from=effective,
                                 recorded_by=by)
    return agency


def _open_new_version(agency, *, effective, by, reason, **changes):
    current = (
        AgencyVersion.objects.select_for_update().filter(agency=agency, valid_until__isnull=True).first()
    )
    if current is not None:
        if effective <= current.valid_from:
            raise ValidationError(
                _("The change must take effect after the current name and place started (%(date)s).")
                % {"date": current.valid_from}
            )
        current.valid_until = effective
        current.save(update_fields=["valid_until"])
    values = {"name": agency.name, "parent": agency.parent, **changes}
    return AgencyVersion.objects.create(agency=agency, valid_from=effective, recorded_by=by, reason=reason, **values)


@transaction.atomic
def rename_agency(agency, *, name, effective, by, reason=""):
    _open_new_version(agency, effective=effective, by=by, reason=reason, name=name)
    agency.name = name
    agency.save(update_fields=["name"])
    return agency


@transaction.atomic
def move_agency(agency, *, parent, effective, by, reason=""):
    """Put the agency (and its whole subtree) under a new parent."""
    if parent is not None and parent.is_within(agency):
        raise ValidationError(_("An agency cannot be moved under itself or one of its own sub-agencies."))
    _open_new_version(agency, effective=effective, by=by, reason=reason, parent=parent)
    old_path = agency.path
    new_path = (parent.path if parent else "") + old_path.rstrip("/").rsplit("/", 1)[-1] + "/"
    depth_change = new_path.count("/") - old_path.count("/")
    # One set-based update rewrites the prefix of every path in the subtree.
    Agency.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_change,
    )
    Agency.objects.filter(pk=agency.pk).update(parent=parent)
    agency.refresh_from_db()
    return agency


def tree_as_of(day):
    """{agency_id: (name, parent_id)} as the tree stood on `day` — for grouping a past year."""
    versions = AgencyVersion.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=day), valid_from__lte=day
    ).values_list("agency_id", "name", "parent_id")
    return {agency_id: (name, parent_id) for agency_id, name, parent_id in versions}


def top_level_as_of(day, agency_id, tree=None):
    """The first-level ancestor (child of the root) of an agency on `day`, for roll-ups by year."""
    tree = tree if tree is not None else tree_as_of(day)
    chain = [agency_id]
    while chain[-1] in tree and tree[chain[-1]][1] is not None and len(chain) < 50:
        chain.append(tree[chain[-1]][1])
    return chain[-2] if len(chain) >= 2 else chain[-1]
