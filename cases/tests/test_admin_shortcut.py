"""The admin's "view on site" shortcut must not confirm that a case exists: HR see no case."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from cases.models import Case
from cases.tests.factories import assigned_case


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["a_eap_officer", "a_agency_hr", "city_hr"])
def test_the_admin_shortcut_answers_a_case_like_a_missing_one(cast, role):
    case = assigned_case(cast)
    client = Client()
    client.force_login(getattr(cast, role).user)
    content_type = ContentType.objects.get_for_model(Case)
    existing = client.get(reverse("admin:view_on_site", args=(content_type.pk, case.pk)))
    missing = client.get(reverse("admin:view_on_site", args=(content_type.pk, case.pk + 1000)))
    assert existing.status_code == missing.status_code == 404
