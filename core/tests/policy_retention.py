"""The destruction-register and legal-hold rows of the access-policy table (DOMAIN §1, §8). The
register names no one: city HR and EAP officers read it, city HR alone adds to it. Holds name people:
the access approver and city HR (both city-wide) place and release them, on A's people and B's
alike. A paper file's destruction is recorded by whoever manages its case (the cases table's A case)."""
from cases.tests.policy_rows import MANAGES_A, NOT_FOUND
from cases.tests.policy_rows import OBJECTS as CASES_OBJECTS
from eap_portal.tests.policy import NOT_ALLOWED, Row, signed_in

HOLD_PLACERS = signed_in(403, access_approver=200, city_hr=200)
RELEASES = signed_in(403, access_approver="redirect", city_hr="redirect")

ROWS = {
    # POST {}: city HR gets the confirmation form again, with its errors; EAP officers only read.
    "hr/destruction-register/": Row(get=signed_in(403, eap_officer=200, city_hr=200),
                                    post=signed_in(403, city_hr=200)),
    # POST {}: the hold form again, with its errors.
    "hr/legal-holds/": Row(get=HOLD_PLACERS, post=HOLD_PLACERS),
    "hr/legal-holds/<int:pk>/release/": Row(objects="legal_hold", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                            post_own=RELEASES, post_other=RELEASES),
    # POST {} names no date: managers are sent back to the case with a message.
    "cases/paper-files/<int:pk>/destroyed/": Row(objects="paper_file", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                                 post_own=MANAGES_A, post_other=NOT_FOUND),
}


def _hold(cast, side):
    from core.models import LegalHold

    return LegalHold.objects.create(person=getattr(cast, f"{side}_employee"), reason="申訴審議中",
                                    placed_by=cast.city_hr.user)


def _paper_file(cast, side):
    from cases.follow_ups import list_paper_file
    from cases.models import Case
    from core.actors import acting_as

    case = Case.objects.get(pk=CASES_OBJECTS["case"](cast, side)["pk"])
    convener = getattr(cast, f"{side}_convener").user
    with acting_as(convener):
        return list_paper_file(case, by=convener, description="轉介單（紙本）", location="第二檔案櫃")


OBJECTS = {
    "legal_hold": lambda cast, side: {"pk": _hold(cast, side).pk},
    "paper_file": lambda cast, side: {"pk": _paper_file(cast, side).pk},
}
