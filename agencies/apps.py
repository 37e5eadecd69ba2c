from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    default = True
    name = "agencies"
    verbose_name = _("Agencies and people")

    def ready(self):
        from agencies.my_data import HEADLINES
        from core.notifications import register_kind

        # A correction request says something about the person: kept off HR's failed-delivery list.
        for kind, headline in HEADLINES.items():
            register_kind(kind, headline, private=True)


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that lets in HR by role and scopes every model to their subtree."""

    default = False
    default_site = "agencies.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        from agencies.admin_site import use_roc_dates_in_the_admin

        use_roc_dates_in_the_admin()
