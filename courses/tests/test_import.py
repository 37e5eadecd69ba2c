"""The course import (issue 9: the 111 plan ships as data): the shipped files, every kind of bad row,
and importing again."""
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from agencies.tests.factories import AgencyFactory
from courses.import_rows import chinese_numeral, split_sessions
from courses.importing import ImportFileError, RowError, import_file
from courses.models import Course, CourseFormat, CourseSeries, CourseTarget, Facet, TopicCategory
from courses.tests.factories import CourseFactory, TopicCategoryFactory
from plans.tests.factories import PlanFactory

DATA = Path(__file__).resolve().parents[1] / "data"
CATALOGUE = DATA / "kaohsiung-111-courses.csv"
TARGETS = DATA / "kaohsiung-111-targets.csv"
GOALS = DATA / "kaohsiung-114-goals.csv"

COLUMNS = ("面向", "系列", "分表", "序號", "主題", "預計辦理日期", "研習對象", "目的", "每期人數", "授課型態",
           "授課類別")
GOOD = {"面向": "健康面", "系列": "慢活人生", "分表": "健康面相關訓練", "序號": "1",
        "主題": "警務人員紓壓研習班 (一)(二)", "預計辦理日期": "1110321 1110502", "研習對象": "本府警察局基層佐警",
        "目的": "紓解員警壓力。", "每期人數": "50/期", "授課型態": "實體", "授課類別": ""}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(db):
    return PlanFactory(year=111, owner=AgencyFactory(code="KHH", name="高雄市政府"))


@pytest.fixture
def imported(plan):
    return import_file(CATALOGUE, plan)


def row(**cells):
    values = {**GOOD, **cells}
    return ",".join(values[column] for column in COLUMNS)


def csv_file(tmp_path, *lines, header=",".join(COLUMNS), encoding="utf-8"):
    path = tmp_path / "import.csv"
    path.write_text("\n".join((header, *lines)) + "\n", encoding=encoding)
    return path


def course(plan, topic):
    return Course.objects.get(plan=plan, topic=topic)


