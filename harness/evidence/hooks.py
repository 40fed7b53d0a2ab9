"""The contract between the harness (which runs commands) and the evidence recorder (which keeps them).

The harness calls these functions as things happen; the recorder plugin installs a sink for the
scenario being run. With no sink installed (the harness used outside pytest) they do nothing.

Payloads (plain JSON-able dicts):
- command: {"host", "argv" (list[str]), "command" (str, as the DBA would type it), "cwd", "started"
  (ISO-8601 UTC), "duration" (seconds, float), "exit_status" (int), "stdout", "stderr",
  "backend" (str), "container" (str | None)}; optional: "image", "image_id", "image_digest",
  "openedge_version" (listed in the report's environment), "internal" (bool: a command the harness ran for
  itself, such as its counters reads; the recorder also marks those it recognises)
- counters: {"host", "db", "when" ("before"|"after"), "values": {"expected_ai_seq", "current_ai_seq",
  "backup_counter", "ai_enabled", "busy_extent", "state", "last_change", ...}}
- event: {"kind" ("ai-switch"|"ai-archive"|"backup"|"restore"|"copy"|"roll-forward"|"sequence"|"load"|"start"|"stop"|
  "fault"), "host", "label" (short text), "seq" (int | None), "time" (ISO-8601 UTC)}

The recorder (harness.evidence.plugin) redacts every record as it arrives, attributes it to the step running
then (or to the scenario's set-up / tear-down), and stamps it with ``recorded``, its arrival number. Backups,
AI switches, restores, ``rfutil -C sequence`` and roll forwards are also derived from the commands for the
timeline (harness.evidence.derive), so the harness need not report those as events.
"""

from __future__ import annotations

from typing import Any, Protocol


class Sink(Protocol):
    def command(self, record: dict[str, Any]) -> None: ...
    def counters(self, record: dict[str, Any]) -> None: ...
    def event(self, record: dict[str, Any]) -> None: ...


_sink: Sink | None = None


def install(sink: Sink | None) -> None:
    """Set (or clear, with None) where records go; the recorder does this per scenario."""
    global _sink
    _sink = sink


def record_command(record: dict[str, Any]) -> None:
    if _sink is not None:
        _sink.command(record)


def record_counters(record: dict[str, Any]) -> None:
    if _sink is not None:
        _sink.counters(record)


def record_event(record: dict[str, Any]) -> None:
    if _sink is not None:
        _sink.event(record)
