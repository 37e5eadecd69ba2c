"""One call records a read, list, export or print of sensitive records (DOMAIN §8).

    record_access(request, AccessAction.READ, duty, person=duty.person, purpose=Purpose.duty(duty))

`records` is a model instance, a list of them, or a queryset (its ids are read in one query).
The purpose names what justified the access: the duty or case assignment the reader holds, the
access grant they were given, the role they hold, or the person reading their own records.
"""
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.actors import Actor, client_address, current_actor
from core.models.audit import AccessAction, AccessLog, PurposeKind

__all__ = ["AccessAction", "Purpose", "record_access"]


@dataclass(frozen=True)
class Purpose:
    kind: str
    ref: str = ""
    role: str = ""

    @classmethod
    def duty(cls, duty, role=""):
        return cls(PurposeKind.DUTY, f"duty:{duty.pk}", role)

    @classmethod
    def assigned_duties(cls):
        """A list of the reader's own duties: each one is its own justification."""
        return cls(PurposeKind.DUTY)

    @classmethod
    def case_assignment(cls, assignment, role=""):
        return cls(PurposeKind.CASE_ASSIGNMENT, f"assignment:{assignment.pk}", role)

    @classmethod
    def grant(cls, grant):
        return cls(PurposeKind.GRANT, f"grant:{grant.pk}")

    @classmethod
    def by_role(cls, role, ref=""):
        return cls(PurposeKind.ROLE, ref, str(role))

    @classmethod
    def own_records(cls):
        return cls(PurposeKind.OWN_RECORDS)

    @classmethod
    def legal_exception(cls, ref):
        return cls(PurposeKind.LEGAL_EXCEPTION, ref)

    @classmethod
    def audit(cls, role):
        return cls(PurposeKind.AUDIT, "", str(role))


def _records(records, model):
    if isinstance(records, models.QuerySet):
        return records.model, [str(pk) for pk in records.values_list("pk", flat=True)]
    if isinstance(records, models.Model):
        return type(records), [str(records.pk)]
    records = list(records)
    if model is None:
        if not records:
            raise ValueError("An empty list of records needs its model.")
        model = type(records[0])
    return model, [str(getattr(record, "pk", record)) for record in records]


def record_access(who, action, records, *, purpose, person=None, model=None, rows=None):
    """Write one AccessLog row. `who` is the request (user, address and page come from it) or an
    Actor; `rows` defaults to the number of records."""
    if action not in AccessAction.values:
        raise ValueError(f"Unknown access action {action!r}.")
    if hasattr(who, "user") and hasattr(who, "META"):
        user, address, path = who.user, client_address(who), who.path
    else:
        actor = who if isinstance(who, Actor) else current_actor()
        user, address, path = actor.user, actor.ip_address, actor.path
    if user is None or not user.is_authenticated:
        raise ValueError("Only a signed-in person reads sensitive records.")
    model, ids = _records(records, model)
    return AccessLog.objects.create(
        actor=user, person=person, record_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        record_ids=ids, rows=len(ids) if rows is None else rows, action=action,
        purpose_kind=purpose.kind, purpose_ref=purpose.ref[:80], purpose_role=purpose.role[:30],
        ip_address=address, path=path[:300],
    )
