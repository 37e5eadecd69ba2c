from core.models.access_requests import (
    AccessCategory,
    AccessRequest,
    LegalException,
    LegalExceptionUse,
    RequestState,
)
from core.models.audit import (
                               AccessAction,
                               AccessLog,
                               AppendOnlyError,
                               HistoryAction,
                               MaintenanceRun,
                               PurposeKind,
                               RecordHistory,
)
from core.models.calendar import DayException, DayKind
from core.models.duties import Absence, Duty, DutyState, EscalationTarget
from core.models.notifications import EmailState, Notification
from core.models.retention import DestructionEntry, DestructionJob, LegalHold
from core.models.sensitive import SensitiveRecord, SensitiveWriteRefused

__all__ = [
    "AccessRequest", "AccessCategory", "LegalException", "LegalExceptionUse", "RequestState",
    "AccessAction", "AccessLog", "AppendOnlyError", "HistoryAction", "MaintenanceRun", "PurposeKind",
    "RecordHistory", "DayException", "DayKind", "Absence", "Duty", "DutyState", "EscalationTarget",
    "EmailState", "Notification", "SensitiveRecord", "SensitiveWriteRefused", "DestructionEntry",
    "DestructionJob", "LegalHold",
]
