"""One builder per ``<workflow>.<kind>``: a case's facts and steps → the document's body.

Importing this package registers every builder in :data:`BUILDERS`.
"""

from __future__ import annotations

from rongcuo.documents.builders import banan, guian, licheng
from rongcuo.documents.builders.common import BUILDERS, Builder, BuildInput

__all__ = ["BUILDERS", "BuildInput", "Builder", "banan", "guian", "licheng"]
