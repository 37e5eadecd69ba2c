"""The inbox every signed-in person has: notifications without content, each a link to sign in to."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies.decorators import role_required
from core.access import DELIVERY_WATCHERS
from core.models import EmailState, Notification
from core.notifications import mark_read, retry_failed_email


@require_safe
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page})


@require_safe
def inbox_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("inbox")


@require_POST
def inbox_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")


@require_safe
@role_required(*DELIVERY_WATCHERS)
def failed_emails(request):
    failed = (Notification.objects.failed_visible_to(request.user).filter(email_state=EmailState.FAILED)
              .select_related("recipient__employee__agency").order_by("-email_failed_at"))
    page = Paginator(failed, 50).get_page(request.GET.get("page"))
    return render(request, "core/failed_emails.html", {"page": page})


@require_POST
@role_required(*DELIVERY_WATCHERS)
def retry_email(request, pk):
    notification = get_object_or_404(Notification.objects.failed_visible_to(request.user), pk=pk)
    if retry_failed_email(notification):
        messages.success(request, _("The e-mail will be sent again."))
    else:
        messages.info(request, _("This e-mail is not waiting for a retry."))
    return redirect("failed_emails")
