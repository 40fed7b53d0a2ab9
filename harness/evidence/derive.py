"""The timeline's events: those the harness reported, plus those its commands show.

The harness reports some events itself (a copy, a fault, a load). The state changes a DBA cares about are
also plain in the commands run and the counters read around them, so they are derived here: ``probkup``
(backup), ``prorest`` (restore), ``rfutil -C sequence``, ``rfutil -C roll forward`` (the sequence it
applied), and every AI switch, whichever command made it (``aimage begin``/``new``, ``proquiet enable``,
``probkup online``): the database's current AI sequence moved up across the command. A command of these
kinds that exited non-zero is drawn as refused, with its deciding message number (for a roll forward, also
the sequence the database expected instead: that is how an 8019 shows). Records carry their arrival order
(``recorded``), which lines commands up with the counters read around them; the counters of a command are
those of its own host and database.
"""

from __future__ import annotations

import shlex
from pathlib import PurePosixPath
from typing import Any

from harness.evidence.results import JSON, buckets, message_number

_DERIVED_KINDS = frozenset({"backup", "ai-switch", "restore", "sequence", "roll-forward"})
_PREFIXED = frozenset({"ai-switch", "backup", "restore", "sequence"})
_FIRST_ARG_IS_DB = frozenset({"proutil", "rfutil", "proserve", "proshut", "proquiet", "prorest", "prostrct"})


def command_words(command: JSON) -> list[str]:
    """The command as the DBA typed it, split into words (the recorded argv when it cannot be split)."""
    text = str(command.get("command") or "")
    try:
        words = shlex.split(text) if text else []
    except ValueError:
        words = []
    return words or [str(a) for a in command.get("argv") or []]


def database_of(words: list[str]) -> str | None:
    """The database a DBA command names (its stem: ``sports`` for ``sports`` or ``/db/sports.db``)."""
    program = PurePosixPath(words[0]).name if words else ""
    rest = [w for w in words[1:] if w != "online"] if program == "probkup" else words[1:]
    if program not in _FIRST_ARG_IS_DB | {"probkup"} or not rest or rest[0].startswith("-"):
        return None
    name = PurePosixPath(rest[0]).name
    return name[:-3] if name.endswith(".db") else name


def is_counters_read(words: list[str], db: Any = None) -> bool:
    """``proutil DB -C describe``: how the harness reads the master-block counters."""
    program = PurePosixPath(words[0]).name if words else ""
    return (program == "proutil" and [w.lower() for w in words[2:]] == ["-c", "describe"]
            and (db is None or database_of(words) == db))  # fmt: skip


def _classify(words: list[str]) -> str | None:
    lowered = [a.lower() for a in words]
    program = PurePosixPath(lowered[0]).name if lowered else ""
    if program == "probkup":
        return "backup"
    if program == "prorest":
        return "restore"
    if program != "rfutil":
        return None
    if "aimage" in lowered and "new" in lowered:
        return "ai-switch"
    if "roll" in lowered and "forward" in lowered:
        return "roll-forward"
    return "sequence" if "sequence" in lowered else None


def _snapshot(records: list[JSON], index: int, host: Any, db: Any, when: str, step: int) -> JSON | None:
    """The counters of ``host``/``db`` read just before (step -1) or after (+1) the command at ``index``.

    The search stops at another DBA command on the same host: its counters are not this command's.
    """
    i = index + step
    while 0 <= i < len(records):
        record = records[i]
        if record.get("host") == host:
            if "values" in record and record.get("db") == db and record.get("when") in (when, "now"):
                return record.get("values") or {}
            if "values" not in record and not record.get("internal") and not is_counters_read(command_words(record)):
                return None
        i += step
    return None


