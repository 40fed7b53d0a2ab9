"""What the reaper does once its run is gone, against a stand-in engine (the real one: tests/docker/test_cleanup.py):
every container of the run goes, a paused one is unpaused first, one whose create landed late goes too, and
the run's volumes are pruned; nothing of another run is touched. A run starting meanwhile sweeps alongside
the reaper without failing."""

from __future__ import annotations

import json
import os
import urllib.parse
from types import SimpleNamespace
from typing import Any

import pytest

import docker
from oedr.harness.backends.docker import (
    BOOT_LABEL,
    MACHINE_LABEL,
    PID_LABEL,
    PID_START_LABEL,
    RUN_LABEL,
    machine_identity,
    sweep_stale,
)
from oedr.harness.backends.reaper import Engine, main, reap

LABEL = "oedr.run=r1"


class StandInEngine(Engine):
    """Answers the reaper's API calls from a dict of containers; one container is created after the first listing."""

    def __init__(self) -> None:
        super().__init__("/nonexistent")
        self.containers_by_id = {
            "a1": {"Id": "a1", "Names": ["/production"], "State": "running", "Labels": {"oedr.run": "r1"}},
            "b2": {"Id": "b2", "Names": ["/dr"], "State": "paused", "Labels": {"oedr.run": "r1"}},
            "c3": {"Id": "c3", "Names": ["/other"], "State": "running", "Labels": {"oedr.run": "r2"}},
        }
        self.late = {"Id": "d4", "Names": ["/late"], "State": "created", "Labels": {"oedr.run": "r1"}}
        self.calls: list[tuple[str, str]] = []

    def call(self, method: str, url: str) -> tuple[int, bytes]:
        self.calls.append((method, url.split("?")[0]))
        path, _, query = url.partition("?")
        if path == "/containers/json":
            key, value = json.loads(urllib.parse.parse_qs(query)["filters"][0])["label"][0].split("=")
            found = [c for c in self.containers_by_id.values() if c["Labels"].get(key) == value]
            if self.late is not None:  # a create the run sent just before it died, done after this listing
                self.containers_by_id[self.late["Id"]], self.late = self.late, None
            return 200, json.dumps(found).encode()
        ident = path.split("/")[2] if path.startswith("/containers/") else ""
        if method == "POST" and path.endswith("/unpause"):
            self.containers_by_id[ident]["State"] = "running"
            return 204, b""
        if method == "DELETE":
            assert self.containers_by_id[ident]["State"] != "paused", "removing a paused container hangs the engine"
            del self.containers_by_id[ident]
            return 204, b""
        if path == "/volumes/prune":
            assert json.loads(urllib.parse.parse_qs(query)["filters"][0]) == {"label": [LABEL]}
            return 200, b"{}"
        return 404, b"unexpected call"


def test_the_reaper_removes_every_container_of_its_run_and_its_volumes() -> None:
    engine = StandInEngine()
    removed = reap(engine, LABEL, settle=0.3, timeout=10)
    assert removed == ["dr", "late", "production"]
    assert list(engine.containers_by_id) == ["c3"]  # another run's container stays
    assert ("POST", "/containers/b2/unpause") in engine.calls
    assert engine.calls[-1] == ("POST", "/volumes/prune")


def test_the_reaper_refuses_a_command_line_without_a_label(capsys: pytest.CaptureFixture[str]) -> None:
    assert (main([]), main(["oedr.run"])) == (2, 2)
    assert capsys.readouterr().err.count("usage: python3 -m oedr.harness.backends.reaper KEY=VALUE") == 2


class _BeingRemoved:
    """A dead run's container that its reaper is removing: the engine answers 409 to a second removal."""

    def __init__(self) -> None:
        machine, boot = machine_identity()
        self.labels = {
            RUN_LABEL: "dead-run",
            PID_LABEL: str(os.getpid()),
            PID_START_LABEL: "1",
            BOOT_LABEL: boot,
            MACHINE_LABEL: machine,
        }
        self.attrs = {"Created": ""}
        self.status, self.name = "removing", "production"

    def remove(self, **_options: Any) -> None:
        raise docker.errors.APIError(
            "removal of container production is already in progress",
            response=SimpleNamespace(status_code=409, reason="Conflict"),
        )


def test_the_sweep_leaves_a_container_its_reaper_is_removing() -> None:
    listed: dict[str, Any] = {}

    def containers_list(**options: Any) -> list[_BeingRemoved]:
        listed.update(options)
        return [_BeingRemoved()]

    client = SimpleNamespace(containers=SimpleNamespace(list=containers_list))
    assert sweep_stale(client) == []  # type: ignore[arg-type]
    assert listed["ignore_removed"] is True  # one gone between listing and inspection is no error either
