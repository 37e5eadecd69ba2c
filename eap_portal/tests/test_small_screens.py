"""Every portal page fits a 360 px phone screen: no horizontal scroll, in Debian's Chromium."""
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise RuntimeError("CI needs Debian's chromium for the browser tests (.ci/run installs it)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM runs beside Playwright's event loop

PAGES = {
    None: ["/accounts/login/", "/accounts/password_reset/", "/accounts/activate/", "/help/urgent/"],
    "employee": ["/", "/me/", "/help/urgent/", "/accounts/password_change/", "/courses/", "/courses/{course}/",
                 "/courses/mine/"],
    "cityhr": ["/hr/", "/hr/people/", "/hr/people/{employee}/", "/hr/agencies/", "/hr/agencies/{agency}/",
               "/hr/courses/", "/hr/courses/sessions/{session}/roll/", "/hr/courses/report/", "/hr/courses/targets/",
               "/hr/roster/", "/hr/roster/{refused}/", "/hr/roster/{preview}/", "/hr/people/activation-codes/"],
}


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}, "locale": "zh-TW"}


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_no_portal_page_scrolls_sideways_at_360_px(live_server, transactional_db, page, language):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    User = get_user_model()
    employee = User.objects.get(username="employee").employee
    # The demo's full session (the longest course page) and the session waiting for its roll.
    from django.utils import timezone

    from courses.models import CourseSession

    full = CourseSession.objects.filter(enrolments__state="waitlisted").first()
    to_mark = CourseSession.objects.filter(state="open", starts_at__lt=timezone.now()).first()
    from agencies.models import ImportState, RosterImport

    refused = RosterImport.objects.filter(state=ImportState.REFUSED).first()
    preview = RosterImport.objects.filter(state=ImportState.PREVIEW).first()
    too_wide = []
    for username, paths in PAGES.items():
        page.context.clear_cookies()
        cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
        if username:
            client = Client()
            client.force_login(User.objects.get(username=username))
            cookies.append({"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url})
        page.context.add_cookies(cookies)
        for path in paths:
            url = live_server.url + path.format(employee=employee.pk, agency=employee.agency_id,
                                                course=full.course_id, session=to_mark.pk, refused=refused.pk,
                                                preview=preview.pk)
            response = page.goto(url)
            assert response.status == 200, f"{path} as {username}: {response.status}"
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                too_wide.append(f"{path} as {username or 'visitor'}: {widths[0]} px wide")
    assert not too_wide, "\n".join(too_wide)
