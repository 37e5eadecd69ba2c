"""Writing and reading the case timeline. Every service that changes a case adds one entry."""
from django.conf import settings
from django.utils import translation

from cases.models import TimelineEntry


def add_entry(case, *, by, kind, reason=""):
    return TimelineEntry.objects.create(case=case, by=by, kind=kind, reason=reason)


def in_site_language(text):
    # Titles and lines written for the care team are in the portal's language, whatever language
    # the person who triggered them reads the portal in.
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)
