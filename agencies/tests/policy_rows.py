"""The agencies app's rows of the access-policy table beyond its first pages (eap_portal/tests/policy.py
merges them): roster imports and accounts (issue 10), the person's own data (issue 11)."""
from agencies.tests.policy_accounts import ROWS as ACCOUNT_ROWS
from agencies.tests.policy_mydata import OBJECTS as MYDATA_OBJECTS
from agencies.tests.policy_mydata import ROWS as MYDATA_ROWS
from agencies.tests.policy_roster import OBJECTS as ROSTER_OBJECTS
from agencies.tests.policy_roster import ROWS as ROSTER_ROWS

ROWS = {**ROSTER_ROWS, **ACCOUNT_ROWS, **MYDATA_ROWS}
OBJECTS = {**ROSTER_OBJECTS, **MYDATA_OBJECTS}
