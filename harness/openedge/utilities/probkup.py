"""probkup [online] db-name [incremental] device-name [enableai] [-com] [-vs n] [-bf n] [-io n] [-verbose]

Emulates OpenEdge Database Management, PROBKUP utility (DOC 9.1E and 13.0; semantics §3.5, §2.1, §6.8).

* ``online`` needs a running broker (1423 + 90060 otherwise; 43 if the database does not exist). The backup
  runs inside the broker: its backup point is taken under the broker's lock, then clients keep committing
  while the blocks are read, those they change being backed up as they were at that point (their
  before-images), so the backup is transactionally consistent at its start (engine/backup.py). It switches
  AI first when AI is enabled and aborts if the next extent is not EMPTY (DOC). One online backup at a time
  (90109).
* Offline needs exclusive access (263/276) and warns with 851 when the BI was not truncated.
  **Offline backups do not switch AI by default** (semantics §6.8 leaves this open; its recommendation is
  the default): the backup expects the BUSY file, and probkup prints 90102 saying so. Set the environment
  variable ``OEDR_OFFLINE_PROBKUP_SWITCH=1`` to make offline backups switch as online ones do.
* ``incremental`` needs a full backup first; ``-io n`` also takes the blocks of the n previous backups.
* ``enableai`` (10.1B+): only with a full online backup; begins after-imaging as part of it (830 if on).
* ``-vs n``: n database blocks per volume, volumes named ``<device>``, ``<device>.2``, ``<device>.3``...
  ``-com`` drops the empty space of each block; ``-bf n`` is the number of blocks per write.
* ``-REPLACE`` is accepted because site scripts use it, although no OpenEdge release documents it
  (semantics §3.5): probkup always overwrites the device, and oedr prints 90106 to say so.
* ``enableaiarchiver -aiarcdir dirs [-aiarcinterval n] [-aiarcdircreate]`` (10.1B+): only with a full online
  backup; once the backup has succeeded, AI File Management is on and the broker's after-image manager
  starts (engine/aiarchiver.py). AI must be on, or begun by ``enableai`` in the same backup.
* ``-estimate``, ``-scan``, ``-red``, ``-norecover`` and ``bibackup`` are refused loudly (90014) rather than
  ignored.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import number, number_in, take_params, usage
from oedr.harness.openedge.engine import aiarchiver, backup, client, wire
from oedr.harness.openedge.engine.database import Database, OpenOptions, read_control
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import OEError, StateError, UsageError
from oedr.harness.openedge.outcome import Outcome

SYNTAX = "probkup [online] db-name [incremental] device-name [enableai] [-com] [-vs n] [-bf n] [-io n] [-verbose]"
SWITCH_ENV = "OEDR_OFFLINE_PROBKUP_SWITCH"
UNSUPPORTED = ("-estimate", "-scan", "-red", "-norecover", "bibackup")
WITH_VALUE = ("-vs", "-bf", "-io", "-comlevel")
FLAGS = ("-com", "-verbose", "-REPLACE")
KEYWORDS = ("enableai",)
MAX_BLOCKS = 2**31 - 1


def _positional(argv: list[str]) -> tuple[bool, str, bool, str, list[str]]:
    """``[online] db [incremental] device`` then the options."""
    words = list(argv)
    online = bool(words) and words[0].lower() == "online"
    if online:
        words.pop(0)
    if not words or words[0].startswith("-"):
        raise usage("probkup", "missing database name", SYNTAX)
    db = words.pop(0)
    incremental = bool(words) and words[0].lower() == "incremental"
    if incremental:
        words.pop(0)
    if not words or words[0].startswith("-") or words[0].lower() == "enableai":
        raise usage("probkup", "missing device name", SYNTAX)
    return online, db, incremental, words.pop(0), words


def parse(argv: list[str]) -> tuple[DbName, backup.BackupRequest, bool]:
    """The database, the request, and whether -REPLACE was given."""
    online, db, incremental, device, rest = _positional(argv)
    for word in rest:
        if word.lower() in UNSUPPORTED or word in UNSUPPORTED:
            raise UsageError(m.NOT_IMPLEMENTED.bind(utility="probkup", what=word))
    params, leftover = take_params("probkup", rest, with_value=WITH_VALUE, flags=FLAGS, keywords=KEYWORDS)
    if leftover:
        raise usage("probkup", f"unexpected {leftover[0]!r}", SYNTAX)
    per_volume = number_in("probkup", "-vs", params["-vs"], 1, MAX_BLOCKS) if "-vs" in params else None
    request = backup.BackupRequest(
        device=str(Path(device).absolute()),
        online=online,
        incremental=incremental,
        switch_ai=os.environ.get(SWITCH_ENV, "") == "1",
        enableai="enableai" in params,
        io=number("probkup", "-io", params.get("-io", "0")),
        per_volume=per_volume,
        buffer_blocks=number_in("probkup", "-bf", params.get("-bf", "34"), 1, MAX_BLOCKS),
        compress="-com" in params,
        verbose="-verbose" in params,
    )
    if request.enableai and (not online or incremental):
        raise StateError(m.BACKUP_ENABLEAI_FULL_ONLINE.bind())
    return DbName.parse(db), request, "-REPLACE" in params


def _online(name: DbName, request: backup.BackupRequest) -> list[m.Bound]:
    read_control(name)  # 43 for a database that does not exist, as offline
    try:
        broker = client.connect(name)
    except OEError:
        raise StateError(m.NO_SERVER.bind(db=name.display), m.BACKUP_NOT_ONLINE.bind(db=name.display)) from None
    with broker:
        reply = broker.request("backup", **asdict(request))
    return wire.unpack_messages(reply.get("messages", []))


def _offline(name: DbName, request: backup.BackupRequest) -> list[m.Bound]:
    backup.check_request(read_control(name), name, request)  # refuse before the open touches anything
    db = Database.open(name, OpenOptions("probkup", log_session=True))
    with db.session():
        lines = [*db.messages, *backup.take(db, request)]
    return lines


def _archiver_settings(argv: list[str]) -> tuple[list[str], aiarchiver.Settings | None]:
    """``enableaiarchiver`` and its options, taken out of the command line (semantics §3.5, 13.0 syntax)."""
    words = [w for w in argv if w.lower() != "enableaiarchiver"]
    if len(words) == len(argv):
        return argv, None
    settings, rest = aiarchiver.parse_settings("probkup", words)
    if not settings.dirs:
        raise UsageError(m.AIMGT_NEEDS_DIRS.bind(what="enableaiarchiver"))
    return rest, settings


def _enable_archiver(name: DbName, request: backup.BackupRequest, settings: aiarchiver.Settings) -> None:
    """Refused before the backup when it could not succeed; done through the broker once it has."""
    if not request.online or request.incremental:
        raise StateError(m.BACKUP_ENABLEAI_FULL_ONLINE.bind())
    ctl = read_control(name)
    if not ctl.master.ai.enabled and not request.enableai:
        raise StateError(m.AI_NOT_ENABLED.bind(db=name.display))
    if ctl.master.ai.management:
        raise StateError(m.AIMGT_ALREADY_ENABLED.bind(db=name.display))
    aiarchiver.check_dirs(settings.dirs, settings.create)


def main(argv: list[str]) -> Outcome:
    argv, archiver = _archiver_settings(argv)
    name, request, replace = parse(argv)
    if archiver is not None:
        _enable_archiver(name, request, archiver)
    notes = [m.BACKUP_REPLACE_ACCEPTED.bind()] if replace else []
    if archiver is None:
        return Outcome(0, notes + (_online(name, request) if request.online else _offline(name, request)))
    return Outcome(0, notes + _online_enabling_archiver(name, request, archiver))


def _online_enabling_archiver(
    name: DbName, request: backup.BackupRequest, archiver: aiarchiver.Settings
) -> list[m.Bound]:
    """Management is turned on as the backup starts, so the backup's master block carries it (as enableai's
    AIMAGE BEGIN is in the backup); a backup that fails turns it off again [inferred]. With enableai, AI
    begins in the backup first, so management follows it."""
    enabled = m.AIMGT_ENABLED.bind(
        db=name.display, dirs=",".join(archiver.dirs), interval=aiarchiver.describe_interval(archiver.interval or 0)
    )
    if request.enableai:
        lines = _online(name, request)
        with client.connect(name) as broker:
            broker.request("aimgt_enable", dirs=archiver.dirs, interval=archiver.interval, create=archiver.create)
        return [*lines, enabled]
    with client.connect(name) as broker:
        broker.request("aimgt_enable", dirs=archiver.dirs, interval=archiver.interval, create=archiver.create)
    try:
        lines = _online(name, request)
    except OEError:
        with client.connect(name) as broker:
            broker.request("aimgt_change", what="disable")
        raise
    return [*lines, enabled]
