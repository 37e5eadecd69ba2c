"""The care team's screening pages: current care-team members only. The lists refuse everyone else
(403); a tour or a screening is "not found" (404) for anyone but its team's convener and, for a
screening, whoever screened it. HR never reads a screening; the person screened reads theirs on
their own self-check pages, not here."""
import datetime

from eap_portal.tests.policy import NOT_ALLOWED, Row, outcomes, signed_in  # noqa: F401

MEMBERS = signed_in(403, care_member=200, convener=200)
# A's object: the convener and A's care member (who screened); everyone else, and B's object, 404.
OWN = signed_in(404, care_member=200, convener=200)
NOT_FOUND = signed_in(404)

ROWS = {
    "care/tours/": Row(get=MEMBERS, post=MEMBERS),  # POST {}: the form again, with its errors
    "care/tours/<int:pk>/": Row(objects="tour", own=OWN, other=NOT_FOUND, post_own=NOT_ALLOWED,
                                post_other=NOT_ALLOWED),
    "care/tours/<int:pk>/screenings/": Row(objects="tour", own=NOT_ALLOWED, other=NOT_ALLOWED, post_own=OWN,
                                           post_other=NOT_FOUND),
    "care/checklist/": Row(get=MEMBERS, post=MEMBERS),
    "care/screenings/<int:pk>/": Row(objects="tour_screening", own=OWN, other=NOT_FOUND, post_own=NOT_ALLOWED,
                                     post_other=NOT_ALLOWED),
    # A screening without a scanned form has none to download: not found for everyone.
    "care/screenings/<int:pk>/form/": Row(objects="tour_screening", own=NOT_FOUND, other=NOT_FOUND,
                                          post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
}


def _tour(cast, side):
    """A fresh tour of the side's care team in its agency, screened by its care member."""
    from surveys.models import OfficeTour

    member = getattr(cast, f"{side}_care_member").user
    tour = OfficeTour.objects.create(team=getattr(cast, f"{side}_team"), agency=getattr(cast, side), unit="綜合科",
                                     held_on=datetime.date(2025, 3, 5), created_by=member)
    tour.screened_by.add(member)
    return tour


def _tour_screening(cast, side):
    """A fresh BSRS-5 screening of the side's employee on a fresh tour, by the side's care member."""
    from core.actors import acting_as
    from surveys.models import Screening, Setting

    tour = _tour(cast, side)
    member = getattr(cast, f"{side}_care_member").user
    with acting_as("test:policy"):
        return Screening.objects.create(
            employee=getattr(cast, f"{side}_employee"), setting=Setting.OFFICE_TOUR, taken_on=tour.held_on,
            tour=tour, screened_by=member, answers={"ratings": [1, 1, 1, 1, 1], "star": 0},
            result={"total": 5, "band": "good", "star": 0}, created_by=member)


OBJECTS = {
    "tour": lambda cast, side: {"pk": _tour(cast, side).pk},
    "tour_screening": lambda cast, side: {"pk": _tour_screening(cast, side).pk},
}
