"""The Django admin keeps HR inside their own subtree, whatever door they knock on.

Agency EAP officers (and agency HR staff for the roster) and city HR use the admin for their own
subtree only. For EVERY model registered on the admin site, agency A's EAP officer must not reach
agency B's objects through the change list (search, popup, facets, filters), the change, delete
and history pages, a POST, a bulk action, autocomplete, `_to_field`, the foreign-key choices of
the forms, the recent-actions panel or the view-on-site shortcut.

The models come from the admin registry, so a model registered later is covered at once; it only
needs a line in SAMPLES ("an object of A", "an object of B", ...), and every test of that model
fails with a clear message until it has one.

Not every model is kept by A's officer. The yearly plans, their amendments, the providers and
their contracts are kept by city HR alone: A's EAP officer and A's agency HR only view the plans
that cover A (A's own and the city's) and what hangs on them, and nobody deletes them here. Their
samples name city HR as the keeper, who makes the positive changes; A's officer must then get 403
on every add and change, and stay as blind to B's plans as to B's people.

Every refusal is paired with a positive control on the same page (A's own object is reachable,
or city HR reaches B's), so no assertion holds merely because the page shows nothing at all.
"""
import datetime
import re
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.forms import ModelChoiceField
from django.test import Client, RequestFactory
from django.urls import reverse

from agencies import services
from agencies.admin_site import ScopedModelAdmin
from agencies.models import (
    Agency,
    CareTeam,
    CareTeamMember,
    Employee,
    RoleAssignment,
    Training,
)
from agencies.roles import Role
from core.models import DayException
from courses.models import Course, CourseSeries, TopicCategory
from eap_portal.rocdates import format_roc_date
from plans.models import Amendment, Contract, Plan, Provider
from surveys.models import Survey

pytestmark = pytest.mark.django_db

MISSING_PK = 999_999_999  # no row has this id: the admin's answer for "does not exist"


def roc(year, month, day):
    return format_roc_date(datetime.date(year, month, day), "short")


def role_of(person):
    return RoleAssignment.objects.get(user=person.user)


def move_agency_under_b(agency, cast):
    services.move_agency(agency, parent=cast.b, effective=datetime.date.today(), by=None)


def move_row_to_b(obj, cast):
    obj.agency = cast.b
    obj.save()


def move_plan_to_b(plan, cast):
    plan.owner, plan.year = cast.b, cast.b_plan.year - 1  # B already has a plan of this year
    plan.save()


def move_onto_b_plan(obj, cast):
    obj.plan = cast.b_plan
    obj.save()


def move_provider_to_b(provider, cast):
    provider.contracts.update(plan=cast.b_plan)  # it now serves B's plan only


def plans_of_b(cast):
    return Plan.objects.filter(owner__path__startswith=cast.b.path)


def providers_of_b(cast):
    """Providers that serve B's plans and no plan outside B's subtree."""
    return (Provider.objects.filter(contracts__plan__in=plans_of_b(cast))
            .exclude(contracts__plan__in=Plan.objects.exclude(pk__in=plans_of_b(cast))).distinct())


def spare_provider():
    """A provider without a contract yet, for a new contract of A's plan."""
    return Provider.objects.get_or_create(name="丙諮商所")[0]


def course_of(cast, side):
    """A course that agency `side` runs in its own plan."""
    topic = {"a": "甲局紓壓研習班", "b": "乙區紓壓研習班"}[side]
    return Course.objects.get_or_create(topic=topic, defaults={
        "plan": getattr(cast, f"{side}_plan"), "agency": getattr(cast, side), "facet": "health"})[0]


def series_of(cast, side):
    name = {"a": "甲局樂活職場", "b": "乙區樂活職場"}[side]
    return CourseSeries.objects.get_or_create(plan=getattr(cast, f"{side}_plan"), name=name,
                                              defaults={"facet": "health"})[0]


def category_of(cast, side):
    name = {"a": "甲局身心健康", "b": "乙區身心健康"}[side]
    return TopicCategory.objects.get_or_create(plan=getattr(cast, f"{side}_plan"), facet="health", name=name)[0]


def series_in_b(cast):
    """B's series, one made if B has none yet, so that "offers nothing of B" on a course form
    cannot hold merely because B has no series (likewise categories_in_b)."""
    series_of(cast, "b")
    return CourseSeries.objects.filter(plan__in=plans_of_b(cast))


def categories_in_b(cast):
    category_of(cast, "b")
    return TopicCategory.objects.filter(plan__in=plans_of_b(cast))


@dataclass(frozen=True)
class Sample:
    """How to test one admin model: objects of each side, and what to post."""

    of_a: Callable  # cast -> an object in agency A's subtree that A's EAP officer may change
    of_b: Callable  # cast -> the matching object of agency B
    in_b: Callable  # cast -> queryset: everything of this model in B's subtree
    label: Callable  # obj -> text that names the object on a page and finds it with ?q=
    edit: dict  # a change of a field that a permitted user can post
    add: Callable  # cast -> add-form fields for a new object inside A
    into_b: dict = field(default_factory=dict)  # name -> (cast -> {field: a value pointing into B})
    move_out: Callable = None  # (obj, cast) -> put an object of A into B's subtree
    keeper: Callable = lambda c: c.a_eap_officer  # cast -> who adds and changes the objects of A
    officer_may_change: bool = True  # False: A's EAP officer (and agency HR) only view this model


