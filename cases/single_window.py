"""The single window (單一服務窗口, DOMAIN §1): the agency's EAP officer logs each contact and, in
one step, turns it into a general case or a counseling booking for the person, or closes it as
information given."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from cases import access
from cases.models import CaseKind, Contact, ContactChannel, ContactOutcome, Origin
from cases.opening import open_case
from core.language import in_site_language
from counseling.models import Channel

BOOKING_CHANNEL = {ContactChannel.HOTLINE: Channel.PHONE, ContactChannel.EMAIL: Channel.EMAIL,
                   ContactChannel.WALK_IN: Channel.IN_PERSON, ContactChannel.OTHER: Channel.PHONE}


def agencies_for_window(user):
    return Agency.objects.filter(access.window_agencies_q(user))


@transaction.atomic
def log_contact(*, agency, by, received_on, channel, summary, person=None, categories=()):
    if not access.keeps_window_of(by, agency):
        raise PermissionDenied
    if received_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    if not summary.strip():
        raise ValidationError(_("Write a short summary."))
    if person is not None and person.user_id == by.pk:
        raise ValidationError(_("A contact about yourself goes to a colleague: you may not keep your own."))
    if person is not None and not person.agency.path.startswith(agency.path):
        raise ValidationError(_("The person is not on this agency's roster."))
    contact = Contact.objects.create(agency=agency, received_on=received_on, channel=channel, summary=summary,
                                     person=person, logged_by=by)
    if categories:
        contact.problem_categories.set(categories)
    return contact


def _open_contact(contact, by):
    if not access.contacts_visible_to(by, Contact.objects.filter(pk=contact.pk)).exists():
        raise PermissionDenied
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if not locked.is_open:
        raise ValidationError(_("This contact has already been settled."))
    return locked


def _needs_person(contact):
    if contact.person_id is None:
        raise ValidationError(_("Name the person first: a case or a booking is for someone on the roster."))


@transaction.atomic
def contact_to_case(contact, *, by):
    contact = _open_contact(contact, by)
    _needs_person(contact)
    case = open_case(kind=CaseKind.GENERAL, origin=Origin.SELF_APPLIED, subject=contact.person, by=by,
                     summary=contact.summary, categories=list(contact.problem_categories.all()),
                     reason=in_site_language(_("From the single window: %(channel)s")
                                             % {"channel": contact.get_channel_display()}))
    contact.case, contact.outcome, contact.settled_at = case, ContactOutcome.CASE, timezone.now()
    contact.save(update_fields=["case", "outcome", "settled_at"])
    return case


@transaction.atomic
def contact_to_booking(contact, offer, *, by):
    """A counseling booking for the person, drawing on their own yearly hours, as if they had
    called the provider: the provider takes it from there; the window learns nothing more."""
    from counseling.services import request_booking

    contact = _open_contact(contact, by)
    _needs_person(contact)
    booking = request_booking(contact.person, offer, by=by, description=contact.summary,
                              channel=BOOKING_CHANNEL[contact.channel])
    contact.booking, contact.outcome, contact.settled_at = booking, ContactOutcome.BOOKING, timezone.now()
    contact.save(update_fields=["booking", "outcome", "settled_at"])
    return booking


@transaction.atomic
def close_as_information(contact, *, by, note):
    contact = _open_contact(contact, by)
    if not note.strip():
        raise ValidationError(_("Say what information was given."))
    contact.outcome, contact.outcome_note, contact.settled_at = ContactOutcome.INFORMATION, note, timezone.now()
    contact.save(update_fields=["outcome", "outcome_note", "settled_at"])
    return contact
