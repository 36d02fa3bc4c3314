"""The controlled vocabulary a case is classified by: problem categories and fields."""

from __future__ import annotations

from dataclasses import dataclass

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message

NOT_IN_VOCABULARY = message(
    "classification.unknown_term",
    "“{value}”不是《{vocabulary}》中的{what}（可选：{known}）",
    "'{value}' is not a {what_en} of the vocabulary '{vocabulary}' (choose from: {known})",
)


@dataclass(frozen=True)
class Term:
    id: str
    label_zh: str
    source: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """One body's vocabulary, for the procedures (workflow ids) it applies to."""

    id: str
    title: str
    workflows: tuple[str, ...]
    categories: tuple[Term, ...]
    fields: tuple[Term, ...]
    basis: str = "local"

    @property
    def cells(self) -> int:
        """How many (category, field) pairs there are: what an even spread is measured on."""
        return len(self.categories) * len(self.fields)

    def label(self, kind: str, term_id: str) -> str:
        terms = self.categories if kind == "category" else self.fields
        return next((t.label_zh for t in terms if t.id == term_id), term_id)

    def check(self, category: str, field: str) -> None:
        """Refuse a category or field not in the vocabulary, listing the choices."""
        for value, terms, what, what_en in ((category, self.categories, "问题类别", "category"),
                                            (field, self.fields, "领域", "field")):
            if value not in {t.id for t in terms}:
                known = "、".join(f"{t.id}（{t.label_zh}）" for t in terms)
                raise InvalidInput.of(NOT_IN_VOCABULARY, value=value, vocabulary=self.title,
                                      what=what, what_en=what_en, known=known)
