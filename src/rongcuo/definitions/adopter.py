"""The adopting body's settings (C2): the numbers a source leaves blank, set locally.

A definition may declare a parameter ``basis: blank_in_source, required_from: adopter`` with no
value (the generic procedure's ``notice_days``, 通用办法第十四条 "应当于日内告知").  The body that
adopts the procedure sets it once::

    rongcuo workflows configure generic --set notice_days=10

which writes ``$RONGCUO_HOME/settings/<workflow id>.yaml`` (folder 0700, file 0600)::

    parameters:
      notice_days: 10

The service hands these values to the engine when a case opens; the case's opening event
records the value used, so changing the file later never alters a case already open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from rongcuo import paths
from rongcuo.domain.engine.adopter import valid_days
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.workflow.build_timers import MAX_PERIOD_DAYS
from rongcuo.domain.workflow.model import WorkflowDefinition

__all__ = ["read_settings", "settings_path", "write_setting"]

NOT_ADOPTER = message(
    "settings.unknown_parameter",
    "{workflow} 没有须由采用单位设定的参数 {name}（可设定：{known}）",
    "{workflow} has no parameter '{name}' for the adopting body to set (settable: {known})",
)
BAD_VALUE = message(
    "settings.bad_value",
    "参数 {name} 须为 1 至 {most} 的整数天数，不能是 {value}",
    "parameter '{name}' must be a whole number of days from 1 to {most}, not {value}",
)
BAD_FILE = message(
    "settings.bad_file",
    "采用单位设置文件 {path} 无法读取：{reason}",
    "the adopter settings file {path} cannot be read: {reason}",
)


def settings_path(workflow_id: str) -> Path:
    return paths.data_dir() / "settings" / f"{workflow_id}.yaml"


def read_settings(workflow_id: str) -> dict[str, Any]:
    """The adopter's parameter values for ``workflow_id`` (empty if none are set)."""
    path = settings_path(workflow_id)
    if not path.exists():
        return {}
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        zh, en = BAD_FILE.render({"path": path, "reason": exc})
        raise InvalidInput(zh, en, code=BAD_FILE.code, details={"path": str(path)}) from exc
    params = doc.get("parameters") if isinstance(doc, dict) else None
    return dict(params) if isinstance(params, dict) else {}


def write_setting(definition: WorkflowDefinition, name: str, text: str) -> tuple[int, Path]:
    """Set one adopter parameter of ``definition`` from its text; return (value, file)."""
    known = [p.name for p in definition.adopter_parameters]
    if name not in known:
        zh, en = NOT_ADOPTER.render({"workflow": definition.id, "name": name,
                                     "known": ", ".join(known) or "—"})
        raise InvalidInput(zh, en, code=NOT_ADOPTER.code, details={"parameter": name})
    value: Any = int(text) if text.strip().isascii() and text.strip().isdigit() else text
    if not valid_days(value):
        zh, en = BAD_VALUE.render({"name": name, "most": MAX_PERIOD_DAYS, "value": text})
        raise InvalidInput(zh, en, code=BAD_VALUE.code, details={"parameter": name})
    current = read_settings(definition.id)
    current[name] = value
    path = settings_path(definition.id)
    paths.make_private_dir(path.parent)
    paths.create_private_file(path)
    header = (f"# rongcuo: parameters of {definition.id} set by the adopting body "
              "(rongcuo workflows configure)\n")
    path.write_text(header + yaml.safe_dump({"parameters": current}, allow_unicode=True,
                                            sort_keys=True), encoding="utf-8")
    return value, path
