"""What was proven: the plan's own identity, recorded with the run (``environment.plan`` in results.json).

The plan is the directory pytest ran in (its rootdir: a site's plan from ``oedr init``, or this project).
Recorded: its git revision and whether it had uncommitted changes (of the plan's checkout, not of oedr's),
the SHA-256 of every file of the plan a run uses (features, structure files, scripts and step or binder
modules: ``PLAN_SUFFIXES``), oedr's version, and who ran it for which change (``--operator``, ``--ticket``,
``--approver`` of ``oedr run``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from oedr import harness
from oedr.harness.evidence.environment import git_dirty, git_revision

PLAN_SUFFIXES = frozenset({".feature", ".st", ".sh", ".py", ".p", ".i", ".w", ".df", ".ini", ".toml", ".cfg"})
# Never part of a plan: tools' caches and environments, and evidence directories (they hold a SHA256SUMS).
_SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        "node_modules",
        "build",
        "dist",
    }
)
MAX_FILES = 5000  # a plan has dozens of files; past this the directory is not a plan (a home directory)
FIELDS = ("operator", "ticket", "approver")


def plan_files(root: Path) -> list[dict[str, str]]:
    """Every plan file under ``root`` with its SHA-256, sorted by path (at most MAX_FILES)."""
    found: list[dict[str, str]] = []
    stack = [root]
    while stack and len(found) < MAX_FILES:
        folder = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        if folder != root and (folder / "SHA256SUMS").exists():
            continue  # an evidence directory
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir() and entry.name not in _SKIPPED_DIRS and not entry.name.endswith(".egg-info"):
                stack.append(entry)
            elif entry.is_file() and entry.suffix in PLAN_SUFFIXES:
                found.append({"path": entry.relative_to(root).as_posix(), "sha256": _sha256(entry)})
    return sorted(found, key=lambda f: f["path"])[:MAX_FILES]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def plan_dirty(root: Path) -> bool | None:
    """True when the plan directory differs from its commit: changed, added or new (untracked) files count."""
    return git_dirty(root, untracked=True, here_only=True)


def plan_identity(root: Path, people: dict[str, str | None]) -> dict[str, Any]:
    """The plan's identity and the run's people (None where not given)."""
    return {
        "directory": str(root),
        "git_revision": git_revision(root),
        "git_dirty": plan_dirty(root) if git_revision(root) else None,
        "oedr_version": harness.__version__,
        "files": plan_files(root),
        **{name: people.get(name) for name in FIELDS},
    }
