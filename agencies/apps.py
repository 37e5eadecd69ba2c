from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    default = True
    name = "agencies"
    verbose_name = _("Agencies and people")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that lets in HR by role and scopes every model to their subtree."""

    default = False
    default_site = "agencies.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        from agencies.admin_site import use_roc_dates_in_the_admin

        use_roc_dates_in_the_admin()
