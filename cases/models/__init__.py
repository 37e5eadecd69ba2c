from cases.models.actions import (
    ACTIONS_BY_KIND,
    LOWEST_CRISIS_LEVEL,
    SUPERVISOR_ACTIONS,
    ActionKind,
    AffectedPerson,
    CaseAction,
    CrisisLevel,
    CrisisLevelEntry,
    Relation,
    SuicideReport,
)
from cases.models.case import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseKind,
    CaseState,
    EntryKind,
    EscalationDecision,
    Origin,
    TimelineEntry,
)
from cases.models.contacts import Contact, ContactChannel, ContactOutcome
from cases.models.experts import Expert, ExpertInterview, InterviewMode, InterviewState
from cases.models.work import CaseService, ContactType, FollowUp, PaperFile, ServiceKind

__all__ = ["ACTIONS_BY_KIND", "LOWEST_CRISIS_LEVEL", "SUPERVISOR_ACTIONS", "ActionKind", "AffectedPerson",
           "CaseAction", "CrisisLevel", "CrisisLevelEntry", "Relation", "SuicideReport", "AssignmentRole", "Case",
           "CaseAssignment", "CaseKind", "CaseState", "EntryKind", "EscalationDecision", "Origin", "TimelineEntry",
           "Contact", "ContactChannel", "ContactOutcome", "Expert", "ExpertInterview", "InterviewMode",
           "InterviewState", "CaseService", "ContactType", "FollowUp", "PaperFile", "ServiceKind"]
