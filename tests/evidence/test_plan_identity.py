"""The plan's identity records the git revision and dirty state of the PLAN directory (a git repository of its
own in these tests), not of oedr's checkout; a plan outside any repository records none."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from oedr import harness
from oedr.harness.evidence.environment import git_revision
from oedr.harness.evidence.identity import plan_identity

PEOPLE: dict[str, str | None] = {"operator": "dba", "ticket": None, "approver": None}


@pytest.fixture(autouse=True)
def no_enclosing_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git looks no higher than tmp_path: a repository above it (the machine's /tmp) cannot answer for the plan."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))


def _git(where: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=DBA", "-c", "user.email=dba@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=where,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _plan(root: Path) -> Path:
    (root / "features").mkdir(parents=True)
    (root / "features" / "restore.feature").write_text("Feature: restore\n", encoding="utf-8")
    (root / "sports.st").write_text("b .\nd .\n", encoding="utf-8")
    return root


def _commit(repo: Path, message: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


def test_a_committed_plan_records_its_revision_then_changes_and_new_files_make_it_dirty(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan")
    _git(plan, "init", "-q")
    first = _commit(plan, "the plan")

    identity = plan_identity(plan, PEOPLE)
    assert identity["git_revision"] == first
    assert identity["git_dirty"] is False
    assert identity["directory"] == str(plan)
    assert first != git_revision(Path(harness.__file__).resolve().parent), "the plan's repository, not oedr's"

    (plan / "sports.st").write_text("b .\nd .\na .\n", encoding="utf-8")  # a tracked file changed
    identity = plan_identity(plan, PEOPLE)
    assert (identity["git_revision"], identity["git_dirty"]) == (first, True)

    second = _commit(plan, "one more AI extent")
    identity = plan_identity(plan, PEOPLE)
    assert (identity["git_revision"], identity["git_dirty"]) == (second, False)
    assert second != first

    (plan / "features" / "new.feature").write_text("Feature: new\n", encoding="utf-8")  # untracked
    identity = plan_identity(plan, PEOPLE)
    assert (identity["git_revision"], identity["git_dirty"]) == (second, True)


def test_a_plan_in_a_subdirectory_is_dirty_only_by_its_own_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    plan = _plan(repo / "site" / "plan")
    (repo / "README").write_text("other things\n", encoding="utf-8")
    _git(repo, "init", "-q")
    head = _commit(repo, "site and more")

    (repo / "README").write_text("changed, outside the plan\n", encoding="utf-8")
    (repo / "notes.txt").write_text("new, outside the plan\n", encoding="utf-8")
    identity = plan_identity(plan, PEOPLE)
    assert (identity["git_revision"], identity["git_dirty"]) == (head, False)

    (plan / "extra.st").write_text("b .\n", encoding="utf-8")
    assert plan_identity(plan, PEOPLE)["git_dirty"] is True


def test_a_plan_outside_any_repository_records_no_revision_and_no_dirty_state(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan")
    identity = plan_identity(plan, PEOPLE)
    assert identity["git_revision"] is None
    assert identity["git_dirty"] is None
    assert [f["path"] for f in identity["files"]] == ["features/restore.feature", "sports.st"]
    assert identity["operator"] == "dba"


def test_a_repository_without_a_commit_records_no_revision(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan")
    _git(plan, "init", "-q")
    identity = plan_identity(plan, PEOPLE)
    assert (identity["git_revision"], identity["git_dirty"]) == (None, None)
