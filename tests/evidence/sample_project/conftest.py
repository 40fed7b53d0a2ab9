"""A tiny self-contained DR project for the evidence tests: steps that report to harness.evidence.hooks.

The "commands" here are pretend: each step records what a real harness would (command, counters, events)
so that the recorder, the reports and ``oedr run`` can be tested without the emulator or the real features.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from harness.evidence import hooks

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


def run(host: str, argv: list[str], stdout: str, exit_status: int = 0, stderr: str = "") -> None:
    """Pretend to run a command on a host, and record it as the harness would."""
    started, clock = _now(), time.perf_counter()
    hooks.record_command({
        "host": host, "argv": argv, "command": " ".join(argv), "cwd": f"/sandbox/{host}", "started": started,
        "duration": time.perf_counter() - clock, "exit_status": exit_status, "stdout": stdout, "stderr": stderr,
        "backend": "local", "container": None,
    })  # fmt: skip


def counters(host: str, when_: str, site: dict[str, Any]) -> None:
    values = {"expected_ai_seq": site[host]["applied"] + 1, "current_ai_seq": site[host]["ai_seq"],
              "backup_counter": site[host]["backups"], "ai_enabled": True}  # fmt: skip
    hooks.record_counters({"host": host, "db": "sports", "when": when_, "values": values})


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
    counters("production", "before", site)
    run("production", ["probkup", "sports", "sports.bak"], "Backup complete. (3740)\n")
    site["production"]["backups"] += 1
    event("backup", "production", "full backup")
    counters("production", "after", site)


@when(parsers.parse("production switches AI extents {times:d} times"))
def switch_ai(site: dict[str, Any], times: int) -> None:
    for _ in range(times):
        run("production", ["rfutil", "sports", "-C", "aimage", "new"], "Switched to the next AI extent.\n")
        event("ai-switch", "production", "aimage new", site["production"]["ai_seq"])
        site["production"]["ai_seq"] += 1


@when("the backup and the AI files are copied to dr")
def copy_to_dr() -> None:
    run("production", ["scp", "sports.bak", "sports.a1", "sports.a2", "dr:/backups/"], "")
    event("copy", "dr", "bak + a1, a2")


@when("dr restores the backup")
def restore(site: dict[str, Any]) -> None:
    counters("dr", "before", site)
    run("dr", ["prorest", "sports", "/backups/sports.bak"], "Restore complete.\n")
    event("restore", "dr", "prorest")
    counters("dr", "after", site)


@when(parsers.parse("dr rolls forward AI sequence {seq:d}"))
def roll_forward(site: dict[str, Any], seq: int) -> None:
    counters("dr", "before", site)
    expected = site["dr"]["applied"] + 1
    argv = ["rfutil", "sports", "-C", "roll", "forward", "-a", f"/backups/sports.a{seq}"]
    event("roll-forward", "dr", f"sports.a{seq}", seq)
    if seq != expected:
        text = f"** Expected ai file number {expected} but file specified is {seq} in sequence. (8019)"
        run("dr", argv, "", 1, text + "\n")
        counters("dr", "after", site)
        raise AssertionError(f"roll forward refused: {text}")
    run("dr", argv, "Roll forward completed.\n")
    site["dr"]["applied"] = seq
    counters("dr", "after", site)


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
