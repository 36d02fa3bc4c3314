# transitional re-export: removed at integration
"""The guard rules moved to :mod:`rongcuo.domain.rules` (one module per legal concept, one
registry); this keeps ``GUARD_RULES`` and ``GuardCall`` importable from the old path."""

from rongcuo.domain.rules import RULES as GUARD_RULES
from rongcuo.domain.rules import GuardCall
from rongcuo.domain.rules import Rule as GuardRule

__all__ = ["GUARD_RULES", "GuardCall", "GuardRule"]
