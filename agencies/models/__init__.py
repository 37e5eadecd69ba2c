from .activation import ActivationCode
from .agency import Agency, AgencyKind, AgencyVersion
from .care_team import CareTeam, CareTeamMember, Position, ReviewMeeting, Training
from .emergency import EmergencyContact
from .employee import Category, Employee, Gender, RankSeries, Segment
from .roles import RoleAssignment
from .roster import ChangeKind, EmployeeChange, ImportState, RosterImport

__all__ = [
    "ActivationCode", "ChangeKind", "EmployeeChange", "ImportState", "RosterImport",
    "Agency", "AgencyKind", "AgencyVersion", "CareTeam", "CareTeamMember", "Position", "ReviewMeeting", "Training",
    "Category", "EmergencyContact", "Employee", "Gender", "RankSeries",
    "RoleAssignment", "Segment",
]
