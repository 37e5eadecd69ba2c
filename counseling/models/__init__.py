from counseling.models.bookings import (
                                        Booking,
                                        BookingState,
                                        Channel,
                                        CounselorGender,
                                        GroupTopic,
                                        Session,
                                        SessionState,
)
from counseling.models.ledger import EntryKind, LedgerEntry, QuotaAccount

__all__ = ["Booking", "BookingState", "Channel", "CounselorGender", "GroupTopic", "Session", "SessionState",
           "EntryKind", "LedgerEntry", "QuotaAccount"]
