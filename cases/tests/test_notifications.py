"""Case notifications are neutral, and HR's list of failed e-mails never shows them: that a supervisor
"raised a matter" or a member was given one would tell HR that a case exists."""
import pytest
from django.test import Client
from django.urls import reverse

from core.models import EmailState, Notification
from core.notifications import PRIVATE_KINDS, headline_for

CASE_KINDS = ["case_assigned", "referral_advice", "safety_health_report", "crisis_reported"]


@pytest.mark.parametrize("kind", CASE_KINDS)
def test_case_notifications_are_private(kind):
    assert kind in PRIVATE_KINDS
    assert "個案" not in str(headline_for(kind)) and "case" not in str(headline_for(kind)).lower()


@pytest.mark.django_db
def test_a_failed_case_e_mail_is_not_listed_for_hr(cast):
    recipient = cast.a_supervisor.user
    Notification.objects.create(key="policy:referral", recipient=recipient, kind="referral_advice", link="/",
                                email_state=EmailState.FAILED)
    Notification.objects.create(key="policy:message", recipient=recipient, kind="message", link="/",
                                email_state=EmailState.FAILED)
    for hr in (cast.city_hr, cast.a_eap_officer):
        client = Client()
        client.force_login(hr.user)
        page = client.get(reverse("failed_emails")).content.decode()
        assert page.count(cast.a_supervisor.full_name) == 1  # the plain message only
