"""Staged rows compared with the roster, then applied in one transaction.

A person is identified by their employee number. A column the file does not have leaves that field
alone; a blank cell clears an optional field, except the e-mail address, the national ID number and
the date in this agency since, which a blank never erases (a transfer records that date itself when
the file leaves it blank, and the next file must not clear it again). An unchanged person is not
written at all, so importing the same file twice changes nothing and records no roster history."""
import datetime
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q
from django.utils.translation import gettext as _

from agencies.models import Agency, ChangeKind, Employee, EmployeeChange
from agencies.roster.staging import chunks as _chunks

# Roster fields compared and written, by the file's column key.
FIELD_OF = {
    "full_name": "full_name", "agency_code": "agency_id", "unit": "unit", "job_title": "job_title",
    "category": "category", "rank_series": "rank_series", "grade": "grade", "is_supervisor": "is_supervisor",
    "gender": "gender", "phone": "phone", "birth_date": "birth_date", "hire_date": "hire_date",
    "agency_since": "agency_since", "leave_date": "leave_date", "national_id": "national_id_hash",
}
DATE_FIELDS = {"birth_date", "hire_date", "agency_since", "leave_date"}
NEVER_ERASED = {"national_id_hash", "agency_since"}
SAMPLE = 200  # rows of each kind kept for the preview page
WRITE_BATCH = 1000


@dataclass
class Change:
    line: int
    number: str
    name: str
    pk: int = None
    kind: str = ChangeKind.UPDATED
    fields: list = field(default_factory=list)
    values: dict = field(default_factory=dict)  # model field → new value
    email: str = None  # the account's new e-mail, when it changes
    from_agency: int = None
    to_agency: int = None
    reactivate: bool = False


@dataclass
class Plan:
    new: list = field(default_factory=list)  # staged rows
    changes: list = field(default_factory=list)  # Change (updated, transferred, returned)
    leavers: list = field(default_factory=list)  # (pk, number, name, agency_id, hire_date)
    unchanged: int = 0
    supervisor_of: dict = field(default_factory=dict)  # employee number → supervisor's number (rows that say)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def transferred(self):
        return sum(1 for change in self.changes if change.kind == ChangeKind.TRANSFERRED)

    @property
    def updated(self):
        return len(self.changes) - self.transferred

    def preview(self, agency_names):
        def name(pk):
            return agency_names.get(pk, "")

        return {
            "new": [[row["line"], row["employee_number"], row["full_name"], name(row["agency_code"])]
                    for row in self.new[:SAMPLE]],
            "updated": [[c.line, c.number, c.name, c.fields] for c in self.changes
                        if c.kind != ChangeKind.TRANSFERRED][:SAMPLE],
            "transferred": [[c.line, c.number, c.name, name(c.from_agency), name(c.to_agency)]
                            for c in self.changes if c.kind == ChangeKind.TRANSFERRED][:SAMPLE],
            "leavers": [[number, full_name, name(agency_id)] for _pk, number, full_name, agency_id, _hire
                        in self.leavers[:SAMPLE]],
        }


def _has_left(leave_date, today):
    if isinstance(leave_date, str):
        leave_date = datetime.date.fromisoformat(leave_date)
    return leave_date is not None and leave_date <= today


def _as_value(model_field, value):
    if model_field in DATE_FIELDS and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _existing(numbers):
    found = {}
    columns = ["pk", "employee_number", "user_id", "user__email", "user__is_active", "agency__path",
               "direct_supervisor__employee_number", *FIELD_OF.values()]
    for chunk in _chunks(numbers):
        for record in Employee.objects.filter(employee_number__in=chunk).values(*columns):
            found[record["employee_number"]] = record
    return found


def plan_changes(rows, present, scope, *, is_full, today, importer=None):
    """What committing these staged rows would do, measured against the roster as it is now."""
    plan = Plan()
    present = set(present)
    numbers = [row["employee_number"] for row in rows]
    existing = _existing(numbers)
    for row in rows:
        if "direct_supervisor" in present:
            plan.supervisor_of[row["employee_number"]] = row.get("direct_supervisor") or ""
        record = existing.get(row["employee_number"])
        if record is None:
            plan.new.append(row)
            continue
        if not record["agency__path"].startswith(scope.path):
            # Otherwise an agency's importer could pull anyone in the city into their subtree and
            # rewrite their details, their e-mail address (and so their password reset) included.
            plan.errors.append([row["line"], "", _(
                "This employee number belongs to someone outside %(scope)s: a transfer from another part of "
                "the city is imported by someone responsible for both agencies, such as city HR.")
                % {"scope": scope.name}])
            continue
        change = _compare(row, record, present, today)
        if change is None:
            plan.unchanged += 1
        else:
            plan.changes.append(change)
    _refuse_taken_user_names(plan)
    plan.errors.sort(key=lambda error: error[0])
    if is_full:
        _find_leavers(plan, set(numbers), scope, today, importer)
    return plan


