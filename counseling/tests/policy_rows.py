"""The counseling rows of the access-policy table (eap_portal/tests/policy.py merges them).
Each part of the app keeps its rows in its own dict."""
from counseling.tests.policy_employee import ROWS as EMPLOYEE_ROWS
from counseling.tests.policy_hr import ROWS as HR_ROWS
from counseling.tests.policy_provider import ROWS as PROVIDER_ROWS

ROWS = {**EMPLOYEE_ROWS, **PROVIDER_ROWS, **HR_ROWS}
