"""The suggestion mailbox (交流意見信箱): city HR reads every suggestion, an EAP officer those of
their subtree; an anonymous suggestion shows no author; the export is logged."""
import codecs
import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import AccessAction, AccessLog
from surveys.models import Suggestion

MAILBOX = reverse("suggestions")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def client_for(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def suggest(agency, text, *, author=None, day=datetime.date(2025, 4, 1)):
    return Suggestion.objects.create(agency=agency, text=text, author=getattr(author, "user", author),
                                     submitted_on=day)


def download(client, fmt):
    response = client.get(f"{MAILBOX}?format={fmt}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    if fmt == "csv":
        assert data.startswith(codecs.BOM_UTF8)
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]


@pytest.fixture
def mailbox(cast):
    return {
        "anonymous": suggest(cast.a, "希望增加紓壓講座", day=datetime.date(2025, 4, 3)),
        "named": suggest(cast.a, "諮商時段可否延長到晚上", author=cast.a_supervisor, day=datetime.date(2025, 4, 2)),
        "sub": suggest(cast.a_sub, "附屬機關也想要到府服務", day=datetime.date(2025, 4, 1)),
        "b": suggest(cast.b, "乙區公所的建議", author=cast.b_employee, day=datetime.date(2025, 4, 5)),
    }


@pytest.mark.django_db
def test_city_hr_reads_every_suggestion_newest_first(cast, mailbox):
    page = client_for(cast.city_hr).get(MAILBOX).content.decode()
    positions = [page.index(text) for text in ("乙區公所的建議", "希望增加紓壓講座", "諮商時段可否延長到晚上",
                                               "附屬機關也想要到府服務")]
    assert positions == sorted(positions)
    assert "114年4月5日" in page


@pytest.mark.django_db
def test_an_anonymous_suggestion_shows_no_author_and_a_named_one_its_author(cast, mailbox):
    page = client_for(cast.a_eap_officer).get(MAILBOX)
    items = page.context["items"]
    by_text = {item["suggestion"].text: item["author"] for item in items}
    assert by_text["希望增加紓壓講座"] == ""
    assert by_text["諮商時段可否延長到晚上"] == cast.a_supervisor.full_name
    assert cast.a_supervisor.full_name in page.content.decode()
    rows = download(client_for(cast.a_eap_officer), "csv")
    anonymous_row = next(row for row in rows if row[-1] == "希望增加紓壓講座")
    assert anonymous_row[2] == "Anonymous"
    assert not any(cast.a_employee.full_name in cell for row in rows for cell in row)


@pytest.mark.django_db
def test_an_eap_officer_reads_their_subtree_only(cast, mailbox):
    client = client_for(cast.b_eap_officer)
    page = client.get(MAILBOX).content.decode()
    assert "乙區公所的建議" in page
    for text in ("希望增加紓壓講座", "諮商時段可否延長到晚上", "附屬機關也想要到府服務"):
        assert text not in page
    for fmt in ("csv", "xlsx"):
        cells = [str(cell) for row in download(client, fmt) for cell in row]
        assert "乙區公所的建議" in cells and "希望增加紓壓講座" not in cells
    a_page = client_for(cast.a_eap_officer).get(MAILBOX).content.decode()
    assert "附屬機關也想要到府服務" in a_page and "乙區公所的建議" not in a_page


@pytest.mark.django_db
def test_the_export_writes_an_access_log_row_naming_the_rows(cast, mailbox):
    client = client_for(cast.a_eap_officer)
    before = AccessLog.objects.filter(action=AccessAction.EXPORT).count()
    rows = download(client, "xlsx")
    entries = AccessLog.objects.filter(action=AccessAction.EXPORT, actor=cast.a_eap_officer.user)
    assert entries.count() == before + 1
    entry = entries.get()
    expected = {str(mailbox[key].pk) for key in ("anonymous", "named", "sub")}
    assert set(entry.record_ids) == expected and entry.rows == 3
    assert entry.purpose_kind == "role" and entry.purpose_role == "eap_officer"
    assert len(rows) == 4  # the header and the three suggestions
    assert rows[1][0] == "114年4月3日"


@pytest.mark.django_db
def test_reading_named_suggestions_on_the_page_is_logged(cast, mailbox):
    client_for(cast.city_hr).get(MAILBOX)
    entry = AccessLog.objects.filter(actor=cast.city_hr.user, action=AccessAction.LIST).get()
    assert set(entry.record_ids) == {str(mailbox["named"].pk), str(mailbox["b"].pk)}
    assert entry.purpose_role == "city_hr"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["a_agency_hr", "a_care_member", "a_convener", "a_employee", "a_supervisor",
                                  "reviewer", "provider", "nobody"])
def test_others_are_refused(cast, mailbox, role):
    client = client_for(getattr(cast, role))
    assert client.get(MAILBOX).status_code == 403
    assert client.get(f"{MAILBOX}?format=csv").status_code == 403
