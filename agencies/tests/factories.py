import datetime

import factory
from django.contrib.auth import get_user_model

from agencies.models import Agency, AgencyKind, AgencyVersion, Category, Employee, Gender, RoleAssignment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.tw")
    password = factory.django.Password("correct-horse-battery")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"AG{n:05d}")
    name = factory.Sequence(lambda n: f"測試機關{n}")
    kind = AgencyKind.FIRST_LEVEL

    @factory.post_generation
    def version(agency, create, extracted, **kwargs):
        if create:
            AgencyVersion.objects.create(agency=agency, name=agency.name, parent=agency.parent,
                                         valid_from=datetime.date(2018, 1, 1))


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    employee_number = factory.Sequence(lambda n: f"E{n:06d}")
    full_name = factory.Sequence(lambda n: f"員工{n}")
    agency = factory.SubFactory(AgencyFactory)
    unit = "綜合科"
    job_title = "科員"
    category = Category.CIVIL_SERVANT
    gender = Gender.FEMALE
    birth_date = datetime.date(1985, 4, 1)
    hire_date = datetime.date(2010, 8, 1)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
