"""In the image too, the broker is ``$DLC/bin/_mprosrv <db> <parameters>`` and holds the database's files."""

from __future__ import annotations

import re

import pytest

import docker
from oedr.harness.backends.docker_backend import DockerBackend
from oedr.harness.backends.docker_host import DockerHost
from oedr.harness.site import Site

pytestmark = pytest.mark.docker

ST = 'b .\nd "Schema Area":6,32;1 .\na .\na .'


def _inside(client: docker.DockerClient, host: DockerHost, script: str) -> str:
    """Run a shell script in the host's container, from outside the harness (its sandbox refuses /proc)."""
    code, out = client.containers.get(host.container_id).exec_run(["sh", "-c", script], user="oedr")
    assert code == 0, out.decode()
    return str(out.decode())


def _held(client: docker.DockerClient, host: DockerHost, pid: int) -> set[str]:
    """The database files the process holds open (what fuser and lsof read)."""
    links = _inside(client, host, f"for fd in /proc/{pid}/fd/*; do readlink $fd; done")
    return set(re.findall(r"/(sports(?:_\d+)?\.(?:db|[bda]\d+))$", links, re.M))


def test_the_broker_in_the_image_is_dlc_bin_mprosrv_and_holds_the_files(
    backend: DockerBackend, client: docker.DockerClient
) -> None:
    site = Site(backend)
    site.create_database("production", "sports", ST)
    site.must("production", "rfutil sports -C mark backedup")
    site.must("production", "rfutil sports -C aimage begin")
    site.must("production", "proserve sports -S 20000")
    host = site.host("production")
    assert isinstance(host, DockerHost)
    # what pgrep matches (the process name), read from /proc: the image need not have procps
    named = _inside(
        client,
        host,
        'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = _mprosrv ] && echo "${p#/proc/}"; done; true',
    ).split()
    assert len(named) == 1, named
    pid = int(named[0])
    title = _inside(client, host, f"tr '\\0' ' ' < /proc/{pid}/cmdline").strip()
    assert title == "/psc/dlc/bin/_mprosrv sports -S 20000"
    assert _inside(client, host, "command -v _mprosrv").strip() == "/psc/dlc/bin/_mprosrv"
    assert _held(client, host, pid) == {"sports.db", "sports.b1", "sports.d1", "sports.a1"}
    site.must("production", "rfutil sports -C aimage new")
    assert _held(client, host, pid) == {"sports.db", "sports.b1", "sports.d1", "sports.a2"}
    site.must("production", "proshut sports -by")
