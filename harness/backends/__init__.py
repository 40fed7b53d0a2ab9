"""Backends run a site's hosts: ``local`` (subprocesses here), ``docker`` (a container per host),
``openedge`` (a site's licensed OpenEdge image). Only the backend knows how a command reaches a host."""

from __future__ import annotations

from harness.backends.base import Backend, Host, SandboxError

BACKENDS = ("local", "docker", "openedge")


def get_backend(name: str, **options: str) -> Backend:
    """Create the named backend; ValueError for an unknown name."""
    if name == "local":
        from harness.backends.local import LocalBackend

        return LocalBackend()
    if name in ("docker", "openedge"):
        from harness.backends.docker import make_backend

        return make_backend(name, **options)
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "Backend", "Host", "SandboxError", "get_backend"]
