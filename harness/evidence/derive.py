"""The timeline's events: those the harness reported, plus those its commands show.

The harness reports some events itself (a copy, a fault, a load). The state changes a DBA cares about are
also plain in the commands run and the counters read around them, so they are derived here: ``probkup``
(backup), ``rfutil -C aimage new`` (AI switch, with the AI sequence the counters show after it),
``prorest`` (restore), ``rfutil -C sequence``, and ``rfutil -C roll forward`` (the sequence it applied, or,
when refused, the message number and the sequence the database expected instead: that is how an 8019
shows). Records carry their arrival order (``recorded``), which lines commands up with counters.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from harness.evidence.results import JSON, buckets, message_number

_DERIVED_KINDS = frozenset({"backup", "ai-switch", "restore", "sequence", "roll-forward"})


def _argv(command: JSON) -> list[str]:
    return [str(a) for a in command.get("argv") or str(command.get("command") or "").split()]


def _classify(argv: list[str]) -> str | None:
    words = [a.lower() for a in argv]
    program = PurePosixPath(words[0]).name if words else ""
    if program == "probkup":
        return "backup"
    if program == "prorest":
        return "restore"
    if program != "rfutil":
        return None
    if "aimage" in words and "new" in words:
        return "ai-switch"
    if "roll" in words and "forward" in words:
        return "roll-forward"
    return "sequence" if "sequence" in words else None


def _counter(records: list[JSON], index: int, host: Any, when: str, name: str, step: int) -> Any:
    """The named counter from the nearest counters record of ``host`` before (step -1) or after (+1) index."""
    i = index + step
    while 0 <= i < len(records):
        record = records[i]
        if "values" in record and record.get("host") == host and record.get("when") in (when, "now"):
            return (record.get("values") or {}).get(name)
        i += step
    return None


def _event_for(kind: str, command: JSON, records: list[JSON], index: int) -> JSON:
    argv, host = _argv(command), command.get("host")
    event: JSON = {"kind": kind, "host": host, "label": PurePosixPath(argv[0]).name, "seq": None,
                   "time": command.get("started"), "recorded": command.get("recorded"), "derived": True}  # fmt: skip
    if kind == "ai-switch":
        event.update(label="aimage new", seq=_counter(records, index, host, "after", "current_ai_seq", 1))
    elif kind == "backup":
        counter = _counter(records, index, host, "after", "backup_counter", 1)
        mode = " incremental" if "incremental" in argv else ""
        event["label"] = f"probkup{mode}" + (f" #{counter}" if counter else "")
    elif kind == "sequence":
        event.update(label="rfutil sequence", seq=_counter(records, index, host, "after", "expected_ai_seq", 1))
    elif kind == "roll-forward":
        _roll_forward(event, command, argv, _counter(records, index, host, "before", "expected_ai_seq", -1))
    return event


def _roll_forward(event: JSON, command: JSON, argv: list[str], expected: Any) -> None:
    file = PurePosixPath(argv[argv.index("-a") + 1]).name if "-a" in argv[:-1] else "roll forward"
    if command.get("exit_status") == 0:
        event.update(label=file, seq=expected)
        return
    number = message_number(f"{command.get('stdout', '')}\n{command.get('stderr', '')}")
    event.update(kind="refused", label="refused" + (f" ({number})" if number else ""), file=file, number=number,
                 seq=f"expects {expected}" if expected is not None else None)  # fmt: skip


def _ordered(bucket: JSON) -> list[JSON]:
    merged = [*bucket["commands"], *bucket["counters"]]
    return sorted(merged, key=lambda r: r.get("recorded", 0))


def _borrow_seqs(derived: list[JSON], reported: list[JSON]) -> None:
    """A derived event without a sequence takes the one the harness reported for the same kind, in order."""
    for kind in {e["kind"] for e in derived}:
        seqs = [e.get("seq") for e in reported if e.get("kind") == kind]
        for event, seq in zip((e for e in derived if e["kind"] == kind), seqs, strict=False):
            if event.get("seq") is None and seq is not None:
                event["seq"] = seq


def bucket_events(bucket: JSON) -> list[JSON]:
    """The events of one phase: derived from its commands, then the harness's own of other kinds, in order."""
    records = _ordered(bucket)
    derived = []
    for index, record in enumerate(records):
        kind = _classify(_argv(record)) if "argv" in record or "command" in record else None
        if kind is not None:
            derived.append(_event_for(kind, record, records, index))
    _borrow_seqs(derived, bucket["events"])
    shown = {e["kind"] for e in derived} | ({"roll-forward"} if any(e["kind"] == "refused" for e in derived) else set())
    reported = [dict(e) for e in bucket["events"] if e.get("kind") not in shown or e.get("kind") not in _DERIVED_KINDS]
    return sorted([*derived, *reported], key=lambda e: (e.get("recorded") is None, e.get("recorded", 0),
                                                         str(e.get("time") or "")))  # fmt: skip


def scenario_events(scenario: JSON) -> list[tuple[str, JSON]]:
    """Every event of a scenario with the phase it belongs to (setup, step N, teardown)."""
    return [(label, event) for label, bucket in buckets(scenario) for event in bucket_events(bucket)]
