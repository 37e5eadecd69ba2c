import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import services
from agencies.models import Agency, AgencyKind

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

START = datetime.date(2018, 1, 1)


def build_tree(fanout=(6, 7, 7)):
    """A city with 6 first-level agencies, 7 below each and 7 below those: 1+6+42+294 = 343 agencies."""
    city = services.create_agency(code="C", name="市政府", kind=AgencyKind.CITY, effective=START)
    level, created = [city], 1
    for depth, width in enumerate(fanout, 1):
        below = []
        for parent in level:
            for i in range(width):
                below.append(services.create_agency(code=f"{parent.code}.{i}", name=f"{parent.name}{i}",
                                                    kind=AgencyKind.SUBORDINATE, parent=parent, effective=START))
        level, created = below, created + len(below)
    return city, created


def test_subtree_of_a_300_agency_four_level_tree_is_one_query():
    city, count = build_tree()
    assert count >= 300
    bureau = Agency.objects.get(code="C.2")
    with CaptureQueriesContext(connection) as queries:
        codes = list(Agency.objects.subtree_of(bureau).values_list("code", flat=True))
    assert len(queries) == 1
    assert len(codes) == 1 + 7 + 49
    assert all(code.startswith("C.2") for code in codes)
    assert Agency.objects.subtree_of(city).count() == count


def test_subtree_of_several_agencies_is_still_one_query():
    build_tree((3, 3, 3))
    first, second = Agency.objects.get(code="C.0.1"), Agency.objects.get(code="C.2")
    with CaptureQueriesContext(connection) as queries:
        found = set(Agency.objects.subtree_of(first, second).values_list("code", flat=True))
    assert len(queries) == 1
    assert found == {"C.0.1", "C.0.1.0", "C.0.1.1", "C.0.1.2", "C.2"} | {
        f"C.2.{i}" for i in range(3)} | {f"C.2.{i}.{j}" for i in range(3) for j in range(3)}


def test_depth_and_ancestors_follow_the_tree():
    build_tree((2, 2, 2))
    leaf = Agency.objects.get(code="C.1.0.1")
    assert leaf.depth == 3
    assert [a.code for a in leaf.ancestors()] == ["C", "C.1", "C.1.0"]


def test_moving_an_agency_moves_its_whole_subtree():
    build_tree((2, 2, 2))
    moving, target = Agency.objects.get(code="C.0.1"), Agency.objects.get(code="C.1")
    services.move_agency(moving, parent=target, effective=datetime.date(2024, 1, 1), by=None, reason="合併")
    assert set(Agency.objects.subtree_of(target).values_list("code", flat=True)) >= {"C.0.1", "C.0.1.0", "C.0.1.1"}
    assert not Agency.objects.subtree_of(Agency.objects.get(code="C.0")).filter(code__startswith="C.0.1").exists()
    assert Agency.objects.get(code="C.0.1.1").depth == 3


def test_an_agency_cannot_move_under_its_own_subtree():
    build_tree((2, 2, 2))
    moving = Agency.objects.get(code="C.0")
    with pytest.raises(ValidationError):
        services.move_agency(moving, parent=Agency.objects.get(code="C.0.1.0"), effective=datetime.date(2024, 1, 1),
                             by=None)
    assert Agency.objects.get(code="C.0").parent.code == "C"


def test_a_past_year_groups_by_that_years_tree():
    build_tree((2, 2, 1))
    school = Agency.objects.get(code="C.0.1")
    services.rename_agency(school, name="新名稱", effective=datetime.date(2023, 1, 1), by=None)
    services.move_agency(school, parent=Agency.objects.get(code="C.1"), effective=datetime.date(2024, 8, 1), by=None)

    in_2022 = services.tree_as_of(datetime.date(2022, 6, 30))
    in_2023 = services.tree_as_of(datetime.date(2023, 6, 30))
    in_2025 = services.tree_as_of(datetime.date(2025, 6, 30))
    assert in_2022[school.pk] == ("市政府01", Agency.objects.get(code="C.0").pk)
    assert in_2023[school.pk] == ("新名稱", Agency.objects.get(code="C.0").pk)
    assert in_2025[school.pk] == ("新名稱", Agency.objects.get(code="C.1").pk)
    assert services.top_level_as_of(datetime.date(2022, 6, 30), school.pk) == Agency.objects.get(code="C.0").pk
    assert services.top_level_as_of(datetime.date(2025, 6, 30), school.pk) == Agency.objects.get(code="C.1").pk


def test_a_change_dated_before_the_current_version_is_refused():
    city = services.create_agency(code="C", name="市政府", kind=AgencyKind.CITY, effective=START)
    with pytest.raises(ValidationError):
        services.rename_agency(city, name="新市政府", effective=START, by=None)
    assert Agency.objects.get(pk=city.pk).name == "市政府"