def _number(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _output_number(command: JSON) -> int | None:
    return message_number(f"{command.get('stdout') or ''}\n{command.get('stderr') or ''}")


def _ai_switch_seq(before: JSON | None, after: JSON | None) -> int | None:
    """The new AI sequence when the current one moved up and after-imaging is on, else None."""
    old, new = _number((before or {}).get("current_ai_seq")), _number((after or {}).get("current_ai_seq"))
    if new is None or new < 1 or (old is not None and new <= old):
        return None
    return new if str((after or {}).get("ai_enabled", "enabled")).lower() not in ("disabled", "false") else None


def _events_for(command: JSON, records: list[JSON], index: int) -> list[JSON]:
    words = command_words(command)
    host, db, kind = command.get("host"), database_of(words), _classify(words)
    before = _snapshot(records, index, host, db, "before", -1)
    after = _snapshot(records, index, host, db, "after", 1)
    base: JSON = {"host": host, "db": db, "time": command.get("started"), "recorded": command.get("recorded"),
                  "derived": True, "seq": None}  # fmt: skip
    if command.get("exit_status") != 0:
        return [_refused(kind, base, command, words, before)] if kind is not None else []
    events: list[JSON] = []
    if kind == "backup":
        mode = " incremental" if "incremental" in words else (" online" if "online" in words else "")
        counter = (after or {}).get("backup_counter")
        events.append({**base, "kind": "backup", "label": f"probkup{mode}" + (f" #{counter}" if counter else "")})
    elif kind == "restore":
        events.append({**base, "kind": "restore", "label": "prorest"})
    elif kind == "sequence":
        events.append({**base, "kind": "sequence", "label": "rfutil sequence",
                       "seq": (after or {}).get("expected_ai_seq")})  # fmt: skip
    elif kind == "roll-forward":
        events.append({**base, "kind": "roll-forward", "label": _ai_file(words),
                       "seq": (before or {}).get("expected_ai_seq")})  # fmt: skip
    if kind in (None, "backup", "ai-switch"):
        seq = _ai_switch_seq(before, after)
        if seq is not None or kind == "ai-switch":
            events.append({**base, "kind": "ai-switch", "label": _switch_label(words), "seq": seq})
    return events


def _switch_label(words: list[str]) -> str:
    """What made the AI switch, shortly: ``aimage new``, ``aimage begin``, ``proquiet enable``, ``probkup online``."""
    program = PurePosixPath(words[0]).name if words else ""
    if program == "rfutil":
        after = words[words.index("-C") + 1 :] if "-C" in words else words[2:]
        return " ".join(after[:2])
    if program == "probkup":
        return "probkup online" if "online" in words else "probkup"
    return " ".join([program, *words[2:3]])


def _ai_file(words: list[str]) -> str:
    return PurePosixPath(words[words.index("-a") + 1]).name if "-a" in words[:-1] else "roll forward"


def _refused(kind: str, base: JSON, command: JSON, words: list[str], before: JSON | None) -> JSON:
    """A refused backup, restore, sequence, AI switch or roll forward, with its deciding message."""
    number = _output_number(command)
    status = command.get("exit_status")
    label = "killed" if isinstance(status, int) and status < 0 else "refused" + (f" ({number})" if number else "")
    what = {"roll-forward": _ai_file(words), "sequence": "rfutil sequence", "ai-switch": "aimage new",
            "backup": "probkup", "restore": "prorest"}[kind]  # fmt: skip
    expected = (before or {}).get("expected_ai_seq") if kind == "roll-forward" else None
    return {
        **base,
        "kind": "refused",
        "refused": kind,
        "label": label,
        "file": what,
        "number": number,
        "seq": f"expects {expected}" if expected is not None else None,
    }


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
    derived: list[JSON] = []
    for index, record in enumerate(records):
        if "values" not in record and not record.get("internal") and not is_counters_read(command_words(record)):
            derived += _events_for(record, records, index)  # a counters read changes nothing: never an event
    _borrow_seqs(derived, bucket["events"])
    shown = {e["kind"] for e in derived} | {e["refused"] for e in derived if e["kind"] == "refused"}
    reported = [dict(e) for e in bucket["events"] if e.get("kind") not in shown or e.get("kind") not in _DERIVED_KINDS]
    return sorted([*derived, *reported], key=lambda e: (e.get("recorded") is None, e.get("recorded", 0),
                                                         str(e.get("time") or "")))  # fmt: skip


def scenario_events(scenario: JSON) -> list[tuple[str, JSON]]:
    """Every event of a scenario with the phase it belongs to (setup, step N, teardown)."""
    events = [(label, event) for label, bucket in buckets(scenario) for event in bucket_events(bucket)]
    if len({e["db"] for _, e in events if e.get("derived") and e.get("db")}) > 1:
        for _, event in events:  # two databases on one lane: say whose each mark is (AI file names say it)
            if event.get("derived") and event.get("db") and event["kind"] in _PREFIXED:
                event["label"] = f"{event['db']}: {event['label']}"
    return events
