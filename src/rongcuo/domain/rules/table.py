"""The rule table of ``docs/workflows.md``, rendered from the registry (a test keeps the two
identical, so the documentation cannot drift from the code)."""

from __future__ import annotations

from rongcuo.domain.rules.params import KIND_LABELS, Param
from rongcuo.domain.rules.registry import RULES, Rule

BEGIN = "<!-- rules: generated from rongcuo.domain.rules; do not edit by hand -->"
END = "<!-- rules: end -->"


def _param(name: str, p: Param) -> str:
    if p.required:
        how = "required, may be null" if p.nullable else "required"
    else:
        default = "null" if p.default is None else str(p.default).lower() \
            if isinstance(p.default, bool) else str(p.default)
        how = f"default `{default}`"
    return f"`{name}` ({KIND_LABELS[p.kind]}; {how})"


def _row(r: Rule) -> str:
    params = "<br>".join(_param(n, p) for n, p in r.params.items()) or "—"
    owner = getattr(r.needs, "__self__", None)
    needs = f"`{owner.__name__}`" if isinstance(owner, type) else "—"
    module = r.module.rsplit(".", 1)[-1]
    summary = r.summary.replace("``", "`").replace("|", "\\|")
    cells = [f"`{r.name}`", summary, params,
             ", ".join(f"`{c}`" for c in r.refuses), needs,
             "yes" if r.reads_data else "no", f"`rules/{module}.py`"]
    return "| " + " | ".join(cells) + " |"


def rule_table() -> str:
    """The Markdown table of every registered rule, between its two marker lines."""
    head = ("| rule | what it enforces (term, article) | parameters | refuses with | needs "
            "| reads data | where |\n|---|---|---|---|---|---|---|")
    rows = [_row(RULES[n]) for n in sorted(RULES, key=lambda n: (RULES[n].module, n))]
    return "\n".join([BEGIN, head, *rows, END])
