"""Case records the retention purge destroys (DOMAIN §8). This first part: single-window contacts
that never became a case, ten years after the day logged (their date in the window's log). A contact
that became a case goes with the case, on the case's clock.
"""
from django.utils.translation import gettext_lazy as _

from cases.models.contacts import Contact
from core.retention import RecordType, register


def contacts_without_case():
    return Contact.objects.filter(case__isnull=True)


register(RecordType(kind="single_window_contact", label=_("Single-window contacts not turned into a case"),
                    candidates=contacts_without_case, clock="received_on", person="person"))
