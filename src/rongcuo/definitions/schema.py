"""The JSON Schema of a workflow definition file (``workflows/**/*.yaml``), and its run.

The same schema is checked in as ``workflows/schema/workflow.schema.json`` (a test keeps the
two identical, and ``rongcuo workflows schema`` prints it).  The schema checks shape only;
meaning (unknown states, unreachable states, timers without a stop, blank periods, rule
parameters …) is checked by :func:`rongcuo.domain.workflow.build.build_definition`.
"""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed

from rongcuo.domain.workflow.problems import Checker

_ARTICLE = {
    "type": "string",
    "minLength": 2,
    "description": "the article cited, e.g. 历城办法第十七条",
}
_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_NAMES = {"type": "array", "items": _NAME}
_INT_OR_REF = {
    "oneOf": [
        {"type": "integer", "minimum": 0},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {"param": _NAME, "data": _NAME},
            "minProperties": 1,
            "maxProperties": 1,
        },
        {"type": "null"},
    ]
}
_GUARD = {
    "type": "object",
    "required": ["rule", "article"],
    "properties": {"rule": _NAME, "article": _ARTICLE},
    "additionalProperties": True,
}
_FACT_OP = {
    "type": "object",
    "oneOf": [
        {"required": ["set", "to"]},
        {"required": ["add", "value"]},
        {"required": ["remove", "value"]},
    ],
    "properties": {"set": _NAME, "add": _NAME, "remove": _NAME, "to": {}, "value": {}},
    "additionalProperties": False,
}
_DATA_FIELD = {
    "type": "object",
    "required": ["type"],
    "additionalProperties": False,
    "properties": {
        "type": {"enum": ["str", "int", "date", "enum", "list", "bool", "items", "key"]},
        "required": {"type": "boolean"},
        "values": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "min": {"type": "integer"},
        # the longest text accepted (characters; each item of a list)
        "max_length": {"type": "integer", "minimum": 1, "maximum": 100000},
        # an enum's values in Chinese: a case worker may type the label or the code
        "labels": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        # C19: a date of something that happened before the previous step (≤ the step's date)
        "historic": {"type": "boolean"},
        "label_zh": {"type": "string"},
        "label_en": {"type": "string"},
    },
}
_TRANSITION = {
    "type": "object",
    "required": ["from"],
    "additionalProperties": False,
    "properties": {
        "from": _NAMES,
        "to": _NAME,
        "guards": {"type": "array", "items": _GUARD},
    },
}
_RUNG = {
    "type": "object",
    "required": ["offset_working_days", "to"],
    "additionalProperties": False,
    "properties": {
        "offset_working_days": {"type": "integer", "minimum": 0},
        "to": {"type": "string"},
        "to_en": {"type": "string"},
        "article": _ARTICLE,
    },
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://rongcuo.example/schema/workflow.schema.json",
    "title": "rongcuo workflow definition",
    "type": "object",
    "required": [
        "format",
        "id",
        "version",
        "title",
        "jurisdiction",
        "source",
        "in_force",
        "case_number",
        "states",
        "triggers",
    ],
    "additionalProperties": False,
    "properties": {
        "format": {"const": "rongcuo.workflow/1"},
        "id": _NAME,
        "version": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "title_en": {"type": "string"},
        "jurisdiction": {"type": "string", "minLength": 1},
        "source": {
            "type": "object",
            "required": ["document", "articles"],
            "additionalProperties": False,
            "properties": {
                "document": {"type": "string"},
                "file": {"type": "string"},
                "short": {"type": "string"},
                "articles": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            },
        },
        "in_force": {
            "type": "object",
            "required": ["from", "to"],
            "additionalProperties": False,
            "properties": {
                "from": {"type": ["string", "null"], "format": "date"},
                "to": {"type": ["string", "null"], "format": "date"},
                "article": _ARTICLE,
                "note": {"type": "string"},
            },
        },
        "case_number": {"type": "string", "pattern": "\\{year\\}.*\\{n\\}|\\{n\\}.*\\{year\\}"},
        "parameters": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["value", "basis", "note"],
                "additionalProperties": False,
                "properties": {
                    "value": {},
                    "unit": {"enum": ["calendar", "working"]},
                    # blank_in_source (C2): a number the source leaves blank ("应当于日内告知"),
                    # value null, supplied by the adopting body (required_from: adopter)
                    "basis": {"enum": ["law", "borrowed", "policy", "local", "blank_in_source"]},
                    "required_from": {"const": "adopter"},
                    "article": _ARTICLE,
                    "note": {"type": "string", "minLength": 1},
                },
            },
        },
        "states": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
            "additionalProperties": {
                "type": "object",
                "required": ["label_zh", "article"],
                "additionalProperties": False,
                "properties": {
                    "label_zh": {"type": "string", "minLength": 1},
                    "label_en": {"type": "string"},
                    "article": _ARTICLE,
                    "final": {"type": "boolean"},
                },
            },
        },
        "triggers": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
            "additionalProperties": {
                "type": "object",
                "required": ["label_zh", "article", "event"],
                "additionalProperties": False,
                "properties": {
                    "label_zh": {"type": "string", "minLength": 1},
                    "label_en": {"type": "string"},
                    "article": _ARTICLE,
                    "event": {"type": "string", "pattern": "^[A-Z][A-Za-z]*$"},
                    "opens": {"type": "boolean"},
                    # the official documents the step issues (docs/documents.md)
                    "documents": {"type": "array", "items": _NAME, "uniqueItems": True},
                    "from": _NAMES,
                    "to": _NAME,
                    "guards": {"type": "array", "items": _GUARD},
                    "transitions": {"type": "array", "items": _TRANSITION, "minItems": 1},
                    "data": {"type": "object", "additionalProperties": _DATA_FIELD},
                    "facts": {"type": "array", "items": _FACT_OP},
                },
            },
        },
        "timers": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
            "additionalProperties": {
                "type": "object",
                "required": ["label_zh", "article", "period", "start"],
                "additionalProperties": False,
                "properties": {
                    "label_zh": {"type": "string", "minLength": 1},
                    "label_en": {"type": "string"},
                    "article": _ARTICLE,
                    "kind": {"enum": ["deadline", "window"]},
                    "period": {
                        "type": "object",
                        "required": ["unit"],
                        "additionalProperties": False,
                        "properties": {
                            "unit": {"enum": ["calendar", "working"]},
                            "days": _INT_OR_REF,
                            "due": {
                                "type": "object",
                                "required": ["data"],
                                "additionalProperties": False,
                                "properties": {"data": _NAME},
                            },
                            "rollover": {"type": "boolean"},
                        },
                    },
                    "start": {
                        "type": "object",
                        "required": ["by"],
                        "additionalProperties": False,
                        "properties": {
                            "by": _NAMES,
                            "from": _NAME,
                            # the timer does not start when the start step leaves the fact
                            # at one of these values (巴南办法第十六条)
                            "unless": {
                                "type": "object",
                                "required": ["fact", "in", "article"],
                                "additionalProperties": False,
                                "properties": {
                                    "fact": _NAME,
                                    "in": {"type": "array", "minItems": 1},
                                    "article": _ARTICLE,
                                },
                            },
                        },
                    },
                    "stop": _NAMES,
                    "cancel": _NAMES,
                    "pause": {
                        "type": "object",
                        "required": ["by", "resume_by", "article"],
                        "additionalProperties": False,
                        "properties": {"by": _NAME, "resume_by": _NAME, "article": _ARTICLE,
                                       # the pause step's date field of when it began (C19)
                                       "from": _NAME},
                    },
                    "extension": {
                        "type": "object",
                        "required": ["by", "max_times", "max_days", "approval_required", "article"],
                        "additionalProperties": False,
                        "properties": {
                            "by": _NAME,
                            "max_times": {"type": ["integer", "null"], "minimum": 1},
                            "max_days": {"type": ["integer", "null"], "minimum": 1},
                            "approval_required": {"type": "boolean"},
                            "article": _ARTICLE,
                        },
                    },
                    "reminders": {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["param"],
                                "additionalProperties": False,
                                "properties": {"param": _NAME},
                            },
                            {
                                "type": "object",
                                "required": ["working_days_before", "basis"],
                                "additionalProperties": False,
                                "properties": {
                                    "working_days_before": {
                                        "type": "array",
                                        "items": {"type": "integer", "minimum": 1},
                                    },
                                    "basis": {"const": "policy"},
                                    "note": {"type": "string"},
                                },
                            },
                        ]
                    },
                    "escalation": {
                        "type": "object",
                        "required": ["basis", "rungs"],
                        "additionalProperties": False,
                        "properties": {
                            "basis": {"const": "policy"},
                            "note": {"type": "string"},
                            "rungs": {"type": "array", "items": _RUNG, "minItems": 1},
                        },
                    },
                    "on_expiry": {
                        "oneOf": [
                            {"const": "escalate"},
                            {
                                "type": "object",
                                "required": ["fire"],
                                "additionalProperties": False,
                                "properties": {"fire": _NAME},
                            },
                        ]
                    },
                },
            },
        },
        "catalogue": {
            "type": "object",
            "required": ["outcomes", "articles"],
            "additionalProperties": False,
            "properties": {
                "outcomes": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["label_zh", "articles", "correction", "article"],
                        "additionalProperties": False,
                        "properties": {
                            "label_zh": {"type": "string"},
                            "label_en": {"type": "string"},
                            "articles": {"type": "array", "items": {"type": "string"}},
                            "correction": {"type": "boolean"},
                            "article": _ARTICLE,
                        },
                    },
                },
                "articles": {
                    "type": "object",
                    # C1: "10" is an article, "10-2" its second paragraph (第十条第二款),
                    # whose items are cited "10-2.1"
                    "propertyNames": {"pattern": "^[0-9]+(-[0-9]+)?$"},
                    "additionalProperties": {
                        "type": "object",
                        "required": ["title", "article", "items"],
                        "additionalProperties": False,
                        "properties": {
                            "title": {"type": "string"},
                            "article": _ARTICLE,
                            "exclusion": {"type": "boolean"},
                            "items": {
                                "type": "object",
                                "propertyNames": {"pattern": "^[0-9]+$"},
                                "additionalProperties": {"type": "string", "minLength": 1},
                                "minProperties": 1,
                            },
                        },
                    },
                },
            },
        },
    },
}


_VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def check_schema(data: Any, chk: Checker) -> None:
    """Every place ``data`` (JSON-like: dates as ISO text) departs from the schema."""
    for err in sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        chk.error(err.absolute_path, "不符合定义格式", f"schema: at {where}: {err.message}")