SAMPLES = {
    Agency: Sample(
        of_a=lambda c: c.a_sub,  # A's sub-agency: A itself is the root of the scope and cannot move
        of_b=lambda c: c.b,
        in_b=lambda c: Agency.objects.filter(path__startswith=c.b.path),
        label=lambda obj: obj.name,
        edit={"name": "改過的機關名稱"},
        add=lambda c: {"code": "A2", "name": "甲局新設機關", "kind": "subordinate", "parent": c.a.pk},
        into_b={"parent": lambda c: {"parent": c.b.pk}},
        move_out=move_agency_under_b,
    ),
    Employee: Sample(
        of_a=lambda c: c.a_employee,
        of_b=lambda c: c.b_employee,
        in_b=lambda c: Employee.objects.filter(agency__path__startswith=c.b.path),
        label=lambda obj: obj.full_name,
        edit={"full_name": "「改過的名字」"},
        add=lambda c: {"employee_number": "N000001", "full_name": "「新進人員」", "agency": c.a.pk,
                       "category": "civil_servant", "gender": "female", "birth_date": roc(1990, 1, 2),
                       "hire_date": roc(2024, 3, 1)},
        into_b={"agency": lambda c: {"agency": c.b.pk},
                "direct_supervisor": lambda c: {"direct_supervisor": c.b_supervisor.pk}},
        move_out=move_row_to_b,
    ),
    RoleAssignment: Sample(
        of_a=lambda c: role_of(c.a_care_member),
        of_b=lambda c: role_of(c.b_care_member),
        in_b=lambda c: RoleAssignment.objects.filter(agency__path__startswith=c.b.path),
        label=lambda obj: obj.user.employee.full_name,
        edit={"role": Role.CONVENER.value},
        add=lambda c: {"person": c.a_employee.employee_number, "role": Role.CARE_MEMBER.value, "agency": c.a.pk},
        into_b={"agency": lambda c: {"agency": c.b.pk},
                "person_number": lambda c: {"person": c.b_employee.employee_number},
                "person_username": lambda c: {"person": c.b_employee.user.username}},
        move_out=move_row_to_b,
    ),
    # Kept by city HR; A's officer views A's and the city's plans and what hangs on them.
    Plan: Sample(
        of_a=lambda c: c.a_plan,
        of_b=lambda c: c.b_plan,
        in_b=plans_of_b,
        label=lambda obj: obj.title,
        edit={"slogan": "改過的口號"},
        add=lambda c: {"owner": c.a.pk, "year": 115, "title": "甲局115年度新計畫",
                       "period_start": roc(2026, 1, 1), "period_end": roc(2026, 12, 31)},
        move_out=move_plan_to_b,
        keeper=lambda c: c.city_hr,
        officer_may_change=False,
    ),
    Amendment: Sample(
        of_a=lambda c: c.a_amendment,
        of_b=lambda c: c.b_amendment,
        in_b=lambda c: Amendment.objects.filter(plan__in=plans_of_b(c)),
        label=lambda obj: obj.summary,
        edit={"document_number": "府人字第1140001號"},
        add=lambda c: {"plan": c.a_plan.pk, "effective_on": roc(2025, 9, 1), "summary": "甲局新修正"},
        move_out=move_onto_b_plan,
        keeper=lambda c: c.city_hr,
        officer_may_change=False,
    ),
    Provider: Sample(
        of_a=lambda c: c.a_provider,
        of_b=lambda c: c.b_provider,
        in_b=providers_of_b,
        label=lambda obj: obj.name,
        edit={"phone": "02-2720-8889"},
        add=lambda c: {"name": "甲局新約諮商所"},
        move_out=move_provider_to_b,
        keeper=lambda c: c.city_hr,
        officer_may_change=False,
    ),
    Contract: Sample(
        of_a=lambda c: c.a_contract,
        of_b=lambda c: c.b_contract,
        in_b=lambda c: Contract.objects.filter(plan__in=plans_of_b(c)),
        label=lambda obj: obj.provider.name,
        edit={"notes": "改過的備註"},
        add=lambda c: {"plan": c.a_plan.pk, "provider": spare_provider().pk, "services": ["individual"],
                       "modes": ["in_person"]},
        move_out=move_onto_b_plan,
        keeper=lambda c: c.city_hr,
        officer_may_change=False,
    ),
    CareTeam: Sample(
        of_a=lambda c: c.a_team,
        of_b=lambda c: c.b_team,
        in_b=lambda c: CareTeam.objects.filter(agency__path__startswith=c.b.path),
        label=lambda obj: obj.name,
        edit={"notes": "改過的備註"},
        add=lambda c: {"name": "甲局新關懷小組", "agency": c.a.pk,
                       "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0",
                       "members-0-user": c.a_employee.user.pk, "members-0-position": "convener",
                       "members-0-since": roc(2025, 1, 1),
                       "members-1-user": c.a_supervisor.user.pk, "members-1-position": "care_officer",
                       "members-1-since": roc(2025, 1, 1)},
        into_b={"agency": lambda c: {"agency": c.b.pk}},
        move_out=move_row_to_b,
    ),
    Training: Sample(
        of_a=lambda c: c.a_training,
        of_b=lambda c: c.b_training,
        in_b=lambda c: Training.objects.filter(member__team__agency__path__startswith=c.b.path),
        label=lambda obj: obj.title,
        edit={"title": "改過的課程名稱"},
        add=lambda c: {"member": c.a_training.member_id, "title": "甲局新培訓", "completed_on": roc(2025, 4, 1)},
        into_b={"member": lambda c: {"member": c.b_training.member_id}},
        move_out=lambda obj, c: Training.objects.filter(pk=obj.pk).update(member=c.b_training.member),
    ),
    # Days off HR declares (a typhoon day for B's district is B's own).
    DayException: Sample(
        of_a=lambda c: DayException.objects.get_or_create(day=datetime.date(2025, 7, 29), agency=c.a,
                                                          defaults={"reason": "甲局颱風停班"})[0],
        of_b=lambda c: DayException.objects.get_or_create(day=datetime.date(2025, 7, 30), agency=c.b,
                                                          defaults={"reason": "乙區颱風停班"})[0],
        in_b=lambda c: DayException.objects.filter(agency__path__startswith=c.b.path),
        label=lambda obj: obj.reason,
        edit={"reason": "改過的停班原因"},
        add=lambda c: {"day": roc(2025, 8, 1), "kind": "day_off", "agency": c.a.pk, "reason": "甲局新停班"},
        into_b={"agency": lambda c: {"agency": c.b.pk}},
        move_out=move_row_to_b,
    ),
    # Surveys: each EAP officer builds those of their subtree, for an audience inside it.
    Survey: Sample(
        of_a=lambda c: Survey.objects.get_or_create(title="甲局需求調查", owner=c.a, defaults={
            "opens_on": datetime.date(2025, 9, 1), "closes_on": datetime.date(2025, 9, 30)})[0],
        of_b=lambda c: Survey.objects.get_or_create(title="乙區需求調查", owner=c.b, defaults={
            "opens_on": datetime.date(2025, 9, 1), "closes_on": datetime.date(2025, 9, 30)})[0],
        in_b=lambda c: Survey.objects.filter(owner__path__startswith=c.b.path),
        label=lambda obj: obj.title,
        edit={"introduction": "改過的說明"},
        add=lambda c: {"title": "甲局新問卷", "kind": "needs", "anonymous": "on", "owner": c.a.pk,
                       "opens_on": roc(2025, 10, 1), "closes_on": roc(2025, 10, 31)},
        into_b={"owner": lambda c: {"owner": c.b.pk},
                "audience_agency": lambda c: {"audience_agency": c.b.pk},
                "audience_plan": lambda c: {"audience_plan": c.b_plan.pk},
                "plan": lambda c: {"plan": c.b_plan.pk},
                "respondent": lambda c: {"respondent": c.b_supervisor.employee_number}},
        move_out=lambda obj, c: Survey.objects.filter(pk=obj.pk).update(owner=c.b),
    ),
    # Courses: the agency's EAP officer and HR staff keep the courses their subtree runs.
    Course: Sample(
        of_a=lambda c: course_of(c, "a"),
        of_b=lambda c: course_of(c, "b"),
        in_b=lambda c: Course.objects.filter(agency__path__startswith=c.b.path),
        label=lambda obj: obj.topic,
        edit={"purpose": "改過的課程目的"},
        add=lambda c: {"plan": c.a_plan.pk, "agency": c.a.pk, "facet": "health", "topic": "甲局新開課程",
                       "format": "in_person", "planned_sessions": "1"},
        into_b={"agency": lambda c: {"agency": c.b.pk},
                "plan": lambda c: {"plan": c.b_plan.pk},
                "series": lambda c: {"series": series_of(c, "b").pk},
                "category": lambda c: {"category": category_of(c, "b").pk},
                "audience_agencies": lambda c: {"audience_agencies": [c.b.pk]}},
        move_out=lambda obj, c: Course.objects.filter(pk=obj.pk).update(plan=c.b_plan, agency=c.b),
    ),
    # The plan's series and topic categories (with their targets): city HR keep them with the plan.
    CourseSeries: Sample(
        of_a=lambda c: series_of(c, "a"),
        of_b=lambda c: series_of(c, "b"),
        in_b=series_in_b,
        label=lambda obj: obj.name,
        edit={"order": "3"},
        add=lambda c: {"plan": c.a_plan.pk, "name": "甲局新系列", "facet": "life", "order": "1"},
        move_out=move_onto_b_plan,
        keeper=lambda c: c.city_hr,
        officer_may_change=False,
    ),
    TopicCategory: Sample(
        of_a=lambda c: category_of(c, "a"),
        of_b=lambda c: category_of(c, "b"),
        in_b=categories_in_b,
        label=lambda obj: obj.name,
        edit={"goals": "改過的課程目標"},
        add=lambda c: {"plan": c.a_plan.pk, "facet": "work", "name": "甲局新授課類別", "order": "1"},
        move_out=move_onto_b_plan,
        keeper=lambda c: c.city_hr,
        officer_may_change=False,
    ),
    # Not admin models, but offered as choices on the care-team forms: what of them lies in B.
    get_user_model(): Sample(
        of_a=lambda c: c.a_employee.user,
        of_b=lambda c: c.b_employee.user,
        in_b=lambda c: get_user_model().objects.filter(employee__agency__path__startswith=c.b.path),
        label=lambda obj: obj.employee.full_name,
        edit={},
        add=lambda c: {},
    ),
    CareTeamMember: Sample(
        of_a=lambda c: c.a_training.member,
        of_b=lambda c: c.b_training.member,
        in_b=lambda c: CareTeamMember.objects.filter(team__agency__path__startswith=c.b.path),
        label=lambda obj: str(obj),
        edit={},
        add=lambda c: {},
    ),
}


