"""The roster-import rows of the access-policy table. Only EAP officers (their subtree) and city HR
(the whole city) load rosters; other HR staff read the roster but are refused here (403). Object rows:
A's import was uploaded by A's EAP officer for agency A; B's likewise."""
from eap_portal.tests.policy import Row, outcomes

IMPORTERS = "eap_officer__city_hr"


def importers(outcome, **per_role):
    return outcomes(403, anonymous="login", **{IMPORTERS: outcome}, **per_role)


SAFE_ONLY = outcomes(405, anonymous="login")
POST_ONLY = outcomes(405, anonymous="login")


def _roster_import(cast, side):
    from agencies.models import ImportState, RosterImport

    officer = getattr(cast, f"{side}_eap_officer").user
    return RosterImport.objects.create(agency=getattr(cast, side), file_name=f"{side}.csv", uploaded_by=officer,
                                       state=ImportState.PREVIEW)


OBJECTS = {"roster_import": lambda cast, side: {"pk": _roster_import(cast, side).pk}}

ROWS = {
    # The upload form: a POST without a file shows the form again with its error.
    "hr/roster/": Row(get=importers(200), post=importers(200)),
    "hr/roster/template.csv": Row(get=importers(200), post=SAFE_ONLY),
    "hr/roster/<int:pk>/": Row(objects="roster_import", own=importers(200), other=importers(200, eap_officer=404),
                               post_own=SAFE_ONLY, post_other=SAFE_ONLY),
    "hr/roster/<int:pk>/errors.csv": Row(objects="roster_import", own=importers(200),
                                         other=importers(200, eap_officer=404),
                                         post_own=SAFE_ONLY, post_other=SAFE_ONLY),
    "hr/roster/<int:pk>/commit/": Row(objects="roster_import", own=POST_ONLY, other=POST_ONLY,
                                      post_own=importers("redirect"),
                                      post_other=importers("redirect", eap_officer=404)),
    "hr/roster/<int:pk>/discard/": Row(objects="roster_import", own=POST_ONLY, other=POST_ONLY,
                                       post_own=importers("redirect"),
                                       post_other=importers("redirect", eap_officer=404)),
}
