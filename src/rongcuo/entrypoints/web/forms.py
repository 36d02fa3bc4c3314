"""Step forms generated from a definition's data fields (labels, types, required marks), and
the posted form read back into step data.  The form only collects: the engine coerces and
the state machine decides (a refusal comes back from the service layer, never from here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rongcuo.service.labels import label

PREFIX = "d."  # step data keys in a form (the date and the token are not step data)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    note: str = ""  # a catalogue item's article text


@dataclass(frozen=True)
class Group:
    title: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    widget: str  # text / number / date / select / checkbox / checklist / textarea
    required: bool
    min: int | None = None
    choices: tuple[Choice, ...] = ()
    groups: tuple[Group, ...] = ()
    value: Any = None
    readonly: bool = False

    @property
    def input_name(self) -> str:
        return PREFIX + self.name


_WIDGET = {"str": "text", "int": "number", "date": "date", "enum": "select", "bool": "checkbox",
           "items": "checklist", "list": "text"}
_OPEN_FIELDS = ("subject", "agency")  # the opening form's own inputs


@dataclass(frozen=True)
class Person:
    """A user of the reader's units, as a step form offers them (an investigator to assign,
    the proposer of an extension)."""

    login: str
    name: str
    roles: tuple[str, ...]


def _people(people: tuple[Person, ...], role: str | None, exclude: str = "") -> tuple[Choice, ...]:
    return tuple(Choice(p.login, f"{p.name}（{p.login}）") for p in people
                 if (role is None or role in p.roles) and p.login != exclude)


def fields_for(definition: Any, trigger: str, lang: str, values: dict[str, Any] | None = None,
               *, skip: tuple[str, ...] = (), me: str | None = None,
               people: tuple[Person, ...] = ()) -> list[FormField]:
    """The form fields of ``trigger``'s data, in the definition's order.  With identity
    (``me``: the signed-in login; ``people``: the users of their units) an approval's
    approver is the signed-in user (shown, not typed), its proposer and an investigator are
    chosen among the unit's users."""
    spec = definition.triggers[trigger]
    approval = getattr(spec, "approval", None)
    values = values or {}
    out = []
    for name, f in spec.data.items():
        if name in skip:
            continue
        if me is not None and approval is not None and name == approval.approver:
            out.append(FormField(name, (f.label_zh or name) if lang == "zh" else _english(name),
                                 "text", True, value=me, readonly=True))
            continue
        if me is not None and people and (
                name == "investigator" or (approval is not None and name == approval.proposer)):
            role = "investigator" if name == "investigator" else None
            out.append(FormField(name, (f.label_zh or name) if lang == "zh" else _english(name),
                                 "select", f.required or name != "investigator",
                                 choices=_people(people, role, exclude=me if role is None
                                                 else ""),
                                 value=values.get(PREFIX + name)))
            continue
        text = (f.label_zh or name) if lang == "zh" else _english(name)
        widget = _WIDGET.get(f.type, "text")
        choices: tuple[Choice, ...] = ()
        groups: tuple[Group, ...] = ()
        if f.type == "enum":
            choices = tuple(Choice(v, _enum_label(definition, v, lang)) for v in f.values)
        if f.type == "items":
            groups = _catalogue(definition, lang)
        if f.type == "str" and name in ("reason", "items", "evidence"):
            widget = "textarea"
        out.append(FormField(name, text, widget, f.required, f.min, choices, groups,
                             values.get(PREFIX + name)))
    return out


def _english(name: str) -> str:
    return name.replace("_", " ")


ENUM_WORDS = {
    # values the shipped definitions declare without a label of their own
    "supervision_case": ("监督检查发现", "found by supervision"),
    "application": ("本人或单位申请", "application"),
    "report": ("举报、投诉", "report or complaint"),
    "upheld": ("维持原认定", "upheld"),
    "changed": ("变更原认定", "changed"),
}


def _enum_label(definition: Any, value: str, lang: str) -> str:
    if value in ENUM_WORDS:
        zh, en = ENUM_WORDS[value]
        return zh if lang == "zh" else en
    outcome = definition.outcomes.get(value)
    if outcome is not None:
        return f"{label(outcome, lang, value)}（{outcome.article}）" if lang == "zh" else (
            label(outcome, lang, value))
    return value


def _catalogue(definition: Any, lang: str) -> tuple[Group, ...]:
    groups = []
    for art, entry in definition.catalogue.items():
        title = f"{entry.article} {entry.title}".strip()
        choices = tuple(Choice(f"{art}.{n}", f"{art}.{n}", text)
                        for n, text in entry.items.items())
        groups.append(Group(title, choices))
    return tuple(groups)


def step_data(definition: Any, trigger: str, form: dict[str, Any]) -> dict[str, Any]:
    """The posted form as step data: an empty input is no value (the engine says when a
    required one is missing), a checked box is ``true``, a checklist a list."""
    spec = definition.triggers[trigger]
    data: dict[str, Any] = {}
    for name, f in spec.data.items():
        raw = form.get(PREFIX + name)
        if f.type == "bool":
            if raw not in (None, "", []):
                data[name] = True
            continue
        if f.type == "items":
            items = raw if isinstance(raw, list) else ([raw] if raw else [])
            if items:
                data[name] = items
            continue
        if isinstance(raw, list):
            raw = raw[-1] if raw else ""
        if raw is not None and str(raw).strip() != "":
            data[name] = str(raw).strip()
    return data


def open_fields(definition: Any, lang: str,
                values: dict[str, Any] | None = None) -> list[FormField]:
    return fields_for(definition, definition.open_trigger.name, lang, values, skip=_OPEN_FIELDS)
