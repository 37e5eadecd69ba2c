"""The care team's screenings (DOMAIN §7, Decision (b)): office tours and their roll, the risk-factor
checklist, one screening and its scanned form. Only current care-team members come here: anyone
else is refused the lists (403) and told an object does not exist (404). Every read of results,
answers or notes is logged."""
import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from agencies.roles import Role
from core.access_log import AccessAction, Purpose, record_access
from surveys import bsrs5
from surveys import tours as services
from surveys.forms_care import ChecklistForm, TourForm, TourScreeningForm
from surveys.models import Instrument


def _member_teams(user):
    teams = services.current_teams(user)
    if not teams.exists():
        raise PermissionDenied
    return teams


def _visible_tour(request, pk):
    return get_object_or_404(services.tours_for(request.user).select_related("team", "agency"), pk=pk)


def _error_text(error):
    return " ".join(error.messages)


def _form_errors(form):
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


# --- Tours ---------------------------------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
def tours(request):
    teams = _member_teams(request.user)
    form = TourForm(request.POST if request.method == "POST" else None, teams=teams, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tour = services.create_tour(team=data["team"], agency=data["agency"], unit=data["unit"],
                                        held_on=data["held_on"], screened_by=list(data["screened_by"]),
                                        notes=data["notes"], by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Office tour recorded: add the people screened."))
            return redirect("office_tour", pk=tour.pk)
    # Counts only: how many were screened and how many need follow-up, never who.
    listed = services.tours_for(request.user).select_related("agency", "team").annotate(
        screened=Count("screenings__employee", distinct=True),
        follow_up=Count("screenings", filter=Q(screenings__duty__isnull=False), distinct=True),
    ).order_by("-held_on", "-pk")
    page = Paginator(listed, 30).get_page(request.GET.get("page"))
    return render(request, "surveys/care_tours.html", {"page": page, "form": form, "teams": teams})


def _purpose(request, team_id, duty=None):
    if duty is not None and duty.assignee_id == request.user.pk:
        return Purpose.duty(duty)
    if team_id is not None and services.convenes(request.user, team_id):
        return Purpose.by_role(Role.CONVENER, f"team:{team_id}")
    return Purpose.by_role(Role.CARE_MEMBER, f"team:{team_id}" if team_id else "")


def _roll(screening):
    result = screening.result or {}
    row = {"screening": screening, "employee": screening.employee, "instrument": screening.instrument}
    if screening.instrument == Instrument.BSRS5:
        row.update(total=result.get("total"), band=bsrs5.Band(result["band"]).label if result.get("band") else "",
                   urgent=(result.get("star") or 0) >= bsrs5.STAR_URGENT)
    else:
        row.update(level=_level_label(result.get("level")))
    return row


def _level_label(level):
    from surveys.models import RiskLevel

    return RiskLevel(level).label if level in RiskLevel.values else ""


def _render_tour(request, tour, form, status=200):
    shown = list(services.screenings_for(request.user).filter(tour=tour).select_related(
        "employee__agency", "duty", "screened_by__employee").order_by("taken_on", "pk"))
    if shown:
        record_access(request, AccessAction.LIST, shown, purpose=_purpose(request, tour.team_id))
    convener = services.convenes(request.user, tour.team_id)
    return render(request, "surveys/care_tour.html", {
        "tour": tour, "rows": [_roll(screening) for screening in shown], "form": form, "is_convener": convener,
        "period": bsrs5.PERIOD,
        "screened_count": tour.screenings.values("employee").distinct().count(),
        "screeners": tour.screened_by.select_related("employee"),
    }, status=status)


@require_safe
def tour(request, pk):
    tour = _visible_tour(request, pk)
    return _render_tour(request, tour, TourScreeningForm(tour=tour))


@require_POST
def add_tour_screening(request, pk):
    tour = _visible_tour(request, pk)
    form = TourScreeningForm(request.POST, tour=tour)
    if form.is_valid():
        try:
            screening = services.add_tour_screening(tour, employee=form.employee, ratings=form.ratings,
                                                    star=form.star, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if screening.duty_id:
                messages.success(request, _("Recorded. A follow-up has been sent to the care team's intake."))
            else:
                messages.success(request, _("Recorded."))
            return redirect("office_tour", pk=tour.pk)
    return _render_tour(request, tour, form)


# --- The risk-factor checklist ---------------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
def checklist(request):
    teams = _member_teams(request.user)
    bound = request.method == "POST"
    form = ChecklistForm(request.POST if bound else None, request.FILES if bound else None, teams=teams,
                         user=request.user, initial={"taken_on": timezone.localdate()})
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            screening = services.record_checklist(employee=form.employee, taken_on=data["taken_on"],
                                                  level=data["level"], team=data["team"], tour=data["tour"],
                                                  upload=data["scanned_form"] or None, note=data["note"],
                                                  by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Checklist recorded."))
            return redirect("screening_detail", pk=screening.pk)
    return render(request, "surveys/care_checklist.html", {"form": form})


# --- One screening ---------------------------------------------------------------------------------

def _visible_screening(request, pk):
    return get_object_or_404(services.screenings_for(request.user).select_related(
        "employee__agency", "tour__team", "tour__agency", "screened_by__employee", "duty"), pk=pk)


def _log_read(request, screening):
    duty = screening.duty
    team_id = screening.tour.team_id if screening.tour_id else (duty.team_id if duty is not None else None)
    record_access(request, AccessAction.READ, screening, person=screening.employee,
                  purpose=_purpose(request, team_id, duty))


@require_safe
def screening(request, pk):
    screening = _visible_screening(request, pk)
    _log_read(request, screening)
    result = screening.result or {}
    answers = screening.answers or {}
    items = []
    if screening.instrument == Instrument.BSRS5 and answers:
        labels = dict(bsrs5.RATINGS)
        for (key, text), rating in zip(bsrs5.ITEMS, answers.get("ratings", [])):
            items.append({"text": text, "rating": rating, "label": labels.get(rating, "")})
        star = answers.get("star")
        star_item = {"text": bsrs5.STAR_ITEM[1], "rating": star, "label": labels.get(star, ""),
                     "urgent": star is not None and star >= bsrs5.STAR_URGENT}
    else:
        star_item = None
    duty = screening.duty
    return render(request, "surveys/care_screening.html", {
        "screening": screening, "row": _roll(screening), "items": items, "star_item": star_item,
        "period": bsrs5.PERIOD, "result": result,
        "advice": bsrs5.ADVICE.get(result.get("band")) if result.get("band") else "",
        "duty": duty,
        "duty_link": duty is not None and (duty.assignee_id == request.user.pk
                                           or (duty.team_id and services.convenes(request.user, duty.team_id))),
        "form_name": os.path.basename(screening.scanned_form.name) if screening.scanned_form else "",
    })


@require_safe
def scanned_form(request, pk):
    screening = _visible_screening(request, pk)
    if not screening.scanned_form:
        raise Http404
    try:
        handle = screening.scanned_form.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    _log_read(request, screening)
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(screening.scanned_form.name))
