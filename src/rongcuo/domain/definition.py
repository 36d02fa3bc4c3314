# transitional re-export: removed at integration
"""The workflow model moved to :mod:`rongcuo.domain.workflow.model` (building it to
``workflow.build``, parsing files to :mod:`rongcuo.definitions`); this keeps the old import
path of the model names working while other modules move over."""

from rongcuo.domain.workflow.build_timers import MAX_PERIOD_DAYS
from rongcuo.domain.workflow.model import (
    CatalogueArticle,
    DataField,
    DataType,
    ExtensionRule,
    FactOp,
    GuardSpec,
    Outcome,
    Parameter,
    Rung,
    StateSpec,
    TimerSpec,
    TransitionSpec,
    TriggerSpec,
    WorkflowDefinition,
)
from rongcuo.domain.workflow.problems import Problem

__all__ = [
    "MAX_PERIOD_DAYS",
    "CatalogueArticle",
    "DataField",
    "DataType",
    "ExtensionRule",
    "FactOp",
    "GuardSpec",
    "Outcome",
    "Parameter",
    "Problem",
    "Rung",
    "StateSpec",
    "TimerSpec",
    "TransitionSpec",
    "TriggerSpec",
    "WorkflowDefinition",
]
