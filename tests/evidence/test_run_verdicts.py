"""Verdicts that mean what they say, on a real plan (``oedr init``): a command that failed unchecked fails at
that command, an undefined step is an ERROR naming the nearest sentence, and a cancelled run (SIGTERM, as CI
cancels a job) stops everything it started and leaves INCOMPLETE evidence that verifies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from oedr.harness.evidence.results import failure_of
from oedr.harness.openedge.waiting import poll_until
from tests.evidence import realplan
from tests.evidence.realplan import feature, scenario

OFFLINE_COPY = "take the copy offline, restore it on the DR host and roll it forward to production's data"
REPAIR = "    And I run `prostrct repair sports sports.st` on DR"
BAD_REPAIR = "prostrct repair sports nosuch.st"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return realplan.scaffold(tmp_path_factory.mktemp("verdicts") / "plan")


def test_an_unchecked_failed_command_fails_the_scenario_at_that_command(plan: Path) -> None:
    path = feature(plan, "offline_os_copy.feature")
    original = path.read_text(encoding="utf-8")
    try:
        realplan.replace_line(path, REPAIR, f"    And I run `{BAD_REPAIR}` on DR")
        realplan.drop_lines(path, "    Then it succeeds")  # the check that followed it
        realplan.pick(path, OFFLINE_COPY)
        done = realplan.oedr(plan, "run", str(path), "--tags", "@picked", "--out", "unchecked")
    finally:
        path.write_text(original, encoding="utf-8")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"step:     And I run `{BAD_REPAIR}` on DR" in done.stdout
    assert f"command:  {BAD_REPAIR}  (on dr, exit status" in done.stdout
    entry = scenario(realplan.results(plan / "unchecked"), OFFLINE_COPY)
    failure = failure_of(entry)
    assert failure is not None
    assert failure["command"] == BAD_REPAIR
    assert failure["exit_status"] != 0
    assert "no step checks it" in failure["message"]
    assert [s["status"] for s in entry["steps"]].count("failed") == 1
    html = (plan / "unchecked" / "report.html").read_text(encoding="utf-8")
    assert '<g class="failure">' in realplan.timeline_svg(html, OFFLINE_COPY), "the timeline draws the failure"


def test_an_undefined_step_is_an_error_naming_the_nearest_defined_sentence(plan: Path) -> None:
    path = feature(plan, "offline_os_copy.feature")
    original = path.read_text(encoding="utf-8")
    try:
        realplan.replace_line(path, REPAIR, "    And I rnu `prostrct repair sports sports.st` on DR")
        realplan.pick(path, OFFLINE_COPY)
        done = realplan.oedr(plan, "run", str(path), "--tags", "@picked", "--out", "undefined")
    finally:
        path.write_text(original, encoding="utf-8")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "DR plan: ERROR on" in done.stdout
    assert "the nearest defined step is: When I run `{command}` on {host:Host}" in done.stdout, done.stdout
    results = realplan.results(plan / "undefined")
    assert results["summary"]["verdict"] == "ERROR"
    assert results["summary"]["procedures"][0]["verdict"] == "ERROR"


def _marked(marker: str) -> list[int]:
    """Live processes whose environment carries ``marker`` (every process the run started inherits it)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker.encode() in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


def _progress_events(out: Path) -> list[dict[str, object]]:
    try:
        lines = (out / "progress.jsonl").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip().endswith("}")]


def test_sigterm_stops_the_whole_run_and_leaves_incomplete_evidence(plan: Path) -> None:
    marker = f"OEDR_TEST_RUN={uuid.uuid4().hex}"
    env = {**os.environ, marker.split("=")[0]: marker.split("=")[1]}
    out = plan / "cancelled"
    proc = subprocess.Popen(
        [sys.executable, "-m", "oedr.harness.oedr", "run", "features/procedures", "-n", "2", "--out", str(out)],
        cwd=plan,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        poll_until(
            lambda: any(e.get("kind") == "scenario-end" for e in _progress_events(out)),
            timeout=240,
            interval=0.1,
            what="a first scenario to finish",
        )
        assert _marked(marker), "the run's processes carry the marker"
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 3, stdout + stderr
    assert "SIGTERM received: stopping the run" in stdout
    assert "DR plan: INCOMPLETE on" in stdout
    assert not _marked(marker), "pytest, its workers and the brokers they started are all gone"
    results = realplan.results(out)
    assert results["run"]["complete"] is False
    assert "SIGTERM" in results["run"]["why"]
    assert results["summary"]["verdict"] == "INCOMPLETE"
    in_plan = sorted(p.name for p in (plan / "features" / "procedures").glob("*.feature"))
    assert sorted(Path(f["path"]).name for f in results["features"]) == in_plan, "no procedure goes missing"
    statuses = [s["status"] for f in results["features"] for s in f["scenarios"]]
    assert "passed" in statuses
    assert any(s.get("unfinished") for f in results["features"] for s in f["scenarios"])
    verified = realplan.oedr(plan, "verify", str(out))
    assert verified.returncode == 0, "the evidence of a cancelled run verifies..."
    assert "verdict: INCOMPLETE — the run did not finish" in verified.stdout, "...as the evidence of an unfinished run"
    rebuilt = realplan.oedr(plan, "report", str(out))
    assert "DR plan: INCOMPLETE" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr


def test_a_killed_oedr_leaves_nothing_running(plan: Path) -> None:
    """SIGKILL cannot be handled: pytest, in a session of its own, is interrupted when oedr dies."""
    marker = f"OEDR_TEST_RUN={uuid.uuid4().hex}"
    env = {**os.environ, marker.split("=")[0]: marker.split("=")[1]}
    out = plan / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "oedr.harness.oedr", "run", "features/procedures", "--out", str(out)],
        cwd=plan,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        poll_until(
            lambda: any(e.get("kind") == "scenario-start" for e in _progress_events(out)),
            timeout=240,
            interval=0.1,
            what="a first scenario to start",
        )
        proc.kill()
        proc.wait(timeout=30)
        poll_until(lambda: not _marked(marker), timeout=60, what="every process of the killed run to end")
    finally:
        if proc.poll() is None:
            proc.kill()
    results = realplan.results(out)
    assert results["run"]["complete"] is False
    assert results["summary"]["verdict"] == "INCOMPLETE"
