"""Workflow definition files: the edge between ``workflows/`` and the domain.

* :mod:`~rongcuo.definitions.yaml_source` — YAML text → mapping with line numbers, checked
  against the JSON Schema;
* :mod:`~rongcuo.definitions.schema` — that schema;
* :mod:`~rongcuo.definitions.loader` — finding the files (jurisdiction folders and archives
  included) and loading them into a :class:`DefinitionRegistry`.

The domain (:mod:`rongcuo.domain.workflow`) receives built definitions and never sees YAML.
"""

from rongcuo.definitions.loader import (
    check_definition,
    check_mapping,
    definition_files,
    load_definition,
    load_definitions,
    parse_definition,
    validate_files,
)
from rongcuo.domain.workflow.model import WorkflowDefinition
from rongcuo.domain.workflow.problems import Problem
from rongcuo.domain.workflow.registry import DefinitionRegistry

__all__ = [
    "DefinitionRegistry",
    "Problem",
    "WorkflowDefinition",
    "check_definition",
    "check_mapping",
    "definition_files",
    "load_definition",
    "load_definitions",
    "parse_definition",
    "validate_files",
]
