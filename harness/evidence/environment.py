"""The run's environment, as the report states it: what ran, where, with which versions, and when.

Sources: the ``--oe-backend`` option (registered by the harness), images named in the command records or in
``OEDR_IMAGE`` / ``OEDR_IMAGE_ID`` / ``OEDR_IMAGE_DIGEST``, the OpenEdge release in ``OEDR_OPENEDGE_VERSION``
or in command records (``openedge_version``), else the emulator's release; the host; the project's version
and its git revision (``git rev-parse HEAD``, when git and a checkout are there).
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import harness
from harness.evidence.redact import redact_dict


def now_iso() -> str:
    """The current time, ISO-8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def git_revision(where: Path) -> str | None:
    """The checked-out commit of the repository holding ``where`` (None outside a git checkout)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def git_dirty(where: Path) -> bool | None:
    """True when the checkout has uncommitted changes to tracked files (None outside a git checkout)."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(done.stdout.strip()) if done.returncode == 0 else None


def emulator_release() -> str:
    """The OpenEdge release the emulator imitates."""
    from harness.openedge import EMULATED_RELEASE

    return EMULATED_RELEASE


def collect(backend: str | None, rootdir: Path, started: str) -> dict[str, Any]:
    """The environment at the start of a run (``finished`` and images are filled in at the end)."""
    project_dir = Path(harness.__file__).resolve().parent.parent
    return redact_dict(
        {
            "backend": backend or "local",
            "images": _images_from_env(),
            "openedge_version": os.environ.get("OEDR_OPENEDGE_VERSION"),
            "emulator": f"oedr OpenEdge-like emulator {harness.__version__} (imitates OpenEdge {emulator_release()})",
            "emulator_release": emulator_release(),
            "oedr_version": harness.__version__,
            "git_revision": git_revision(project_dir),
            "git_dirty": git_dirty(project_dir),
            "host": socket.gethostname(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "user": os.environ.get("USER") or os.environ.get("LOGNAME"),
            "rootdir": str(rootdir),
            "started": started,
            "finished": None,
        }
    )


def _images_from_env() -> list[dict[str, str | None]]:
    name = os.environ.get("OEDR_IMAGE")
    if not name:
        return []
    return [{"image": name, "id": os.environ.get("OEDR_IMAGE_ID"), "digest": os.environ.get("OEDR_IMAGE_DIGEST")}]


def finish(env: dict[str, Any], commands: list[dict[str, Any]], finished: str) -> dict[str, Any]:
    """Complete the environment with what the commands show (images, containers, backends, OpenEdge release)."""
    images = list(env.get("images") or [])
    for record in commands:
        facts = {**(record.get("extra") or {}), **record}  # backends put the image in the record's extra
        image = {"image": facts.get("image"), "id": facts.get("image_id"), "digest": facts.get("image_digest")}
        if image["image"] and image not in images:
            images.append(image)
    versions = sorted({str(r["openedge_version"]) for r in commands if r.get("openedge_version")})
    backends = sorted({str(r["backend"]) for r in commands if r.get("backend")})
    return {
        **env,
        "images": images,
        "openedge_version": env.get("openedge_version") or (", ".join(versions) or None),
        "backends_seen": backends,
        "containers": sorted({str(r["container"]) for r in commands if r.get("container")}),
        "finished": finished,
    }
