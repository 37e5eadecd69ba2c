"""Cases for tests, opened the way features open them (through the services, as a named actor)."""
from core.actors import acting_as


def open_general_case(cast, side="a", *, by=None, origin="self_applied", subject=None, **kwargs):
    from cases.opening import open_case

    by = by or getattr(cast, f"{side}_eap_officer").user
    subject = subject or getattr(cast, f"{side}_employee")
    with acting_as(by):
        return open_case(kind="general", origin=origin, subject=subject, by=by, summary="同仁來電表示睡不好", **kwargs)


def assigned_case(cast, side="a", **kwargs):
    """A general case of the side's employee, assigned to the side's care member by the convener."""
    from cases.opening import assign

    case = open_general_case(cast, side, **kwargs)
    convener = getattr(cast, f"{side}_convener").user
    with acting_as(convener):
        assign(case, getattr(cast, f"{side}_care_member").user, by=convener)
    return case