def model_id(model):
    return model._meta.label_lower


REGISTERED = sorted(admin.site._registry, key=model_id)
# Models A's officer only views (city HR keeps them).
VIEW_ONLY = [m for m in REGISTERED if m in SAMPLES and not SAMPLES[m].officer_may_change]


def sample(model, why="is registered in the admin"):
    if model not in SAMPLES:
        pytest.fail(f"{model_id(model)} {why} but has no entry in SAMPLES of {__name__}: add how to get "
                    f"an object of agency A and of agency B, so the scoping tests cover it.")
    return SAMPLES[model]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def client_for(person):
    client = Client()
    client.force_login(person.user if isinstance(person, Employee) else person)
    return client


def listed(client, model, params=None):
    response = client.get(url(model, "changelist"), params or {})
    assert response.status_code == 200, f"{model_id(model)} change list answered {response.status_code}"
    return response, {obj.pk for obj in response.context["cl"].result_list}


def answer(response):
    return response.status_code, response.headers.get("Location")


def form_data(model, user, obj, **changes):
    """What the admin's own form would post for `obj` as `user` sees it, with `changes` applied."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = user
    form = model_admin.get_form(request, obj, change=obj is not None)(instance=obj)
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value
    for inline in model_admin.get_inline_instances(request, obj):
        prefix = inline.get_formset(request, obj).get_default_prefix()
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(changes)
    return data


def form_errors(response):
    """The admin form's errors on a redisplayed form (None when the answer is not a form page)."""
    context = response.context
    if context is None or "adminform" not in context:
        return None
    return context["adminform"].form.errors


def snapshot(obj):
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in type(obj)._meta.concrete_fields}


def choice_fields(response):
    """Every model-choice field of the admin form and its inline forms on this page (but the
    hidden id of an inline row, which only ever points at the object's own rows)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += list(inline.formset.forms) + [inline.formset.empty_form]
    return [(f"{form.prefix or ''}{name}", f) for form in forms for name, f in form.fields.items()
            if isinstance(f, ModelChoiceField) and not (form.prefix and name == form._meta.model._meta.pk.name)]


@pytest.fixture
def people(cast):
    """The cast, with full names that cannot be mistaken for one another in a page."""
    for value in vars(cast).values():
        if isinstance(value, Employee):
            value.full_name = f"「{value.user.username}」"
            value.save(update_fields=["full_name"])
    return cast


@pytest.fixture
def officer(people):
    return client_for(people.a_eap_officer)


@pytest.fixture
def city_hr(people):
    return client_for(people.city_hr)


def admin_request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def b_marks(cast, model):
    """Text that must not appear on any admin page of A's officer."""
    return [cast.b.name, sample(model).label(sample(model).of_b(cast))]


# --- Coverage -----------------------------------------------------------------------------------

