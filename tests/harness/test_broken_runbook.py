"""A broken runbook is caught: the standard restore with `rfutil -C sequence` removed fails at the roll
forward, and the failing step's error carries 8019 with the copy's expected number and the file's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESTORE = ROOT / "features" / "procedures" / "restore_os_copy.feature"
SEQUENCE_STEPS = (
    "    When I run `rfutil sports -C sequence` on DR\n"
    '    Then message 12428 reads "Ai sequence 1 changed to 2 (12428)"\n'
)
ROLL_FORWARD = "rfutil sports -C roll forward -a archive/sports.2.sports.a2"
EXPECTED_8019 = "Expected ai file number 1 but file specified is 2 in sequence. (8019)"


def _run_feature(directory: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, OEDR_MUTATED_FEATURES=str(directory))
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(Path(__file__).with_name("mutated_runbook.py")),
            "-q",
            "-p",
            "no:xdist",
            "--tb=short",
            "-k",
            "documented_restore",
            "--oedr-out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _failing_step(out: Path) -> dict[str, object]:
    results = json.loads((out / "results.json").read_text())
    [scenario] = [s for f in results["features"] for s in f["scenarios"] if s["status"] != "deselected"]
    [step] = [s for s in scenario["steps"] if s["status"] == "failed"]
    return step


def test_runbook_without_sequence_fails_at_roll_forward_with_8019(tmp_path: Path) -> None:
    text = RESTORE.read_text()
    assert SEQUENCE_STEPS in text, "the standard runbook no longer has the steps this test removes"
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "broken.feature").write_text(text.replace(SEQUENCE_STEPS, "", 1))
    run = _run_feature(tmp_path / "features", tmp_path / "out")
    assert run.returncode == 1, run.stdout
    assert "1 failed" in run.stdout, run.stdout
    step = _failing_step(tmp_path / "out")
    assert step["name"] == "it succeeds"  # the check right after the roll forward
    error = str(step["error"]["message"])  # type: ignore[index]
    assert f"`{ROLL_FORWARD}` exited 1" in error, error
    assert EXPECTED_8019 in error, error


def test_the_intact_runbook_passes(tmp_path: Path) -> None:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "intact.feature").write_text(RESTORE.read_text())
    run = _run_feature(tmp_path / "features", tmp_path / "out")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "1 passed" in run.stdout
