"""The contract between the harness (which runs commands) and the evidence recorder (which keeps them).

The harness calls these functions as things happen; the recorder plugin installs a sink for the
scenario being run. With no sink installed (the harness used outside pytest) they do nothing.

Payloads are the TypedDicts of oedr.harness.evidence.records (``CommandRecord``, ``CountersRecord``,
``EventRecord``), so mypy checks every producer: each record carries the facts known when it was made
(what a command names, whether it is the harness's own read, which counters bracket it).

The recorder (oedr.harness.evidence.plugin) redacts every record as it arrives, attributes it to the step running
then (or to the scenario's set-up / tear-down), and stamps it with ``recorded``, its arrival number. Backups,
AI switches, restores, ``rfutil -C sequence`` and roll forwards are drawn on the timeline from the commands'
recorded facts and the counters that bracket them (oedr.harness.evidence.derive), so the harness does not report
those as events.
"""

from __future__ import annotations

from typing import Protocol

from oedr.harness.evidence.records import CommandRecord, CountersRecord, EventRecord


class Sink(Protocol):
    def command(self, record: CommandRecord) -> None: ...
    def counters(self, record: CountersRecord) -> None: ...
    def event(self, record: EventRecord) -> None: ...


_sink: Sink | None = None


def install(sink: Sink | None) -> None:
    """Set (or clear, with None) where records go; the recorder does this per scenario."""
    global _sink
    _sink = sink


def record_command(record: CommandRecord) -> None:
    if _sink is not None:
        _sink.command(record)


def record_counters(record: CountersRecord) -> None:
    if _sink is not None:
        _sink.counters(record)


def record_event(record: EventRecord) -> None:
    if _sink is not None:
        _sink.event(record)
