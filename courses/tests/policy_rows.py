"""The courses rows of the access-policy table (eap_portal/tests/policy.py merges them). Each part of
the app keeps its rows in its own dict."""
from courses.tests.policy_employee import ROWS as EMPLOYEE_ROWS
from courses.tests.policy_hr import ROWS as HR_ROWS
from courses.tests.policy_objects import OBJECTS  # noqa: F401
from courses.tests.policy_reports import ROWS as REPORT_ROWS

ROWS = {**EMPLOYEE_ROWS, **HR_ROWS, **REPORT_ROWS}
