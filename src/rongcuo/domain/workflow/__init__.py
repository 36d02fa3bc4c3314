"""Workflow definitions inside the domain: the model, building it from a plain mapping,
its checks and problems, the registry of versions and its drawings.

No file format is known here: the edge (:mod:`rongcuo.definitions`) parses a file into a
mapping and a :class:`~rongcuo.domain.workflow.problems.Locator`, and
:func:`~rongcuo.domain.workflow.build.build_definition` does the rest.
"""
