"""A new year may start from last year's catalogue structure: series and topic categories with their
goals come along when ticked; courses and targets are the new year's own decisions."""
from courses.models import Course, CourseSeries, CourseTarget, TopicCategory
from courses.tests.factories import CourseFactory, CourseSeriesFactory, CourseTargetFactory, TopicCategoryFactory
from plans import services
from plans.tests.factories import PlanFactory


def _last_year():
    plan = PlanFactory(year=113)
    CourseSeriesFactory(plan=plan, name="慢活人生", facet="health")
    category = TopicCategoryFactory(plan=plan, facet="health", name="心理健康", goals="1.提升情緒管理能力。")
    CourseTargetFactory(plan=plan, category=category)
    CourseFactory(plan=plan, category=category)
    return plan


def test_the_courses_part_copies_series_and_categories_with_goals(db):
    old = _last_year()
    new = services.start_next_year(old, parts=["courses"], by=None)
    assert list(CourseSeries.objects.filter(plan=new).values_list("name", "facet")) == [("慢活人生", "health")]
    category = TopicCategory.objects.get(plan=new)
    assert (category.name, category.goals) == ("心理健康", "1.提升情緒管理能力。")
    assert not Course.objects.filter(plan=new).exists()
    assert not CourseTarget.objects.filter(plan=new).exists()


def test_unticked_the_new_year_has_no_catalogue_structure(db):
    new = services.start_next_year(_last_year(), parts=["work_items"], by=None)
    assert not CourseSeries.objects.filter(plan=new).exists()
    assert not TopicCategory.objects.filter(plan=new).exists()


def test_the_part_is_offered_on_the_next_year_form(db):
    from plans.admin import NextYearForm

    assert "courses" in dict(NextYearForm().fields["parts"].choices)
    assert "courses" in NextYearForm().fields["parts"].initial