def _compare(row, record, present, today):
    change = Change(line=row["line"], number=row["employee_number"], name=row["full_name"], pk=record["pk"])
    for key, model_field in FIELD_OF.items():
        if key not in present:
            continue
        value = _as_value(model_field, row.get(key))
        if model_field in NEVER_ERASED and not value:
            continue
        if record[model_field] != value:
            change.fields.append(model_field)
            change.values[model_field] = value
    if "direct_supervisor" in present and (record["direct_supervisor__employee_number"] or "") != (
            row.get("direct_supervisor") or ""):
        change.fields.append("direct_supervisor")
    if "email" in present and row.get("email") and row["email"] != (record["user__email"] or "").lower():
        change.fields.append("email")
        change.email = row["email"]
    left = record["leave_date"] is not None and record["leave_date"] <= today
    still_leaving = change.values.get("leave_date", record["leave_date"]) if "leave_date" in present else None
    if left and not record["user__is_active"] and still_leaving is None:
        change.kind, change.reactivate = ChangeKind.RETURNED, True
        if "leave_date" not in change.fields:
            change.fields.append("leave_date")
            change.values["leave_date"] = None
    if "agency_id" in change.values:
        change.kind = ChangeKind.TRANSFERRED
        change.from_agency, change.to_agency = record["agency_id"], change.values["agency_id"]
        if "agency_since" not in change.values:
            change.values["agency_since"] = _as_value("agency_since", row.get("agency_since")) or today
            change.fields.append("agency_since")
    return change if change.fields else None


def _refuse_taken_user_names(plan):
    User = get_user_model()
    wanted = {row["employee_number"]: row for row in plan.new}
    taken = set()
    for chunk in _chunks(wanted):
        taken.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    for number in sorted(taken, key=lambda n: wanted[n]["line"]):
        plan.errors.append([wanted[number]["line"], "", _(
            "An account named %(number)s already exists and is not on the roster: rename that account first.")
            % {"number": number}])


def _find_leavers(plan, numbers, scope, today, importer):
    in_scope = Employee.objects.filter(agency__path__startswith=scope.path).filter(
        Q(leave_date__isnull=True) | Q(leave_date__gt=today))
    for pk, number, name, agency_id, hire in in_scope.values_list("pk", "employee_number", "full_name",
                                                                 "agency_id", "hire_date").iterator(2000):
        if number not in numbers:
            plan.leavers.append((pk, number, name, agency_id, hire))
    if importer is not None and any(pk == getattr(getattr(importer, "employee", None), "pk", None)
                                    for pk, *_rest in plan.leavers):
        plan.warnings.append([0, "", _("You are not in this file: importing it marks you as a leaver and closes "
                                       "your own account.")])


# --- Applying --------------------------------------------------------------------------

def apply_plan(plan, *, roster_import=None, by=None, today, progress=None):
    """Write the plan. The caller holds the transaction: all of it lands, or none."""
    User = get_user_model()
    done, history = 0, []
    number_to_pk = {}

    new_users = [User(username=row["employee_number"], email=row.get("email") or "",
                      is_active=not _has_left(row.get("leave_date"), today),
                      password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)) for row in plan.new]
    for batch in _chunks(new_users, WRITE_BATCH):
        User.objects.bulk_create(batch)
    user_ids = {}
    for chunk in _chunks([row["employee_number"] for row in plan.new]):
        user_ids.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))
    people = [Employee(user_id=user_ids[row["employee_number"]], employee_number=row["employee_number"],
                       **{model_field: _as_value(model_field, row[key]) for key, model_field in FIELD_OF.items()
                          if key in row and not (model_field in NEVER_ERASED and not row[key])})
              for row in plan.new]
    for batch in _chunks(people, WRITE_BATCH):
        Employee.objects.bulk_create(batch)
        done += len(batch)
        if progress:
            progress(done)
    for chunk in _chunks([person.employee_number for person in people]):
        number_to_pk.update(Employee.objects.filter(employee_number__in=chunk).values_list("employee_number", "pk"))
    history += [EmployeeChange(employee_id=number_to_pk[row["employee_number"]], roster_import=roster_import,
                               kind=ChangeKind.JOINED, to_agency_id=row["agency_code"], effective_on=today,
                               recorded_by=by) for row in plan.new]

    done = _apply_changes(plan, roster_import, by, today, history, progress, done)
    _link_supervisors(plan, number_to_pk)
    _apply_leavers(plan, roster_import, by, today, history)
    for batch in _chunks(history, WRITE_BATCH):
        EmployeeChange.objects.bulk_create(batch)
    transfers = [change for change in plan.changes if change.kind == ChangeKind.TRANSFERRED]
    if transfers:
        from agencies.roster.transfers import hand_over_open_cases

        hand_over_open_cases(transfers, by=by, today=today)


