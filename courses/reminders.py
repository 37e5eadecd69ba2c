"""The reminder two days before a session, to everyone holding a seat, once (DOMAIN §5).

The job runs every hour and reminds, for every scheduled session that has not started yet and
starts by the end of the day after tomorrow (Taipei time), each seated person not yet reminded of
that session at that start. Looking at the whole window rather than at exactly "the day after
tomorrow" is what makes a missed run harmless: a worker that was down for a day still reminds
people of tomorrow's session, late but before it starts; a session that has started gets none,
since a reminder after the fact is noise. Someone who takes a seat inside the window (from the
waiting list, or enrolling late) is reminded on the next run. The key carries the start, so a
session moved to another day is reminded afresh. The waiting list is not reminded: they have no
seat to come to.
"""
import datetime

from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.notifications import notify
from courses.models import CourseSession, Enrolment, EnrolmentState, SessionState
from eap_portal.rocdates import TAIPEI

DAYS_AHEAD = 2


def reminder_key(enrolment):
    session = enrolment.session
    return f"course-session:{session.pk}:reminder:{int(session.starts_at.timestamp())}:{enrolment.employee.user_id}"


def remind_sessions_in_two_days(now=None):
    """Remind the seated people of sessions starting within two days (see the module's note).
    Returns how many were reminded in this run."""
    now = now or timezone.now()
    last_day = timezone.localtime(now, TAIPEI).date() + datetime.timedelta(days=DAYS_AHEAD)
    window_end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(), tzinfo=TAIPEI)
    sessions = CourseSession.objects.filter(state=SessionState.OPEN, starts_at__gt=now, starts_at__lt=window_end)
    seats = list(Enrolment.objects.filter(session__in=sessions, state=EnrolmentState.ENROLLED,
                                          employee__user__is_active=True)
                 .select_related("session", "employee__user"))
    # The job runs hourly over a window of up to three days: read who was reminded in one query.
    done = set(Notification.objects.filter(key__in=[reminder_key(e) for e in seats]).values_list("key", flat=True))
    reminded = 0
    for enrolment in seats:
        if reminder_key(enrolment) in done:
            continue
        notify(enrolment.employee.user, kind="course_reminder", key=reminder_key(enrolment), link=reverse("my_courses"))
        reminded += 1
    return reminded
