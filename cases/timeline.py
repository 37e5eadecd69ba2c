"""Writing and reading the case timeline. Every service that changes a case adds one entry."""
from cases.models import TimelineEntry


def add_entry(case, *, by, kind, reason=""):
    return TimelineEntry.objects.create(case=case, by=by, kind=kind, reason=reason)
