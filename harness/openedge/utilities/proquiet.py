"""proquiet db-name [-C] { enable [nolock] | disable [markbackedup] | bithreshold n }

Emulates OpenEdge Database Management, PROQUIET utility (DOC; KB-P41028; KB-P102501; semantics §3.7, §6.3).
A client of the running broker: ``enable`` waits for in-flight transactions (they hold the broker's lock),
then stops every new one and, with AI enabled and without ``nolock``, switches AI so the quiet point is
a clean AI boundary. ``disable`` lets transactions run again (``markbackedup``: +1 backup counter).

Return codes (KB-P41028): 0 success; enable: 2 single AI file, 4 already requested, 5 AI switch failure,
6 already enabled; disable: 7 not enabled; 16 no broker (or it died). Code 3 (BI threshold reached while
quiet) is not emulated.
"""

from __future__ import annotations

from harness.openedge import messages as m
from harness.openedge.argv import number, usage
from harness.openedge.engine import client
from harness.openedge.engine.dbname import DbName
from harness.openedge.errors import OEError, StateError
from harness.openedge.outcome import Outcome

SYNTAX = "proquiet db-name [-C] { enable [nolock] | disable [markbackedup] | bithreshold n }"
NO_BROKER = 16


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
    if action == "bithreshold" and len(rest) == 1:
        return DbName.parse(argv[0]), "bithreshold", {"mb": number("proquiet", "bithreshold", rest[0], minimum=1)}
    raise usage("proquiet", f"unexpected {' '.join(words) or 'end of command'}", SYNTAX)


def _no_broker(error: OEError) -> bool:
    return any(b.number == m.NO_SERVER.number for b in error.messages)


def main(argv: list[str]) -> Outcome:
    name, op, fields = parse(argv)
    try:
        with client.connect(name) as broker:
            broker.request(op, **fields)
    except OEError as error:
        if _no_broker(error):
            raise StateError(*error.messages, exit_status=NO_BROKER) from None
        raise
    if op == "quiet_enable":
        return Outcome(0, [m.QUIET_ENABLED.bind()])
    if op == "quiet_disable":
        return Outcome(0, [m.QUIET_DISABLED.bind()])
    return Outcome(0, [m.BI_THRESHOLD.bind(mb=fields["mb"])])
