"""proutil db-name -C busy | holder | truncate bi | describe | enablesitereplication | disablesitereplication.

busy/holder read only the .lk (KB-000035390) and use the documented exit codes (KB-15584): busy 0/6,
holder 0/14/16. truncate bi recovers first when the last session crashed, then empties the BI.
"""

from __future__ import annotations

from collections.abc import Callable

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import number, split_qualifier, take_params, usage
from oedr.harness.openedge.clock import ctime
from oedr.harness.openedge.dbfiles import control, lockfile
from oedr.harness.openedge.engine import recovery
from oedr.harness.openedge.engine.database import Database, OpenOptions, lock_state, read_control
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import StateError, UsageError
from oedr.harness.openedge.hostinfo import host_name, pid_alive
from oedr.harness.openedge.outcome import Outcome

SYNTAX = "proutil db-name -C {busy|holder|truncate bi|describe|enablesitereplication|disablesitereplication}"
BUSY_IN_USE, BUSY_STARTING = 6, 64
HOLDER_SINGLE, HOLDER_MULTI = 14, 16
BI_BLOCK_KB, DEFAULT_BI_BLOCK_KB = (1, 2, 4, 8, 16), 8  # -biblocksize (semantics §3.3)


def _in_use_message(name: DbName, lock: lockfile.Lock) -> m.Bound:
    message = m.IN_USE_SINGLE if lock.mode == lockfile.SINGLE_USER else m.IN_USE_MULTI
    return message.bind(db=name.display)


def _no_words(qualifier: str, words: list[str]) -> None:
    """busy, holder and describe take no arguments: anything more is a usage error, not silently ignored."""
    if words:
        raise usage("proutil", f"unexpected {words[0]!r}", f"proutil db-name -C {qualifier}")


def busy(name: DbName, words: list[str]) -> Outcome:
    _no_words("busy", words)
    read_control(name)
    lock = lock_state(name)
    if lock is None:
        return Outcome(0, [m.NOT_IN_USE.bind(db=name.display)])
    if lock.mode == lockfile.STARTING:
        return Outcome(BUSY_STARTING, [_in_use_message(name, lock)])
    return Outcome(BUSY_IN_USE, [_in_use_message(name, lock)])


def holder(name: DbName, words: list[str]) -> Outcome:
    _no_words("holder", words)
    read_control(name)
    lock = lock_state(name)
    if lock is None:
        return Outcome(0, [m.NOT_IN_USE.bind(db=name.display)])
    status = HOLDER_SINGLE if lock.mode == lockfile.SINGLE_USER else HOLDER_MULTI
    return Outcome(status, [_in_use_message(name, lock)])


def truncate_bi(name: DbName, words: list[str]) -> Outcome:
    params, rest = take_params("proutil", words, with_value=["-G", "-bi", "-biblocksize"])
    if rest:
        raise usage(
            "proutil", f"unexpected {rest[0]!r}", "proutil db-name -C truncate bi [-G n] [-bi size] [-biblocksize size]"
        )
    for key, value in params.items():
        number("proutil", key, value)
    bi_block_size = _bi_block_size(params["-biblocksize"], read_control(name)) if "-biblocksize" in params else None
    db = Database.open(name, OpenOptions("proutil", log_session=True))
    with db.session():
        recovery.truncate_bi(db, bi_block_size)
        db.ctl.master.bistate = control.BI_TRUNCATED
        done = [m.BI_TRUNCATED.bind(db=name.display)]
        if "-bi" in params:
            done.append(m.BI_CLUSTER.bind(kb=params["-bi"]))
        db.log(*done)  # crash recovery has logged its own lines (1526) already
    return Outcome(0, [*db.messages, *done])


