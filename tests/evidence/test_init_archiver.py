"""``oedr init --aiarcdir DIR``: a site whose broker runs the after-image manager gets the AI File Management
procedure, with its own archive directory, and that plan runs; a site without it does not get it."""

from __future__ import annotations

from pathlib import Path

import pytest

from oedr.harness.oedr import main
from oedr.harness.scaffold import ScaffoldError, SitePlan, check_archiver
from tests.evidence.realplan import PICKED, feature, oedr, pick, results, scaffold

ARCHIVER = "ai_file_management.feature"


def test_without_aiarcdir_the_plan_has_no_archiver_procedure(tmp_path: Path) -> None:
    plan = scaffold(tmp_path / "plan", "--db", "orders")
    assert not feature(plan, ARCHIVER).exists()
    assert feature(plan, "offline_os_copy.feature").exists()


def test_with_aiarcdir_the_archiver_plan_is_the_sites_and_is_proven(tmp_path: Path) -> None:
    plan = scaffold(tmp_path / "plan", "--db", "orders", "--aiarcdir", "aiarch")
    text = feature(plan, ARCHIVER).read_text(encoding="utf-8")
    assert "enableaiarchiver -aiarcdir aiarch -aiarcdircreate" in text
    assert 'every file in the archive directory "aiarch"' in text
    assert 'from "aiarch" on DR' in text
    assert "sports" not in text
    assert "-aiarcdir arch " not in text
    assert '"arch"' not in text
    assert (plan / "features" / "conftest.py").is_file()  # the manager's faster clock for the emulator
    pick(feature(plan, ARCHIVER), "a file missing from the archive stops the roll forward at the gap (8019)")
    done = oedr(plan, "run", "--tags", PICKED, "--out", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DR plan: PROVEN" in done.stdout
    assert results(plan / "out")["summary"]["counts"]["passed"] == 1


@pytest.mark.parametrize(
    ("aiarcdir", "ai_extents", "problem"),
    [
        ("/var/aiarch", 4, "relative to the database's"),
        ("../up", 4, "relative to the database's"),
        ("aiarch", 1, "at least two AI extents"),
    ],
)
def test_an_archiver_plan_that_cannot_work_is_refused(
    tmp_path: Path, aiarcdir: str, ai_extents: int, problem: str
) -> None:
    with pytest.raises(ScaffoldError, match=problem):
        check_archiver(SitePlan(tmp_path, aiarcdir=aiarcdir), ["a"] * ai_extents)
    assert main(["init", str(tmp_path / "plan"), "--aiarcdir", aiarcdir, "--ai-extents", str(ai_extents)]) != 0
    assert not (tmp_path / "plan").exists()
