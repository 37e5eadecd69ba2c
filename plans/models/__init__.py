from .directory import Channel, ResourceEntry
from .plan import Plan, ProblemCategory, WorkItem, WorkStatus
from .providers import Contract, ContractChannel, ContractType, Counselor, Mode, Provider, Service
from .quota import Amendment, LateRule, PoolKind, QuotaChange, QuotaPool, UnlimitedLine
from .work_circle import WorkCircleGroup, WorkCircleMeeting

__all__ = [
    "Amendment", "Channel", "Contract", "ContractChannel", "ContractType", "Counselor", "LateRule", "Mode", "Plan",
    "PoolKind", "ProblemCategory", "Provider", "QuotaChange", "QuotaPool", "ResourceEntry", "Service",
    "UnlimitedLine", "WorkCircleGroup", "WorkCircleMeeting", "WorkItem", "WorkStatus",
]
