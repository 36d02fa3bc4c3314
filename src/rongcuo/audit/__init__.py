"""Auditors replay, verify and export case histories.

The audit reads the stored log directly (:mod:`rongcuo.audit.log`, one read-only snapshot),
rebuilds cases through their own definition version (:mod:`rongcuo.audit.replay`), checks the
hash chain and ``seq`` (:mod:`rongcuo.audit.chain_check`) and the stored rows
(:mod:`rongcuo.audit.compare`) in one streaming pass (:mod:`rongcuo.audit.verify`, reporting
:mod:`rongcuo.audit.findings`), keeps signed checkpoints outside the database
(:mod:`rongcuo.audit.checkpoint`), reports what a newer definition would have decided
differently (:mod:`rongcuo.audit.drift`) and prints the case file (:mod:`rongcuo.audit.export`).
It never writes to the store.
"""

from __future__ import annotations

from rongcuo.audit.api import (
    export_case,
    replay,
    take_checkpoint,
    verify,
)

__all__ = ["export_case", "replay", "take_checkpoint", "verify"]
