"""rfutil -C aiarchiver enable | disable | end | setinterval | setdir and -C aiarchive nextextent | extent.

Semantics §3.4 and §4.6; the manager itself is engine/aiarchiver.py. The settings are kept in the control area.

Which of them run online is not in the sheet beyond aiarchive (nextextent online only, extent both); the
emulator's choice [inferred]: ``enable`` is offline (276 while served), the broker starting the manager as it
starts (or through ``probkup online … enableaiarchiver``); ``disable``, ``setinterval`` and ``setdir`` work
both ways, and online change the running manager too; ``end`` stops the running manager (1423 without a
broker) while management stays on, so FULL extents wait and the database stalls (-aistall) until ``proshut
-C aimgt`` restarts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import usage
from oedr.harness.openedge.engine import aiarchiver, aimanager, client, wire
from oedr.harness.openedge.engine.database import Database, OpenOptions, read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import StateError
from oedr.harness.openedge.outcome import Outcome

ENABLE = "rfutil db-name -C aiarchiver enable -aiarcdir dir1[,dir2...] [-aiarcinterval n] [-aiarcdircreate]"
# Only the AI fields change: no crash recovery (as aimage extent empty, so a crashed database can be helped).
_AI_ONLY = OpenOptions("rfutil", recover=False, log_session=True)


def _offline(name: DbName) -> Database:
    refuse_if_locked(name)
    return Database.open(name, _AI_ONLY)


def enable(name: DbName, words: list[str]) -> Outcome:
    settings, rest = aiarchiver.parse_settings("rfutil", words)
    if rest:
        raise usage("rfutil", f"unexpected {rest[0]!r}", ENABLE)
    if not settings.dirs:
        raise usage("rfutil", "-aiarcdir is required", ENABLE)
    ctl = read_control(name)
    refuse_if_locked(name)
    # Checked before the open, so a refusal writes nothing (not even a session line).
    if not ctl.master.ai.enabled:
        raise StateError(m.AI_NOT_ENABLED.bind(db=name.display))
    if ctl.master.ai.management:
        raise StateError(m.AIMGT_ALREADY_ENABLED.bind(db=name.display))
    db = _offline(name)
    with db.session():
        line = aiarchiver.enable(db.ctl, name.display, settings)
        db.save(sync=True)
        db.log(line)
    return Outcome(0, [*db.messages, line])


def _change(name: DbName, what: str, **fields: Any) -> list[m.Bound]:
    """One change, through the broker when served, else in the control area."""
    if client.served_here(name):
        with client.connect(name) as broker:
            broker.request("aimgt_change", what=what, **fields)
        return []
    if what == "end":  # only a running manager can end
        raise StateError(m.NO_SERVER.bind(db=name.display))
    ctl = read_control(name)
    refuse_if_locked(name)
    if not ctl.master.ai.management:
        raise StateError(m.AIMGT_NOT_ENABLED.bind(db=name.display))
    if what == "setdir":
        aiarchiver.check_dirs(fields["dirs"], False)
    db = _offline(name)
    with db.session():
        ai = db.ctl.master.ai
        if what == "disable":
            ai.management, ai.arc_dirs, ai.arc_interval = False, [], 0
        elif what == "setinterval":
            ai.arc_interval = int(fields["interval"])
        else:
            ai.arc_dirs = list(fields["dirs"])
        db.save(sync=True)
    return db.messages


def disable(name: DbName, words: list[str]) -> Outcome:
    if words:
        raise usage("rfutil", f"unexpected {words[0]!r}", "rfutil db-name -C aiarchiver disable")
    lines = _change(name, "disable")
    return Outcome(0, [*lines, m.AIMGT_DISABLED.bind(db=name.display)])


def end(name: DbName, words: list[str]) -> Outcome:
    if words:
        raise usage("rfutil", f"unexpected {words[0]!r}", "rfutil db-name -C aiarchiver end")
    read_control(name)
    _change(name, "end")
    return Outcome(0, [m.AIMGT_ENDED.bind()])


def setinterval(name: DbName, words: list[str]) -> Outcome:
    if len(words) != 1:
        raise usage("rfutil", "give one interval", "rfutil db-name -C aiarchiver setinterval n")
    interval = aiarchiver.check_interval(words[0])
    lines = _change(name, "setinterval", interval=interval)
    return Outcome(0, [*lines, m.AIMGT_INTERVAL_SET.bind(interval=aiarchiver.describe_interval(interval))])


def setdir(name: DbName, words: list[str]) -> Outcome:
    if len(words) != 1:
        raise usage("rfutil", "give one directory list", "rfutil db-name -C aiarchiver setdir dir1[,dir2...]")
    dirs = aiarchiver.split_dirs(words[0])
    lines = _change(name, "setdir", dirs=dirs)
    return Outcome(0, [*lines, m.AIMGT_DIRS_SET.bind(dirs=",".join(dirs))])


def nextextent(name: DbName, words: list[str]) -> Outcome:
    """Online only: switch and archive the extent that was BUSY (DOC 12.8)."""
    if words:
        raise usage("rfutil", f"unexpected {words[0]!r}", "rfutil db-name -C aiarchive nextextent")
    read_control(name)
    with client.connect(name) as broker:
        reply = broker.request("aiarchive_next")
    return Outcome(0, wire.unpack_messages(reply["messages"]))


def extent(name: DbName, words: list[str]) -> Outcome:
    """Copy one FULL extent to a file that must not exist yet, and mark it EMPTY (online or offline).

    A target of ``/dev/null``, ``NUL`` or ``NULL`` discards the extent, recorded as 0004 ("manual to NULL"
    in the archival log's record types); which names OpenEdge takes for the null target is [inferred]."""
    if len(words) != 2:
        raise usage("rfutil", "give the extent and the target", "rfutil db-name -C aiarchive extent source target")
    source, target = words[0], words[1]
    target_path = target if target in aiarchiver.NULL_TARGETS else str(Path(target).absolute())
    if target not in aiarchiver.NULL_TARGETS and Path(target_path).exists():
        raise StateError(m.AIMGT_TARGET_EXISTS.bind(path=target_path))
    kind = aiarchiver.MANUAL_NULL if target in aiarchiver.NULL_TARGETS else aiarchiver.MANUAL
    ctl = read_control(name)
    if client.served_here(name):
        with client.connect(name) as broker:
            reply = broker.request("aiarchive_extent", extent=source, target=target_path)
        return Outcome(0, wire.unpack_messages(reply["messages"]))
    refuse_if_locked(name)
    if not ctl.master.ai.enabled:
        raise StateError(m.AI_NOT_ENABLED.bind(db=name.display))
    db = _offline(name)
    with db.session():
        ext = aimanager.find_extent(db, source)
        lines = aiarchiver.archive_to(db, ext, Path(target_path), kind, "RFUTIL", None)
    return Outcome(0, [*db.messages, *lines])
