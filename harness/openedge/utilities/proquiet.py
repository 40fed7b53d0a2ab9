"""proquiet db-name [-C] { enable [nolock] | disable [markbackedup] | bithreshold n }

Emulates OpenEdge Database Management, PROQUIET utility (DOC; KB-P41028; KB-P102501; semantics §3.7, §6.3).
A client of the running broker: ``enable`` waits for in-flight transactions (they hold the broker's lock,
and a transaction stalled for an EMPTY AI extent holds its latch), then stops every new one and, with AI
enabled and without ``nolock``, switches AI so the quiet point is a clean AI boundary. ``disable`` lets
transactions run again (``markbackedup``: +1 backup counter).

``bithreshold n`` (also ``-bithreshold n``, as DOC's procedure writes it) sets the BI threshold in MB,
3 to 4294967295, during a quiet point only (the refusal outside one is an emulator choice from §3.7's
"while quiet"). The broker honours the threshold (``proserve -bithold n [-bistall]``): at it the database
shuts down, or with ``-bistall`` becomes quiet; a quiet point cannot be disabled while the BI is at the
threshold (code 3) until bithreshold raises it.

Return codes (KB-P41028): 0 success; enable: 2 single AI file, 3 the database is quiet at its BI threshold,
4 already requested (a first enable is still waiting), 5 AI switch failure, 6 already enabled; disable: 3
the BI threshold is reached, 7 not enabled; 16 no broker (or it shut down during the request).

A database that does not exist gets 43 and exit 1, as the other utilities do: an emulator choice, as
KB-P41028 lists no code for it. Every request is logged as its own session: 5569, what happened (the
refusal too), 5570 (emulator choice; the sheet gives the two texts, not when they are written).
"""

from __future__ import annotations

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import number_in, usage
from oedr.harness.openedge.engine import broker as brokers
from oedr.harness.openedge.engine import client
from oedr.harness.openedge.engine.database import read_control
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import OEError, StateError
from oedr.harness.openedge.hostinfo import tty, user_name
from oedr.harness.openedge.outcome import Outcome

SYNTAX = "proquiet db-name [-C] { enable [nolock] | disable [markbackedup] | bithreshold n }"


def parse(argv: list[str]) -> tuple[DbName, str, dict[str, object]]:
    """The database, the broker operation and its fields."""
    if not argv or argv[0].startswith("-"):
        raise usage("proquiet", "missing database name", SYNTAX)
    words = [w for w in argv[1:] if w != "-C"]
    action = words[0].lower() if words else ""
    rest = [w.lower() for w in words[1:]]
    if action == "enable" and rest in ([], ["nolock"]):
        return DbName.parse(argv[0]), "quiet_enable", {"nolock": rest == ["nolock"]}
    if action == "disable" and rest in ([], ["markbackedup"]):
        return DbName.parse(argv[0]), "quiet_disable", {"markbackedup": rest == ["markbackedup"]}
    if action in ("bithreshold", "-bithreshold") and len(rest) == 1:
        mb = number_in("proquiet", "bithreshold", rest[0], brokers.BITHOLD_MIN_MB, brokers.BITHOLD_MAX_MB)
        return DbName.parse(argv[0]), "bithreshold", {"mb": mb}
    raise usage("proquiet", f"unexpected {' '.join(words) or 'end of command'}", SYNTAX)


def _no_broker(error: OEError) -> bool:
    return any(b.number == m.NO_SERVER.number for b in error.messages)


def main(argv: list[str]) -> Outcome:
    name, op, fields = parse(argv)
    read_control(name)  # 43 for a database that does not exist, before looking for its broker
    try:
        with client.connect(name) as broker:
            broker.request(op, user=user_name(), tty=tty(), **fields)
    except OEError as error:
        if _no_broker(error):
            raise StateError(*error.messages, exit_status=brokers.QUIET_NO_BROKER) from None
        raise
    if op == "quiet_enable":
        return Outcome(0, [m.QUIET_ENABLED.bind()])
    if op == "quiet_disable":
        return Outcome(0, [m.QUIET_DISABLED.bind()])
    return Outcome(0, [m.BI_THRESHOLD.bind(mb=fields["mb"])])