def _apply_changes(plan, roster_import, by, today, history, progress, done):
    User = get_user_model()
    by_pk = {change.pk: change for change in plan.changes}
    fields = sorted({model_field for change in plan.changes for model_field in change.values})
    for chunk in _chunks(by_pk):
        people = list(Employee.objects.filter(pk__in=chunk).only("pk", "user_id", *fields))
        for person in people:
            for model_field, value in by_pk[person.pk].values.items():
                setattr(person, model_field, value)
        if fields:
            Employee.objects.bulk_update(people, fields, batch_size=WRITE_BATCH)
        mails = [User(pk=person.user_id, email=by_pk[person.pk].email) for person in people
                 if by_pk[person.pk].email is not None]
        User.objects.bulk_update(mails, ["email"], batch_size=WRITE_BATCH)
        back = [person.user_id for person in people if by_pk[person.pk].reactivate]
        gone = [person.user_id for person in people if "leave_date" in by_pk[person.pk].values
                and _has_left(by_pk[person.pk].values["leave_date"], today)]
        User.objects.filter(pk__in=back).update(is_active=True)
        User.objects.filter(pk__in=gone).update(is_active=False)
        done += len(people)
        if progress:
            progress(done)
    history += [EmployeeChange(employee_id=change.pk, roster_import=roster_import, kind=change.kind,
                               fields=change.fields, from_agency_id=change.from_agency, to_agency_id=change.to_agency,
                               effective_on=change.values.get("agency_since") or today
                               if change.kind == ChangeKind.TRANSFERRED else today, recorded_by=by)
                for change in plan.changes]
    return done


def _link_supervisors(plan, new_pks):
    if not plan.supervisor_of:
        return
    numbers = set(plan.supervisor_of) | {boss for boss in plan.supervisor_of.values() if boss}
    pks = dict(new_pks)
    missing = numbers - set(pks)
    for chunk in _chunks(missing):
        pks.update(Employee.objects.filter(employee_number__in=chunk).values_list("employee_number", "pk"))
    # New people start without a supervisor: only those the file gives one need the second write.
    changed = {row["employee_number"] for row in plan.new if plan.supervisor_of.get(row["employee_number"])} | {
        change.number for change in plan.changes if "direct_supervisor" in change.fields}
    people = [Employee(pk=pks[number], direct_supervisor_id=pks.get(plan.supervisor_of[number]) or None)
              for number in changed if number in plan.supervisor_of]
    Employee.objects.bulk_update(people, ["direct_supervisor"], batch_size=WRITE_BATCH)


def _apply_leavers(plan, roster_import, by, today, history):
    User = get_user_model()
    for chunk in _chunks(plan.leavers):
        on_time = [pk for pk, _n, _name, _a, hire in chunk if hire <= today]
        Employee.objects.filter(pk__in=on_time).update(leave_date=today)
        for pk, _n, _name, _a, hire in chunk:
            if hire > today:  # hired in the future and already gone: leaves the day they would start
                Employee.objects.filter(pk=pk).update(leave_date=hire)
        User.objects.filter(employee__pk__in=[pk for pk, *_rest in chunk]).update(is_active=False)
    history += [EmployeeChange(employee_id=pk, roster_import=roster_import, kind=ChangeKind.LEFT,
                               from_agency_id=agency_id, effective_on=today, recorded_by=by)
                for pk, _number, _name, agency_id, _hire in plan.leavers]


def agency_names(ids):
    return dict(Agency.objects.filter(pk__in=set(ids)).values_list("pk", "name"))
