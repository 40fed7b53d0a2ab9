"""rfutil db-name -C roll opunlock: end the protection of ``roll forward oplock`` (semantics §3.4).

DOC (ROLL OPUNLOCK): it "disables the protection mechanism, making the database accessible to other users
or utilities" and "completes the phases of the crash recovery"; "once OPUNLOCK disables protection, further
roll forward operations will fail". So it opens the database as any other opener would, which spends the
roll forward (``Database._spend_roll_forward``: the next file fails the date check, 831-833). It prints
"Target database has been unlocked during roll forward process.", then, when files had been applied or one
was being applied, "Roll forward process has been stopped with the opunlock option." (DOC texts, numbers
not found). A database that is not protected is refused (90135, emulator choice) and left untouched.
"""

from __future__ import annotations

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import usage
from oedr.harness.openedge.engine.database import Database, OpenOptions, read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import StateError
from oedr.harness.openedge.outcome import Outcome


def opunlock(name: DbName, words: list[str]) -> Outcome:
    if words:
        raise usage("rfutil", f"unexpected {words[0]!r}", "rfutil db-name -C roll opunlock")
    ctl = read_control(name)
    refuse_if_locked(name)
    if not ctl.master.rf.oplock:
        raise StateError(m.RF_NOT_OPLOCKED.bind(db=name.display))
    rolling = bool(ctl.master.rf.applied_files or ctl.master.rf.in_progress_seq)
    db = Database.open(name, OpenOptions("rfutil", opunlock=True, log_session=True))
    with db.session():
        db.ctl.master.rf.oplock = False
        lines = [m.RF_OPUNLOCKED.bind()] + ([m.RF_OPUNLOCK_STOPPED.bind()] if rolling else [])
        db.log(*lines)
    return Outcome(0, [*db.messages, *lines])
