"""The disaster and what the DR runbook achieved after it: measured RPO (from the data) and RTO (per phase).

``lose`` declares a host lost: its loads stop (what they acknowledged joins the ledger), its processes die
and its files go (local: the host directory; docker and openedge: the container and its volumes), so
nothing more can be copied from it. What the DR host holds then is all the runbook can use.

RTO runs from that moment to the end of the first ``proserve`` of the database that succeeds afterwards on
another host; its phases are the DBA commands run in between, named by what they do (transfer is the time
between commands: copies and the harness's own checks). On the emulator the times are the emulator's.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import datetime

from oedr.harness.backends.base import utc_now
from oedr.harness.dba import commands, readings
from oedr.harness.dba.readings import Commit
from oedr.harness.evidence import hooks
from oedr.harness.result import CommandResult
from oedr.harness.rpo import RpoMeasure, measure
from oedr.harness.site import Site, StepFailure, _stem

# What a command does, for the RTO table (first match wins; the rest are named by their program).
_PHASES = (
    ("prostrct repair", "prostrct repair"),
    ("prostrct builddb", "prostrct builddb"),
    ("-C sequence", "rfutil sequence"),
    ("-C roll forward", "roll forward"),
    ("-C aimage new", "aimage new"),
    ("-C truncate bi", "truncate bi"),
)


@dataclass(frozen=True)
class Disaster:
    host: str
    time_us: int
    started: float  # monotonic, for RTO


@dataclass(frozen=True)
class Phase:
    name: str
    host: str
    command: str
    seconds: float


@dataclass(frozen=True)
class RtoMeasure:
    db: str
    host: str
    seconds: float
    phases: list[Phase]
    backend: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def lose(site: Site, host_name: str) -> Disaster:
    """Production is lost: loads stopped, processes killed, files gone; later commands on it are refused."""
    host = site.host(host_name)
    site.stop_loads()
    host.kill_processes()
    remove = getattr(host, "remove", None)
    if callable(remove):
        remove()  # a container host: the container and its volumes
    else:
        shutil.rmtree(host.root, ignore_errors=True)
        os.makedirs(host.root)  # an empty directory, so the backend's own clean-up finds what it expects
    disaster = Disaster(host.name, time.time_ns() // 1000, time.monotonic())
    site.disaster = disaster
    site.lost.add(host.name)
    hooks.record_event(
        {"kind": "disaster", "host": host.name, "label": f"{host.name} lost", "seq": None, "time": utc_now()}
    )
    return disaster


def _disaster(site: Site) -> Disaster:
    if site.disaster is None:
        raise StepFailure("no disaster was declared in this scenario (`production is lost`)")
    return site.disaster


def acknowledged(site: Site, host_name: str, db: str) -> list[Commit]:
    """Every commit acknowledged on the lost host's database: the commit steps' and every stopped load's."""
    key = f"{host_name}:{_stem(db)}"
    return [*site.ledger.commits.get(key, []), *site.load_commits]


def measure_rpo(site: Site, db: str, dr_host: str) -> RpoMeasure:
    """The DR database against the ledger of what the lost host acknowledged; recorded as evidence."""
    disaster = _disaster(site)
    rows = acknowledged(site, disaster.host, db)

    def count_upto(upto: int | None) -> int:
        command = f"oeclient {db} digest" + (f" --upto {upto}" if upto is not None else "")
        found = readings.digest(site.must(dr_host, command).stdout)
        if found is None:
            raise StepFailure(f"no digest in the output of `{command}` on {dr_host}", site.last)
        return found.records

    result = measure(rows, count_upto, disaster.time_us)
    hooks.record_event(
        {
            "kind": "rpo",
            "host": site.host(dr_host).name,
            "label": f"RPO: {result.describe()}",
            "seq": None,
            "time": utc_now(),
            "measure": result.as_dict(),
        }
    )
    return result