def test_every_model_registered_in_the_admin_has_a_scoping_sample():
    missing = [model_id(m) for m in REGISTERED if m not in SAMPLES]
    assert not missing, f"registered in the admin without an entry in SAMPLES: {missing}"
    assert REGISTERED, "the admin registry is empty: the scoping tests would cover nothing"


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_sample_says_truthfully_who_adds_and_changes_the_objects_of_a(people, model):
    """The tests below trust officer_may_change and keeper; the admin itself must agree."""
    s = sample(model)
    model_admin = admin.site._registry[model]
    officer = admin_request(people.a_eap_officer.user)
    assert model_admin.has_change_permission(officer, s.of_a(people)) == s.officer_may_change
    assert model_admin.has_add_permission(officer) == s.officer_may_change
    keeper = admin_request(s.keeper(people).user)
    assert model_admin.has_change_permission(keeper, s.of_a(people))
    assert model_admin.has_add_permission(keeper)


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_every_admin_model_is_scoped_through_scoped_model_admin(model):
    assert isinstance(admin.site._registry[model], ScopedModelAdmin), (
        f"{model_id(model)} is registered with {type(admin.site._registry[model]).__name__}, which does "
        f"not derive from ScopedModelAdmin: its change list, pages and side doors are not scoped")


# --- Change list: rows, search, popup, facets ---------------------------------------------------

LIST_VARIANTS = {
    "plain": lambda s, c: {},
    "search_for_b": lambda s, c: {"q": s.label(s.of_b(c))},
    "raw_id_popup": lambda s, c: {"_popup": "1", "_to_field": "id"},
    "facets": lambda s, c: {"_facets": "True"},
}


@pytest.mark.parametrize("variant", LIST_VARIANTS)
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_change_list_never_shows_b_to_the_officer_of_a(people, officer, city_hr, model, variant):
    s = sample(model)
    params = LIST_VARIANTS[variant](s, people)
    b = s.of_b(people)
    response, pks = listed(officer, model, params)
    assert b.pk not in pks
    html = response.content.decode()
    for value in params.values():  # the search box echoes the term typed
        html = html.replace(f'value="{value}"', "")
    for mark in b_marks(people, model):
        assert mark not in html, f"{mark!r} of agency B on A's officer's {model_id(model)} list ({variant})"
    # Control: the same list does show B's object to city HR.
    _, city_pks = listed(city_hr, model, params)
    assert b.pk in city_pks


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_change_list_search_finds_a_own_objects(people, officer, model):
    s = sample(model)
    a = s.of_a(people)
    _, pks = listed(officer, model, {"q": s.label(a)})
    assert pks == {a.pk}


def unreferenced_field(model):
    """A concrete field, not the primary key, that no foreign key of any model points to."""
    targets = {rel.field.target_field for rel in model._meta.related_objects}
    return next(f for f in model._meta.concrete_fields
                if not f.primary_key and not f.is_relation and f not in targets)


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_to_field_not_referenced_by_any_foreign_key_is_refused(people, officer, model):
    s = sample(model)
    to_field = unreferenced_field(model)
    b = s.of_b(people)
    # Change list and change page alike: 400, as Django's to_field_allowed demands.
    response = officer.get(url(model, "changelist"), {"_popup": "1", "_to_field": to_field.name})
    assert response.status_code == 400
    b_value = getattr(b, to_field.attname)
    response = officer.get(url(model, "change", b_value), {"_to_field": to_field.name})
    assert response.status_code == 400
    # Control: the primary key is an allowed to_field.
    assert officer.get(url(model, "changelist"), {"_popup": "1", "_to_field": "id"}).status_code == 200


# --- List filters --------------------------------------------------------------------------------

def related_list_filters(model):
    model_admin = admin.site._registry[model]
    names = [entry[0] if isinstance(entry, (tuple, list)) else entry for entry in model_admin.list_filter]
    return [n for n in names if isinstance(n, str) and model._meta.get_field(n).is_relation]


FILTERED = [m for m in REGISTERED if related_list_filters(m)]


def related_choices(response):
    """{field name: (remote model, {pk offered})} for each related-field list filter."""
    found = {}
    for spec in response.context["cl"].filter_specs:
        remote = getattr(getattr(spec, "field", None), "remote_field", None)
        if remote is not None:
            found[spec.field_path] = (remote.model, {pk for pk, _ in spec.lookup_choices})
    return found


def test_related_list_filters_are_tested_on_employees_and_role_assignments():
    assert {Employee, RoleAssignment} <= set(FILTERED)


@pytest.mark.parametrize("model", FILTERED, ids=model_id)
def test_related_list_filter_offers_only_the_officers_subtree(people, officer, city_hr, model):
    # A filter with a single choice is not shown at all: give A1 a role too, so A's officer has two.
    RoleAssignment.objects.create(user=people.a_sub_employee.user, role=Role.CARE_MEMBER, agency=people.a_sub)
    response, _ = listed(officer, model)
    choices = related_choices(response)
    assert set(related_list_filters(model)) <= set(choices)
    city_choices = related_choices(listed(city_hr, model)[0])
    for name, (remote, offered) in choices.items():
        in_b = set(sample(remote).in_b(people).values_list("pk", flat=True))
        assert not offered & in_b, f"the {name} filter offers B's {model_id(remote)} to A's officer"
        assert city_choices[name][1] & in_b, f"control: the {name} filter offers B to city HR"
    assert people.b.name not in response.content.decode()
    assert people.a.name in response.content.decode()


# --- Object pages: change, delete, history ---------------------------------------------------------

@pytest.mark.parametrize("view", ["change", "delete", "history"])
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_b_object_page_answers_exactly_like_a_missing_object(people, officer, model, view):
    s = sample(model)
    b = s.of_b(people)
    response = officer.get(url(model, view, b.pk))
    assert response.status_code != 200
    assert answer(response) == answer(officer.get(url(model, view, MISSING_PK)))
    followed = officer.get(url(model, view, b.pk), follow=True)
    for mark in b_marks(people, model):
        assert mark not in followed.content.decode()


