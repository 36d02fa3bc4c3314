"""Classification vocabularies (``workflows/<jurisdiction>/vocabulary/*.yaml``) → Vocabulary.

Each file lists a body's problem categories and fields (ids and Chinese labels) and the
procedures (workflow ids) whose cases it classifies.  A workflow is covered by one vocabulary
at most: two would make a case's classification ambiguous.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from rongcuo import paths
from rongcuo.definitions.yaml_source import parse_yaml
from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.messages import message
from rongcuo.domain.risk import Term, Vocabulary
from rongcuo.domain.workflow.problems import Checker, Problem

MSG_VOCABULARY_INVALID = message(
    "vocabulary.invalid",
    "分类文件无效：\n{listing}",
    "invalid vocabulary:\n{listing}",
)

MSG_VOCABULARY_DUPLICATE = message(
    "vocabulary.duplicate",
    "工作流 {w} 同时属于分类 {id} 和 {id2}",
    "workflow {w} is covered by two vocabularies: {id} and {id2}",
)

FOLDER = "vocabulary"


def _terms(doc: Mapping[str, Any], key: str, chk: Checker) -> tuple[Term, ...]:
    raw = doc.get(key)
    if not isinstance(raw, list) or not raw:
        chk.error((key,), f"缺少 {key}（非空列表）", f"'{key}' must be a non-empty list")
        return ()
    out: list[Term] = []
    for i, t in enumerate(raw):
        if not isinstance(t, Mapping) or not t.get("id") or not t.get("label_zh"):
            chk.error((key, i), "每项须有 id 和 label_zh", "each term needs an id and a label_zh")
            continue
        if any(x.id == str(t["id"]) for x in out):
            chk.error((key, i, "id"), f"编号 {t['id']} 重复", f"id {t['id']} appears twice")
        out.append(Term(str(t["id"]), str(t["label_zh"]), str(t.get("source", ""))))
    return tuple(out)


def check_vocabulary(text: str, filename: str) -> tuple[Vocabulary | None, list[Problem]]:
    try:
        doc, lines = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(filename, mark.line + 1 if mark else None,
                              f"YAML syntax: {getattr(exc, 'problem', exc)} (YAML 语法错误)")]
    chk = Checker(filename, lines)
    if not isinstance(doc, dict):
        chk.error((), "分类文件必须是一个映射", "a vocabulary must be a YAML mapping")
        return None, chk.problems
    workflows = doc.get("workflows")
    if not isinstance(workflows, list) or not workflows:
        chk.error(("workflows",), "workflows 须为非空列表", "'workflows' must be a non-empty list")
        workflows = []
    for key in ("vocabulary", "title"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            chk.error((key,), f"缺少 {key}", f"'{key}' is missing")
    vocab = Vocabulary(str(doc.get("vocabulary")), str(doc.get("title")),
                       tuple(str(w) for w in workflows), _terms(doc, "categories", chk),
                       _terms(doc, "fields", chk), str(doc.get("basis", "local")))
    return (None, chk.problems) if chk.problems else (vocab, [])


def vocabulary_files(root: Path | None = None) -> list[Path]:
    base = root if root is not None else paths.workflows_dir()
    return sorted(base.glob(f"*/{FOLDER}/*.yaml"))


def load_vocabularies(root: Path | None = None) -> dict[str, Vocabulary]:
    """Every vocabulary, by the workflow ids it covers."""
    out: dict[str, Vocabulary] = {}
    for path in vocabulary_files(root):
        vocab, problems = check_vocabulary(path.read_text(encoding="utf-8"), str(path))
        if vocab is None:
            listing = "\n".join(str(p) for p in problems)
            raise DefinitionError.of(
                MSG_VOCABULARY_INVALID,
                listing=listing,
            )
        for w in vocab.workflows:
            if w in out:
                raise DefinitionError.of(
                    MSG_VOCABULARY_DUPLICATE,
                    w=w,
                    id=out[w].id,
                    id2=vocab.id,
                )
            out[w] = vocab
    return out