def _phase(result: CommandResult) -> str:
    for needle, name in _PHASES:
        if needle in result.command:
            return name
    return commands.parse(result.command).program


def _serves(result: CommandResult, db: str) -> bool:
    parsed = commands.parse(result.command)
    return parsed.program == "proserve" and _stem(parsed.database or "") == _stem(db)


def _epoch(result: CommandResult) -> float:
    return datetime.fromisoformat(result.started).timestamp()


def measure_rto(site: Site, db: str, dr_host: str) -> RtoMeasure:
    """From the disaster to the end of the first successful ``proserve DB`` on the DR host after it."""
    disaster = _disaster(site)
    host = site.host(dr_host)
    since = disaster.time_us / 1_000_000
    after = [r for r in site.history if r.host == host.name and _epoch(r) >= since]
    served = next((r for r in after if r.exit_status == 0 and _serves(r, db)), None)
    if served is None:
        raise StepFailure(f"{db} was not served on {dr_host} after the disaster (no proserve succeeded)")
    end = _epoch(served) + served.duration
    phases = [Phase(_phase(r), r.host, r.command, round(r.duration, 3)) for r in after[: after.index(served) + 1]]
    other = max(0.0, end - since - sum(p.seconds for p in phases))
    phases.append(Phase("transfer and checks", host.name, "", round(other, 3)))
    result = RtoMeasure(_stem(db), host.name, round(end - since, 3), phases, site.backend.name)
    hooks.record_event(
        {
            "kind": "rto",
            "host": host.name,
            "label": f"RTO: served {result.seconds:.1f} s after the disaster",
            "seq": None,
            "time": utc_now(),
            "measure": result.as_dict(),
        }
    )
    return result


def lost_database(site: Site) -> str:
    """The database the lost host acknowledged commits to (the RPO and RTO steps name no database)."""
    disaster = _disaster(site)
    names = sorted(
        {
            key.split(":", 1)[1]
            for key, rows in site.ledger.commits.items()
            if rows and key.startswith(f"{disaster.host}:")
        }
    )
    if len(names) != 1:
        raise StepFailure(f"{disaster.host} committed to {len(names)} databases ({', '.join(names)}): name one")
    return names[0]


_UNITS = {"second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600, "hours": 3600}


def seconds_of(text: str) -> float:
    """``90 seconds``, ``5 minutes``, ``1 hour``: the duration in seconds."""
    amount, _, unit = text.strip().partition(" ")
    if unit.strip() not in _UNITS or not amount.replace(".", "", 1).isdigit():
        raise StepFailure(f"not a duration: {text!r} (say e.g. 90 seconds, 5 minutes, 1 hour)")
    return float(amount) * _UNITS[unit.strip()]


def assert_rpo(site: Site, max_seconds: float, dr_host: str = "dr") -> RpoMeasure:
    """The measured loss is within ``max_seconds`` (0: no acknowledged transaction may be lost)."""
    found = measure_rpo(site, lost_database(site), dr_host)
    if found.lost and (max_seconds == 0 or found.window_seconds > max_seconds):
        raise StepFailure(f"the plan lost more than it may: {found.describe()}")
    return found


def assert_rto(site: Site, max_seconds: float, dr_host: str = "dr") -> RtoMeasure:
    found = measure_rto(site, lost_database(site), dr_host)
    if found.seconds > max_seconds:
        table = ", ".join(f"{p.name} {p.seconds:.1f} s" for p in found.phases)
        raise StepFailure(f"the DR database served {found.seconds:.1f} s after the disaster ({table})")
    return found


def assert_some_lost(site: Site, dr_host: str = "dr") -> RpoMeasure:
    """The plan loses data in this scenario: the measure must see it (else it would be blind)."""
    found = measure_rpo(site, lost_database(site), dr_host)
    if not found.lost:
        raise StepFailure(f"expected the plan to lose acknowledged transactions: {found.describe()}")
    return found
