"""案卷评查 — scoring an enforcement case file against an evaluation standard (蒲县评查制度).

Pure: the sheet model (:mod:`.model`: basic standards, stages, documents, items with their
points), building a sheet from a mapping with every sum checked (:mod:`.build`), and scoring
one file (:mod:`.score`: basic standards pass/fail, deductions per item, score = 100 −
deductions never negative, the grade).  The catalogues themselves are data
(``workflows/pu/catalogues/*.yaml``, read by :mod:`rongcuo.definitions.catalogues`).  The
readings the text leaves open are declared once, in :data:`READINGS`.
"""

from rongcuo.domain.scoring.build import build_sheet
from rongcuo.domain.scoring.model import (
    PU_GRADES,
    READINGS,
    BasicStandard,
    Document,
    GradeBand,
    Item,
    Reading,
    Sheet,
    Stage,
    grade_for,
    points,
)
from rongcuo.domain.scoring.score import (
    Answers,
    Deduction,
    Score,
    ScoringError,
    ScoringPolicy,
    score,
)

__all__ = [
    "PU_GRADES",
    "READINGS",
    "Answers",
    "BasicStandard",
    "Deduction",
    "Document",
    "GradeBand",
    "Item",
    "Reading",
    "Score",
    "ScoringError",
    "ScoringPolicy",
    "Sheet",
    "Stage",
    "build_sheet",
    "grade_for",
    "points",
    "score",
]