def writes(queries):
    return [query["sql"] for query in queries if query["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]


# --- the shipped catalogue ------------------------------------------------------------------------------

def test_the_shipped_catalogue_imports_every_row_by_facet(plan, imported):
    assert (imported.created, imported.updated, imported.unchanged, imported.errors) == (186, 0, 0, [])
    per_facet = {facet: Course.objects.filter(plan=plan, facet=facet).count() for facet in Facet.values}
    assert per_facet == {Facet.ORGANISATION: 34, Facet.WORK: 64, Facet.LIFE: 33, Facet.HEALTH: 55}
    assert set(Course.objects.values_list("agency__code", flat=True)) == {"KHH"}
    assert dict(CourseSeries.objects.filter(plan=plan).values_list("name", "facet")) == {
        "友善職場": Facet.ORGANISATION, "樂活職場": Facet.WORK, "快活人生": Facet.LIFE, "慢活人生": Facet.HEALTH}


def test_the_five_year_110_dates_are_kept_as_given_and_flagged(plan, imported):
    flagged = [warning for warning in imported.warnings if "year 110" in warning.message]
    assert [(warning.line, warning.message.split()[1]) for warning in flagged] == [
        (21, "1100627"), (60, "1100712"), (64, "1101012"), (65, "1101115"), (67, "1101220")]
    assert Course.objects.exclude(date_warning="").count() == 5
    trainee_course = course(plan, "國小主任儲訓班")
    # One session and two dates: a course that runs from the first to the last.
    assert (trainee_course.first_date, trainee_course.last_date) == (datetime.date(2021, 6, 27),
                                                                     datetime.date(2022, 7, 22))
    assert "1100627" in trainee_course.date_warning
    assert course(plan, "大數據分析與政策管理應用研習班").first_date == datetime.date(2021, 7, 12)


def test_a_range_of_sessions_gives_the_first_and_last_dates(plan, imported):
    lecture = course(plan, "新識力講堂(遠距班)")
    assert lecture.planned_sessions == 4
    assert (lecture.first_date, lecture.last_date) == (datetime.date(2022, 3, 28), datetime.date(2022, 10, 31))
    assert lecture.planned_dates == "1110328 1111031"
    assert lecture.format == CourseFormat.LIVE_ONLINE
    assert lecture.expected_per_session == 80
    assert course(plan, "市政行銷研習班").planned_sessions == 20


def test_one_date_per_session(plan, imported):
    managers = course(plan, "初任薦任官等主管職務人員研習班")
    assert (managers.planned_sessions, managers.first_date, managers.last_date) == (
        2, datetime.date(2022, 6, 13), datetime.date(2022, 8, 1))
    assert (managers.facet, managers.section, managers.number) == (Facet.ORGANISATION, "組織與管理面相關訓練", 18)
    assert managers.audience_text == "本府各機關學校初任薦任官等主管人員"


def test_one_date_for_two_sessions_gives_the_first_date_with_a_warning(plan, imported):
    planning = course(plan, "重要施政計畫先期作業研習班")
    assert (planning.planned_sessions, planning.first_date, planning.last_date) == (2, datetime.date(2022, 3, 1), None)
    assert planning.date_warning == ""
    assert [warning.line for warning in imported.warnings if "other sessions" in warning.message] == [
        7, 59, 67, 137, 139]


def test_learning_train_rows_have_no_dates_and_one_session(plan, imported):
    train = Course.objects.filter(plan=plan, section="「樂活高雄，智慧城市」學習列車")
    assert train.count() == 7 + 26 + 15 + 47
    assert set(train.values_list("planned_dates", "first_date", "last_date", "planned_sessions",
                                 "expected_per_session")) == {("", None, None, 1, None)}
    # A lone (一) numbers the parts of a lecture series: two courses, not a session marker.
    assert train.filter(topic__startswith="健康老化：").count() == 2
    assert train.filter(topic="健康老化：高齡者生心理、社會與靈性需求評估與處遇（二）", number=20).exists()


def test_importing_the_same_file_again_writes_nothing(plan, imported):
    before = list(Course.objects.order_by("pk").values())
    with CaptureQueriesContext(connection) as queries:
        again = import_file(CATALOGUE, plan)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 186)
    assert writes(queries.captured_queries) == []
    assert list(Course.objects.order_by("pk").values()) == before
    assert CourseSeries.objects.filter(plan=plan).count() == 4


def test_a_changed_cell_updates_only_that_course(plan, imported, tmp_path):
    text = CATALOGUE.read_text(encoding="utf-8").replace("人力資源管理研習班,1111226", "人力資源管理研習班,1111219")
    changed = tmp_path / "changed.csv"
    changed.write_text(text, encoding="utf-8")
    report = import_file(changed, plan)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 185)
    assert course(plan, "人力資源管理研習班").first_date == datetime.date(2022, 12, 19)


def test_a_dry_run_counts_and_writes_nothing(plan):
    report = import_file(CATALOGUE, plan, dry_run=True)
    assert (report.created, report.dry_run) == (186, True)
    assert not Course.objects.exists() and not CourseSeries.objects.exists()


def test_courses_are_run_by_the_agency_given(plan, tmp_path):
    district = AgencyFactory(code="KHH-D")
    import_file(csv_file(tmp_path, row()), plan, agency=district)
    assert Course.objects.get().agency == district


# --- bad rows ---------------------------------------------------------------------------------------------

