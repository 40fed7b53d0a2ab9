"""A broken runbook is caught: the standard restore with `rfutil -C sequence` removed fails with 8019."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESTORE = ROOT / "features" / "procedures" / "offline_os_copy.feature"
SEQUENCE_STEP = "    When I run `rfutil sports -C sequence` on DR\n"


def _run_feature(directory: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, OEDR_MUTATED_FEATURES=str(directory), OEDR_EVIDENCE="0")
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(Path(__file__).with_name("mutated_runbook.py")), "-q", "-p", "no:xdist",
         "--tb=short"], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300)


def test_runbook_without_sequence_fails_at_roll_forward_with_8019(tmp_path: Path) -> None:
    text = RESTORE.read_text()
    assert SEQUENCE_STEP in text, "the standard runbook no longer has the step this test removes"
    broken = text.replace(SEQUENCE_STEP, "").replace(
        '    Then message 12428 reads "Ai sequence 1 changed to 2 (12428)"\n    And "sports" on DR expects AI file 2 '
        'and is writing AI file 2\n', "")
    (tmp_path / "broken.feature").write_text(broken)
    run = _run_feature(tmp_path)
    assert run.returncode == 1, run.stdout
    assert "1 failed" in run.stdout, run.stdout
    assert "Expected ai file number 1 but file specified is 2 in sequence. (8019)" in run.stdout, run.stdout
    assert "roll forward" in run.stdout


def test_the_intact_runbook_passes(tmp_path: Path) -> None:
    (tmp_path / "intact.feature").write_text(RESTORE.read_text())
    run = _run_feature(tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "1 passed" in run.stdout
