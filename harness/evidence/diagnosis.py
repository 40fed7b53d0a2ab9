"""What a failure most likely means, and what to do: one catalogue from a deciding message, in its context
(the command, the host, the numbers in the line), to the mistake in the runbook and its remedy.

The entries are the failure modes of the fact sheet (semantics.md §6.6, F1-F16) the emulator reproduces,
plus the emulator's own checks (damaged AI file, damaged backup, interrupted roll forward). The console
summary and the report show the diagnosis beside the failing command; it is a likely cause, worded as such,
never a verdict. ``tests/evidence/test_diagnosis.py`` runs the scenario that produces each entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oedr.harness.dba.emulator import messages as m

JSON = dict[str, Any]
_SEQUENCE = re.compile(r"Expected ai file number (?P<expected>\d+) but file specified is (?P<actual>\d+)")


def _numbers(*messages: m.Message) -> frozenset[int]:
    return frozenset(msg.number for msg in messages if msg.number is not None)


@dataclass(frozen=True)
class Entry:
    """One known mistake: the messages that reveal it, when it applies, and what to say."""

    key: str
    numbers: frozenset[int]
    mistake: str
    remedy: str
    source: str
    applies: Callable[[JSON], bool] = lambda failure: True


def _command(failure: JSON) -> str:
    return str(failure.get("command") or "")


def _sequence(failure: JSON) -> tuple[int, int] | None:
    found = _SEQUENCE.search(str(failure.get("line") or failure.get("message") or ""))
    return (int(found["expected"]), int(found["actual"])) if found else None


def _first_roll_forward_refused(failure: JSON) -> bool:
    numbers = _sequence(failure)
    return numbers is not None and numbers[0] == 1 and numbers[1] > 1


def _not_production(failure: JSON) -> bool:
    return failure.get("host") not in (None, "production")


def _opens_a_copy(failure: JSON) -> bool:
    return not _command(failure).startswith(("probkup", "prorest"))


CATALOGUE: tuple[Entry, ...] = (
    Entry(
        "sequence-skipped",
        _numbers(m.RF_EXPECTED_SEQ),
        "rfutil -C sequence was not run on the restored OS copy: it still expects AI file 1, which was "
        "written before the copy was taken.",
        "That first roll forward turned after-imaging off, so this copy is spent: copy (or restore) it again, "
        "run `rfutil DB -C sequence` on it, then roll forward.",
        "semantics §6.6 F1",
        _first_roll_forward_refused,
    ),
    Entry(
        "out-of-sequence",
        _numbers(m.RF_EXPECTED_SEQ),
        "AI files applied out of order: one was skipped or is missing from the chain, or the file was already applied.",
        "Apply the AI file the database expects (the first number in the message) and go on in order; nothing "
        "was changed. If that file is lost, recovery stops at the gap: take a new backup or copy.",
        "semantics §6.6 F8, F9, F10",
        lambda failure: _sequence(failure) is not None,
    ),
    Entry(
        "sequence-after-roll-forward",
        _numbers(m.AI_NOT_ENABLED),
        "rfutil -C sequence was run after a roll forward: the first roll forward turns after-imaging off, so "
        "there is nothing left to sequence.",
        "Run `rfutil DB -C sequence` once, right after the restore and before the first roll forward; after a "
        "successful roll forward go on with the next AI file; after a refused one, copy the database again.",
        "semantics §6.6 F2",
        lambda failure: "sequence" in _command(failure),
    ),
    Entry(
        "wrong-ai-file-dates",
        _numbers(m.RF_DB_CHANGED, m.RF_AI_EXPECTED, m.RF_DATES_DONT_MATCH),
        "The AI file does not belong to this copy: it spans the copy (no `rfutil -C aimage new` or quiet point "
        "before the copy was taken), the copy was started or used between the restore and the roll forward, "
        "or the file comes from another database or baseline.",
        "Restore the copy again and apply only the AI files written after it was taken; switch AI files right "
        "before the next copy, and never start the copy before rolling it forward.",
        "semantics §6.6 F3, F5",
    ),
    Entry(
        "torn-copy",
        _numbers(m.DB_DAMAGED),
        "The copy was taken while the database was being written (an online copy without a quiet point, or "
        "a job that touched it during the copy).",
        "Take the copy again with the database shut down (proshut) or under `proquiet DB enable`, and "
        "restore that copy.",
        "semantics §6.6 F4",
    ),
    Entry(
        "lock-file-copied",
        _numbers(m.IN_USE_MULTI, m.IN_USE_SINGLE),
        "The database's .lk file was copied with it: on the DR host it claims a broker that runs only on production.",
        "Make sure no broker serves the copy on the DR host, delete DB.lk there (it is production's lock), "
        "and run the command again.",
        "semantics §6.6 F6",
        _not_production,
    ),
    Entry(
        "extent-paths",
        _numbers(m.CANNOT_OPEN_FILE, m.MISSING_EXTENT, m.RELATIVE_PATH_STORED),
        "The control area points at files that are not there: `prostrct repair` was not run, was run with a "
        ".st of relative or wrong paths (or from another directory), or an extent was left out of the copy.",
        "Copy every extent (`prostrct list` on production lists them), write DB.st with the full path of each "
        "on this host, and run `prostrct repair DB DB.st` in the database's directory.",
        "semantics §6.6 F7",
        _opens_a_copy,
    ),
    Entry(
        "damaged-ai-file",
        _numbers(m.RF_DAMAGED),
        "The AI file was damaged or cut short on its way (copy, transfer, storage).",
        "Copy it again from production or its archive, and check it before applying it with "
        "`rfutil DB -C aimage scan verbose -a FILE`; the refused roll forward changed nothing.",
        "emulator check (notes' checksums); semantics §6.6 F12 for a file still being written",
    ),
    Entry(
        "empty-ai-extent",
        _numbers(m.RF_EMPTY_EXTENT),
        "An EMPTY AI extent was given to roll forward: the switch had not reached it, it holds no notes.",
        "Roll forward only the full extents, archived after `rfutil DB -C aimage new` (`rfutil DB -C aimage "
        "list` shows which are FULL).",
        "semantics §6.6 F11",
    ),
    Entry(
        "incremental-out-of-order",
        _numbers(m.INCR_COULD_DAMAGE),
        "An incremental backup was restored out of order or without the backup it follows.",
        "Restore the full backup, then every incremental in the order they were taken.",
        "semantics §6.6 F16",
    ),
    Entry(
        "damaged-backup",
        _numbers(m.BACKUP_DAMAGED),
        "The backup volume is damaged (in the copy to this host, or on its storage).",
        "Copy the backup again (or take it again) and check it with `prorest DB FILE -vp` before relying on it.",
        "emulator check (per-block checksums)",
    ),
    Entry(
        "past-the-endpoint",
        _numbers(m.RF_ENDPOINT),
        "An AI file was applied after a point-in-time roll forward had reached its endtime/endtrans point.",
        "Nothing can be applied after the point: to recover further, restore again and roll forward to a later point.",
        "semantics §6.6 F15",
    ),
    Entry(
        "interrupted-roll-forward",
        _numbers(m.RF_NEEDS_RETRY),
        "A roll forward was interrupted part-way (killed, or the host went down) and was started again as a "
        "new roll forward.",
        "Finish it with `rfutil DB -C roll forward retry -a FILE` on the same AI file, then go on in order.",
        "semantics §5.4",
    ),
)


def diagnose(failure: JSON) -> JSON | None:
    """The first catalogue entry that fits the deciding message of a failure, as a JSON record (or None)."""
    number = failure.get("number")
    for entry in CATALOGUE:
        if number in entry.numbers and entry.applies(failure):
            return {"key": entry.key, "mistake": entry.mistake, "remedy": entry.remedy, "source": entry.source}
    return None
