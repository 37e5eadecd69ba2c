from .activation import ActivationCode
from .agency import Agency, AgencyKind, AgencyVersion
from .care_team import CareTeam, CareTeamMember, Position, ReviewMeeting, Training
from .corrections import CorrectionRequest, CorrectionState, RecordCategory
from .emergency import EmergencyContact
from .employee import Category, Employee, Gender, RankSeries, Segment
from .roles import RoleAssignment
from .roster import ChangeKind, EmployeeChange, ImportState, RosterImport

__all__ = [
    "ActivationCode", "ChangeKind", "EmployeeChange", "ImportState", "RosterImport",
    "Agency", "AgencyKind", "AgencyVersion", "CareTeam", "CareTeamMember", "Position", "ReviewMeeting", "Training",
    "Category", "CorrectionRequest", "CorrectionState", "EmergencyContact", "Employee", "Gender", "RankSeries",
    "RecordCategory", "RoleAssignment", "Segment",
]
