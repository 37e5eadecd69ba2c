"""The surveys rows of the access-policy table and their objects, one file per part of the app."""
from surveys.tests import policy_care, policy_results, policy_selfcheck, policy_surveys

PARTS = [policy_selfcheck, policy_care, policy_surveys, policy_results]
ROWS = {route: row for part in PARTS for route, row in part.ROWS.items()}
OBJECTS = {name: make for part in PARTS for name, make in part.OBJECTS.items()}
