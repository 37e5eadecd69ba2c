"""The catalogue's structure as a part of the yearly plan: a new year may start from last year's
series and topic categories (with their goals). Courses, sessions and targets are the year's own
and are not copied: last year's targets are not this year's decision."""
from django.db import transaction


@transaction.atomic
def copy_course_structure(old_plan, new_plan):
    from courses.models import CourseSeries, TopicCategory

    for series in old_plan.course_series.all():
        CourseSeries.objects.get_or_create(plan=new_plan, name=series.name,
                                           defaults={"facet": series.facet, "order": series.order})
    for category in old_plan.course_categories.all():
        TopicCategory.objects.get_or_create(plan=new_plan, facet=category.facet, name=category.name,
                                            defaults={"goals": category.goals, "order": category.order})
