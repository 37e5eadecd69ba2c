"""Single sign-on through a city's SSO proxy (issue 10): off unless configured.

How it works: the city's SSO proxy signs people in (its portal, Active Directory, 公務人員 ID card…),
then forwards each request to the portal with the signed-in person's **employee number** in a header
it sets itself. Two settings turn it on:

- ``EAP_SSO_HEADER``: the ``request.META`` key of that header, e.g. ``HTTP_X_EMPLOYEE_NUMBER`` for
  ``X-Employee-Number``. Empty (the default): the middleware and the backend do nothing, and a
  header a browser sends is ignored.
- ``EAP_SSO_TRUSTED_PROXIES``: the proxies' addresses as the portal sees them (``REMOTE_ADDR``).
  The header is believed only from these. Empty believes any address, which is safe **only** if
  every request reaches the portal through a proxy that removes the header from what browsers send;
  otherwise anyone can sign in as anyone by typing a header.

What the header does:

- It names a current person on the roster whose account is active → that person is signed in
  (a session is started, so the rest of Django sees an ordinary login).
- It names someone else than the session's user → that session ends first: one browser, one person.
- It names nobody known, an inactive account, or a leaver → nobody is signed in; no account is
  ever created (accounts come from the roster import).
- It is missing or comes from an untrusted address → a session that SSO started ends; a session
  started with a password stays (a city may keep password sign-in beside SSO).
- A session SSO started also ends when the person leaves the roster or SSO is turned off, because
  the backend that restores it each request asks the same questions again.

Built on Django's RemoteUserMiddleware and RemoteUserBackend (read their source for the general
mechanism). Differences, and why: the header carries an employee number, not a user name, so the
lookup goes through the roster; an unknown number ends any other session instead of keeping it; the
proxy's address is checked; and the backend is called directly so that an unknown number does not
count as a failed password for django-axes (every SSO request comes from the proxy's one address).
"""
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import RemoteUserBackend
from django.contrib.auth.middleware import RemoteUserMiddleware

from agencies.models import Employee
from agencies.roster.columns import CellError, identifier

BACKEND_PATH = "agencies.sso.EmployeeNumberBackend"


def sso_enabled():
    return bool(settings.EAP_SSO_HEADER)


class EmployeeNumberBackend(RemoteUserBackend):
    """Maps a trusted employee number to that person's account; never creates accounts."""

    create_unknown_user = False

    def authenticate(self, request, remote_user):
        if not sso_enabled() or not remote_user:
            return None
        employee = (Employee.objects.current().select_related("user")
                    .filter(employee_number=remote_user.strip(), user__is_active=True).first())
        return employee.user if employee and self.user_can_authenticate(employee.user) else None

    def get_user(self, user_id):
        # Asked on every request of an SSO session: a leaver, or SSO turned off, ends it.
        if not sso_enabled():
            return None
        employee = (Employee.objects.current().select_related("user")
                    .filter(user_id=user_id, user__is_active=True).first())
        return employee.user if employee else None


class EmployeeHeaderMiddleware(RemoteUserMiddleware):
    """Listed right after AuthenticationMiddleware; a no-op while EAP_SSO_HEADER is empty."""

    # It replaces process_request only; under an async server Django runs it in a thread.
    async_capable = False

    def process_request(self, request):
        header = settings.EAP_SSO_HEADER
        if not header:
            return
        number = self._trusted_number(request, header)
        user = request.user
        if not number:
            if user.is_authenticated:
                self._remove_invalid_user(request)  # only a session SSO started
            return
        if user.is_authenticated:
            if getattr(getattr(user, "employee", None), "employee_number", None) == number:
                return
            auth.logout(request)
        person = EmployeeNumberBackend().authenticate(request, remote_user=number)
        if person is not None:
            auth.login(request, person, backend=BACKEND_PATH)
            request.user = person

    @staticmethod
    def _trusted_number(request, header):
        trusted = settings.EAP_SSO_TRUSTED_PROXIES
        if trusted and request.META.get("REMOTE_ADDR") not in trusted:
            return ""
        # The same form as the roster import's numbers: full-width ＡＢ１２ is AB12, case does not count.
        try:
            return identifier(request.META.get(header, ""))
        except CellError:  # longer than any employee number: nobody
            return ""
