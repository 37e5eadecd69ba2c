from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared services every feature uses (issue 4): encrypted fields, the access log and write
    history, duties, notifications, the working-day calendar, small-cell suppression and exports.
    Features call these; none keeps its own to-do list, mailer or exporter."""

    name = "core"
    verbose_name = _("Shared services")

    def ready(self):
        from core import fields

        fields.refuse_ordering_by_encrypted_fields()

        from core import access_requests
        from core.notifications import register_kind

        for kind, headline in access_requests.HEADLINES.items():
            register_kind(kind, headline, private=True)
