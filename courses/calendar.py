"""My course sessions as an iCalendar file (RFC 5545), built with the icalendar library.

One event per session the person holds (or held) a seat in, from a month back onwards. The UID
names the session, so importing a newer file updates the same events; a session the person left or
HR cancelled comes as STATUS:CANCELLED, so calendars drop it instead of keeping a stale entry.
Only what a calendar needs: topic, time, place, hours; nothing about the person."""
import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.home import own_enrolments
from courses.models import EnrolmentState, SessionState

RECENT = datetime.timedelta(days=30)
FILENAME = "my-courses.ics"


def uid_domain():
    return urlsplit(settings.EAP_SITE_URL).hostname or "eap-portal.invalid"


def _held_sessions(user, employee, since):
    """Per session, the enrolment that tells the person's state: a live seat wins over a seat they
    gave up. Waiting places never had a seat and stay out of the calendar."""
    chosen = {}
    rows = own_enrolments(user, employee).filter(session__starts_at__gte=since).order_by("session__starts_at", "pk")
    for enrolment in rows:
        seated_once = enrolment.state == EnrolmentState.CANCELLED and enrolment.seated_at is not None
        if enrolment.state == EnrolmentState.ENROLLED or (seated_once and enrolment.session_id not in chosen):
            chosen[enrolment.session_id] = enrolment
    return list(chosen.values())


def _event(enrolment, *, now, domain):
    session, course = enrolment.session, enrolment.session.course
    cancelled = enrolment.state == EnrolmentState.CANCELLED or session.state == SessionState.CANCELLED
    event = icalendar.Event()
    event.add("uid", f"course-session-{session.pk}@{domain}")
    event.add("dtstamp", now)
    # A later file must win over an earlier import of the same session: the sequence only grows.
    event.add("sequence", int(now.timestamp() // 60))
    event.add("dtstart", session.starts_at.astimezone(datetime.UTC))
    event.add("dtend", session.ends_at.astimezone(datetime.UTC))
    event.add("summary", course.topic)
    location = session.venue or session.online_link
    if location:
        event.add("location", location)
    lines = [_("Session %(number)s · %(hours)s learning hours") % {
        "number": session.number, "hours": f"{session.hours.normalize():f}"}]
    if session.online_link:
        lines.append(session.online_link)
    if settings.EAP_SITE_URL:
        page = settings.EAP_SITE_URL.rstrip("/") + reverse("course_detail", args=[course.pk])
        lines.append(page)
        event.add("url", page)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def my_calendar(user, employee, *, now=None):
    """The .ics file's bytes."""
    now = (now or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//EAP portal//Courses//ZH-TW")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("My courses"))
    domain = uid_domain()
    for enrolment in _held_sessions(user, employee, now - RECENT):
        calendar.add_component(_event(enrolment, now=now, domain=domain))
    return calendar.to_ical()
