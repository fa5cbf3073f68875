"""Benchmarks never wait for good (issue 14): every subprocess call in benchmarks/ has a timeout.

The idle-CPU benchmark once hung for good on ``xwininfo -id 0`` (it waits for a mouse click);
a timeout on each call turns such a wait into a figure that says what went wrong."""

from __future__ import annotations

import ast
from pathlib import Path

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"
BLOCKING_CALLS = {"run", "call", "check_call", "check_output"}
"""subprocess functions that wait for the program to end."""
WAITS = {"wait", "communicate"}
"""Popen methods that wait for the program to end."""
PIPE_READS = {"readline", "read"}
"""Reads of a child's ``stdout``/``stderr`` pipe: they wait for good if the child hangs before
printing (issue 21, point 5); `benchmarks.common.read_line` waits with a timeout instead."""


def _calls_without_timeout(source: str) -> list[int]:
    lines = []
    tree = ast.parse(source)
    coroutines = {  # an asyncio wait (awaited, or made a task) is no process's wait
        id(inner)
        for outer in ast.walk(tree)
        for inner in (
            [outer.value]
            if isinstance(outer, ast.Await)
            else outer.args
            if isinstance(outer, ast.Call)
            and isinstance(outer.func, ast.Attribute)
            and outer.func.attr in ("ensure_future", "create_task", "wait_for")
            else []
        )
    }
    for node in ast.walk(tree):
        if id(node) in coroutines:
            continue
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        keywords = {keyword.arg for keyword in node.keywords}
        if (
            (
                node.func.attr in BLOCKING_CALLS
                and isinstance(owner, ast.Name)
                and owner.id == "subprocess"
                and "timeout" not in keywords
            )
            or (node.func.attr in WAITS and not node.args and "timeout" not in keywords)
            or (
                node.func.attr in PIPE_READS
                and isinstance(owner, ast.Attribute)
                and owner.attr in ("stdout", "stderr")
            )
        ):
            lines.append(node.lineno)
    return lines


def test_every_subprocess_call_in_the_benchmarks_has_a_timeout() -> None:
    missing = {
        path.name: lines
        for path in sorted(BENCHMARKS.glob("*.py"))
        if (lines := _calls_without_timeout(path.read_text(encoding="utf-8")))
    }
    assert not missing, f"subprocess calls without a timeout (file: lines): {missing}"


def test_the_check_finds_a_call_without_a_timeout() -> None:
    source = "import subprocess\nsubprocess.run(['xwininfo'])\nprocess.wait()\n"
    assert _calls_without_timeout(source) == [2, 3]
    assert _calls_without_timeout("subprocess.run(['x'], timeout=5)\np.wait(5)\n") == []
    assert _calls_without_timeout("await stop.wait()\nasyncio.ensure_future(stop.wait())\n") == []
    assert _calls_without_timeout("port = int(child.stdout.readline())\n") == [1]
    assert _calls_without_timeout("await child.stdout.readline()\n") == []


def test_a_group_measured_on_a_busy_machine_is_flagged() -> None:
    """Issue 21, point 5: the machine probe around a group moved by more than the margin from
    the idle probe of the same run, so the group's figures say BUSY; within it they do not."""
    from benchmarks.common import BUSY_MARGIN, Figure
    from benchmarks.run import flag_busy

    figure = Figure("x", 1.0, "ms", 1.0, "ref", "<= 2 ms", True)
    busy = flag_busy("core", [figure], idle=10.0, probes=[10.0, 10.0 * (1 + BUSY_MARGIN) + 1])
    quiet = flag_busy("core", [figure], idle=10.0, probes=[10.5, 11.0])
    assert [f.busy for f in busy] == [True, True] and busy[1].meets_target is False
    assert [f.busy for f in quiet] == [False, False] and quiet[1].meets_target is True
    assert busy[1].name == "machine probe around group core" and busy[1].reference == 10.0
