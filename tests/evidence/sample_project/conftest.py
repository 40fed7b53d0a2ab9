"""A tiny self-contained DR project for the evidence tests: steps that report to oedr.harness.evidence.hooks.

The "commands" here are pretend: each step records what a real harness would (command, counters, events)
so that the recorder, the reports and ``oedr run`` can be tested without the emulator or the real features.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from oedr.harness.dba.readings import CounterValues
from oedr.harness.evidence import hooks
from oedr.harness.result import CommandResult

PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"


def pytest_configure(config: pytest.Config) -> None:
    for tag in ("dr", "docker_only", "out_of_sequence"):
        config.addinivalue_line("markers", f"{tag}: sample tag")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("docker_only"):
            item.add_marker(pytest.mark.skip(reason="needs a Docker engine (tagged @docker_only)"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def run(
    host: str, argv: list[str], stdout: str, exit_status: int = 0, stderr: str = "", bracket: int | None = None
) -> None:
    """Pretend to run a command on a host, and record it as the harness would (with its facts)."""
    started, clock = _now(), time.perf_counter()
    result = CommandResult(
        host,
        " ".join(argv),
        argv,
        f"/sandbox/{host}",
        started,
        time.perf_counter() - clock,
        exit_status,
        stdout,
        stderr,
    )
    hooks.record_command(result.as_record(bracket=bracket))


def counters(host: str, when_: str, site: dict[str, Any], bracket: int | None = None) -> None:
    """The counters as the harness reads them around a command (``bracket``: the command's)."""
    values = CounterValues(
        expected_ai_seq=site[host]["applied"] + 1,
        current_ai_seq=site[host]["ai_seq"],
        backup_counter=site[host]["backups"],
        ai_enabled=True,
    )
    hooks.record_counters({"host": host, "db": "sports", "when": when_, "values": values, "bracket": bracket})


def event(kind: str, host: str, label: str, seq: int | None = None) -> None:
    hooks.record_event({"kind": kind, "host": host, "label": label, "seq": seq, "time": _now()})


@pytest.fixture
def site() -> dict[str, Any]:
    return {host: {"ai_seq": 1, "applied": 0, "backups": 0} for host in ("production", "dr")}


@given(parsers.parse('the production database "{db}" with after-imaging enabled'))
def production_database(db: str) -> None:
    run("production", ["rfutil", db, "-C", "aimage", "begin"], "After-imaging is enabled. (3776)\n")


@when("production takes a full backup")
def full_backup(site: dict[str, Any]) -> None:
    counters("production", "before", site, bracket=1)
    run("production", ["probkup", "sports", "sports.bak"], "Backup complete. (3740)\n", bracket=1)
    site["production"]["backups"] += 1
    counters("production", "after", site, bracket=1)


@when(parsers.parse("production switches AI extents {times:d} times"))
def switch_ai(site: dict[str, Any], times: int) -> None:
    for bracket in range(2, 2 + times):
        counters("production", "before", site, bracket=bracket)
        run(
            "production",
            ["rfutil", "sports", "-C", "aimage", "new"],
            "Switched to the next AI extent.\n",
            bracket=bracket,
        )
        site["production"]["ai_seq"] += 1
        counters("production", "after", site, bracket=bracket)


@when("the backup and the AI files are copied to dr")
def copy_to_dr() -> None:
    run("production", ["scp", "sports.bak", "sports.a1", "sports.a2", "dr:/backups/"], "")
    event("copy", "dr", "bak + a1, a2")


@when("dr restores the backup")
def restore(site: dict[str, Any]) -> None:
    counters("dr", "before", site, bracket=10)
    run("dr", ["prorest", "sports", "/backups/sports.bak"], "Restore complete.\n", bracket=10)
    counters("dr", "after", site, bracket=10)


@when(parsers.parse("dr rolls forward AI sequence {seq:d}"))
def roll_forward(site: dict[str, Any], seq: int) -> None:
    bracket = 20 + seq
    counters("dr", "before", site, bracket=bracket)
    expected = site["dr"]["applied"] + 1
    argv = ["rfutil", "sports", "-C", "roll", "forward", "-a", f"/backups/sports.a{seq}"]
    if seq != expected:
        text = f"** Expected ai file number {expected} but file specified is {seq} in sequence. (8019)"
        run("dr", argv, "", 1, text + "\n", bracket=bracket)
        counters("dr", "after", site, bracket=bracket)
        raise AssertionError(f"roll forward refused: {text}")
    run("dr", argv, "Roll forward completed.\n", bracket=bracket)
    site["dr"]["applied"] = seq
    counters("dr", "after", site, bracket=bracket)


@then(parsers.parse("dr has applied AI sequence {seq:d}"))
def applied(site: dict[str, Any], seq: int) -> None:
    assert site["dr"]["applied"] == seq, f"dr applied {site['dr']['applied']}, expected {seq}"


@when("dr shows its licence")
def show_licence() -> None:
    run("dr", ["cat", "/usr/dlc/progress.cfg"], "COMPANY=Example Ltd SERIAL=0012345 CONTROL=XK3J-99PQ\n")


@when(parsers.parse('dr starts the broker with the password "{password}"'))
def start_broker(password: str) -> None:
    run("dr", ["proserve", "sports", "-U", "dba", "-P", password], f"password={password} key: {PEM}\nBroker up.\n")


@then("the broker is running on dr")
def broker_running() -> None:
    """Nothing to check in the sample."""


@when("the clients are pointed at dr")
def point_clients() -> None:
    """Never runs: the scenario is skipped."""


@then("the clients can commit on dr")
def clients_commit() -> None:
    """Never runs in the sample."""
