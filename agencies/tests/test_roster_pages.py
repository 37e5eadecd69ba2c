"""The roster import pages as HR use them: upload, preview, commit, the refused file's rows, progress."""
import csv
import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agencies.models import Employee, ImportState, RosterImport
from agencies.roster.jobs import _progress_key
from agencies.tests.roster_files import HEADER, cp950_bytes, national_id, people_csv, person


def client_of(user, language="en"):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def upload(client, agency, data, name="roster.csv", **fields):
    return client.post(reverse("roster_imports"), {"agency": agency.pk, "file": SimpleUploadedFile(name, data),
                                                   **fields})


def test_upload_preview_and_commit_through_the_pages(cast, django_capture_on_commit_callbacks):
    client = client_of(cast.a_eap_officer.user)
    data = people_csv(person("N0001", name="王大同"), person("N0002", name="李小華", agency="A1"))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, cast.a, data)
    roster_import = RosterImport.objects.get()
    assert response["Location"] == reverse("roster_import_detail", args=[roster_import.pk])
    page = client.get(response["Location"]).content.decode()
    assert "What the import would do" in page and "王大同" in page and "李小華" in page
    assert not Employee.objects.filter(employee_number__in=["N0001", "N0002"]).exists()  # nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_import_commit", args=[roster_import.pk]))
    assert Employee.objects.filter(employee_number__in=["N0001", "N0002"]).count() == 2
    page = client.get(reverse("roster_import_detail", args=[roster_import.pk])).content.decode()
    assert "What the import did" in page and "Print activation codes for the new people" in page
    # A second commit of the same import is refused with a message and writes nothing more.
    response = client.post(reverse("roster_import_commit", args=[roster_import.pk]), follow=True)
    assert "not waiting to be confirmed" in response.content.decode()


def test_a_refused_file_lists_its_rows_in_zh_hant_and_as_csv(cast, django_capture_on_commit_callbacks):
    client = client_of(cast.a_eap_officer.user, "zh-hant")
    data = cp950_bytes(HEADER,
                       [["N0001", "王", "A", "公務人員", "女", "65/13/40", "0990801"]])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, cast.a, data)
    roster_import = RosterImport.objects.get()
    assert roster_import.state == ImportState.REFUSED
    page = client.get(reverse("roster_import_detail", args=[roster_import.pk])).content.decode()
    assert "未匯入任何資料" in page and "無法將 65/13/40 讀為日期" in page and "出生日期" in page
    assert "匯入這些異動" not in page  # no commit button on a refused file
    response = client.get(reverse("roster_import_errors", args=[roster_import.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["2", "出生日期"]


def test_a_national_id_in_a_bad_row_never_reaches_the_page_or_the_csv(cast, django_capture_on_commit_callbacks):
    client = client_of(cast.a_eap_officer.user)
    good = national_id("A", "12345678")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    data = people_csv(person("N0001", 身分證統一編號=bad), person("N0002", agency="B"),
                      header=[*HEADER, "身分證統一編號"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, cast.a, data)
    roster_import = RosterImport.objects.get()
    page = client.get(reverse("roster_import_detail", args=[roster_import.pk])).content.decode()
    errors = client.get(reverse("roster_import_errors", args=[roster_import.pk])).content.decode("utf-8-sig")
    assert "check digit" in page and "is not within" in page
    assert bad not in page and bad not in errors and bad not in str(roster_import.errors)


def test_the_progress_page_refreshes_itself_while_a_worker_reads(cast):
    roster_import = RosterImport.objects.create(agency=cast.a, file_name="big.csv", uploaded_by=cast.a_eap_officer.user,
                                                state=ImportState.READING, total_rows=50000)
    cache.set(_progress_key(roster_import.pk), 12000)
    page = client_of(cast.a_eap_officer.user).get(reverse("roster_import_detail", args=[roster_import.pk]))
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "12000 of 50000 rows" in html and 'aria-valuenow="12000"' in html


def test_discarding_changes_nothing_and_drops_the_staged_rows(cast, django_capture_on_commit_callbacks):
    client = client_of(cast.a_eap_officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, cast.a, people_csv(person("N0001")))
    roster_import = RosterImport.objects.get()
    assert roster_import.staged
    client.post(reverse("roster_import_discard", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.state == ImportState.DISCARDED and roster_import.staged == ""
    assert not Employee.objects.filter(employee_number="N0001").exists()


def test_the_form_offers_only_the_officers_subtree_and_refuses_another_agency(cast):
    client = client_of(cast.a_eap_officer.user)
    page = client.get(reverse("roster_imports")).content.decode()
    assert "甲局" in page and "乙區公所" not in page
    response = upload(client, cast.b, people_csv(person("N0001", agency="B")))
    assert response.status_code == 200 and not RosterImport.objects.exists()


@pytest.mark.parametrize("role", ["a_agency_hr", "a_employee", "a_convener"])
def test_other_roles_do_not_import(cast, role):
    assert client_of(getattr(cast, role).user).get(reverse("roster_imports")).status_code == 403
