"""SpiffWorkflow's side of ``rongcuo bench compare``: the Licheng walk on a BPMN model.

SpiffWorkflow is an optional extra (``pip install 'rongcuo[bench]'``), imported only here and
only when the comparison runs.  The model (``benchmarks/licheng.bpmn``) has one user task per
trigger, named after it, and one exclusive gateway per state with a choice; the task data
``next_step`` (the walk's next trigger) chooses the gateway's way out, and the command's data
is put in the task data as rongcuo puts it in the event.

A *stateless step* is what a service keeping its cases as rows would do with SpiffWorkflow:
deserialize the workflow from its JSON, complete the one ready task, run the engine steps
(the gateways), serialize it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rongcuo.domain.case import Command
from rongcuo.domain.errors import DomainError
from rongcuo.domain.messages import message

MSG_BENCH_SPIFF_MISSING = message(
    "bench.spiff_missing",
    "未安装 SpiffWorkflow：rongcuo bench compare 需要可选组件 bench，请运行 {INSTALL}",
    "SpiffWorkflow is not installed: `rongcuo bench compare` needs the optional extra "
    "'bench' — {INSTALL_EN}",
)

MSG_BENCH_BAD_MODEL = message(
    "bench.bad_model",
    "BPMN 模型与历城流程不一致：应为“{trigger}”，实为“{name}”",
    "the BPMN model does not follow the Licheng walk: expected a ready '{trigger}' task, "
    "found {name!r}",
)

MSG_BENCH_BAD_MODEL_SPIFF = message(
    "bench.bad_model/spiff",
    "无法读取 BPMN 模型 {model}：{exc}",
    "cannot read the BPMN model {model}: {exc}",
)

PROCESS_ID = "licheng"
INSTALL = "pip install 'rongcuo[bench]'（在源码目录中：pip install -e '.[bench]'）"
INSTALL_EN = "pip install 'rongcuo[bench]' (in a checkout: pip install -e '.[bench]')"


class BenchUnavailable(DomainError):
    """What a benchmark needs is missing (an optional library, its model file)."""

    code = "bench.unavailable"


def require_spiff() -> None:
    """Refuse clearly, saying how to install it, when SpiffWorkflow is not installed."""
    try:
        import SpiffWorkflow  # noqa: F401  # only to learn whether it is there
    except ImportError as exc:
        raise BenchUnavailable.of(
            MSG_BENCH_SPIFF_MISSING,
            INSTALL=INSTALL,
            INSTALL_EN=INSTALL_EN,
        ) from exc


class SpiffWalker:
    """The walk on the BPMN model: in memory, or stateless through the JSON serializer."""

    def __init__(self, model: Path) -> None:
        require_spiff()
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.util.task import TaskState

        parser = BpmnParser()
        try:
            parser.add_bpmn_file(str(model))
            self._spec = parser.get_spec(PROCESS_ID)
        except Exception as exc:  # any failure to parse: the file is not a usable model
            raise BenchUnavailable.of(
                MSG_BENCH_BAD_MODEL_SPIFF,
                model=model,
                exc=exc,
            ) from exc
        self._workflow_cls = BpmnWorkflow
        self._serializer = BpmnWorkflowSerializer()
        self._ready = TaskState.READY

    def opened(self, command: Command) -> Any:
        """A new workflow with its ``open`` task completed."""
        workflow = self._workflow_cls(self._spec)
        workflow.do_engine_steps()
        self.complete(workflow, command, None)
        return workflow

    def complete(self, workflow: Any, command: Command, next_trigger: str | None) -> None:
        """Complete the ready task of ``command`` in memory, route on to ``next_trigger``."""
        task = workflow.get_next_task(state=self._ready, manual=True)
        name = task.task_spec.bpmn_name if task is not None else None
        if name != command.trigger:
            raise BenchUnavailable.of(
                MSG_BENCH_BAD_MODEL,
                trigger=command.trigger,
                name=name,
            )
        task.data.update(command.data)
        task.data["on"] = command.on.isoformat()
        task.data["actor"] = command.actor
        task.data["next_step"] = next_trigger
        task.run()
        workflow.do_engine_steps()

    def dumps(self, workflow: Any) -> str:
        return str(self._serializer.serialize_json(workflow))

    def loads(self, text: str) -> Any:
        return self._serializer.deserialize_json(text)

    def step(self, text: str, command: Command, next_trigger: str | None) -> str:
        """One stateless step: JSON in, complete one task, JSON out."""
        workflow = self.loads(text)
        self.complete(workflow, command, next_trigger)
        return self.dumps(workflow)

    def walk_in_memory(self, workflow: Any, steps: Sequence[tuple[Command, str | None]]) -> Any:
        for command, nxt in steps:
            self.complete(workflow, command, nxt)
        return workflow

    def walk_stateless(self, text: str, steps: Sequence[tuple[Command, str | None]]) -> str:
        for command, nxt in steps:
            text = self.step(text, command, nxt)
        return text

    def is_completed(self, workflow: Any) -> bool:
        return bool(workflow.is_completed())