@pytest.mark.parametrize("view", ["change", "history"])
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_officer_of_a_does_reach_a_own_object_pages(people, officer, model, view):
    s = sample(model)
    a = s.of_a(people)
    response = officer.get(url(model, view, a.pk))
    assert response.status_code == 200
    assert str(a) in response.content.decode()


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_post_to_b_change_page_changes_nothing(people, officer, city_hr, model):
    s = sample(model)
    b = s.of_b(people)
    data = form_data(model, people.city_hr.user, b, **s.edit)
    before = snapshot(b)
    response = officer.post(url(model, "change", b.pk), data)
    assert answer(response) == answer(officer.post(url(model, "change", MISSING_PK), data))
    assert snapshot(b) == before
    # Control: the very same POST by city HR does change B's object.
    response = city_hr.post(url(model, "change", b.pk), data)
    assert response.status_code == 302, form_errors(response)
    assert snapshot(b) != before


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_save_as_new_from_b_change_page_creates_nothing_in_b(people, officer, model):
    s = sample(model)
    b = s.of_b(people)
    data = form_data(model, people.city_hr.user, b, _saveasnew="1", **s.edit)
    count = s.in_b(people).count()
    officer.post(url(model, "change", b.pk), data)
    assert s.in_b(people).count() == count


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_bulk_delete_action_on_b_deletes_nothing(people, officer, city_hr, model):
    s = sample(model)
    b = s.of_b(people)
    data = {"action": "delete_selected", "_selected_action": [str(b.pk)], "post": "yes", "index": "0"}
    officer.post(url(model, "changelist"), data)
    assert model._default_manager.filter(pk=b.pk).exists()
    request = RequestFactory().get("/")
    request.user = people.city_hr.user
    if admin.site._registry[model].has_delete_permission(request, b):
        # Control: where city HR may delete, the same POST does delete.
        city_hr.post(url(model, "changelist"), data)
        assert not model._default_manager.filter(pk=b.pk).exists()


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_view_on_site_shortcut_answers_b_like_a_missing_object(people, officer, model):
    b = sample(model).of_b(people)
    content_type = ContentType.objects.get_for_model(model)
    pages = []
    for pk in (b.pk, MISSING_PK):
        path = reverse("admin:view_on_site", args=(content_type.pk, pk))
        response = officer.get(path)
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        pages.append((answer(response), text.replace(path, "<path>")))
    assert pages[0] == pages[1]


# --- Autocomplete --------------------------------------------------------------------------------

def autocomplete_sources():
    """Every foreign key of any model whose target is an admin model with search fields: the
    autocomplete view serves them all, not only the fields listed in autocomplete_fields."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            target = f.remote_field.model if f.is_relation else None
            if target in admin.site._registry and admin.site._registry[target].search_fields:
                found.append((model, f.name))
    return found


AUTOCOMPLETE = autocomplete_sources()


def test_autocomplete_covers_the_direct_supervisor_field():
    assert (Employee, "direct_supervisor") in AUTOCOMPLETE
    assert "direct_supervisor" in admin.site._registry[Employee].autocomplete_fields


def autocomplete(client, source, field_name, term):
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": source._meta.app_label, "model_name": source._meta.model_name,
        "field_name": field_name, "term": term})
    if response.status_code != 200:
        return response.status_code, set()
    return 200, {int(row["id"]) for row in response.json()["results"]}


@pytest.mark.parametrize("source,field_name", AUTOCOMPLETE,
                         ids=[f"{model_id(m)}.{n}" for m, n in AUTOCOMPLETE])
def test_autocomplete_never_returns_b_objects(people, officer, city_hr, source, field_name):
    target = source._meta.get_field(field_name).remote_field.model
    s = sample(target)
    a, b = s.of_a(people), s.of_b(people)
    _, found = autocomplete(officer, source, field_name, s.label(b))
    in_b = set(s.in_b(people).values_list("pk", flat=True))
    assert not found & in_b
    _, found = autocomplete(officer, source, field_name, people.b.name)
    assert not found & in_b
    # Controls: the officer finds A's object, city HR finds B's, with the same request.
    assert a.pk in autocomplete(officer, source, field_name, s.label(a))[1]
    assert b.pk in autocomplete(city_hr, source, field_name, s.label(b))[1]


# --- Forms: foreign-key choices and crafted posts ----------------------------------------------------

@pytest.mark.parametrize("page", ["add", "change"])
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_form_foreign_key_choices_offer_nothing_of_b(people, officer, city_hr, model, page):
    s = sample(model)
    args = () if page == "add" else (s.of_a(people).pk,)
    inline_b_rows = b_rows_for_inline_choices(people) if not s.officer_may_change and page == "change" else []
    response = officer.get(url(model, page, *args))
    city_page = city_hr.get(url(model, page, *args))
    if not s.officer_may_change:
        # A viewer gets no form: no add page, and A's object is shown read-only, without a single
        # input; the (unrendered) choices of its forms still offer nothing of B, as checked below.
        assert city_page.status_code == 200 and editable_inputs(city_page), "control: city HR gets the form"
        if page == "add":
            assert response.status_code == 403
            return
        assert response.status_code == 200
        assert str(s.of_a(people)) in response.content.decode()
        assert not editable_inputs(response), f"A's officer may edit {model_id(model)}"
        for mark in inline_b_rows:
            assert mark not in response.content.decode()
    assert response.status_code == 200
    city = dict(choice_fields(city_page))
    fields = choice_fields(response)
    for name, f in fields:
        in_b = b_side(f.queryset.model, people, f"is offered by the {model_id(model)} form as {name}")
        assert not f.queryset.filter(pk__in=in_b.values("pk")).exists(), (
            f"{model_id(model)} {page} form offers B's {model_id(f.queryset.model)} as {name}")
        assert city[name].queryset.filter(pk__in=in_b.values("pk")).exists(), f"control: city HR offered B as {name}"
    assert people.b.name not in response.content.decode()


def b_rows_for_inline_choices(cast):
    """Rows of B that the inlines of the plans pages offer as choices (a quota pool, a work-circle
    group), so that "offers nothing of B" is not true merely because B has none."""
    from plans.models import WorkCircleGroup
    from plans.tests.factories import PoolFactory

    pool = PoolFactory(plan=cast.b_plan, provider=cast.b_provider, name="乙區個別諮商")
    group = WorkCircleGroup.objects.create(plan=cast.b_plan, name="乙區工作圈", leader_agency=cast.b)
    return [pool.name, group.name]


def b_side(model, cast, why):
    """B's rows of a model offered as a choice: from SAMPLES, or, for the rows of a plan that are
    offered only inside a plan's inline forms, those of B's plans."""
    if model not in SAMPLES and any(f.name == "plan" for f in model._meta.concrete_fields):
        return model._default_manager.filter(plan__in=plans_of_b(cast))
    return sample(model, why).in_b(cast)


def editable_inputs(response):
    """The form inputs a page renders for the admin form's and its inline forms' fields."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += list(inline.formset.forms) + [inline.formset.empty_form]
    html = response.content.decode()
    return [bound.html_name for form in forms for bound in form if f'name="{bound.html_name}"' in html]


