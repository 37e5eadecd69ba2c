from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    """Counseling and consulting (DOMAIN §4): online booking, the hour ledger, the provider's inbox,
    group counseling, and the aggregate views and reconciliation HR may see."""

    name = "counseling"
    verbose_name = _("Counseling")

    def ready(self):
        from core.notifications import register_kind

        # Neutral on purpose: an inbox line never says what the appointment is for. The employee's
        # are private: HR never sees that one of them could not be e-mailed.
        register_kind("booking_received", _("A new request has arrived"))
        register_kind("booking_changed", _("A request has changed"))
        register_kind("session_scheduled", _("An appointment has been confirmed"), private=True)
        # The leave reminder travels with it (DOMAIN §4), still without saying what it is for.
        register_kind("session_reminder",
                      _("Reminder: you have an appointment tomorrow; in office hours, ask for leave"), private=True)
