"""A command that failed must not pass unnoticed: a plain ``I run `...` `` step whose command exits non-zero
fails its scenario right there, unless a step right after it checks that command's outcome.

"Right after" is the run of Then steps (and their Ands) that follows the run step: the steps that can still
see the command as ``site.last``. A step reads the last command's outcome when its definition is marked with
``reads_last_command`` (``it fails with message N``, ``the exit status is N``, ...). Without this rule a
refused command (``prostrct repair`` refused with 276) shows up as the failure of a later step that only
suffers from it, and the evidence blames the wrong command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest

from oedr.harness.bdd import Scenario, Step, step_definitions
from oedr.harness.result import CommandResult
from oedr.harness.site import StepFailure

F = TypeVar("F", bound=Callable[..., object])
_MARK = "oedr_reads_last_command"


def reads_last_command(func: F) -> F:
    """Mark a step definition as one that checks the outcome of the last command run."""
    setattr(func, _MARK, True)
    return func


def _reads_last(step: Step) -> bool:
    for definition in step_definitions():
        matches = definition.kind in (None, step.type) and definition.matches(step.name)
        if matches and getattr(definition.func, _MARK, False):
            return True
    return False


def following(steps: Sequence[Step], step: Step) -> list[Step]:
    """The steps of a scenario after ``step``."""
    for index, each in enumerate(steps):
        if each is step:
            return list(steps[index + 1 :])
    return []


def is_checked(after: Sequence[Step]) -> bool:
    """True when one of the Then steps right after a run step reads the last command's outcome."""
    for step in after:
        if step.type != "then":
            return False
        if _reads_last(step):
            return True
    return False


def require_checked(result: CommandResult, after: Sequence[Step]) -> None:
    """Fail at a command that exited non-zero when no step right after it checks its outcome."""
    if result.exit_status != 0 and not is_checked(after):
        raise StepFailure(
            f"the command failed and no step checks it (expected a failure? say so with "
            f"`Then it fails with message N` or `Then the exit status is {result.exit_status}`)\n"
            f"{result.describe()}"
        )


def pytest_bdd_before_step(request: pytest.FixtureRequest, scenario: Scenario, step: Step) -> None:
    """Let a run step see the steps after it (does one of them check its command?). A pytest-bdd hook: oedr's
    pytest plugin loads this module."""
    request.node.oedr_steps_after = following(scenario.steps, step)