# (model, pointer) for every way into B of every model; a model without a sample gets one case,
# which fails with sample()'s message.
INTO_B = [pytest.param(m, name, id=f"{model_id(m)}-{name}")
          for m in REGISTERED for name in (SAMPLES[m].into_b if m in SAMPLES else ["no_sample"])]


@pytest.mark.parametrize("model,pointer", INTO_B)
def test_add_form_pointing_into_b_is_refused_and_creates_nothing(people, officer, model, pointer):
    s = sample(model)
    data = form_data(model, people.a_eap_officer.user, None, **s.add(people))
    into_b = s.into_b[pointer](people)
    count = model._default_manager.count()
    response = officer.post(url(model, "add"), {**data, **into_b})
    assert response.status_code == 200
    assert set(into_b) <= set(form_errors(response))
    assert model._default_manager.count() == count


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_add_form_inside_a_creates_the_object(people, model):
    """Control for the refusals above and below: the same form, posted by whoever keeps A's
    objects (A's officer, or city HR for the plans), pointing inside A, is accepted."""
    s = sample(model)
    keeper = s.keeper(people)
    data = form_data(model, keeper.user, None, **s.add(people))
    count = model._default_manager.count()
    response = client_for(keeper).post(url(model, "add"), data)
    assert response.status_code == 302, form_errors(response)
    assert model._default_manager.count() == count + 1


@pytest.mark.parametrize("who", ["a_eap_officer", "a_agency_hr"])
@pytest.mark.parametrize("model", VIEW_ONLY, ids=model_id)
def test_officer_and_agency_hr_of_a_may_not_add_or_change_what_city_hr_keeps(people, model, who):
    s = sample(model)
    client, keeper = client_for(getattr(people, who)), client_for(s.keeper(people))
    a = s.of_a(people)
    # Adding: neither the page nor a crafted POST of the keeper's own form.
    add = form_data(model, s.keeper(people).user, None, **s.add(people))
    count = model._default_manager.count()
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "add"), add).status_code == 403
    assert model._default_manager.count() == count
    # Changing A's own object, which they do see (test_officer_of_a_does_reach_a_own_object_pages),
    # or saving it as a new one.
    edit = form_data(model, s.keeper(people).user, a, **s.edit)
    before = snapshot(a)
    assert client.post(url(model, "change", a.pk), edit).status_code == 403
    assert client.post(url(model, "change", a.pk), {**edit, "_saveasnew": "1"}).status_code == 403
    assert snapshot(a) == before and model._default_manager.count() == count
    # Control: the very same POST by the keeper changes it.
    response = keeper.post(url(model, "change", a.pk), edit)
    assert response.status_code == 302, form_errors(response)
    assert snapshot(a) != before


@pytest.mark.parametrize("model,pointer", INTO_B)
def test_change_form_moving_a_object_into_b_is_refused(people, officer, model, pointer):
    s = sample(model)
    a = s.of_a(people)
    data = form_data(model, people.a_eap_officer.user, a)
    into_b = s.into_b[pointer](people)
    before = snapshot(a)
    response = officer.post(url(model, "change", a.pk), {**data, **into_b})
    assert response.status_code == 200
    assert set(into_b) <= set(form_errors(response))
    assert snapshot(a) == before
    # Control: the unchanged form saves.
    assert officer.post(url(model, "change", a.pk), data).status_code == 302


# --- Recent actions ------------------------------------------------------------------------------

@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_recent_actions_forget_objects_moved_out_of_the_officers_scope(people, officer, model):
    # The entry is the officer's own, whether they keep the model or only view it: a viewer's
    # entries are those of an earlier role (the person was city HR before), and must fade alike.
    s = sample(model)
    obj = s.of_a(people)
    LogEntry.objects.log_actions(people.a_eap_officer.user.pk, [obj], CHANGE, "測試", single_object=True)
    name = str(obj)
    assert name in officer.get(reverse("admin:index")).content.decode(), "control: the panel shows it"
    s.move_out(obj, people)
    assert not model._default_manager.visible_to(people.a_eap_officer.user).filter(pk=obj.pk).exists()
    page = officer.get(reverse("admin:index"))
    assert page.status_code == 200
    assert name not in page.content.decode()


PANEL_SIZE = 10  # the admin index shows the latest ten entries


