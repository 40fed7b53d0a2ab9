"""The live progress of ``oedr run``: on a terminal, the scenario and the step running now, redrawn in place."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from oedr.harness.evidence.console import ProgressDisplay
from oedr.harness.openedge.waiting import poll_until

FEATURE = """Feature: Hold the line
  Scenario: the DBA waits
    Given the DR host is up
    When the DBA waits for the go-ahead
    Then the DBA carries on
"""
CONFTEST = '''
import pathlib

import pytest
from pytest_bdd import given, then, when

from oedr.harness.openedge.waiting import poll_until


@given("the DR host is up")
def up():
    """Nothing to do."""


@when("the DBA waits for the go-ahead")
def wait():
    poll_until(lambda: pathlib.Path("go").exists(), timeout=120, what="the go file")


@then("the DBA carries on")
def carry_on():
    """Nothing to check."""
'''
BINDER = "from pytest_bdd import scenarios\n\nscenarios('.')\n"


def test_the_live_display_shows_the_scenario_and_its_current_step() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(stream, live=True)
    display.update(
        [
            {"kind": "collected", "worker": "main", "count": 2},
            {"kind": "scenario-start", "worker": "main", "feature": "Restore", "scenario": "file by file"},
            {"kind": "step-start", "worker": "main", "step": "When I run `prostrct repair`"},
        ]
    )
    assert stream.getvalue() == "\r\x1b[K[0/2] running: Restore › file by file — When I run `prostrct repair`"
    display.update([{"kind": "step-start", "worker": "main", "step": "Then it succeeds"}])
    assert stream.getvalue().endswith("\r\x1b[K[0/2] running: Restore › file by file — Then it succeeds")
    display.update([{"kind": "scenario-end", "worker": "main", "status": "passed", "duration": 1.25}])
    assert stream.getvalue().endswith("\r\x1b[K  PASSED    Restore › file by file (1.2 s)\n"), "status not cleared"
    display.close()
    assert stream.getvalue().endswith("(1.2 s)\n"), "nothing is running: no status line to clear"


def test_off_a_terminal_only_finished_scenarios_are_printed() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(stream, live=False)
    display.update(
        [
            {"kind": "scenario-start", "worker": "gw0", "feature": "Restore", "scenario": "file by file"},
            {"kind": "step-start", "worker": "gw0", "step": "Then it succeeds"},
        ]
    )
    assert stream.getvalue() == ""
    display.update(
        [
            {
                "kind": "scenario-end",
                "worker": "gw0",
                "status": "failed",
                "duration": 2,
                "failure": {"step": "Then it succeeds", "message": "expected success\non dr: ..."},
            }
        ]
    )
    assert stream.getvalue() == (
        "  FAILED    Restore › file by file (2.0 s)\n            at Then it succeeds: expected success\n"
    )


def _read(master: int, seen: bytearray) -> bytes:
    """What the terminal has shown so far (reads whatever is waiting, never blocks)."""
    while select.select([master], [], [], 0)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other end closed: oedr has exited
            break
        if not chunk:
            break
        seen += chunk
    return bytes(seen)


def test_oedr_run_on_a_terminal_shows_the_step_running_now(tmp_path: Path) -> None:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "hold.feature").write_text(FEATURE, encoding="utf-8")
    (tmp_path / "features" / "test_hold.py").write_text(BINDER, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    master, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oedr.harness.oedr", "run", "--out", "out"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    seen = bytearray()
    try:
        status = b"running: Hold the line \xe2\x80\xba the DBA waits \xe2\x80\x94 When the DBA waits for the go-ahead"
        poll_until(lambda: status in _read(master, seen), timeout=120, what="the live status line")
        (tmp_path / "go").touch()  # the step the display showed may now finish
        code = proc.wait(timeout=120)
        shown = _read(master, seen).decode("utf-8", errors="replace")
    finally:
        proc.kill()
        os.close(master)
    assert code == 0, shown
    assert "\r\x1b[K[0/1] running: Hold the line › the DBA waits — When the DBA waits for the go-ahead" in shown
    assert "\r\x1b[K  PASSED    Hold the line › the DBA waits" in shown, "the status line was not replaced"
