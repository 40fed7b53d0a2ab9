"""rfutil -C mark backedup and rfutil -C sequence (semantics §3.4, §2.1).

mark backedup: +1 on the backup counter, "changed since backup" cleared (KB-P121756; DOC).
sequence: expected AI sequence := current AI sequence, only while after-imaging is still enabled, i.e.
before the first roll forward (KB-P102501); logs 12428.
"""

from __future__ import annotations

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import usage
from oedr.harness.openedge.dbfiles import logfile
from oedr.harness.openedge.engine.database import Database, OpenOptions, read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import StateError
from oedr.harness.openedge.hostinfo import tty, user_name
from oedr.harness.openedge.outcome import Outcome


def _no_args(words: list[str], syntax: str) -> None:
    if words:
        raise usage("rfutil", f"unexpected {words[0]!r}", syntax)


def mark_backedup(name: DbName, words: list[str]) -> Outcome:
    _no_args(words, "rfutil db-name -C mark backedup")
    db = Database.open(name, OpenOptions("rfutil", log_session=True))
    with db.session():
        db.ctl.master.backup.buseq += 1
        db.ctl.master.chgd = False
        message = m.MARKED_BACKEDUP.bind(db=name.display)
        db.log(message)
    return Outcome(0, [*db.messages, message])


def sequence(name: DbName, words: list[str]) -> Outcome:
    _no_args(words, "rfutil db-name -C sequence")
    if not read_control(name).master.ai.enabled:
        # Refused before the database is opened, since an open spends a roll forward under way (§5.3) and
        # a refusal changes nothing; the .lg still shows the session: 451, the refusal (E), 334.
        refuse_if_locked(name)
        refusal = StateError(m.AI_NOT_ENABLED.bind(db=name.display))
        logfile.append(name.lg, "RFUTIL", m.SESSION_BEGIN.bind(utility="rfutil", user=user_name(), tty=tty()))
        logfile.append(name.lg, "RFUTIL", *refusal.messages, severity="E")
        logfile.append(name.lg, "RFUTIL", m.SESSION_END.bind(utility="rfutil"))
        refusal.logged = True
        raise refusal
    db = Database.open(name, OpenOptions("rfutil", log_session=True))
    with db.session():
        ai = db.ctl.master.ai
        if not ai.enabled:
            # KB-P102501: once the first roll forward has disabled AI the sequence cannot be corrected.
            raise StateError(m.AI_NOT_ENABLED.bind(db=name.display))
        message = m.AI_SEQUENCE_CHANGED.bind(old=ai.expected, new=ai.current_seq)
        ai.expected_seq = ai.current_seq
        db.log(message)
    return Outcome(0, [*db.messages, message])