BAD_ROWS = {
    "not a date": ({"預計辦理日期": "111032"}, "預計辦理日期", "not an ROC date"),
    "impossible date": ({"預計辦理日期": "1110230 1110502"}, "預計辦理日期", "not a date in the calendar"),
    "other year": ({"預計辦理日期": "1090321 1110502"}, "預計辦理日期", "year 109; this plan is for year 111"),
    "out of order": ({"預計辦理日期": "1110502 1110321"}, "預計辦理日期", "not in order"),
    "more dates than sessions": ({"預計辦理日期": "1110321 1110502 1110601"}, "預計辦理日期", "3 dates for 2 sessions"),
    "three dates for four sessions": ({"主題": "研習班(一)~(四)", "預計辦理日期": "1110321 1110502 1110601"},
                                      "預計辦理日期", "one date per session"),
    "per-session count": ({"每期人數": "四十人"}, "每期人數", "not a number of participants"),
    "unknown facet": ({"面向": "財務面"}, "面向", "Unknown facet"),
    "unknown format": ({"授課型態": "函授"}, "授課型態", "Unknown format"),
    "missing number": ({"序號": ""}, "序號", "no number"),
    "unknown category": ({"授課類別": "不存在的類別"}, "授課類別", "its categories are: 醫療保健"),
    "topic only a marker": ({"主題": "（一）（二）"}, "主題", "only a session marker"),
    "series of another facet": ({"系列": "友善職場"}, "系列", "belongs to the facet"),
}


@pytest.mark.parametrize("cells, column, reason", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_named_and_nothing_is_imported(plan, tmp_path, cells, column, reason):
    TopicCategoryFactory(plan=plan, facet=Facet.HEALTH, name="醫療保健")
    source = csv_file(tmp_path, row(序號="1"), row(系列="友善職場", 面向="組織與管理面", 序號="9"),
                      row(**{"序號": "2", **cells}), row(序號="3"))
    report = import_file(source, plan)
    assert [(error.line, error.column) for error in report.errors] == [(4, column)]
    assert reason in report.errors[0].reason
    assert not Course.objects.exists() and not CourseSeries.objects.exists()


def test_a_row_repeating_a_key_is_bad(plan, tmp_path):
    report = import_file(csv_file(tmp_path, row(), row(主題="另一個主題")), plan)
    assert report.errors == [RowError(3, "序號", "The same facet, table and number as line 2.")]
    assert not Course.objects.exists()


def test_every_bad_row_is_reported(plan, tmp_path):
    source = csv_file(tmp_path, row(序號="1", 預計辦理日期="1110230"), row(序號="2"),
                      row(序號="3", 面向="?", 每期人數="many"))
    report = import_file(source, plan)
    assert [(error.line, error.column) for error in report.errors] == [
        (2, "預計辦理日期"), (4, "面向"), (4, "每期人數")]
    assert not Course.objects.exists()


def test_a_known_category_is_set(plan, tmp_path):
    health = TopicCategoryFactory(plan=plan, facet=Facet.HEALTH, name="醫療保健")
    TopicCategoryFactory(plan=plan, facet=Facet.LIFE, name="法律諮詢")
    import_file(csv_file(tmp_path, row(授課類別="醫療保健")), plan)
    assert Course.objects.get().category == health
    report = import_file(csv_file(tmp_path, row(授課類別="法律諮詢")), plan)
    assert [error.column for error in report.errors] == ["授課類別"]


def test_other_plans_courses_and_rows_are_left_alone(plan, tmp_path):
    other = CourseFactory(plan=PlanFactory(year=111), facet=Facet.HEALTH, section="健康面相關訓練", number=1)
    import_file(csv_file(tmp_path, row()), plan)
    other.refresh_from_db()
    assert other.topic != "警務人員紓壓研習班" and Course.objects.filter(plan=plan).count() == 1


# --- reading files ---------------------------------------------------------------------------------------------

def test_a_file_with_a_bom_or_english_headers_or_full_width_cells_reads_alike(plan, tmp_path):
    import_file(csv_file(tmp_path, row(), encoding="utf-8-sig"), plan)
    other_plan = PlanFactory(year=111)
    english = "facet,series,section,number,topic,dates,audience,purpose,per_session,format,category"
    wide = row(主題="警務人員紓壓研習班（一）（二）", 預計辦理日期="１１１０３２１　１１１０５０２",
               每期人數="５０／期")
    import_file(csv_file(tmp_path, wide, header=english), other_plan)
    fields = ("facet", "section", "number", "topic", "planned_sessions", "first_date", "last_date",
              "expected_per_session", "format", "series__name")
    assert Course.objects.filter(plan=plan).values(*fields).get() == (
        Course.objects.filter(plan=other_plan).values(*fields).get())
    # The cell is kept as the file writes it.
    assert Course.objects.get(plan=other_plan).planned_dates == "１１１０３２１　１１１０５０２"


def test_a_file_object_can_be_imported(plan):
    report = import_file(io.StringIO(",".join(COLUMNS) + "\n" + row()), plan)
    assert report.created == 1


@pytest.mark.parametrize("header", ["名稱,日期", "面向,授課類別,說明", "序號,主題,備註"])
def test_an_unknown_header_is_refused(plan, tmp_path, header):
    with pytest.raises(ImportFileError):
        import_file(csv_file(tmp_path, header=header), plan)


def test_a_file_that_is_not_utf8_is_refused(plan, tmp_path):
    with pytest.raises(ImportFileError, match="UTF-8"):
        import_file(csv_file(tmp_path, row(), encoding="big5"), plan)


@pytest.mark.parametrize("text, value", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21),
                                         ("九十九", 99), ("一百零五", 105)])
