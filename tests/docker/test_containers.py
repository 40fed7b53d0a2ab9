"""Each host is its own container: commands run there, files cross hosts only by a copy, faults are real."""

from __future__ import annotations

import pytest

import docker
from oedr.harness.backends.base import UNREACHABLE, SandboxError
from oedr.harness.backends.docker import HOST_LABEL, RUN_LABEL
from oedr.harness.backends.docker_backend import DockerBackend
from oedr.harness.backends.docker_host import DockerHost
from oedr.harness.evidence import environment
from oedr.harness.site import Site

pytestmark = pytest.mark.docker


def test_commands_run_in_each_hosts_own_container(backend: DockerBackend, client: docker.DockerClient) -> None:
    production, dr = backend.create_host("production"), backend.create_host("dr")
    results = {host.name: host.run("hostname") for host in (production, dr)}
    assert results["production"].container != results["dr"].container
    for name, result in results.items():
        assert (result.backend, result.exit_status, result.stdout.strip()) == ("docker", 0, name)
        labels = client.containers.get(result.container).labels
        assert (labels[HOST_LABEL], labels[RUN_LABEL]) == (name, backend.session.run_id)
        assert result.container is not None
        assert result.container.startswith(client.containers.get(result.container).id)


def test_the_evidence_names_the_image_every_command_ran_in(backend: DockerBackend, client: docker.DockerClient) -> None:
    result = backend.create_host("production").run("hostname")
    image = client.images.get(backend.image)
    assert (result.extra["image"], result.extra["image_id"]) == (backend.image, image.id)
    env = environment.finish({"images": []}, [result.as_record()], finished="now")
    assert env["images"] == [{"image": backend.image, "id": image.id, "digest": None}]


def test_the_emulator_answers_in_the_container_with_the_hosts_name(backend: DockerBackend) -> None:
    site = Site(backend)
    site.create_database("production", "sports", 'b .\nd "Schema Area":6,32;1 .')
    site.must("production", "proserve sports")
    lock = site.host("production").read_file("sports.lk")
    assert b"production" in lock
    busy = site.run("production", "proutil sports -C busy")
    host = site.host("production")
    assert isinstance(host, DockerHost)
    assert (busy.exit_status, busy.container) == (6, host.container_id)


def test_files_reach_another_host_only_by_a_copy(backend: DockerBackend) -> None:
    production, dr = backend.create_host("production"), backend.create_host("dr")
    production.write_file("archive/notes.txt", b"\x00one\xfftwo\n")
    assert dr.list_files("archive") == []
    with pytest.raises(FileNotFoundError):
        dr.read_file("archive/notes.txt")
    production.copy_files(["notes.txt"], dr, "archive", "incoming")
    assert dr.read_file("incoming/notes.txt") == b"\x00one\xfftwo\n"
    assert dr.run("stat -c %U incoming/notes.txt").stdout.strip() == "oedr"


def test_commands_may_not_name_paths_outside_the_host(backend: DockerBackend) -> None:
    host = backend.create_host("production")
    with pytest.raises(SandboxError):
        host.run("cat /etc/passwd")
    with pytest.raises(PermissionError):
        host.read_file("../dr/sports.db")


def test_stdin_reaches_the_command_and_missing_commands_exit_127(backend: DockerBackend) -> None:
    host = backend.create_host("production")
    assert host.run("cat", stdin="y\n").stdout == "y\n"
    assert host.run("no-such-tool").exit_status == 127


def test_a_killed_host_does_not_answer_until_it_is_started_again(backend: DockerBackend) -> None:
    host = backend.create_host("production")
    host.write_file("kept.txt", b"on disk")
    host.kill()
    down = host.run("hostname")
    assert (down.exit_status, "does not answer" in down.stderr) == (UNREACHABLE, True)
    host.start_again()
    assert host.read_file("kept.txt") == b"on disk"


def test_a_limited_disk_refuses_writes_beyond_its_size(backend: DockerBackend) -> None:
    host = backend.create_host("dr")
    host.write_file("before.txt", b"x" * 10_000)
    host.limit_disk(64)
    assert host.read_file("before.txt") == b"x" * 10_000
    assert host.free_kb() <= 72
    with pytest.raises(OSError, match="No space left"):
        host.write_file("big.bin", b"y" * 200_000)
