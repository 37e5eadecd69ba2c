"""HR's held sessions (DOMAIN §5): the sessions of the courses they keep, the attendance roll
(marked on a tablet at the door) and closing a session, which invites its attendees to the
satisfaction survey.

Course keepers only (courses.access); another role is refused (403). A session is fetched through
CourseSession.objects.editable_by, so another agency's session does not exist (404). The roll
names people but nothing sensitive — who sat in a course — so, as for the roster pages, no access
log is written."""
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from courses import attendance
from courses.access import is_course_keeper
from courses.forms_roll import RollForm, SessionFilter
from courses.models import CourseSession, EnrolmentState, SessionState


def keepers_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_course_keeper(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _kept_session(request, pk):
    return get_object_or_404(CourseSession.objects.editable_by(request.user)
                             .select_related("course__agency", "course__plan", "satisfaction_survey"), pk=pk)


@require_safe
@keepers_only
def session_list(request):
    now = timezone.now()
    sessions = (CourseSession.objects.editable_by(request.user).select_related("course__agency")
                .annotate(enrolled=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ENROLLED)),
                          waiting=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.WAITLISTED)),
                          unmarked=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ENROLLED,
                                                                enrolments__attended__isnull=True))))
    found = SessionFilter(request.GET, queryset=sessions, request=request)
    page = Paginator(found.qs.order_by("starts_at", "pk"), 30).get_page(request.GET.get("page"))
    to_close = {session.pk for session in page if session.state == SessionState.OPEN and session.starts_at <= now}
    return render(request, "courses/hr_sessions.html", {"filter": found, "page": page, "to_close": to_close})


@require_http_methods(["GET", "HEAD", "POST"])
@keepers_only
def roll(request, pk):
    session = _kept_session(request, pk)
    refusal = attendance.marking_refusal(session)
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
        return redirect("course_roll", session.pk)
    people = list(attendance.roll_of(session))
    form = None if refusal else RollForm(request.POST if request.method == "POST" else None,
                                         session=session, roll=people)
    if form is not None and form.is_bound and form.is_valid():
        try:
            attendance.mark_attendance(session, form.marks(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            present = sum(1 for is_present, _hours in form.marks().values() if is_present)
            messages.success(request, _("The roll is saved: %(present)s present, %(absent)s absent.")
                             % {"present": present, "absent": len(form.marks()) - present})
            return redirect("course_roll", session.pk)
    return render(request, "courses/roll.html", {
        "session": session, "form": form, "refusal": refusal, "people": people,
        "unmarked": sum(1 for enrolment in people if enrolment.attended is None),
        "may_close": session.state == SessionState.OPEN and timezone.now() >= session.starts_at,
        "waiting": session.enrolments.filter(state=EnrolmentState.WAITLISTED).count(),
    })


@require_POST
@keepers_only
def close(request, pk):
    session = _kept_session(request, pk)
    try:
        attendance.close_session(session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        invited = attendance.attendees(session).count()
        messages.success(request, ngettext(
            "The session is closed. %(count)s person who attended is invited to the satisfaction survey.",
            "The session is closed. %(count)s people who attended are invited to the satisfaction survey.",
            invited) % {"count": invited})
    return redirect("course_roll", session.pk)