def test_chinese_numerals(text, value):
    assert chinese_numeral(text) == value


@pytest.mark.parametrize("topic, split", [
    ("市政行銷研習班 (一)~(二十)", ("市政行銷研習班", 20)),
    ("研習班（三）～（五）", ("研習班", 3)),
    ("研習班(一)(二)(三)", ("研習班", 3)),
    ("研習班 （一）（二）", ("研習班", 2)),
    ("研習班", ("研習班", 1)),
    ("健康老化（一）", ("健康老化（一）", 1)),
    ("(一)我的人生", ("(一)我的人生", 1)),
])
def test_session_markers(topic, split):
    assert split_sessions(topic) == split


# --- targets and goals ---------------------------------------------------------------------------------------------

def test_the_shipped_targets_import_per_facet(plan):
    report = import_file(TARGETS, plan)
    assert (report.created, report.errors) == (15, [])
    sums = {(row["category__facet"], row["format"]): (row["sessions"], row["participants"])
            for row in CourseTarget.objects.filter(plan=plan).values("category__facet", "format")
            .annotate(sessions=Sum("sessions"), participants=Sum("participants"))}
    assert sums == {
        (Facet.ORGANISATION, CourseFormat.IN_PERSON): (34, 2750),
        (Facet.WORK, CourseFormat.IN_PERSON): (64, 2270),
        (Facet.LIFE, CourseFormat.IN_PERSON): (36, 2110),
        (Facet.HEALTH, CourseFormat.IN_PERSON): (55, 2200),
        (Facet.HEALTH, CourseFormat.DIGITAL): (3, 1500),
    }
    assert list(TopicCategory.objects.filter(plan=plan).values_list("name", flat=True)[:2]) == [
        "組織創新與風險管理", "團隊建立與發展"]
    with CaptureQueriesContext(connection) as queries:
        again = import_file(TARGETS, plan)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)
    assert writes(queries.captured_queries) == []


def test_targets_read_counts_as_the_summary_table_writes_them(plan, tmp_path):
    source = csv_file(tmp_path, "健康面,數位,線上學習,3 部,\"1,500 人\"", "組織與 管理面,實體,績效領導,8,400",
                      header="研習面向,授課型態,授課主題,辦理場次,參訓人數(約)")
    import_file(source, plan)
    assert sorted(CourseTarget.objects.values_list("sessions", "participants")) == [(3, 1500), (8, 400)]


@pytest.mark.parametrize("line, column", [
    ("健康面,實體,醫療保健,二十,1000", "辦理場次"),
    ("健康面,實體,醫療保健,20,約一千", "參訓人數"),
    ("身心面,實體,醫療保健,20,1000", "面向"),
    ("健康面,函授,醫療保健,20,1000", "授課型態"),
    ("健康面,實體,,20,1000", "授課類別"),
    ("健康面,實體,心理健康,5,100", "授課類別"),
])
def test_a_bad_target_row_imports_nothing(plan, tmp_path, line, column):
    source = csv_file(tmp_path, "健康面,實體,心理健康,35,1200", line, header="面向,授課型態,授課類別,辦理場次,參訓人數")
    report = import_file(source, plan)
    assert [(error.line, error.column) for error in report.errors] == [(3, column)]
    assert not CourseTarget.objects.exists() and not TopicCategory.objects.exists()


