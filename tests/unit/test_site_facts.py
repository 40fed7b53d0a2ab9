"""The Site records facts as it learns them: a command's facts, its own reads marked, counters as ints
tied to the command they bracket; the timeline's events come from those facts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from oedr.harness.backends.local import LocalBackend
from oedr.harness.evidence import hooks
from oedr.harness.evidence.derive import bucket_events
from oedr.harness.evidence.records import CommandRecord, CountersRecord, EventRecord
from oedr.harness.result import CommandResult
from oedr.harness.site import Site, StepFailure, standard_structure


class Collected:
    """A hooks sink that keeps every record, in one bucket, with its arrival number."""

    def __init__(self) -> None:
        self.bucket: dict[str, list[Any]] = {"commands": [], "counters": [], "events": []}
        self.arrivals = 0

    def _keep(self, kind: str, record: Any) -> None:
        self.arrivals += 1
        self.bucket[kind].append({**record, "recorded": self.arrivals})

    def command(self, record: CommandRecord) -> None:
        self._keep("commands", record)

    def counters(self, record: CountersRecord) -> None:
        self._keep("counters", record)

    def event(self, record: EventRecord) -> None:
        self._keep("events", record)


@pytest.fixture
def recorded() -> Iterator[tuple[Site, Collected]]:
    sink = Collected()
    site = Site(LocalBackend())
    hooks.install(sink)
    try:
        yield site, sink
    finally:
        hooks.install(None)
        site.close()


def test_a_command_that_moves_the_counters_is_bracketed_by_the_harnesss_own_typed_reads(recorded):
    site, sink = recorded
    site.create_database("production", "sports", standard_structure(1, 4, fixed=False))
    site.enable_after_imaging("production", "sports")
    sink.bucket = {"commands": [], "counters": [], "events": []}
    site.must("production", "rfutil sports -C aimage new")
    switch = next(c for c in sink.bucket["commands"] if not c["internal"])
    assert switch["dba"]["kind"] == "ai-switch"
    assert switch["dba"]["database"] == "sports"
    reads = [c for c in sink.bucket["commands"] if c["internal"]]
    assert [c["command"] for c in reads] == ["proutil sports -C describe"] * 2
    assert {c["bracket"] for c in reads} == {switch["bracket"]}
    assert switch["bracket"] is not None
    counters = {c["when"]: c for c in sink.bucket["counters"]}
    assert {c["bracket"] for c in counters.values()} == {switch["bracket"]}
    assert (counters["before"]["values"]["current_ai_seq"], counters["after"]["values"]["current_ai_seq"]) == (1, 2)
    assert counters["after"]["values"]["ai_enabled"] is True
    events = bucket_events(sink.bucket)
    assert [(e["kind"], e["label"], e["seq"]) for e in events] == [("ai-switch", "aimage new", 2)]


def test_a_read_of_a_database_not_yet_there_is_still_the_harnesss_own(recorded):
    site, sink = recorded
    site.run("production", "rfutil nosuch -C aimage new")
    reads = [c for c in sink.bucket["commands"] if c["command"] == "proutil nosuch -C describe"]
    assert len(reads) == 2
    assert all(c["internal"] for c in reads)
    assert sink.bucket["counters"] == []


def test_a_step_failure_carries_the_command_it_is_about(recorded):
    site, _sink = recorded
    with pytest.raises(StepFailure) as failed:
        site.must("production", "proutil nosuch -C busy")
    assert isinstance(failed.value.result, CommandResult)
    assert failed.value.result.command == "proutil nosuch -C busy"
    assert failed.value.check.startswith("expected success")
