from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    """Counseling and consulting (DOMAIN §4): online booking, the hour ledger, the provider's inbox,
    group counseling, and the aggregate views and reconciliation HR may see."""

    name = "counseling"
    verbose_name = _("Counseling")

    def ready(self):
        from core.notifications import HEADLINES

        # Neutral on purpose: an inbox line never says what the appointment is for.
        HEADLINES.update({
            "booking_received": _("A new request has arrived"),
            "booking_changed": _("A request has changed"),
            "session_scheduled": _("An appointment has been confirmed"),
            # The leave reminder travels with it (DOMAIN §4), still without saying what it is for.
            "session_reminder": _("Reminder: you have an appointment tomorrow; in office hours, ask for leave"),
        })
