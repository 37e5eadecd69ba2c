"""The access-policy table: every URL pattern of the project × every role.

Each row is keyed by the URL's route as Django defines it. For a URL that takes an object, the
row says what each role gets for an object of their own agency (A) and of another agency (B).
A URL missing from this table fails test_access_policy — every issue that adds a URL adds its row.

Outcomes: an HTTP status, or where a redirect goes:
  "login"        → the portal's login page (not signed in)
  "admin_login"  → the admin's login page (signed in but not an admin user, or not signed in)
  "admin_index"  → a redirect to the admin index: the admin's answer for an object that does not
                   exist *or is not yours*, and for admin pages that do not apply to the user
  "redirect"     → any other redirect (a successful form, the language switch)
"""
from dataclasses import dataclass, field

ROLES = {
    # role in the table → attribute of the `cast` fixture (None: not signed in)
    "anonymous": None,
    "employee": "a_employee",
    "supervisor": "a_supervisor",
    "care_member": "a_care_member",
    "convener": "a_convener",
    "safety_health": "a_safety_health",
    "agency_head": "a_agency_head",
    "eap_officer": "a_eap_officer",
    "agency_hr": "a_agency_hr",
    "city_hr": "city_hr",
    "access_approver": "access_approver",
    "provider": "provider",
    "reviewer": "reviewer",
    "nobody": "nobody",
}
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
STAFF = frozenset({"employee", "supervisor", "care_member", "convener", "safety_health", "agency_head", "eap_officer",
                   "agency_hr", "city_hr", "access_approver"})  # people with a roster entry
HR = frozenset({"eap_officer", "agency_hr", "city_hr"})
ADMIN = HR


def outcomes(default, **per_role):
    table = {role: default for role in ROLES}
    for roles, outcome in per_role.items():
        for role in roles.split("__"):
            assert role in ROLES, role
            table[role] = outcome
    return table


def signed_in(outcome, **per_role):
    """Anonymous visitors go to the login page; signed-in roles get `outcome` unless named."""
    return outcomes(outcome, anonymous="login", **per_role)


def hr_only(outcome=200, **per_role):
    return outcomes(403, anonymous="login", **{"__".join(sorted(HR)): outcome}, **per_role)


def admin_only(outcome=200, **per_role):
    return outcomes("admin_login", **{"__".join(sorted(ADMIN)): outcome}, **per_role)


@dataclass
class Row:
    get: dict = None          # for URLs without an object
    post: dict = None
    own: dict = None          # GET of agency A's object
    other: dict = None        # GET of agency B's object
    post_own: dict = None
    post_other: dict = None
    objects: str = ""         # which objects fill the URL's arguments (see test_access_policy.OBJECTS)
    kwargs: dict = field(default_factory=dict)  # fixed arguments (no agency)


NOT_ALLOWED = signed_in(405)  # read-only pages refuse POST

