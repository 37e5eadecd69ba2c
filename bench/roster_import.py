"""Roster import and activation-code speed (issue 10).

Targets: a 50,000-row roster, preview and commit, in under a minute on PostgreSQL; activation codes
for 5,000 people printed in under a minute.

By default the bench creates a throwaway PostgreSQL database on the server of --server (the machine's
127.0.0.1:5432 as user postgres), migrates it, runs, and drops it. --sqlite runs the same on a
throwaway SQLite file instead. Timings are wall-clock seconds of the portal's own functions, the
same ones the web pages and Celery tasks call:

1. read + check + preview (`jobs.read_import`) of a 50,000-row CSV (UTF-8 with BOM, ROC dates, national
   ID numbers) for a city of 1 + 40 first-level agencies + 400 schools;
2. commit (`jobs.apply_import`): 50,000 accounts and roster entries, all in one transaction;
3. the same file again: preview finds 0 new, 0 changed, 0 leavers, and its commit writes nothing;
4. a second month's full roster: 2,500 changed, 1,000 transferred, 500 leavers, 500 new — preview and commit;
5. the 50,000 rows as XLSX: preview only;
6. activation codes for 5,000 people: the HR page's POST, which issues the codes and renders the
   printable sheet (`agencies.account_views`), through Django's test client.
"""
import argparse
import io
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"


def national_id(index):
    """A valid, distinct number per person (letter and gender digit vary, the rest is the index)."""
    letter = LETTERS[index % 22]
    digits = ["12"[index % 2]] + list(f"{index:07d}")
    first = LETTERS.index(letter) + 10
    values = [first // 10, first % 10] + [int(d) for d in digits]
    weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    check = (10 - sum(v * w for v, w in zip(values, weights)) % 10) % 10
    return letter + "".join(digits) + str(check)


def roster_rows(count, agencies, rng, *, month=0):
    categories = ["公務人員"] * 6 + ["教師"] * 3 + ["約聘僱人員", "技工", "駕駛", "工友", "清潔隊員"]
    surnames, names = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周", "怡君雅婷家豪志明淑芬建宏美玲俊傑宗翰佩珊"
    rows = []
    for index in range(count):
        person = random.Random(index)
        agency = agencies[person.randrange(len(agencies))]
        if month and index % 50 == 7:
            agency = agencies[(agencies.index(agency) + 1) % len(agencies)]  # 1,000 transfers
        name = person.choice(surnames) + person.choice(names) + person.choice(names)
        birth = f"{person.randint(45, 90):03d}{person.randint(1, 12):02d}{person.randint(1, 28):02d}"
        hire = f"{person.randint(95, 113):03d}{person.randint(1, 12):02d}{person.randint(1, 28):02d}"
        unit = f"第{person.randint(1, 9)}科" + ("（調整）" if month and index % 20 == 3 else "")
        rows.append([f"K{index:07d}", name, national_id(index), agency, unit, "科員", person.choice(categories),
                     "委任", str(person.randint(1, 9)), "否", "", "男女"[index % 2], birth, hire,
                     f"k{index}@example.gov.tw" if index % 3 else ""])
    return rows


HEADER = ["員工編號", "姓名", "身分證統一編號", "機關代碼", "單位", "職稱", "人員類別", "官等", "職等", "主管",
          "直屬主管員工編號", "性別", "出生日期", "到職日期", "電子郵件"]


def as_csv(rows):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows):
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    book.close()
    return out.getvalue()


def setup(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eap_portal.settings")
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every query in memory
    os.environ.pop("REDIS_URL", None)  # tasks are called directly; progress goes to the local cache
    if args.sqlite:
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return None
    import psycopg2

    name = f"eap_bench_{uuid.uuid4().hex[:8]}"
    connection = psycopg2.connect(args.server + "postgres")
    connection.autocommit = True
    connection.cursor().execute(f'CREATE DATABASE "{name}"')
    connection.close()
    os.environ["DATABASE_URL"] = args.server + name
    return name


def drop(args, name):
    if name is None:
        return
    import psycopg2
    from django.db import connections

    connections.close_all()
    connection = psycopg2.connect(args.server + "postgres")
    connection.autocommit = True
    connection.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
    connection.close()


def timed(label, function, results):
    start = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):  # BENCH_PROFILE=1: where the time goes, top 25 by cumulative time
        import cProfile
        import pstats

        profile = cProfile.Profile()
        value = profile.runcall(function)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    else:
        value = function()
    seconds = time.perf_counter() - start
    results.append((label, seconds))
    print(f"{label:<58} {seconds:7.1f} s", flush=True)
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--codes", type=int, default=5_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--sqlite", action="store_true", help="a throwaway SQLite file instead of PostgreSQL")
    args = parser.parse_args()
    name = setup(args)
    try:
        return run(args)
    finally:
        drop(args, name)


