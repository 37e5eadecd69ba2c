import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import (
    Course,
    CourseSeries,
    CourseSession,
    CourseTarget,
    Enrolment,
    EnrolmentState,
    Facet,
    TopicCategory,
)


class CourseSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSeries

    plan = factory.SubFactory("plans.tests.factories.PlanFactory")
    name = factory.Sequence(lambda n: f"系列{n}")
    facet = Facet.HEALTH


class TopicCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicCategory

    plan = factory.SubFactory("plans.tests.factories.PlanFactory")
    facet = Facet.HEALTH
    name = factory.Sequence(lambda n: f"授課類別{n}")


class CourseTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseTarget

    category = factory.SubFactory(TopicCategoryFactory)
    plan = factory.SelfAttribute("category.plan")
    sessions = 10
    participants = 400


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    plan = factory.SubFactory("plans.tests.factories.PlanFactory")
    agency = factory.SelfAttribute("plan.owner")
    facet = Facet.HEALTH
    topic = factory.Sequence(lambda n: f"紓壓研習班{n}")
    purpose = "紓解壓力，做好情緒自我管理。"
    audience_text = "本府各機關學校委任職以上公務人員"
    expected_per_session = 40


def _in_days(days, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class CourseSessionFactory(factory.django.DjangoModelFactory):
    """A session ten days ahead, 09:00–12:00, registration open until two days before."""

    class Meta:
        model = CourseSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: _in_days(10))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=3))
    registration_deadline = factory.LazyAttribute(lambda s: s.starts_at - datetime.timedelta(days=2))
    venue = "四維行政中心 10 樓第一會議室"
    capacity = 40
    hours = Decimal("3")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(CourseSessionFactory)
    employee = factory.SubFactory("agencies.tests.factories.EmployeeFactory")
    state = EnrolmentState.ENROLLED
    seated_at = factory.LazyFunction(timezone.now)