def panel_groups():
    """The sampled models (the coverage test asks for the others) in groups of at most ten."""
    models = [m for m in REGISTERED if m in SAMPLES]
    count = -(-len(models) // PANEL_SIZE)
    size = -(-len(models) // max(count, 1))
    return [models[i:i + size] for i in range(0, len(models), size)]


@pytest.mark.parametrize("models", panel_groups(), ids=lambda group: "+".join(m._meta.model_name for m in group))
def test_recent_actions_never_name_b_objects_even_from_the_officers_own_earlier_role(people, officer, models):
    """Entries the officer's account wrote on B's objects (say, as city HR before) stay out of the
    panel, for every model of a group at once (one page; the panel shows the latest ten)."""
    assert len(models) <= PANEL_SIZE, "more models than the panel shows entries: split this test"
    user = people.a_eap_officer.user
    for model in models:
        LogEntry.objects.log_actions(user.pk, [SAMPLES[model].of_b(people)], CHANGE, "測試", single_object=True)
    for model in models:
        LogEntry.objects.log_actions(user.pk, [SAMPLES[model].of_a(people)], CHANGE, "測試", single_object=True)
    html = officer.get(reverse("admin:index")).content.decode()
    for model in models:
        a, b = SAMPLES[model].of_a(people), SAMPLES[model].of_b(people)
        assert str(a) in html, f"control: the panel shows the entry on A's {model_id(model)}"
        assert str(b) not in html, f"B's {model_id(model)} in A's officer's recent actions"
        for mark in b_marks(people, model):
            assert mark not in html


# --- Who gets in -----------------------------------------------------------------------------------

@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_city_hr_reaches_the_objects_of_both_a_and_b(people, city_hr, model):
    s = sample(model)
    a, b = s.of_a(people), s.of_b(people)
    _, pks = listed(city_hr, model)
    assert {a.pk, b.pk} <= pks
    for obj in (a, b):
        for view in ("change", "history"):
            response = city_hr.get(url(model, view, obj.pk))
            assert response.status_code == 200
            assert str(obj) in response.content.decode()


def admin_entrances():
    entrances = {"index": lambda: reverse("admin:index")}
    for model in REGISTERED:
        entrances[f"{model_id(model)}_changelist"] = lambda model=model: url(model, "changelist")
    entrances["autocomplete"] = lambda: reverse("admin:autocomplete") + (
        "?app_label=agencies&model_name=employee&field_name=direct_supervisor&term=a")
    return entrances


ENTRANCES = admin_entrances()


@pytest.mark.parametrize("who", ["a_employee", "a_supervisor", "a_care_member", "a_convener", "a_agency_head",
                                 "a_safety_health", "access_approver", "provider", "reviewer", "nobody"])
def test_people_without_an_hr_role_get_the_admin_login_instead_of_the_admin(people, who):
    client = client_for(getattr(people, who))
    login = reverse("admin:login")
    for name, entrance in ENTRANCES.items():
        response = client.get(entrance())
        assert response.status_code == 302 and response["Location"].startswith(login), (who, name)
    page = client.get(reverse("admin:index"), follow=True)
    assert "admin/login.html" in [t.name for t in page.templates]
    assert "admin/index.html" not in [t.name for t in page.templates]
    # Control: the same entrances open for A's EAP officer.
    officer = client_for(people.a_eap_officer)
    assert all(officer.get(entrance()).status_code == 200 for entrance in ENTRANCES.values())


def test_an_officer_whose_role_has_ended_gets_the_admin_login(people):
    role = role_of(people.a_eap_officer)
    client = client_for(people.a_eap_officer)
    assert client.get(reverse("admin:index")).status_code == 200  # control: in while the role holds
    role.starts_on, role.ends_on = datetime.date(2020, 1, 1), datetime.date.today()
    role.save()
    for entrance in ENTRANCES.values():
        response = client.get(entrance())
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_the_staff_flag_without_an_hr_role_does_not_open_the_admin(people):
    user = people.a_employee.user
    user.is_staff = True
    user.save()
    client = Client()
    client.post(reverse("admin:login"), {"username": user.username, "password": "correct-horse-battery",
                                         "next": reverse("admin:index")})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_an_hr_officer_can_sign_in_on_the_admin_login_page(people):
    client = Client()
    response = client.post(reverse("admin:login"), {
        "username": people.a_eap_officer.user.username, "password": "correct-horse-battery",
        "next": reverse("admin:index")})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_b_supervisor_of_an_a_employee_is_not_shown_on_the_officers_form(people, officer):
    employee = people.a_employee
    employee.direct_supervisor = people.b_supervisor
    employee.save()
    html = officer.get(url(Employee, "change", employee.pk)).content.decode()
    assert str(employee) in html
    assert people.b_supervisor.full_name not in html
    assert people.b_supervisor.employee_number not in html
    # Control: city HR's form of the same person does show the supervisor.
    assert people.b_supervisor.full_name in client_for(people.city_hr).get(
        url(Employee, "change", employee.pk)).content.decode()


def test_agency_hr_keeps_the_roster_of_a_and_its_sub_agency_but_not_of_b(people):
    client = client_for(people.a_agency_hr)
    _, pks = listed(client, Employee)
    assert {people.a_employee.pk, people.a_sub_employee.pk} <= pks
    assert people.b_employee.pk not in pks
    assert client.get(url(Employee, "change", people.a_employee.pk)).status_code == 200
    b_page = client.get(url(Employee, "change", people.b_employee.pk))
    assert answer(b_page) == answer(client.get(url(Employee, "change", MISSING_PK)))


def test_agency_hr_sees_only_their_own_role_assignment_and_changes_none(people, officer):
    client = client_for(people.a_agency_hr)
    own, others = role_of(people.a_agency_hr), role_of(people.a_care_member)
    _, pks = listed(client, RoleAssignment)
    assert pks == {own.pk}
    assert others.pk in listed(officer, RoleAssignment)[1], "control: A's officer does list it"
    page = client.get(url(RoleAssignment, "change", others.pk))
    assert answer(page) == answer(client.get(url(RoleAssignment, "change", MISSING_PK)))
    data = form_data(RoleAssignment, people.a_eap_officer.user, others, role=Role.CONVENER.value)
    before = snapshot(others)
    client.post(url(RoleAssignment, "change", others.pk), data)
    assert snapshot(others) == before
    # Their own assignment is shown read-only: a POST to it changes nothing either.
    own_before = snapshot(own)
    client.post(url(RoleAssignment, "change", own.pk),
                form_data(RoleAssignment, people.a_eap_officer.user, own, role=Role.CITY_HR.value))
    assert snapshot(own) == own_before
    count = RoleAssignment.objects.count()
    assert client.get(url(RoleAssignment, "add")).status_code == 403
    add = form_data(RoleAssignment, people.a_eap_officer.user, None, **SAMPLES[RoleAssignment].add(people))
    assert client.post(url(RoleAssignment, "add"), add).status_code == 403
    assert RoleAssignment.objects.count() == count


def test_eap_officer_of_a_sees_the_staff_of_sub_agency_a1_but_not_of_b(people, officer):
    _, pks = listed(officer, Employee)
    assert people.a_sub_employee.pk in pks
    assert people.b_employee.pk not in pks
    assert officer.get(url(Employee, "change", people.a_sub_employee.pk)).status_code == 200
    _, agencies = listed(officer, Agency)
    assert {people.a.pk, people.a_sub.pk} <= agencies
    assert people.b.pk not in agencies


# --- Plans: city HR keeps them, agencies view the plans that cover them ----------------------------

PLANS_OF = {  # cast -> what A's officer sees of each plans model
    Plan: lambda c: {c.a_plan.pk, c.city_plan.pk},
    Amendment: lambda c: {c.a_amendment.pk},
    Provider: lambda c: {c.a_provider.pk},
    Contract: lambda c: {c.a_contract.pk},
    CourseSeries: lambda c: {series_of(c, "a").pk},
    TopicCategory: lambda c: {category_of(c, "a").pk},
}


def test_plans_models_are_all_view_only_for_the_officer_of_a():
    assert set(VIEW_ONLY) == set(PLANS_OF)


@pytest.mark.parametrize("who", ["a_eap_officer", "a_agency_hr"])
def test_officer_and_agency_hr_of_a_see_the_plans_of_a_and_the_city_and_what_hangs_on_them(people, city_hr, who):
    client = client_for(getattr(people, who))
    for model, seen in PLANS_OF.items():
        sample(model).of_a(people)
        b = sample(model).of_b(people)  # B's exists while A's officer lists
        _, pks = listed(client, model)
        assert pks == seen(people), model_id(model)
        assert answer(client.get(url(model, "change", b.pk))) == answer(client.get(url(model, "change", MISSING_PK)))
        # Control: city HR lists B's as well.
        assert pks | {b.pk} <= listed(city_hr, model)[1]


def test_an_agency_plan_covers_its_subtree_and_the_city_plan_covers_everyone(people):
    """The rule behind PLANS_OF, seen from B's officer and from a plain employee of A1."""
    visible = set(Plan.objects.visible_to(people.b_eap_officer.user).values_list("pk", flat=True))
    assert visible == {people.b_plan.pk, people.city_plan.pk}
    assert set(Plan.objects.visible_to(people.a_sub_employee.user).values_list("pk", flat=True)) == {
        people.a_plan.pk, people.city_plan.pk}


def action_post(client, plans, **extra):
    return client.post(url(Plan, "changelist"), {
        "action": "start_next_year", "_selected_action": [str(p.pk) for p in plans], "index": "0", **extra})


@pytest.mark.parametrize("which", ["a_plan", "b_plan"])
def test_start_next_year_action_of_the_officer_of_a_starts_no_plan(people, officer, city_hr, which):
    plan = getattr(people, which)
    confirm = {"confirm": "yes", "parts": ["work_items", "contracts"]}
    count = Plan.objects.count()
    for extra in ({}, confirm):
        response = action_post(officer, [plan], **extra)
        # The action is not offered to a viewer: no confirmation page naming the plan.
        assert "admin/plans/start_next_year.html" not in [t.name for t in response.templates]
    assert Plan.objects.count() == count
    # Control: city HR's same POSTs show the form, then start the next year.
    page = action_post(city_hr, [plan])
    assert page.status_code == 200 and plan.title in page.content.decode()
    assert action_post(city_hr, [plan], **confirm).status_code == 302
    assert Plan.objects.filter(owner=plan.owner, year=plan.year + 1).exists()


@pytest.mark.parametrize("model", list(PLANS_OF), ids=model_id)
def test_nobody_deletes_plans_models_in_the_admin(people, city_hr, model):
    s = sample(model)
    a, b = s.of_a(people), s.of_b(people)
    assert city_hr.get(url(model, "delete", a.pk)).status_code == 403
    assert city_hr.post(url(model, "delete", b.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk__in=[a.pk, b.pk]).count() == 2
    response, pks = listed(city_hr, model)
    assert {a.pk, b.pk} <= pks, "control: city HR reaches both"
    action_form = response.context["action_form"]
    assert "delete_selected" not in (dict(action_form.fields["action"].choices) if action_form else {})
    # (The bulk delete POST itself: test_bulk_delete_action_on_b_deletes_nothing.)


# --- Granting roles ------------------------------------------------------------------------------

def test_eap_officer_of_a_is_not_offered_the_city_hr_role(people, officer):
    form = officer.get(url(RoleAssignment, "add")).context["adminform"].form
    offered = {value for value, _ in form.fields["role"].choices}
    assert Role.CITY_HR.value not in offered
    assert Role.EAP_OFFICER.value not in offered
    assert Role.CARE_MEMBER.value in offered  # control: the officer does grant agency roles


@pytest.mark.parametrize("role", [Role.CITY_HR, Role.EAP_OFFICER])
def test_eap_officer_of_a_cannot_grant_a_city_granted_role_by_a_crafted_post(people, officer, role):
    data = form_data(RoleAssignment, people.a_eap_officer.user, None, **SAMPLES[RoleAssignment].add(people))
    person = people.a_employee.user
    response = officer.post(url(RoleAssignment, "add"), {**data, "role": role.value})
    assert response.status_code == 200
    assert "role" in form_errors(response)
    assert not RoleAssignment.objects.filter(user=person).exists()
    # Nor by changing an assignment the officer may change.
    granted = role_of(people.a_care_member)
    before = snapshot(granted)
    edit = form_data(RoleAssignment, people.a_eap_officer.user, granted, role=role.value)
    response = officer.post(url(RoleAssignment, "change", granted.pk), edit)
    assert "role" in form_errors(response)
    assert snapshot(granted) == before
    # Control: the same POST with an agency role is granted.
    assert officer.post(url(RoleAssignment, "add"), data).status_code == 302
    assert RoleAssignment.objects.filter(user=person, role=Role.CARE_MEMBER).exists()


@pytest.mark.parametrize("person", ["b_employee", "b_eap_officer"])
@pytest.mark.parametrize("by", ["employee_number", "username"])
def test_role_assignment_person_field_refuses_b_people_for_the_officer_of_a(people, officer, city_hr, person, by):
    target = getattr(people, person)
    text = target.employee_number if by == "employee_number" else target.user.username
    data = form_data(RoleAssignment, people.a_eap_officer.user, None, **SAMPLES[RoleAssignment].add(people))
    data["person"] = text
    count = RoleAssignment.objects.count()
    response = officer.post(url(RoleAssignment, "add"), data)
    assert "person" in form_errors(response)
    assert RoleAssignment.objects.count() == count
    # Control: city HR may name B's people in the same form.
    assert city_hr.post(url(RoleAssignment, "add"), data).status_code == 302
    assert RoleAssignment.objects.filter(user=target.user, role=Role.CARE_MEMBER, agency=people.a).exists()


def test_saving_a_person_keeps_a_supervisor_the_officer_cannot_see(people, officer):
    employee = people.a_employee
    employee.direct_supervisor = people.b_supervisor
    employee.save()
    change = url(Employee, "change", employee.pk)
    form = officer.get(change).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data["job_title"] = "專員"
    data["direct_supervisor"] = ""  # what the browser sends: the select offers no option for B's person
    response = officer.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    employee.refresh_from_db()
    assert employee.job_title == "專員" and employee.direct_supervisor == people.b_supervisor
