"""Which command a failed step failed on, and which of its messages decided it (results.py)."""

from __future__ import annotations

from typing import Any

import pytest

from harness.evidence.results import deciding_message, failure_of, new_bucket

REFUSED = """WARNING: ROLL FORWARD disables after-imaging. (663)
After this is complete, you should re-enable it. (648)
If you desire continued after-image protection (659)
After-image disabled. (846)
Expected ai file number 1 but file specified is 2 in sequence. (8019)
roll forward open archive/sports.2.sports.a2 error: -1. (11014)"""
ROLL_FORWARD = "rfutil sports -C roll forward -a archive/sports.2.sports.a2"


def _described(check: str, command: str, status: int, output: str) -> str:
    """An assertion message as the harness writes it (harness.result.CommandResult.describe)."""
    return f"{check}\non dr: `{command}` exited {status}\n--- output ---\n{output}\n--------------"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (_described("expected success, got exit status 1", ROLL_FORWARD, 1, REFUSED),
         (8019, "Expected ai file number 1 but file specified is 2 in sequence. (8019)")),
        (_described("expected failure with message (833)", "rfutil sports -C roll forward -a x", 1,
                    "** Cannot find or open file x, errno = 2. (43)\nroll forward open x error: -1. (11014)"),
         (43, "** Cannot find or open file x, errno = 2. (43)")),
        (_described("expected failure with message (43)", "prostrct repair sports sports.st", 0,
                    "Structure repaired: 10 extent path(s) now recorded in sports. (90023)"), (43, None)),
        (_described('expected the line\n  After-imaging is not enabled for database sports. (90041)\ngot\n  x',
                    "rfutil sports -C sequence", 1, "After-imaging is not enabled for database dr. (90041)"),
         (90041, "After-imaging is not enabled for database dr. (90041)")),
        ("roll forward refused: ** Expected ai file number 1 but file specified is 2 in sequence. (8019)",
         (8019, "roll forward refused: ** Expected ai file number 1 but file specified is 2 in sequence. (8019)")),
        ("sports on dr has 20 records; sports on production had 30", None),
    ],
)  # fmt: skip
def test_the_deciding_message_is_the_error_not_its_warnings_or_trailer(message: str, expected: Any) -> None:
    assert deciding_message(message) == expected


def _command(host: str, command: str, status: int, *, internal: bool = False) -> dict[str, Any]:
    record = {"host": host, "command": command, "argv": command.split(), "exit_status": status, "stdout": ""}
    return {**record, "internal": True} if internal else record


def _step(index: int, name: str, status: str, commands: list[dict[str, Any]], error: str | None = None) -> Any:
    return {"index": index, "keyword": "Then" if name.startswith("it") else "When", "name": name,
            "status": status, "error": {"message": error} if error else None, **new_bucket(), "commands": commands}


def test_a_then_step_fails_on_the_command_its_check_describes_never_on_a_counters_read() -> None:
    refused = _described("expected success", ROLL_FORWARD, 1, REFUSED)
    scenario = {"name": "restore", "status": "failed", "setup": new_bucket(), "teardown": new_bucket(), "steps": [
        _step(0, f"I run `{ROLL_FORWARD}` on DR", "passed", [
            _command("dr", "proutil sports -C describe", 0, internal=True), _command("dr", ROLL_FORWARD, 1),
            _command("dr", "proutil sports -C describe", 0, internal=True)]),
        _step(1, "it succeeds", "failed", [], refused),
    ]}  # fmt: skip
    failure = failure_of(scenario)
    assert failure is not None
    assert (failure["step"], failure["command"], failure["host"], failure["exit_status"]) == (
        "Then it succeeds", ROLL_FORWARD, "dr", 1,
    )  # fmt: skip
    assert failure["number"] == 8019


def test_without_a_described_command_the_last_non_zero_dba_command_of_the_step_is_named() -> None:
    scenario = {"name": "s", "status": "failed", "setup": new_bucket(), "teardown": new_bucket(), "steps": [
        _step(0, "the load runs", "failed", [
            _command("production", "oeclient sports load --seconds 5", 3),
            _command("production", "proutil sports -C describe", 1, internal=True)], "the load failed"),
    ]}  # fmt: skip
    failure = failure_of(scenario)
    assert failure is not None
    assert failure["command"] == "oeclient sports load --seconds 5"
