"""Group counseling (DOMAIN §4): the agency EAP officer asks a provider for group counseling for an
agency of their subtree, drawn from that agency's group hours, follows their requests, and reads
the analysis report the provider attaches afterwards. The list shows no description: nothing on it
is about a person, so it is not logged; the report is, each time it is downloaded."""
import os
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from agencies.decorators import role_required
from agencies.roles import Role
from core.access_log import AccessAction, Purpose, record_access
from counseling import ledger, services
from counseling.access import provider_ids_of
from counseling.forms_hr import GroupCounselingForm, group_offers, requesting_agencies
from counseling.models import Booking, GroupTopic, QuotaAccount, SessionState
from eap_portal.rocdates import roc_year
from plans.models import Service

# Encrypted fields the list does not show: not loaded, so not decrypted.
NOT_LISTED = ("description", "intake_times", "intake_outcome", "applicant")


def _group_bookings(user):
    return Booking.objects.visible_to(user).filter(service=Service.GROUP)


def _hour_lines(agencies, offers, year):
    """The group hours left this year, once per pool an agency may draw on: for the officer's top
    agencies, and for any agency below that has used some (a subtree may hold hundreds of schools)."""
    agencies = list(agencies)
    pools = {offer.pool.pk: offer.pool for found in offers.values() for offer in found if offer.pool is not None}
    accounts = {(account.pool_id, account.agency_id): account for account in QuotaAccount.objects.filter(
        year=year, agency__in=agencies, pool__in=pools)}
    today = timezone.localdate()
    quotas = {pk: ledger.quota_on(pool, today) for pk, pool in pools.items()}
    ids = {agency.pk for agency in agencies}
    lines = []
    for agency in agencies:
        for pool in {offer.pool.pk: offer.pool for offer in offers.get(agency.pk, []) if offer.pool}.values():
            account = accounts.get((pool.pk, agency.pk))
            if account is None and agency.parent_id in ids:
                continue
            held, consumed = (account.held, account.consumed) if account else (Decimal(0), Decimal(0))
            lines.append({"agency": agency, "pool": pool, "quota": quotas[pool.pk], "held": held,
                          "consumed": consumed, "available": max(quotas[pool.pk] - held - consumed, Decimal(0))})
    return lines


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.EAP_OFFICER)
def group_counseling(request):
    year = roc_year(timezone.localdate())
    agencies = requesting_agencies(request.user)
    offers = group_offers(agencies, year)
    form = GroupCounselingForm(request.POST if request.method == "POST" else None, agencies=agencies,
                               offers=offers, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_group_counseling(data["agency"], data["chosen_offer"], by=request.user,
                                              topics=data["topics"], description=data["description"],
                                              intake_times=data["intake_times"])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("Your request for group counseling has been sent to %(provider)s.") % {
                "provider": data["chosen_offer"].contract.provider.name})
            return redirect("group_counseling")
    bookings = list(_group_bookings(request.user).defer(*NOT_LISTED).select_related("provider", "agency").annotate(
        held_sessions=Count("sessions", filter=Q(sessions__state=SessionState.HELD)),
        scheduled_sessions=Count("sessions", filter=Q(sessions__state=SessionState.SCHEDULED)),
        hours_held=Sum("sessions__hours", filter=Q(sessions__state=SessionState.HELD)),
        next_session=Min("sessions__starts_at", filter=Q(sessions__state=SessionState.SCHEDULED)),
    ).order_by("-created_at", "-pk"))
    for booking in bookings:
        booking.topic_labels = [GroupTopic(topic).label if topic in GroupTopic.values else topic
                                for topic in booking.topics]
    return render(request, "counseling/group_counseling.html", {
        "year": year, "form": form, "bookings": bookings, "hour_lines": _hour_lines(agencies, offers, year),
        "can_request": any(offers.values()),
    })


@require_safe
def report(request, pk):
    """The analysis report of a group booking the reader may see: the agency's EAP officer or the
    provider's staff. Everyone else, and a booking with no report yet, is told it does not exist."""
    booking = get_object_or_404(_group_bookings(request.user).defer(*NOT_LISTED), pk=pk)
    if not booking.analysis_report:
        raise Http404
    try:
        handle = booking.analysis_report.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if booking.provider_id in provider_ids_of(request.user):
        purpose = Purpose.by_role(Role.PROVIDER_STAFF, f"provider:{booking.provider_id}")
    else:
        purpose = Purpose.by_role(Role.EAP_OFFICER, f"agency:{booking.agency_id}")
    record_access(request, AccessAction.READ, booking, purpose=purpose)
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(booking.analysis_report.name))
