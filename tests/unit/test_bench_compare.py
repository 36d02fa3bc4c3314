"""`rongcuo bench compare`: its JSON contract, its refusal without SpiffWorkflow, and that the
walks it times are the real ones (the stateless step ends where the engine does, its events
chain; the BPMN models follow the walk).  No figure is asserted against a speed: benchmarks
print, tests never time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.bench.stateless import StatelessWalker
from rongcuo.bench.walk import licheng_walk
from rongcuo.domain.chain import format_recorded_at, verify_chain
from rongcuo.entrypoints.cli.main import cli
from rongcuo.testing.workflows import licheng_engine

ROOT = Path(__file__).resolve().parents[2]
MODELS = (ROOT / "benchmarks" / "licheng.bpmn", ROOT / "benchmarks" / "licheng-walk.bpmn")
CONTRACT = {"engine_us", "stateless_us", "spiff_stateless_us", "bare_transitions_us", "rounds",
            "load"}


def _require_spiff() -> None:
    try:
        import SpiffWorkflow  # noqa: F401  # only to learn whether the extra is installed
    except ImportError:
        msg = "SpiffWorkflow (the 'bench' extra) is not installed"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


def test_compare_json_prints_exactly_the_contract_medians() -> None:
    """`--json` prints the six keys of the contract and nothing else; every figure is a
    positive number of microseconds, `rounds` the rounds asked for."""
    _require_spiff()
    result = CliRunner().invoke(
        cli, ["bench", "compare", "--rounds", "1", "--walks", "1", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)
    assert set(got) == CONTRACT
    for key in CONTRACT - {"rounds", "load"}:
        assert isinstance(got[key], float) and got[key] > 0, key
    assert got["rounds"] == 1
    assert got["load"] >= 0


def test_compare_prints_the_ratios_of_the_targets() -> None:
    """Without `--json` the command prints each measure and the three ratios the targets are
    stated in, with the load average beside them."""
    _require_spiff()
    result = CliRunner().invoke(cli, ["bench", "compare", "--rounds", "1", "--walks", "1"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "stateless_us / engine_us" in out and "target ≤ 1.5×" in out
    assert "spiff_stateless_us / stateless_us" in out and "target ≥ 20×" in out
    assert "engine_us / bare_transitions_us" in out and "target ≤ 3×" in out
    assert "load average" in out


def test_compare_without_spiffworkflow_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SpiffWorkflow missing: a message in Chinese and English naming the `bench` extra and
    the pip command, exit 3, nothing measured."""
    monkeypatch.setitem(sys.modules, "SpiffWorkflow", None)  # an import of it now fails
    result = CliRunner().invoke(cli, ["bench", "compare", "--rounds", "1", "--walks", "1"])
    assert result.exit_code == 3
    assert "未安装 SpiffWorkflow" in result.stderr
    assert "SpiffWorkflow is not installed" in result.stderr
    assert "pip install 'rongcuo[bench]'" in result.stderr
    assert result.stdout == ""


def test_the_cli_imports_no_benchmark_code_and_no_spiffworkflow() -> None:
    """Loading the `rongcuo` command (every group registered) imports neither the benchmark
    package nor SpiffWorkflow: only `rongcuo bench …` does (issue 16: a command does not
    import the benchmark modules)."""
    code = (
        "import sys, rongcuo.entrypoints.cli.main; "
        "print('\\n'.join(m for m in sys.modules if m.startswith(('rongcuo.bench', "
        "'SpiffWorkflow', 'pyinstrument'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


def test_the_stateless_walk_ends_in_the_engine_state_and_its_events_chain() -> None:
    """Walked row to row (decode, decide, encode; nothing kept between steps), whether every
    deadline row is written or only those that moved, the case ends in the state the engine
    reaches in memory, and the event rows' hashes verify as a chain from the first event."""
    engine = licheng_engine()
    commands = licheng_walk()
    state = engine.open(commands[0]).state
    for c in commands[1:]:
        state = engine.decide(state, c, {"prior_tolerances": ()}).state
    for only_moved in (False, True):
        walker = StatelessWalker(engine, only_moved=only_moved)
        row, events = walker.open_row(commands[0])
        for c in commands[1:]:
            row, new_events, deadlines = walker.step(row, c)
            events += new_events
            assert deadlines or only_moved
        assert walker.decode(row).state == state
        assert walker.decode(row).last_seq == len(commands) == len(events)
        assert verify_chain(_stored(e) for e in events) == []


def _stored(params: tuple[object, ...]) -> dict[str, object]:
    """An event row as the store's SQLite insert receives it, as the auditor reads it."""
    (case_id, seq, trigger, type_, on, actor, article, data, wid, wver, at, _, prev, h) = params
    return {
        "case_id": case_id, "seq": seq, "trigger": trigger, "type": type_, "on": on,
        "actor": actor, "article": article, "data": json.loads(str(data)),
        "workflow_id": wid, "workflow_version": wver,
        "recorded_at": format_recorded_at(datetime.fromisoformat(str(at)).replace(tzinfo=UTC)),
        "prev_hash": prev, "hash": h,
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_the_bpmn_models_follow_the_walk_in_memory_and_through_json(model: Path) -> None:
    """Both shipped BPMN models run the Licheng walk to their end event, in memory and one
    serialized step at a time."""
    _require_spiff()
    from rongcuo.bench.spiff import SpiffWalker

    walker = SpiffWalker(model)
    commands = licheng_walk()
    steps = list(zip(commands[1:], [*(c.trigger for c in commands[2:]), None], strict=True))
    workflow = walker.walk_in_memory(walker.opened(commands[0]), steps)
    assert walker.is_completed(workflow)
    text = walker.walk_stateless(walker.dumps(walker.opened(commands[0])), steps)
    assert walker.is_completed(walker.loads(text))


def test_a_model_that_does_not_follow_the_walk_is_refused() -> None:
    """A walk the model does not offer (archiving straight after filing) is refused with
    `bench.bad_model`, naming the step expected and the task found."""
    _require_spiff()
    from rongcuo.bench.spiff import BenchUnavailable, SpiffWalker

    walker = SpiffWalker(MODELS[0])
    commands = licheng_walk()
    archive = next(c for c in commands if c.trigger == "archive")
    workflow = walker.opened(commands[0])
    with pytest.raises(BenchUnavailable) as err:
        walker.complete(workflow, archive, None)
    assert err.value.code == "bench.bad_model"
    assert "'archive'" in err.value.message_en and "'file'" in err.value.message_en
