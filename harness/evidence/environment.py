"""The run's environment, as the report states it: what ran, where, with which versions, and when.

Sources: the ``--oe-backend`` option (registered by the harness), images named in the command records or in
``OEDR_IMAGE`` / ``OEDR_IMAGE_ID`` / ``OEDR_IMAGE_DIGEST``, the OpenEdge release in ``OEDR_OPENEDGE_VERSION``
or in command records (``openedge_version``), else the emulator's release; the host; the account the run
ran as; the project's version and its git revision (``git rev-parse HEAD``, when git and a checkout are
there). ``run_subject`` says in a few words what the run ran on, for the verdict line: the emulator (local
or docker backend: never to be taken for Progress OpenEdge) or a site's OpenEdge (its release and image).
"""

from __future__ import annotations

import os
import platform
import pwd
import socket
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oedr import harness
from oedr.harness.dba.emulator import EMULATED_RELEASE
from oedr.harness.evidence.redact import redact_dict

EMULATOR = "the oedr OpenEdge-like emulator (not Progress OpenEdge)"
REAL_BACKEND = "openedge"  # a site's licensed Progress OpenEdge; every other backend runs the emulator


def now_iso() -> str:
    """The current time, ISO-8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _git(where: Path, *args: str) -> str | None:
    """What ``git ARGS`` prints in ``where``; None outside a git checkout (or without git)."""
    try:
        done = subprocess.run(["git", *args], cwd=where, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_revision(where: Path) -> str | None:
    """The checked-out commit of the repository holding ``where`` (None outside a git checkout)."""
    out = _git(where, "rev-parse", "HEAD")
    return out.strip() or None if out is not None else None


def git_dirty(where: Path, *, untracked: bool = False, here_only: bool = False) -> bool | None:
    """True when the checkout has uncommitted changes (None outside a git checkout): to tracked files, and with
    ``untracked`` to new files too; with ``here_only`` below ``where`` alone."""
    args = (
        ["status", "--porcelain"] + ([] if untracked else ["--untracked-files=no"]) + (["--", "."] if here_only else [])
    )
    out = _git(where, *args)
    return bool(out.strip()) if out is not None else None


def current_user() -> str:
    """The account the run ran as: its login name from the password database (not $USER, which may be
    unset or say anything), else ``uid N`` when the uid has no entry (a container's arbitrary uid)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def emulator_release() -> str:
    """The OpenEdge release the emulator imitates."""
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
            "user": current_user(),
            "rootdir": str(rootdir),
            "started": started,
            "finished": None,
        }
    )


def run_subject(env: Mapping[str, Any]) -> str:
    """What the run ran on, as the verdict line says it.

    ``the oedr OpenEdge-like emulator (not Progress OpenEdge)`` for the local backend, the same ``in Docker
    containers (image ...)`` for the docker backend, ``OpenEdge <release> (image ...)`` for the openedge
    backend. The backends are those the commands ran on (``backends_seen``), else the one asked for.
    """
    backends = [str(b) for b in env.get("backends_seen") or []] or [str(env.get("backend") or "")]
    backends = [b for b in backends if b]
    if not backends:
        return "an environment that was not recorded"
    images = ", ".join(
        dict.fromkeys(str(i["image"]) for i in env.get("images") or [] if isinstance(i, Mapping) and i.get("image"))
    )
    image = f" (image {images})" if images else ""
    parts = []
    if REAL_BACKEND in backends:
        release = env.get("openedge_version")
        if release:
            parts.append(f"OpenEdge {release}{image}")
        else:
            parts.append(f"Progress OpenEdge (release not recorded{'; image ' + images if images else ''})")
        image = ""
    emulated = [b for b in backends if b != REAL_BACKEND]
    if emulated:
        where = f" in Docker containers{image}" if "docker" in emulated else ""
        parts.append(EMULATOR + where)
    return " and ".join(parts)


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
