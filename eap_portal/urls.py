"""URL wiring. Every view is login-required (LoginRequiredMiddleware) unless marked
@login_not_required where it is defined; the public ones are login, password reset,
account activation, the urgent-help page and the language switch."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from agencies.account_forms import PortalPasswordResetForm

urlpatterns = [
    path("", include("agencies.urls")),
    path("", include("core.urls")),
    path("", include("counseling.urls")),
    path("", include("surveys.urls")),
    path("", include("cases.urls")),
    path("", include("courses.urls")),
    # Before the include: imported staff without a password yet may set one by e-mail too.
    path("accounts/password_reset/", login_not_required(
        auth_views.PasswordResetView.as_view(form_class=PortalPasswordResetForm)), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
