"""The agencies app's rows of the access-policy table beyond its first pages (eap_portal/tests/policy.py
merges them): roster imports and accounts (issue 10)."""
from agencies.tests.policy_accounts import ROWS as ACCOUNT_ROWS
from agencies.tests.policy_roster import OBJECTS as ROSTER_OBJECTS
from agencies.tests.policy_roster import ROWS as ROSTER_ROWS

ROWS = {**ROSTER_ROWS, **ACCOUNT_ROWS}
OBJECTS = {**ROSTER_OBJECTS}