def _bi_block_size(value: str, ctl: control.Control) -> int:
    """-biblocksize in KB: 1, 2, 4, 8 or 16, 0 for the default (8), never below the database block size (§3.3)."""
    kb = int(value) or DEFAULT_BI_BLOCK_KB
    if kb not in BI_BLOCK_KB or kb * 1024 < ctl.master.block_size:
        raise UsageError(m.BI_BLOCK_SIZE.bind(value=value, db_kb=ctl.master.block_size // 1024))
    return kb * 1024


def describe(name: DbName, words: list[str]) -> Outcome:
    """The master-block facts a DBA checks before and after a DR step (DOC 12.5 sample, extended)."""
    _no_words("describe", words)
    ctl = read_control(name)
    master, ai = ctl.master, ctl.master.ai
    lock = lock_state(name)
    state = master.state
    if state == control.OPEN and (lock is None or (lock.host == host_name() and not pid_alive(lock.pid))):
        state = "crashed (needs crash recovery)"
    features = [
        f
        for f, on in (
            ("After Imaging", ai.enabled),
            ("AI Management", ai.management),
            (f"OpenEdge Replication ({master.replication})", bool(master.replication)),
            ("Large Files", True),
            ("64 Bit DBKEYS", True),
        )
        if on
    ]
    text = [
        "OpenEdge Database Description",
        "",
        f"Database Name               : {name.directory / name.stem}",
        f"Version                     : {master.dbversion}",
        f"Block Size                  : {master.block_size}",
        f"Create Date                 : {ctime(master.created)}",
        f"Last Open Date              : {ctime(master.last_open) if master.last_open else 'N/A'}",
        f"Prior Open Date             : {ctime(master.prior_open) if master.prior_open else 'N/A'}",
        f"Database State              : {state}",
        f"Last Change Date            : {ctime(master.lstmod)}",
        f"Changed Since Backup        : {'yes' if master.chgd else 'no'}",
        f"Backup Counter              : {master.backup.buseq}",
        f"Last Full Backup Date       : {ctime(master.backup.fbdate) if master.backup.fbdate else 'N/A'}",
        f"Last Incremental Backup     : {ctime(master.backup.ibdate) if master.backup.ibdate else 'N/A'}",
        f"After Imaging               : {'enabled' if ai.enabled else 'disabled'}",
        f"Current AI Sequence         : {ai.current_seq}",
        f"Expected AI Sequence        : {ai.expected}",
        f"Busy AI Extent              : {ai.busy_extent or 'N/A'}",
        f"Last AIMAGE BEGIN           : {ctime(ai.aibegin) if ai.aibegin else 'N/A'}",
        f"Last AIMAGE NEW             : {ctime(ai.ainew) if ai.ainew else 'N/A'}",
        f"Roll Forward In Progress    : {master.rf.in_progress_seq or 'no'}",
        f"Records                     : {master.records}",
        "",
        "Database Features",
        *[f"   {feature}" for feature in features],
    ]
    return Outcome(0, text=text)


def _replication(name: DbName, words: list[str], enable: bool) -> Outcome:
    role = words[0].lower() if words else ""
    if len(words) > 1:
        raise usage(
            "proutil", f"unexpected {words[1]!r}", "proutil db-name -C {enable|disable}sitereplication [source|target]"
        )
    if enable and role not in ("source", "target"):
        raise usage(
            "proutil",
            "enablesitereplication needs source or target",
            "proutil db-name -C enablesitereplication {source|target}",
        )
    if not enable and role not in ("", "source", "target"):
        raise usage("proutil", f"unexpected {words[0]!r}", "proutil db-name -C disablesitereplication [source|target]")
    db = Database.open(name, OpenOptions("proutil", log_session=True))
    with db.session():
        master = db.ctl.master
        if enable:
            if role == "source" and not master.ai.enabled:
                raise StateError(m.REPL_NEEDS_AI.bind())
            master.replication = role
            message = m.REPL_ENABLED.bind(db=name.display, role=role)
        else:
            if not master.replication:
                raise StateError(m.REPL_NOT_ENABLED.bind(db=name.display))
            master.replication = ""
            message = m.REPL_DISABLED.bind(db=name.display)
        db.log(message)
    return Outcome(0, [message])


QUALIFIERS: dict[str, Callable[[DbName, list[str]], Outcome]] = {
    "busy": busy,
    "holder": holder,
    "truncate bi": truncate_bi,
    "describe": describe,
    "enablesitereplication": lambda n, w: _replication(n, w, True),
    "disablesitereplication": lambda n, w: _replication(n, w, False),
}


def main(argv: list[str]) -> Outcome:
    q = split_qualifier("proutil", argv, QUALIFIERS, SYNTAX)
    return QUALIFIERS[q.qualifier](DbName.parse(q.db), q.words)