POLICY = {
    # --- agencies: homes, profile, roster, tree -------------------------------------------
    "": Row(get=signed_in(200), post=NOT_ALLOWED),
    "me/": Row(get=signed_in(200, provider=404, reviewer=404, nobody=404), post=NOT_ALLOWED),
    # Only the employee keeps their emergency contact; accounts without a roster entry have none.
    "me/emergency-contact/": Row(get=signed_in(200, provider=404, reviewer=404, nobody=404),
                                 post=signed_in(200, provider=404, reviewer=404, nobody=404)),
    "help/urgent/": Row(get=outcomes(200), post=outcomes(405)),
    "hr/": Row(get=hr_only(), post=signed_in(405)),
    "hr/people/": Row(get=hr_only(), post=signed_in(405)),
    "hr/people/<int:pk>/": Row(objects="employee", own=hr_only(), other=hr_only(eap_officer=404, agency_hr=404),
                               post_own=signed_in(405), post_other=signed_in(405)),
    "hr/agencies/": Row(get=hr_only(), post=signed_in(405)),
    "hr/agencies/<int:pk>/": Row(objects="agency", own=hr_only(), other=hr_only(eap_officer=404, agency_hr=404),
                                 post_own=signed_in(405), post_other=signed_in(405)),
    # --- core: duties (one named assignee; the convener sees the team's), inbox, failed e-mails ---------
    # Object rows: agency A's duty is about a_employee, for A's care team, held by a_care_member.
    # Every staff role (role holders, unit supervisors, care-team members) has the page.
    "duties/": Row(get=signed_in(200, employee=403, nobody=403), post=NOT_ALLOWED),
    "duties/<int:pk>/": Row(objects="duty", own=signed_in(404, care_member__convener=200), other=signed_in(404),
                            post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    # Only the assignee completes; the convener sees it but may not; the rest are told it does not exist.
    "duties/<int:pk>/complete/": Row(objects="duty", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                     post_own=signed_in(404, care_member="redirect", convener=403),
                                     post_other=signed_in(404)),
    "duties/<int:pk>/assign/": Row(objects="duty", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                   post_own=signed_in(404, care_member=403, convener="redirect"),
                                   post_other=signed_in(404)),
    "duties/team/": Row(get=signed_in(403, convener=200), post=NOT_ALLOWED),
    "duties/team/<int:pk>/absences/": Row(objects="team", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                          post_own=signed_in(404, convener="redirect"), post_other=signed_in(404)),
    "duties/absences/<int:pk>/end/": Row(objects="absence", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                         post_own=signed_in(404, convener="redirect"), post_other=signed_in(404)),
    "inbox/": Row(get=signed_in(200), post=NOT_ALLOWED),
    # A's notification is a_employee's own: everyone else is told it does not exist.
    "inbox/<int:pk>/": Row(objects="notification", own=signed_in(404, employee="redirect"), other=signed_in(404),
                           post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    "inbox/read-all/": Row(get=NOT_ALLOWED, post=signed_in("redirect")),
    # The access log: the access approver's alone (agency HR never learns who uses which service).
    "audit/access-log/": Row(get=signed_in(403, access_approver=200), post=NOT_ALLOWED),
    # Duty timeliness: suppressed counts for EAP officers, city HR and reviewers; no one is named.
    "hr/duties/": Row(get=signed_in(403, eap_officer=200, city_hr=200, reviewer=200), post=NOT_ALLOWED),
    "hr/notifications/failed/": Row(get=signed_in(403, eap_officer=200, city_hr=200), post=NOT_ALLOWED),
    "hr/notifications/<int:pk>/retry/": Row(objects="failed_notification", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                            post_own=signed_in(403, eap_officer="redirect", city_hr="redirect"),
                                            post_other=signed_in(403, eap_officer=404, city_hr="redirect")),
    # --- accounts (public: login and password reset) -----------------------------------------
    "accounts/login/": Row(get=outcomes(200), post=outcomes(200)),
    "accounts/logout/": Row(get=signed_in(405), post=outcomes("login")),
    "accounts/password_change/": Row(get=signed_in(200), post=signed_in(200)),
    "accounts/password_change/done/": Row(get=signed_in(200), post=signed_in(405)),
    "accounts/password_reset/": Row(get=outcomes(200), post=outcomes(200)),
    "accounts/password_reset/done/": Row(get=outcomes(200), post=outcomes(405)),
    "accounts/reset/<uidb64>/<token>/": Row(get=outcomes(200), post=outcomes(200),
                                            kwargs={"uidb64": "MQ", "token": "bad-token"}),
    "accounts/reset/done/": Row(get=outcomes(200), post=outcomes(405)),
    "i18n/setlang/": Row(get=outcomes("redirect"), post=outcomes("redirect")),
    # --- the admin: HR only, each model scoped to the user's subtree ----------------------------
    "admin/": Row(get=admin_only(), post=admin_only()),
    "admin/login/": Row(get=admin_only("admin_index", anonymous=200, **{"__".join(sorted(SIGNED_IN - ADMIN)): 200}),
                        post=outcomes(200)),
    # Django sends a signed-in non-admin who asks to log out of the admin back to the admin index.
    "admin/logout/": Row(get=admin_only(405, **{"__".join(sorted(SIGNED_IN - ADMIN)): "admin_index"}),
                         post=admin_only("login", **{"__".join(sorted(SIGNED_IN - ADMIN)): "admin_index"})),
    "admin/password_change/": Row(get=admin_only(), post=admin_only()),
    "admin/password_change/done/": Row(get=admin_only(), post=admin_only(405)),
    # Autocomplete without its parameters is refused; test_admin_scoping tries it with them.
    "admin/autocomplete/": Row(get=admin_only(403), post=admin_only(405)),
    "admin/jsi18n/": Row(get=admin_only(), post=admin_only(405)),
    "admin/r/<path:content_type_id>/<path:object_id>/": Row(objects="admin_shortcut", own=admin_only(404),
                                                            other=admin_only(404), post_own=admin_only(404),
                                                            post_other=admin_only(404)),
    "admin/^(?P<app_label>core|agencies|plans|surveys|courses)/$": Row(get=admin_only(), post=admin_only(),
                                                                      kwargs={"app_label": "plans"}),
    "admin/(?P<url>.*)$": Row(get=admin_only(404), post=admin_only(404), kwargs={"url": "no-such-page/"}),
}

# Agency admin: EAP officers and city HR keep the tree; agency HR may look; nobody deletes an agency
# (they are dissolved or merged, with a date).
# Employee admin: the roster, kept by all three HR roles; leavers are marked, never deleted.
# Role admin: EAP officers grant agency roles in their subtree, city HR any role; agency HR sees only
# their own role.
# Plans, amendments, providers and contracts: city HR keeps them; agency HR roles look at those of
# the plans that cover them or lie in their subtree; nobody deletes them in the admin.
_EDITORS = {"agency": {"eap_officer", "city_hr"}, "employee": HR, "roleassignment": {"eap_officer", "city_hr"},
            "plan": {"city_hr"}, "amendment": {"city_hr"}, "provider": {"city_hr"}, "contract": {"city_hr"},
            # Care teams and their training records: the agency's EAP officer keeps them.
            "careteam": {"eap_officer", "city_hr"}, "training": {"eap_officer", "city_hr"},
            # Declared days off: city HR for the city, each EAP officer for their subtree.
            "dayexception": {"eap_officer", "city_hr"},
            # Surveys: city HR for the city, each EAP officer for their subtree; agency HR look.
            "survey": {"eap_officer", "city_hr"},
            # Courses: the HR of the agency that runs one keep it; the plan's series and topic
            # categories (with their targets) are plan data, kept by city HR.
            "course": HR, "courseseries": {"city_hr"}, "topiccategory": {"city_hr"}}
_VIEWERS = {model: HR for model in _EDITORS}
_DELETERS = {model: set() for model in _EDITORS} | {"roleassignment": {"eap_officer", "city_hr"}}
# Whose view of agency B's object is the admin's "not found" (a B object outside their subtree).
_BLIND_TO_B = {model: {"eap_officer", "agency_hr"} for model in _EDITORS}
_APP = {"agency": "agencies", "employee": "agencies", "roleassignment": "agencies", "careteam": "agencies",
        "training": "agencies", "plan": "plans", "dayexception": "core",
        "amendment": "plans", "provider": "plans", "contract": "plans", "survey": "surveys",
        "course": "courses", "courseseries": "courses", "topiccategory": "courses"}


def _admin_model_rows(model):
    base = f"admin/{_APP[model]}/{model}/"
    viewers, editors, deleters, blind = _VIEWERS[model], _EDITORS[model], _DELETERS[model], _BLIND_TO_B[model]
    # agency HR sees only their own role assignment, so agency A's convener role is "not found" too.
    own_blind = {"agency_hr"} if model == "roleassignment" else set()

    def on_object(outcome_for, blind_roles):
        # Model pages are not the admin site's own views: the portal's login comes first.
        table = admin_only(anonymous="login")
        for role in ADMIN:
            table[role] = "admin_index" if role in blind_roles else outcome_for(role)
        return table

    def on_delete(blind_roles):
        # Django checks the delete (and, on POST, change) permission before looking the object up:
        # without it, 403 for every object, yours or not; with it, another agency's is "not found".
        return on_object(lambda role: 200 if role in deleters else 403, blind_roles & deleters)

    view = lambda role: 200 if role in viewers else 403  # noqa: E731
    edit_post = lambda role: 200 if role in editors else 403  # noqa: E731
    return {
        base: Row(get=on_object(view, set()), post=on_object(view, set())),
        base + "add/": Row(get=on_object(edit_post, set()), post=on_object(edit_post, set())),
        base + "<path:object_id>/change/": Row(objects=model, own=on_object(view, own_blind),
                                               other=on_object(view, blind),
                                               post_own=on_object(edit_post, own_blind & editors),
                                               post_other=on_object(edit_post, blind & editors)),
        base + "<path:object_id>/history/": Row(objects=model, own=on_object(view, own_blind),
                                                other=on_object(view, blind),
                                                post_own=on_object(view, own_blind),
                                                post_other=on_object(view, blind)),
        base + "<path:object_id>/delete/": Row(objects=model, own=on_delete(own_blind), other=on_delete(blind),
                                               post_own=on_delete(own_blind), post_other=on_delete(blind)),
        # Django's redirect from the bare object URL to its change page, for anyone the admin lets in.
        base + "<path:object_id>/": Row(objects=model, own=admin_only("redirect", anonymous="login"),
                                        other=admin_only("redirect", anonymous="login"),
                                        post_own=admin_only("redirect", anonymous="login"),
                                        post_other=admin_only("redirect", anonymous="login")),
    }


for _model in _EDITORS:
    POLICY.update(_admin_model_rows(_model))


def _merge_app_rows():
    # Apps with many pages keep their rows beside their tests; they are part of this one table.
    from agencies.tests.policy_rows import ROWS as AGENCIES_ROWS
    from cases.tests.policy_rows import ROWS as CASES_ROWS
    from core.tests.policy_access_requests import ROWS as ACCESS_REQUEST_ROWS
    from core.tests.policy_retention import ROWS as RETENTION_ROWS
    from counseling.tests.policy_rows import ROWS as COUNSELING_ROWS
    from courses.tests.policy_rows import ROWS as COURSES_ROWS
    from surveys.tests.policy_rows import ROWS as SURVEYS_ROWS

    POLICY.update(AGENCIES_ROWS)
    POLICY.update(ACCESS_REQUEST_ROWS)
    POLICY.update(RETENTION_ROWS)
    POLICY.update(COUNSELING_ROWS)
    POLICY.update(SURVEYS_ROWS)
    POLICY.update(CASES_ROWS)
    POLICY.update(COURSES_ROWS)
