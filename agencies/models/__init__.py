from .agency import Agency, AgencyKind, AgencyVersion
from .employee import Category, Employee, Gender, RankSeries, Segment
from .roles import RoleAssignment

__all__ = [
    "Agency", "AgencyKind", "AgencyVersion", "Category", "Employee", "Gender", "RankSeries",
    "RoleAssignment", "Segment",
]
