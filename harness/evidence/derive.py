"""The timeline's events: those the harness reported, plus those its commands' recorded facts show.

The harness reports some events itself (a copy, a fault, a load). The state changes a DBA cares about are
facts of the commands run (oedr.harness.evidence.records: each command's ``dba`` facts say its kind and
database) and of the counters the harness read around them (the same ``bracket``): ``probkup`` (backup),
``prorest`` (restore), ``rfutil -C sequence``, ``rfutil -C roll forward`` (the sequence it applied), and
every AI switch, whichever command made it (``aimage begin``/``new``, ``proquiet enable``, ``probkup
online``): the database's current AI sequence moved up across the command. A command of these kinds that
exited non-zero is drawn as refused, with its deciding message number (for a roll forward, also the
sequence the database expected instead, ``expects``: that is how an 8019 shows).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from oedr.harness.dba import commands
from oedr.harness.evidence.records import command_facts
from oedr.harness.evidence.results import JSON, buckets, message_number

_DERIVED_KINDS = frozenset({"backup", "ai-switch", "restore", "sequence", "roll-forward"})
_PREFIXED = frozenset({"ai-switch", "backup", "restore", "sequence"})


def facts_of(command: JSON) -> JSON:
    """The facts recorded with a command; for a record that has none (written by an older oedr), its line
    parsed by the one parser there is."""
    facts = command.get("dba")
    if isinstance(facts, dict):
        return facts
    return dict(command_facts(commands.parse(command.get("command") or command.get("argv") or [])))


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _output_number(command: JSON) -> int | None:
    return message_number(f"{command.get('stdout') or ''}\n{command.get('stderr') or ''}")


def _ai_switch_seq(before: JSON | None, after: JSON | None) -> int | None:
    """The new AI sequence when the current one moved up and after-imaging is on, else None."""
    old, new = _int((before or {}).get("current_ai_seq")), _int((after or {}).get("current_ai_seq"))
    if new is None or new < 1 or (old is not None and new <= old):
        return None
    return new if (after or {}).get("ai_enabled", True) is not False else None


def _ai_file(facts: JSON) -> str:
    return PurePosixPath(str(facts["ai_file"])).name if facts.get("ai_file") else "roll forward"


def _events_for(command: JSON, before: JSON | None, after: JSON | None) -> list[JSON]:
    facts = facts_of(command)
    kind = facts.get("kind")
    base: JSON = {
        "host": command.get("host"),
        "db": facts.get("database"),
        "time": command.get("started"),
        "recorded": command.get("recorded"),
        "derived": True,
        "seq": None,
    }
    if command.get("exit_status") != 0:
        return [_refused(str(kind), base, command, facts, before)] if kind is not None else []
    events: list[JSON] = []
    if kind == "backup":
        qualifier = str(facts.get("qualifier") or "")
        words = str(command.get("command") or "").split()
        mode = " incremental" if "incremental" in words else (" online" if qualifier == "online" else "")
        counter = _int((after or {}).get("backup_counter"))
        events.append({**base, "kind": "backup", "label": f"probkup{mode}" + (f" #{counter}" if counter else "")})
    elif kind == "restore":
        events.append({**base, "kind": "restore", "label": "prorest"})
    elif kind == "sequence":
        events.append(
            {**base, "kind": "sequence", "label": "rfutil sequence", "seq": _int((after or {}).get("expected_ai_seq"))}
        )
    elif kind == "roll-forward":
        events.append(
            {
                **base,
                "kind": "roll-forward",
                "label": _ai_file(facts),
                "seq": _int((before or {}).get("expected_ai_seq")),
            }
        )
    if kind in (None, "backup", "ai-switch"):
        seq = _ai_switch_seq(before, after)
        if seq is not None or kind == "ai-switch":
            label = commands.switch_label(str(facts.get("program") or ""), str(facts.get("qualifier") or ""))
            events.append({**base, "kind": "ai-switch", "label": label, "seq": seq})
    return events


def _refused(kind: str, base: JSON, command: JSON, facts: JSON, before: JSON | None) -> JSON:
    """A refused backup, restore, sequence, AI switch or roll forward, with its deciding message."""
    number = _output_number(command)
    status = command.get("exit_status")
    label = "killed" if isinstance(status, int) and status < 0 else "refused" + (f" ({number})" if number else "")
    what = {
        "roll-forward": _ai_file(facts),
        "sequence": "rfutil sequence",
        "ai-switch": "aimage new",
        "backup": "probkup",
        "restore": "prorest",
    }[kind]
    expects = _int((before or {}).get("expected_ai_seq")) if kind == "roll-forward" else None
    return {
        **base,
        "kind": "refused",
        "refused": kind,
        "label": label,
        "file": what,
        "number": number,
        "expects": expects,
    }


def _bracketing(bucket: JSON) -> dict[tuple[Any, str], JSON]:
    """The counters of the bucket by (bracket, when): those read just before and after one command."""
    return {
        (record.get("bracket"), str(record.get("when"))): record.get("values") or {}
        for record in bucket["counters"]
        if record.get("bracket") is not None
    }


def bucket_events(bucket: JSON) -> list[JSON]:
    """The events of one phase: derived from its commands' facts, then the harness's own, in order."""
    counters = _bracketing(bucket)
    derived: list[JSON] = []
    for command in bucket["commands"]:
        if command.get("internal"):
            continue  # the harness's own reads change nothing: never an event
        bracket = command.get("bracket")
        before = counters.get((bracket, "before")) if bracket is not None else None
        after = counters.get((bracket, "after")) if bracket is not None else None
        derived += _events_for(command, before, after)
    shown = {e["kind"] for e in derived} | {e["refused"] for e in derived if e["kind"] == "refused"}
    reported = [dict(e) for e in bucket["events"] if e.get("kind") not in shown or e.get("kind") not in _DERIVED_KINDS]
    return sorted(
        [*derived, *reported], key=lambda e: (e.get("recorded") is None, e.get("recorded", 0), str(e.get("time") or ""))
    )


def scenario_events(scenario: JSON) -> list[tuple[str, JSON]]:
    """Every event of a scenario with the phase it belongs to (setup, step N, teardown)."""
    events = [(label, event) for label, bucket in buckets(scenario) for event in bucket_events(bucket)]
    if len({e["db"] for _, e in events if e.get("derived") and e.get("db")}) > 1:
        for _, event in events:  # two databases on one lane: say whose each mark is (AI file names say it)
            if event.get("derived") and event.get("db") and event["kind"] in _PREFIXED:
                event["label"] = f"{event['db']}: {event['label']}"
    return events