def test_the_shipped_goals_fill_the_categories(db):
    plan = PlanFactory(year=114)
    report = import_file(GOALS, plan)
    assert (report.created, report.errors) == (16, [])
    categories = TopicCategory.objects.filter(plan=plan)
    assert categories.count() == 16 and not categories.filter(goals="").exists()
    assert categories.get(facet=Facet.LIFE, name="財務諮詢").goals == "協助同仁妥善規劃理財，保障經濟生活無煩惱。"
    assert categories.get(name="績效領導").goals == (
        "1.提升主管人員組織管理能力。\n2.學習有效領導組織成員，針對業務變革採取適當處置，以配合未來政策趨勢發展。")
    with CaptureQueriesContext(connection) as queries:
        again = import_file(GOALS, plan)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 16)
    assert writes(queries.captured_queries) == []


def test_goals_go_to_the_categories_the_targets_made(plan, tmp_path):
    import_file(TARGETS, plan)
    goals = csv_file(tmp_path, "生活面,法律諮詢,瞭解法律問題。", header="面向,授課類別,課程主要目標")
    report = import_file(goals, plan)
    assert (report.created, report.updated) == (0, 1)
    assert TopicCategory.objects.filter(plan=plan).count() == 15
    assert TopicCategory.objects.get(plan=plan, name="法律諮詢").goals == "瞭解法律問題。"


# --- the command ---------------------------------------------------------------------------------------------

def test_the_command_imports_and_summarises(plan):
    out = io.StringIO()
    call_command("import_courses", str(CATALOGUE), plan="KHH:111", stdout=out)
    assert Course.objects.filter(plan=plan).count() == 186
    assert "186 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "line 21: Date 1100627 is in year 110" in out.getvalue()


def test_the_command_lists_bad_rows_and_fails(plan, tmp_path):
    err = io.StringIO()
    source = csv_file(tmp_path, row(序號="1"), row(序號="2", 預計辦理日期="1110230"))
    with pytest.raises(CommandError, match="1 bad row; nothing was imported"):
        call_command("import_courses", str(source), plan="KHH:111", stdout=io.StringIO(), stderr=err)
    assert "line 3, 預計辦理日期:" in err.getvalue()
    assert not Course.objects.exists()


def test_the_command_dry_run_writes_nothing(plan):
    out = io.StringIO()
    call_command("import_courses", str(TARGETS), plan="KHH:111", dry_run=True, stdout=out)
    assert "15 would be created" in out.getvalue()
    assert not CourseTarget.objects.exists() and not TopicCategory.objects.exists()


def test_the_command_runs_courses_for_the_agency_given(plan, tmp_path):
    AgencyFactory(code="KHH-EDU")
    call_command("import_courses", str(csv_file(tmp_path, row())), plan="KHH:111", agency="KHH-EDU",
                 stdout=io.StringIO())
    assert Course.objects.get().agency.code == "KHH-EDU"


@pytest.mark.parametrize("arguments, message", [
    ({"plan": "KHH:110"}, "no plan of KHH for year 110"),
    ({"plan": "KHH-111"}, "CODE:YEAR"),
    ({"plan": "KHH:111", "agency": "NOPE"}, "no agency"),
])
def test_the_command_refuses_an_unknown_plan_or_agency(plan, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_courses", str(CATALOGUE), stdout=io.StringIO(), **arguments)
    assert not Course.objects.exists()


def test_the_command_refuses_a_file_of_no_known_kind(plan, tmp_path):
    with pytest.raises(CommandError, match="header"):
        call_command("import_courses", str(csv_file(tmp_path, header="a,b")), plan="KHH:111", stdout=io.StringIO())
