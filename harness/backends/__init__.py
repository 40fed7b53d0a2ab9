"""Backends run a site's hosts: ``local`` (subprocesses here), ``docker`` (a container per host),
``openedge`` (a site's licensed OpenEdge image). Only the backend knows how a command reaches a host."""

from __future__ import annotations

from oedr.harness.backends.base import Backend, Host, SandboxError

BACKENDS = ("local", "docker", "openedge")


def get_backend(name: str, **options: str) -> Backend:
    """Create the named backend; ValueError for an unknown name."""
    if name == "local":
        from oedr.harness.backends.local import LocalBackend

        return LocalBackend()
    if name == "docker":
        from oedr.harness.backends.docker_backend import DockerBackend

        return DockerBackend(image=options.get("image", ""))
    if name == "openedge":
        from oedr.harness.backends.openedge import OpenEdgeBackend

        return OpenEdgeBackend(image=options.get("image", ""), licence=options.get("licence", ""))
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "Backend", "Host", "SandboxError", "get_backend"]
