"""The rights records the retention purge destroys (DOMAIN §8), each with its write history:

- a correction request, ten years after it was answered (an open one still waits for its answer,
  so it is never due);
- an access request, ten years after it ended (expired, refused or withdrawn); one still open or
  granted has not ended and is never due;
- a legal-exception use, ten years after the day it was used.

Registered from agencies/retention.py, before the leavers' profiles these records point to.
"""
from django.utils.translation import gettext_lazy as _

from core.retention import RecordType, register


def answered_corrections():
    from agencies.models import CorrectionRequest

    return CorrectionRequest.objects.filter(answered_at__isnull=False)


def ended_access_requests():
    from core.models import AccessRequest

    return AccessRequest.objects.filter(ended_at__isnull=False)


def legal_exception_uses():
    from core.models import LegalExceptionUse

    return LegalExceptionUse.objects.all()


register(RecordType(kind="correction_request", label=_("Correction requests"), candidates=answered_corrections,
                    clock="answered_at", person="employee"))
register(RecordType(kind="access_request", label=_("Access requests"), candidates=ended_access_requests,
                    clock="ended_at", person="person"))
register(RecordType(kind="legal_exception_use", label=_("Legal exceptions used"), candidates=legal_exception_uses,
                    clock="used_at", person="person"))
