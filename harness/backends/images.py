"""The emulator image: built from ``docker/Dockerfile`` once, reused for as long as its source is unchanged.

The tag is a hash of everything the build copies (``harness/``, the Dockerfile, the ``.dockerignore``) and
of the base image's id, so a second run reuses the image and a change to the emulator rebuilds it. Builds
are serialised with a file lock under the temporary directory, so pytest-xdist workers (or two checkouts
sharing one engine) never build the same tag twice at once. Nothing is pulled when the base image is present
locally: the default base is ``oedr-base:bookworm`` (made by ``docker/build-base-image.sh`` from Debian
packages), else ``python:3.11-slim-bookworm``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker.errors

import docker

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = "docker/Dockerfile"
REPOSITORY = "oedr-emulator"
LOCAL_BASE = "oedr-base:bookworm"
PUBLIC_BASE = "python:3.11-slim-bookworm"
IMAGE_LABEL = "oedr.image"
SOURCE_LABEL = "oedr.source"
KEEP_IMAGES = 3
_SOURCES = ("harness", DOCKERFILE, ".dockerignore")
_SKIP_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
_session_image: str | None = None


class ImageBuildError(RuntimeError):
    """The emulator image could not be built; the message carries the end of the build log."""


def base_image(client: docker.DockerClient) -> str:
    """OEDR_BASE_IMAGE, else the registry-free local base when present, else the public slim image."""
    chosen = os.environ.get("OEDR_BASE_IMAGE", "")
    if chosen:
        return chosen
    try:
        client.images.get(LOCAL_BASE)
    except docker.errors.ImageNotFound:
        return PUBLIC_BASE
    return LOCAL_BASE


def _source_files(root: Path) -> Iterator[Path]:
    for entry in _SOURCES:
        path = root / entry
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not _SKIP_PARTS & set(p.parts) and p.suffix != ".pyc"
            )


def source_hash(root: Path = REPO_ROOT, base_id: str = "") -> str:
    """A hash of every file the build copies (path and bytes) and of the base image's id."""
    digest = hashlib.sha256(base_id.encode())
    for path in _source_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@contextlib.contextmanager
def _build_lock(tag: str) -> Iterator[None]:
    """An exclusive lock per tag under the temporary directory (held only while checking and building)."""
    lock_path = Path(tempfile.gettempdir()) / f"oedr-image-{os.getuid()}-{tag.replace(':', '-')}.lock"
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def _build(client: docker.DockerClient, tag: str, base: str, source: str) -> None:
    """docker build -f docker/Dockerfile --build-arg BASE_IMAGE=<base> -t <tag> <repo root>; never pulls."""
    log: list[str] = []
    try:
        _image, stream = client.images.build(
            path=str(REPO_ROOT),
            dockerfile=DOCKERFILE,
            tag=tag,
            rm=True,
            forcerm=True,
            pull=False,
            # on the local base the build needs no network (air-gapped sites): prove it on every build; a public
            # Python image gets OpenSSH and rsync from Debian's mirror
            network_mode="none" if base == LOCAL_BASE else None,
            buildargs={"BASE_IMAGE": base},
            labels={IMAGE_LABEL: "emulator", SOURCE_LABEL: source},
        )
        log.extend(str(chunk.get("stream", "")) for chunk in stream)
    except docker.errors.BuildError as error:
        lines = [str(chunk.get("stream") or chunk.get("error") or "") for chunk in error.build_log]
        tail = "".join(lines[-30:]).strip()
        raise ImageBuildError(
            f"building {tag} from {DOCKERFILE} on {base} failed: {error.msg}\n{tail}\n"
            f"(no registry? build the local base first: sudo docker/build-base-image.sh)"
        ) from error


def _prune(client: docker.DockerClient, keep: str) -> None:
    """Remove older emulator images beyond the newest few; images still used by a container stay."""
    images = sorted(
        client.images.list(filters={"label": f"{IMAGE_LABEL}=emulator"}),
        key=lambda image: str(image.attrs.get("Created", "")),
        reverse=True,
    )
    for image in images[KEEP_IMAGES:]:
        if keep in image.tags:
            continue
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove(image.id, noprune=False)


def emulator_image(client: docker.DockerClient) -> str:
    """The tag of the emulator image for this session's source, built on first use if the engine lacks it.

    Computed once per process (a session): later calls return the same tag even if the source changes.
    """
    global _session_image
    if _session_image is not None:
        return _session_image
    base = base_image(client)
    try:
        base_id = str(client.images.get(base).id)
    except docker.errors.ImageNotFound:
        base_id = base  # a public base not pulled yet: the build will fetch it (if a registry is reachable)
    source = source_hash(REPO_ROOT, base_id)
    tag = f"{REPOSITORY}:src-{source[:16]}"
    with _build_lock(tag):
        if not _exists(client, tag):
            _build(client, tag, base, source)
            _prune(client, tag)
    _session_image = tag
    return tag


def describe_image(client: docker.DockerClient, tag: str) -> dict[str, Any]:
    """Facts for the evidence report: the image id, its base and the source hash it was built from."""
    attrs = client.images.get(tag).attrs
    labels = (attrs.get("Config") or {}).get("Labels") or {}
    return {
        "image": tag,
        "image_id": attrs.get("Id", ""),
        "image_base": labels.get("org.opencontainers.image.base.name", ""),
        "image_source": labels.get(SOURCE_LABEL, ""),
    }


HOW_TO_BUILD = (
    "build the local base with `sudo docker/build-base-image.sh` (no registry needed) or set "
    "OEDR_BASE_IMAGE to a base image the engine has; OEDR_REQUIRE_DOCKER=1 turns this skip into a failure"
)


def build_problem(client: docker.DockerClient) -> str | None:
    """None when the emulator image is there or can be built; else one line saying why not and how to fix it.

    Only a base image the engine has not got and cannot pull counts: with the base present, a failing build
    is a defect of the source, and the tests must fail with its log rather than be skipped.
    """
    base = base_image(client)
    if _exists(client, base):
        return None
    try:
        emulator_image(client)  # the base may still come from a registry
    except (ImageBuildError, docker.errors.DockerException) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        cause = first.split(" failed: ", 1)[-1][:200]
        return (
            f"the emulator image cannot be built: its base {base} is not on this engine and was not pulled "
            f"({cause}): {HOW_TO_BUILD}"
        )
    return None