def run(args):
    import datetime

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.vendor}; migrating…", flush=True)
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from agencies.models import AgencyKind, Employee, ImportState, RoleAssignment, RosterImport
    from agencies.roles import Role
    from agencies.roster import jobs
    from agencies.services import create_agency

    today = datetime.date(2026, 11, 22)
    city = create_agency(code="CITY", name="市政府", kind=AgencyKind.CITY, effective=today)
    agencies = ["CITY"]
    for first in range(40):
        parent = create_agency(code=f"B{first:02d}", name=f"局處{first}", kind=AgencyKind.FIRST_LEVEL, parent=city,
                               effective=today)
        agencies.append(parent.code)
        for school in range(10):
            agencies.append(create_agency(code=f"S{first:02d}{school}", name=f"學校{first}-{school}",
                                          kind=AgencyKind.SCHOOL, parent=parent, effective=today).code)
    hr = get_user_model().objects.create_user("cityhr-bench", password="bench-password-123")
    RoleAssignment.objects.create(user=hr, role=Role.CITY_HR, agency=city)
    rng = random.Random(114)
    rows = roster_rows(args.rows, agencies, rng)
    results = []

    def preview_and_commit(data, label, file_name="roster.csv"):
        roster_import = jobs.store_upload(agency=city, data=data, file_name=file_name, by=hr, is_full=True)
        timed(f"{label}: read, check and preview", lambda: jobs.read_import(roster_import.pk, today=today), results)
        roster_import.refresh_from_db()
        assert roster_import.state == ImportState.PREVIEW, (roster_import.state, roster_import.errors[:5])
        print(f"    preview: {roster_import.created} new, {roster_import.updated} changed, "
              f"{roster_import.transferred} transferred, {roster_import.deactivated} leavers, "
              f"{roster_import.unchanged} unchanged")
        jobs.commit_import(roster_import, by=hr, queue=False)
        timed(f"{label}: commit", lambda: jobs.apply_import(roster_import.pk, today=today), results)
        roster_import.refresh_from_db()
        assert roster_import.state == ImportState.DONE, (roster_import.state, roster_import.failure)
        return roster_import

    data = as_csv(rows)
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV, {len(agencies)} agencies", flush=True)
    preview_and_commit(data, f"first import of {args.rows:,} rows")
    assert Employee.objects.count() == args.rows
    preview_and_commit(data, "the same file again")

    changed = roster_rows(args.rows, agencies, rng, month=1)
    leavers = set(range(11, args.rows, args.rows // 500 or 1))
    next_month = [row for index, row in enumerate(changed) if index not in leavers]
    next_month += roster_rows(args.rows + 500, agencies, rng)[args.rows:]
    preview_and_commit(as_csv(next_month), "next month (changes, transfers, leavers, new)")

    xlsx = as_xlsx(next_month)
    roster_import = jobs.store_upload(agency=city, data=xlsx, file_name="roster.xlsx", by=hr, is_full=True)
    timed(f"the same as XLSX ({len(xlsx) / 1e6:.1f} MB): read, check and preview",
          lambda: jobs.read_import(roster_import.pk, today=today), results)
    roster_import.refresh_from_db()
    assert roster_import.state == ImportState.PREVIEW and roster_import.changes == 0, roster_import.errors[:3]

    if args.codes:
        print_activation_codes(args, hr, results)
    RosterImport.objects.all().delete()
    print()
    for label, seconds in results:
        print(f"{label:<58} {seconds:7.1f} s")
    return 0


def print_activation_codes(args, hr, results):
    """The HR page's print: issue the codes and render the printable sheet (account_views._print_sheet,
    what the POST of /hr/people/activation-codes/ returns), for the first --codes people."""
    from django.test import RequestFactory

    from agencies import account_views
    from agencies.models import Employee

    people = list(Employee.objects.filter(user__is_active=True).select_related("user", "agency")
                  .order_by("pk")[:args.codes])
    request = RequestFactory().post("/hr/people/activation-codes/")
    request.user = hr
    sheet = timed(f"activation codes for {len(people):,} people: issue and render the sheet",
                  lambda: account_views._print_sheet(request, people), results)
    print(f"    sheet: {len(sheet.content) / 1e6:.1f} MB of HTML for {len(people):,} slips", flush=True)


if __name__ == "__main__":
    sys.exit(main())
