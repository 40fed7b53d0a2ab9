"""proserve db-name [-S port] [...]: start the broker, ``_mprosrv``, as a real background process (semantics §3.1).

Startup parameters are accepted and recorded in the .lg (4234); ``-aistall`` changes what happens when
no EMPTY AI extent is left (§4.4). The command returns once the broker has opened the database, or
prints why it could not.
"""

from __future__ import annotations

import json
import os

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import usage
from oedr.harness.openedge.engine import aiarchiver, launch, wire
from oedr.harness.openedge.engine.database import read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import OEError
from oedr.harness.openedge.outcome import Outcome

SYNTAX = "proserve db-name [-S port] [-H host] [-n users] [-aistall] [...]"
FLAGS = {"-aistall", "-i", "-r", "-RO", "-aiarcdircreate"}
VALUED = {
    "-S",
    "-H",
    "-n",
    "-N",
    "-B",
    "-L",
    "-Ma",
    "-Mn",
    "-Mi",
    "-bithold",
    "-aiarcdir",
    "-aiarcinterval",
    "-minport",
    "-maxport",
    "-db",
    "-pf",
}  # startup parameters that take a value (DOC, startup reference)


def parse_params(words: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        if not word.startswith("-") or len(word) < 2:
            raise usage("proserve", f"unexpected {word!r}", SYNTAX)
        if word in FLAGS or i + 1 >= len(words) or words[i + 1].startswith("-"):
            if word in VALUED:
                raise usage("proserve", f"{word} needs a value", SYNTAX)
            params[word] = ""
            i += 1
        else:
            params[word] = words[i + 1]
            i += 2
    return params


def main(argv: list[str]) -> Outcome:
    if not argv or argv[0].startswith("-"):
        raise usage("proserve", "missing database name", SYNTAX)
    name = DbName.parse(argv[0])
    params = parse_params(argv[1:])  # refused here, before a broker is started; the broker parses the same words
    ctl = read_control(name)
    refuse_if_locked(name)
    aiarchiver.check_start(ctl, params)  # refused before the broker opens (and so changes) anything
    # The name as given (the broker runs in this cwd): its messages and its title name the database as the DBA did.
    proc, report = launch.start(name.given, argv[1:])
    with os.fdopen(report, "rb") as reader:
        line = reader.readline()  # the broker reports once the database is open (or refused)
    try:
        reply = json.loads(line) if line else None
    except ValueError:
        reply = None
    if reply is None:
        proc.wait()
        raise OEError(m.INTERNAL_ERROR.bind(detail=f"the broker exited with status {proc.returncode}"))
    messages = wire.unpack_messages(reply.get("messages", []))
    if not reply.get("ok"):
        proc.wait()
        raise OEError(*messages, exit_status=int(reply.get("status", 1)))
    return Outcome(0, messages)
