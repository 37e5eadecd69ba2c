"""URL wiring. Every view is login-required (LoginRequiredMiddleware) unless marked
@login_not_required where it is defined; the public ones are login, password reset,
the urgent-help page and the language switch."""
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("agencies.urls")),
    path("", include("core.urls")),
    path("", include("counseling.urls")),
    path("", include("surveys.urls")),
    path("", include("cases.urls")),
    path("", include("courses.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
