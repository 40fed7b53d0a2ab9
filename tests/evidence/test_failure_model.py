"""Which command a failed step failed on, and which of its messages decided it (results.py)."""

from __future__ import annotations

from typing import Any

import pytest

from oedr.harness.evidence.results import decided_by, deciding_message, failure_error, failure_of, new_bucket
from oedr.harness.result import CommandResult
from oedr.harness.site import StepFailure

REFUSED = """WARNING: ROLL FORWARD disables after-imaging. (663)
After this is complete, you should re-enable it. (648)
If you desire continued after-image protection (659)
After-image disabled. (846)
Expected ai file number 1 but file specified is 2 in sequence. (8019)
roll forward open archive/sports.2.sports.a2 error: -1. (11014)"""
ROLL_FORWARD = "rfutil sports -C roll forward -a archive/sports.2.sports.a2"
STARTED = "2026-01-01T00:00:00.000+00:00"


def _result(command: str, status: int, output: str, started: str = STARTED) -> CommandResult:
    return CommandResult("dr", command, command.split(), "/dr", started, 0.1, status, output)


@pytest.mark.parametrize(
    ("check", "status", "output", "expected"),
    [
        (
            "expected success, got exit status 1",
            1,
            REFUSED,
            (8019, "Expected ai file number 1 but file specified is 2 in sequence. (8019)"),
        ),
        (
            "expected failure with message (833)",
            1,
            "** Cannot find or open file x, errno = 2. (43)\nroll forward open x error: -1. (11014)",
            (43, "** Cannot find or open file x, errno = 2. (43)"),
        ),
        (
            "expected failure with message (43)",
            0,
            "Structure repaired: 10 extent path(s) now recorded in sports. (90023)",
            (43, None),
        ),
        (
            "expected the line\n  After-imaging is not enabled for database sports. (90041)\ngot\n  x",
            1,
            "After-imaging is not enabled for database dr. (90041)",
            (90041, "After-imaging is not enabled for database dr. (90041)"),
        ),
    ],
)
def test_a_check_about_a_command_is_decided_by_its_output_not_its_warnings_or_trailer(
    check: str, status: int, output: str, expected: Any
) -> None:
    assert decided_by(check, output, status) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "roll forward refused: ** Expected ai file number 1 but file specified is 2 in sequence. (8019)",
            (8019, "roll forward refused: ** Expected ai file number 1 but file specified is 2 in sequence. (8019)"),
        ),
        ("sports on dr has 20 records; sports on production had 30", None),
    ],
)
def test_an_error_told_as_text_is_decided_by_its_numbered_line(message: str, expected: Any) -> None:
    assert deciding_message(message) == expected


def test_a_step_failure_carries_its_command_into_the_error() -> None:
    failure = StepFailure("expected success", _result(ROLL_FORWARD, 1, REFUSED))
    error = failure_error("StepFailure", str(failure), failure.check, failure.result)
    assert (error["number"], error["line"]) == (
        8019,
        ("Expected ai file number 1 but file specified is 2 in sequence. (8019)"),
    )
    assert error.get("command") == {"host": "dr", "command": ROLL_FORWARD, "started": STARTED, "exit_status": 1}
    assert "--- output ---" in str(failure), "the message still shows the command for a reader"


def _command(host: str, command: str, status: int, *, internal: bool = False, started: str = "") -> dict[str, Any]:
    record = {
        "host": host,
        "command": command,
        "argv": command.split(),
        "exit_status": status,
        "stdout": "",
        "started": started or f"t-{command}-{status}-{internal}",
    }
    return {**record, "internal": True} if internal else record


def _step(index: int, name: str, status: str, commands: list[dict[str, Any]], error: Any = None) -> Any:
    return {
        "index": index,
        "keyword": "Then" if name.startswith("it") else "When",
        "name": name,
        "status": status,
        "error": error,
        **new_bucket(),
        "commands": commands,
    }


def test_a_then_step_fails_on_the_command_its_check_was_about_never_on_a_counters_read() -> None:
    failed = StepFailure("expected success", _result(ROLL_FORWARD, 1, REFUSED))
    error = failure_error("StepFailure", str(failed), failed.check, failed.result)
    scenario = {
        "name": "restore",
        "status": "failed",
        "setup": new_bucket(),
        "teardown": new_bucket(),
        "steps": [
            _step(
                0,
                f"I run `{ROLL_FORWARD}` on DR",
                "passed",
                [
                    _command("dr", "proutil sports -C describe", 0, internal=True),
                    _command("dr", ROLL_FORWARD, 1, started=STARTED),
                    _command("dr", "proutil sports -C describe", 0, internal=True),
                ],
            ),
            _step(1, "it succeeds", "failed", [], error),
        ],
    }
    failure = failure_of(scenario)
    assert failure is not None
    assert (failure["step"], failure["command"], failure["host"], failure["exit_status"]) == (
        "Then it succeeds",
        ROLL_FORWARD,
        "dr",
        1,
    )
    assert failure["number"] == 8019


def test_without_a_command_the_last_non_zero_dba_command_of_the_step_is_named() -> None:
    scenario = {
        "name": "s",
        "status": "failed",
        "setup": new_bucket(),
        "teardown": new_bucket(),
        "steps": [
            _step(
                0,
                "the load runs",
                "failed",
                [
                    _command("production", "oeclient sports load --seconds 5", 3),
                    _command("production", "proutil sports -C describe", 1, internal=True),
                ],
                {"message": "the load failed"},
            ),
        ],
    }
    failure = failure_of(scenario)
    assert failure is not None
    assert failure["command"] == "oeclient sports load --seconds 5"
