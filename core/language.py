"""Text written for the care team or kept in a record is in the portal's language, whatever language
the person who set it off reads the portal in (duty titles, timeline lines, survey questions)."""
from django.conf import settings
from django.utils import translation


def in_site_language(text):
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)
